"""Any subset of sources makes a complete year: the batch runner on a small demo year (30
municipalities) with only some sources collected.

Each run must finish with every notebook ``ok``, a ``report.html`` and an index that name the sources
not collected, the notebooks of the missing sources must say "not collected for 2014", and no table
or figure of a missing source may be written (no empty files standing in for data that was never
collected).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from _project import copy_project

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = 30
NOTEBOOKS = {"01_collect", "02_presence", "03_interaction", "04_response_time", "05_monitoring",
             "06_survey", "07_websites", "08_report", "09_platforms"}
#: Output name prefixes of the notebooks that analyse each source.
PREFIXES = {
    "social": ("presence_", "interaction_", "megaphone_", "post_mix", "response_", "monitoring_",
               "platform_"),
    "survey": ("survey_",),
    "web": ("website_",),
}
#: The one empty table 01_collect writes whatever was collected: the skips (none is a result).
COLLECT_TABLES = {"collect_skips"}


def _run(root: Path, sources: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "helpers", "run", "--year", "2014", "-p", f"demo_sample={SAMPLE}",
           "-p", f"sources={sources}", "--jobs", "2"]
    env = {**os.environ, "ROEPTOETER_ROOT": str(root)}
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=900)


def _markdown_outputs(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return "\n".join("".join(o.get("data", {}).get("text/markdown", ""))
                     for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"])


def _text(html: str) -> str:
    import re

    html = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sources", "skipped", "missing"),
    [
        # survey only: every social notebook and the website notebook say "not collected"
        ("survey", ["02_presence", "03_interaction", "04_response_time", "05_monitoring",
                    "07_websites", "09_platforms"], ["social", "web"]),
        # Twitter only: the survey and the websites are missing, Facebook is not counted as absent
        ("twitter", ["06_survey", "07_websites"], ["survey", "web"]),
    ],
)
def test_a_year_with_some_sources_runs_completely(tmp_path, sources, skipped, missing):
    root = copy_project(tmp_path)
    done = _run(root, sources)
    assert done.returncode == 0, done.stdout + done.stderr
    year = root / "outputs" / "2014"
    manifest = json.loads((year / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert {n: nb["status"] for n, nb in manifest["notebooks"].items()} == dict.fromkeys(NOTEBOOKS, "ok")
    for name in skipped:
        shown = _markdown_outputs(year / "notebooks" / f"{name}.ipynb")
        assert "**Not collected for 2014:**" in shown, name
    for name in NOTEBOOKS - set(skipped) - {"01_collect", "08_report"}:
        assert "Not collected" not in _markdown_outputs(year / "notebooks" / f"{name}.ipynb"), name
    # nothing written for a source that was not collected, and no empty table at all
    written = [p for d in ("tables", "figures") for p in sorted((year / d).glob("*"))]
    for kind in missing:
        assert not [p.name for p in written if p.name.startswith(PREFIXES[kind])], kind
    for csv in (year / "tables").glob("*.csv"):
        if csv.stem not in COLLECT_TABLES:
            assert len(pd.read_csv(csv)) > 0, f"empty table {csv.name}"
    # the report and the index name what was not collected
    report = _text((year / "report.html").read_text(encoding="utf-8"))
    expected = {"survey": "Twitter, Facebook, the website crawl",
                "twitter": "Facebook, the staff survey, the website crawl"}[sources]
    assert f"Not collected for 2014: {expected}." in report
    index = _text((root / "outputs" / "index.html").read_text(encoding="utf-8"))
    assert f"not collected: {expected}" in index
    records = pd.read_csv(year / "tables" / "records.csv")
    if sources == "twitter":  # a platform not collected is NA with the reason, never 0
        fb = records.set_index("name").loc["facebook_share"]
        assert pd.isna(fb["value"]) and fb["note"] == "NA: facebook not collected for 2014"
        assert not (year / "tables" / "presence_by_platform.csv").read_text().count("facebook")
