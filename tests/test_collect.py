"""collect() end to end on a small demo sample: raw files -> importers -> tidy tables -> provenance."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from helpers import demo
from helpers.collect import Issues, collect, window_for, write_collected
from helpers.core import io
from helpers.core.errors import DataError


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    raw = demo.generate(2014, 5, tmp_path_factory.mktemp("raw") / "2014-s5-n10", sample=10,
                        scale=0.3)
    c = collect(2014, raw)
    out = tmp_path_factory.mktemp("out")
    write_collected(c, out, {"source": "demo"})
    return raw, c, out


def test_windows_from_published_yaml():
    assert window_for(2014) == (dt.date(2014, 4, 1), dt.date(2014, 6, 30))
    assert window_for(2013) == (dt.date(2013, 10, 1), dt.date(2013, 10, 31))
    assert window_for(2019) == (dt.date(2019, 4, 1), dt.date(2019, 6, 30))


def test_every_table_written_and_valid(run):
    raw, c, out = run
    assert c.demo and c.skips.empty
    for name in ("municipalities", "accounts", "posts", "citizen_messages", "survey_responses",
                 "website_audit"):
        df = io.read_table(name, out)
        assert len(df) > 0, name
    munis = io.read_table("municipalities", out)
    assert len(munis) == 10 and {"GM0344", "GM1924", "GM0717"} <= set(munis["gm_code"])
    posts = io.read_table("posts", out)
    assert set(posts["platform"]) == {"twitter", "facebook"}
    assert set(posts["kind"]) == {"original", "reply", "repost", "quote"}
    lo = pd.Timestamp("2014-03-31 22:00", tz="UTC")
    hi = pd.Timestamp("2014-06-30 22:00", tz="UTC")
    assert posts["created_at"].between(lo, hi, inclusive="left").all()


def test_provenance(run):
    raw, c, out = run
    prov = json.loads((out / "data" / "provenance.json").read_text())
    assert prov["demo"] is True and prov["seed"] == 5 and prov["skips"] == 0
    assert prov["window"] == ["2014-04-01", "2014-06-30"]
    assert prov["source"] == "demo"
    read = {k.split("/")[-1] for k in prov["inputs"]}
    assert {"accounts.csv", "timelines.jsonl", "mentions.jsonl", "posts.csv", "comments.csv",
            "demo.json"} <= read
    acc = next(k for k in prov["inputs"] if k.endswith("accounts.csv"))
    assert prov["inputs"][acc] == io.sha256(raw / "accounts.csv")


def test_anchors_measured_by_the_analysis_helpers(run):
    """Utrecht leads interaction; Goeree-Overflakkee then Veere are fastest (>= 20 questions)."""
    metrics = pytest.importorskip("helpers.analysis.metrics")
    rt = pytest.importorskip("helpers.analysis.responsetime")
    _, c, _ = run
    inter = metrics.interaction(c.tables["posts"])
    summary = metrics.interaction_summary(inter)
    assert summary["top_gm_code"] == "GM0344"
    assert summary["top_share"] == pytest.approx(0.85, abs=0.05)
    q = rt.questions(c.tables["citizen_messages"], window_for(2014))
    ranked = rt.fastest(rt.by_municipality(q))
    assert ranked.index[:2].tolist() == ["GM1924", "GM0717"]


def test_missing_source_folder_and_unknown_source(tmp_path, run):
    raw, _, _ = run
    with pytest.raises(ValueError, match="unknown sources"):
        collect(2014, raw, sources=("twitter", "myspace"))
    (tmp_path / "accounts.csv").write_text((raw / "accounts.csv").read_text())
    with pytest.raises(DataError, match="facebook/ is missing"):
        collect(2014, tmp_path, sources=("facebook",))


def test_issues_modes():
    issues = Issues("skip")
    issues.bad("f.csv", "rule x", row=3, column="c")
    assert issues.frame().to_dict("records") == [
        {"file": "f.csv", "row": 3, "column": "c", "rule": "rule x"}]
    with pytest.raises(DataError, match="row 3"):
        Issues("error").bad("f.csv", "rule x", row=3)
    with pytest.raises(ValueError):
        Issues("ignore")


def test_one_progress_line_per_source_with_counts_and_no_data(run, capsys):
    raw, c, _ = run
    capsys.readouterr()
    collect(2014, raw)  # outside a kernel: no progress lines (the command line's pre-flight)
    assert "[progress]" not in capsys.readouterr().out
    again = collect(2014, raw, progress_lines=True)
    lines = [x for x in capsys.readouterr().out.splitlines() if x.startswith("[progress] ")]
    assert [x.split(":")[0] for x in lines] == [f"[progress] {s}" for s in
                                                ("twitter", "facebook", "survey", "web")]
    tw = next(x for x in lines if x.startswith("[progress] twitter:"))
    n_posts = int((again.tables["posts"]["platform"] == "twitter").sum())
    n_msgs = int((again.tables["citizen_messages"]["platform"] == "twitter").sum())
    assert f"{n_posts:,} own posts, {n_msgs:,} citizen messages (" in tw
    survey = next(x for x in lines if x.startswith("[progress] survey:"))
    assert f"{len(again.tables['survey_responses']):,} survey answers (" in survey
    web = next(x for x in lines if x.startswith("[progress] web:"))
    assert f"{len(again.tables['website_audit']):,} audited sites (" in web
