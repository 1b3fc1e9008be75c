"""A researcher's own year, end to end: ``roeptoeter run --year 2016`` on a small drop-in year written by
hand in the real tools' formats (``tests/fixtures/dropin/2016/``; not made by the demo generator).

The year holds what a researcher without Facebook exports or a web crawl would have:

- ``accounts.csv``: five municipalities valid on 1 January 2016;
- ``twitter/``: twarc2 full-archive *search* pages (own tweets and mentions), a ``tweets.js`` archive,
  ``twarc2 flatten`` lines, an ``errors`` entry, a duplicate and a ``.ipynb_checkpoints`` copy
  (described in ``tests/test_dropin_twitter.py``);
- ``survey/``: a LimeSurvey-style CSV export with its own column names, 9 = "weet niet", ``rol`` 3 =
  "anders", a third monitoring item, and its ``codebook.yaml`` (``tests/test_survey_codebook.py``);
- no ``facebook/`` and no ``web/``.

Nothing is passed with ``-p``: raw data wins over the demo, and the sources are those present. The
figures checked below were computed by hand from the fixture files (the computation is in the
comments and, in more detail, in the two tests named above).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _project import copy_project

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "dropin" / "2016"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dropin(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    root = copy_project(tmp_path_factory.mktemp("dropin"), raw={"2016": FIX})
    env = {**os.environ, "ROEPTOETER_ROOT": str(root)}
    done = subprocess.run([sys.executable, "-m", "helpers", "run", "--year", "2016", "--jobs", "2"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=1200)
    return root, done


def _records(root: Path) -> dict[str, str]:
    rec = pd.read_csv(root / "outputs" / "2016" / "tables" / "records.csv", dtype=str,
                      keep_default_na=False)
    return dict(zip(rec["name"], rec["value"], strict=True))


def test_the_year_runs_on_the_raw_files_and_says_so_first(dropin):
    root, done = dropin
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == (
        "2016: raw data from data/raw/2016/ (sources found: twitter, survey; not collected: "
        "facebook, web)")
    manifest = json.loads((root / "outputs" / "2016" / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert all(nb["status"] == "ok" for nb in manifest["notebooks"].values())
    prov = json.loads((root / "outputs" / "2016" / "data" / "provenance.json").read_text())
    assert prov["demo"] is False and prov["sources"] == ["twitter", "survey"]


def test_the_report_names_what_was_not_collected(dropin):
    root, _ = dropin
    html = (root / "outputs" / "2016" / "report.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "DEMO DATA" not in text
    assert re.search(r"not collected[^.]*Facebook", text, re.I), "the report names Facebook"
    assert re.search(r"not collected[^.]*(web|website)", text, re.I), "the report names the web crawl"
    index = (root / "outputs" / "index.html").read_text(encoding="utf-8")
    assert "not collected" in index
    tables = {p.stem for p in (root / "outputs" / "2016" / "tables").glob("*.csv")}
    assert not {t for t in tables if t.startswith("website_")}, "no website tables without a crawl"


def test_figures_computed_by_hand(dropin):
    root, _ = dropin
    rec = _records(root)
    # Twitter: 9 citizen questions, 6 answered (tests/test_dropin_twitter.py)
    assert int(rec["n_questions"]) == 9
    assert float(rec["answer_rate"]) == pytest.approx(6 / 9)
    # first-reply delays of the answered questions, clock hours: 1.5, 2.0, 1.5, 45, 0.75, 1/3
    assert float(rec["response_mean_hours"]) == pytest.approx((1.5 + 2 + 1.5 + 45 + 0.75 + 1 / 3) / 6)
    # interaction: replies to others / (replies to others + originals), pooled over municipalities:
    # Utrecht 4/6, Veere 1/2, Zwolle 1/3, Goeree-Overflakkee 2/3 -> 8/14
    assert float(rec["interaction_pooled_share"]) == pytest.approx(8 / 14)
    # nobody has the minimum base of 30 posts: no median, but the pooled share is the finding
    assert rec["finding_interaction"].startswith("No municipality has a base of 30 posts or more")
    assert "57% of own Twitter posts in the base" in rec["finding_interaction"]
    # survey: 5 respondents; "fully communications" 3 of 4 valid answers (1 "weet niet")
    assert int(rec["survey_respondents"]) == 5
    assert float(rec["ownership_fully_communications_share"]) == pytest.approx(0.75)
    # alpha of the three monitoring items (the export's extra item included), k=3, n=4:
    # item variances 1.0 + 1.0 + 0.9167 = 2.9167 (x3/3 ...) -> 112.5 / 116 (test_survey_codebook.py)
    assert float(rec["alpha_monitoring"]) == pytest.approx(112.5 / 116)
    # skips: one duplicate tweet, the suspended account, a deleted tweet, an archive tweet before
    # the window -- counted, never raised
    skips = pd.read_csv(root / "outputs" / "2016" / "data" / "skips.csv")
    assert len(skips) == 4
    assert int(rec["n_skipped"]) == 4


def test_no_citizen_or_respondent_identity_in_outputs(dropin):
    root, _ = dropin
    export = (FIX / "survey" / "export_2016.csv").read_text(encoding="utf-8")
    header = export.splitlines()[0].split(",")
    assert any("ipaddr" in h for h in header)
    # citizens' handles, names and texts; the survey's IP address, token, signature and e-mail
    planted = [b"fictief_", b"Strand Ganger", b"Is de milieustraat", b"198.51.100.23", b"tk7Qm2xPa9",
               b"Marieke de Vries", b"marieke.devries@example.nl"]
    for token in planted:
        assert any(token.decode() in p.read_text(encoding="utf-8") for p in FIX.rglob("*")
                   if p.is_file()), token  # the token is really in the raw files
    for path in (root / "outputs").rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            for token in planted:
                assert token not in blob, (path, token)


def test_the_terminal_shows_one_progress_line_per_source_read(dropin):
    """Through the command a researcher types: the collection's progress, counted from the tables."""
    root, done = dropin
    lines = [x for x in done.stdout.splitlines() if x.startswith("2016 01_collect: ")]
    assert [x.split(": ")[1] for x in lines] == ["twitter", "survey"]
    data = root / "outputs" / "2016" / "data"
    posts, msgs = (pd.read_parquet(data / f"{t}.parquet") for t in ("posts", "citizen_messages"))
    assert f"{len(posts):,} own posts, {len(msgs):,} citizen messages (" in lines[0]
    answers = len(pd.read_parquet(data / "survey_responses.parquet"))
    assert f"{answers:,} survey answer{'' if answers == 1 else 's'} (" in lines[1]
    assert "[progress]" not in done.stdout and "IPKernelApp" not in done.stdout + done.stderr
