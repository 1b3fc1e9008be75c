"""The social-media demo writer: real formats, synthetic markers, exact presence counts, determinism."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from helpers.core import register
from helpers.demo import rng_for, select_municipalities, social


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    munis = select_municipalities(2014, seed=3, sample=8)
    out = []
    for name in ("a", "b"):
        dest = tmp_path_factory.mktemp(name)
        social.write_raw(munis, 2014, rng_for(3, 2014, "social"), dest, 0.2)
        out.append(dest)
    return out


def test_byte_identical_for_the_same_seed(written):
    a, b = written
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert [str(f) for f in files] == ["accounts.csv", "facebook/comments.csv", "facebook/posts.csv",
                                       "twitter/mentions.jsonl", "twitter/timelines.jsonl"]
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_twarc_pages_are_marked_synthetic_and_well_formed(written):
    pages = [json.loads(x) for x in (written[0] / "twitter" / "timelines.jsonl").open()]
    assert pages
    for page in pages:
        assert page["__twarc"]["synthetic"] is True
        assert set(page) == {"data", "includes", "meta", "__twarc"}
        assert page["meta"]["result_count"] == len(page["data"]) <= 100
        for t in page["data"]:
            assert t["created_at"].endswith("Z") and len(t["created_at"]) == 24
            assert t["lang"] == "nl"
    kinds = {r["type"] for p in pages for t in p["data"] for r in t.get("referenced_tweets", [])}
    assert kinds == {"replied_to", "quoted", "retweeted"}


def test_csv_exports_carry_the_marker(written):
    for name in ("accounts.csv", "facebook/posts.csv", "facebook/comments.csv"):
        rows = list(csv.DictReader((written[0] / name).open(encoding="utf-8")))
        assert rows and all(r["synthetic"] == "true" or r["synthetic"] == "True" for r in rows)


def test_exact_presence_counts_2014_and_2015():
    for year, tw, fb_any, fb_corp in ((2014, 390, 302, 234), (2015, 383, 350, 271)):
        munis = register.municipalities(year)
        plan = social._plan(munis, year, np.random.default_rng(1), social.params_for(year))
        assert int(plan.twitter.sum()) == tw
        assert int(plan.fb_any.sum()) == fb_any and int(plan.fb_corp.sum()) == fb_corp
        assert not (plan.fb_corp & ~plan.fb_any).any()


def test_office_time_arithmetic():
    lo, hi = social.window_ms(2014)
    cal = social.Calendar.build(lo, hi, 8.5, 17.0, False, set())
    # Friday 4 April 2014 16:30 CEST (14:30 UTC) + 1 office hour -> Monday 7 April 09:00 CEST
    fri = np.array([np.datetime64("2014-04-04T14:30:00", "ms").astype(np.int64)])
    got = cal.add(fri, np.array([3_600_000]))
    assert np.datetime64(int(got[0]), "ms") == np.datetime64("2014-04-07T07:00:00", "ms")


def test_years_outside_the_editions_are_extrapolated():
    assert social.params_for(2020).extrapolated and not social.params_for(2014).extrapolated
