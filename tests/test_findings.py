"""Findings are computed from the statistics: on data where the published pattern is reversed, the
analyses run and the finding sentences reverse; a non-significant difference is worded as such;
missing statistics give a "could not be computed" sentence."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import responsetime as rt
from helpers.analysis import survey as sv
from helpers.analysis import websites
from helpers.collect import webaudit
from helpers.present import findings


# --- response time: weekends answered slower (published) / faster (reversed) --------------------
def _questions(weekday_hours: np.ndarray, weekend_hours: np.ndarray) -> pd.DataFrame:
    t = np.concatenate([weekday_hours, weekend_hours])
    n = len(t)
    return pd.DataFrame({"gm_code": [f"GM{i % 20:04d}" for i in range(n)], "clock_hours": t,
                         "answered": np.ones(n, bool),
                         "weekend": np.arange(n) >= len(weekday_hours)})


def _response_finding(q: pd.DataFrame) -> tuple[str, dict]:
    clock = rt.summary(q)
    within = rt.within_shares(q, cutoffs=(2.0,)).set_index("base")
    text = findings.response_time(2014, clock, within=within.to_dict("index"))
    return text, clock


def test_weekend_slower_is_worded_as_published():
    rng = np.random.default_rng(1)
    text, clock = _response_finding(_questions(rng.exponential(5, 300), 40 + rng.exponential(5, 150)))
    assert clock["logrank_p"] < 1e-10
    assert "answered more slowly than weekday questions" in text
    assert "weekend questions raise the mean" in text


def test_weekend_faster_reverses_the_finding():
    rng = np.random.default_rng(2)
    text, clock = _response_finding(_questions(20 + rng.exponential(5, 300), rng.exponential(1, 150)))
    assert clock["weekend_km_median_hours"] < clock["weekday_km_median_hours"]
    assert "answered faster than weekday questions" in text
    assert "more slowly" not in text and "raise the mean" not in text
    assert "weekend questions lower the mean" in text


def test_no_weekend_difference_is_worded_as_not_significant():
    rng = np.random.default_rng(3)
    text, clock = _response_finding(_questions(rng.exponential(5, 200), rng.exponential(5, 100)))
    assert clock["logrank_p"] >= 0.05
    assert "no clear difference" in text and "faster" not in text and "more slowly" not in text


def test_response_bases_are_named_and_reconciled():
    q = _questions(np.array([1.0, 1.5, 3.0, 5.0]), np.array([30.0]))
    q.loc[4, "answered"] = False  # one unanswered question
    text, _ = _response_finding(q)
    # 2 of 4 answered within 2 h = 50% of answered; 2 of 5 = 40% of all questions
    assert "50% of the 4 answered questions" in text and "40% of all 5 questions" in text


# --- websites: larger municipalities offer more e-services (published) / smaller (reversed) ------
def _audit(eservices_of: dict[str, int]) -> pd.DataFrame:
    rules = websites.load_rules()
    rows = []
    for gm, k in eservices_of.items():
        row = {"year": 2014, "gm_code": gm, "website": f"https://{gm.lower()}.example/",
               "checked_on": pd.Timestamp("2014-09-01"), "pages_checked": 3}
        on = set(websites.INFO_ITEMS) | set(websites.ESERVICES[:k])
        for item in websites.ITEMS:
            row[item] = item in on
            row[f"{item}_url"] = f"https://{gm.lower()}.example/{item}" if item in on else None
        row.update(webaudit.scores(row, rules))
        rows.append(row)
    return webaudit.audit_frame(rows)


def _website_finding(reverse: bool, lang: str = "en") -> str:
    codes = [f"GM{i:04d}" for i in range(1, 31)]
    pop = np.linspace(5_000, 600_000, 30)
    services = np.round(np.linspace(0, 5, 30)).astype(int)
    if reverse:
        services = services[::-1]
    audit = _audit(dict(zip(codes, services.tolist(), strict=True)))
    munis = pd.DataFrame({"gm_code": codes, "population": pop})
    rel = websites.eservices_by_size(audit, munis)
    few = websites.few_eservices(audit)
    share = websites.in_order_share(audit)
    return findings.websites(
        2014, n_sites=len(audit), in_order_share=share["share"], in_order_low=share["ci_low"],
        in_order_high=share["ci_high"], eservice_mean=few["mean"],
        share_at_least=few["share_at_least"], min_services=few["min_services"], few=few["few"],
        size_rho=rel["rho"], size_p=rel["p"], lang=lang)


def test_websites_larger_more_eservices_as_published():
    text = _website_finding(reverse=False)
    assert "Larger municipalities offer more e-services" in text


def test_websites_smaller_more_eservices_reverses_the_finding():
    text = _website_finding(reverse=True)
    assert "Smaller municipalities offer more e-services" in text and "Larger" not in text
    assert "in order on 100% of 30 audited websites" in text


def test_websites_without_relation_say_so():
    text = findings.websites(2014, n_sites=30, in_order_share=0.8, in_order_low=0.6,
                             in_order_high=0.9, eservice_mean=1.0, share_at_least=0.1,
                             min_services=3, few=True, size_rho=0.05, size_p=0.8)
    assert "no clear relation with size" in text and "p = 0.8" in text


# --- survey: management least enthusiastic (published) / most (reversed) ------------------------
def _survey(high: tuple[str, ...], low: tuple[str, ...], n: int = 40, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(n)]})
    for g in sv.GROUPS:
        base = 4 if g in high else (2 if g in low else 3)
        df[f"enth_{g}"] = np.clip(base + rng.integers(-1, 2, n), 1, 5)
    return df


def _survey_finding(df: pd.DataFrame, lang: str = "en") -> str:
    dist = sv.enthusiasm_distribution(df)
    most, least = sv.extremes(dist.index, top=4, bottom=2)
    omnibus, _ = sv.within_respondent_tests(df)
    return findings.survey(
        n_respondents=len(df), n_municipalities=100, most=most.split(";"), least=least.split(";"),
        friedman_p=omnibus["p"], kendalls_w=omnibus["w"], ownership_share=float("nan"),
        ownership_low=None, ownership_high=None, ownership_n=0, lang=lang)


def test_survey_management_least_enthusiastic_as_published():
    df = _survey(high=("college", "raad", "communicatie", "kcc"),
                 low=("directie", "middenmanagement"))
    text = _survey_finding(df)
    assert "Management (directie and middenmanagement) is among the least enthusiastic" in text


def test_survey_management_most_enthusiastic_reverses_the_finding():
    df = _survey(high=("directie", "middenmanagement", "griffie", "vakafdelingen"),
                 low=("college", "raad"))
    text = _survey_finding(df)
    assert "is among the most enthusiastic" in text and "least enthusiastic." not in text
    assert "Management (directie and middenmanagement)" in text
    # the ownership share was not computed: said so, no crash
    assert "The ownership share could not be computed" in text


def test_survey_equal_groups_are_worded_as_no_difference():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({f"enth_{g}": rng.integers(1, 6, 25) for g in sv.GROUPS})
    text = _survey_finding(df)
    assert "show no clear difference" in text and "Management" not in text


# --- monitoring, interaction, presence ---------------------------------------------------------
def _mon_row(a: float, i: float, p: float) -> dict:
    return {"share_addressed": a, "n_addressed": 1000, "addressed_low": a - 0.05,
            "addressed_high": a + 0.05, "share_indirect": i, "n_indirect": 2000,
            "indirect_low": i - 0.02, "indirect_high": i + 0.02, "rd_low": a - i - 0.05,
            "rd_high": a - i + 0.05, "p": p}


def test_monitoring_direction_significance_and_platforms():
    text = findings.monitoring(2014, {"twitter": _mon_row(0.7, 0.05, 1e-40)}, pooled=False)
    assert "rarely react to what is not addressed to them" in text and "p < 1e-16" in text
    text = findings.monitoring(2014, {"twitter": _mon_row(0.1, 0.5, 1e-5)}, pooled=False)
    assert "react more often to indirect messages" in text
    text = findings.monitoring(2014, {"twitter": _mon_row(0.3, 0.28, 0.4)}, pooled=False)
    assert "no clear difference" in text
    fb = {"share_addressed": 0.6, "n_addressed": 50, "share_indirect": float("nan"),
          "n_indirect": 0}
    text = findings.monitoring(2014, {"facebook": fb, "all platforms": _mon_row(0.7, 0.05, 1e-9)},
                               pooled=False)
    assert "no indirect messages on Facebook" in text and "all platforms" not in text


def test_interaction_direction_and_bases():
    summary = {"pooled_share": 0.29, "pooled_low": 0.25, "pooled_high": 0.33, "median_share": 0.3,
               "n_ranked": 300, "min_base": 30, "n_base": 1000, "n_posts": 1200,
               "replies_share_of_all_posts": 0.241, "pooled_citizen_share": 0.27,
               "top_gm_code": "GM0344", "top_share": 0.848, "top_citizen_share": 0.838}
    text = findings.interaction(2014, summary, top_name="Utrecht")
    assert "broadcast more than they converse" in text and "megaphone share is 70%" in text
    assert "as a share of all 1,200 own posts that is 24.1%" in text
    assert "Utrecht, 84.8%" in text and "83.8% counting replies to citizens only" in text
    text = findings.interaction(2014, {**summary, "median_share": 0.8})
    assert "converse more than they broadcast" in text
    # a small year: nobody reaches the minimum base, the pooled share is still a finding
    small = {**summary, "median_share": float("nan"), "n_ranked": 0, "top_gm_code": None,
             "top_share": float("nan"), "pooled_share": 8 / 14, "n_base": 14, "n_posts": 19}
    text = findings.interaction(2016, small)
    assert text.startswith("No municipality has a base of 30 posts or more, so there is no median")
    assert "57% of own Twitter posts in the base" in text and "of 14" not in text
    assert "Highest" not in text and "could not be computed" not in text


def test_presence_size_effect_direction():
    kw = dict(n=403, twitter_count=390, twitter_share=390 / 403, twitter_low=0.94,
              twitter_high=0.98, facebook_share=0.75, facebook_corporate_share=0.6,
              size_low=1.5, size_high=3.0)
    assert "Larger municipalities more often" in findings.presence(
        2014, size_odds_ratio=2.1, size_p=1e-4, **kw)
    kw.update(size_low=0.2, size_high=0.6)
    assert "Smaller municipalities more often" in findings.presence(
        2014, size_odds_ratio=0.35, size_p=1e-4, **kw)
    kw.update(size_low=0.7, size_high=1.4)
    assert "no clear relation with size" in findings.presence(2014, size_odds_ratio=1.0,
                                                              size_p=0.9, **kw)


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA])
def test_missing_statistics_say_not_computed(value):
    assert findings.missing(value)
    text = findings.presence(2013, n=408, twitter_count=value, twitter_share=value,
                             twitter_low=value, twitter_high=value, facebook_share=value,
                             facebook_corporate_share=value, size_odds_ratio=value,
                             size_low=value, size_high=value, size_p=value,
                             reason="Facebook was not collected for 2013")
    assert "could not be computed: Facebook was not collected for 2013" in text
    assert "could not be computed" in findings.interaction(2013, {"pooled_share": value,
                                                                  "median_share": value})
    assert "could not be computed" in findings.response_time(2013, {"n_questions": 0})
    assert "could not be computed" in findings.monitoring(2013, {}, pooled=False)
    assert "could not be computed" in findings.websites(
        2013, n_sites=0, in_order_share=value, in_order_low=value, in_order_high=value,
        eservice_mean=value, share_at_least=value, min_services=3, few=value, size_rho=value,
        size_p=value)
    assert not math.isnan(0.0) and not findings.missing(0.0)


def test_show_records_the_finding_for_the_report():
    class FakeRun:
        notebook = "websites"

        def __init__(self):
            self.records = []

        def record(self, name, value, unit, note=""):
            self.records.append((name, value, unit))
            return value

    run = FakeRun()
    out = findings.show(run, "Most sites are fine.")
    assert run.records == [("finding_websites", "Most sites are fine.", "finding")]
    assert out.data == "**Finding.** Most sites are fine."


def test_eservices_by_size_is_spearman_on_population():
    from scipy.stats import spearmanr

    audit = _audit({"GM0001": 0, "GM0002": 1, "GM0003": 1, "GM0004": 4, "GM0005": 2})
    munis = pd.DataFrame({"gm_code": ["GM0001", "GM0002", "GM0003", "GM0004", "GM0005"],
                          "population": [1_000.0, 5_000.0, 2_000.0, 90_000.0, None]})
    out = websites.eservices_by_size(audit, munis)
    ref = spearmanr([1_000, 5_000, 2_000, 90_000], [0, 1, 1, 4])
    assert out["n"] == 4  # the municipality without a population is left out
    assert out["rho"] == pytest.approx(ref.statistic) and out["p"] == pytest.approx(ref.pvalue)


def test_note_or_na():
    assert findings.note_or_na(0.3, "base 10", "no posts") == "base 10"
    assert findings.note_or_na(float("nan"), "base 10", "no posts") == "NA: no posts"
    assert findings.note_or_na(None, "base 10", "no posts") == "NA: no posts"


def test_collection_says_what_was_read_and_left_out():
    text = findings.collection(2016, demo=False, sources=("twitter", "survey"),
                               not_collected=("facebook", "web"), n_files=11,
                               rows={"posts": 19, "citizen_messages": 13, "survey_responses": 5},
                               n_skipped=4)
    assert text == (
        "In 2016, Twitter and the staff survey were read from the researcher's raw files (11 input "
        "files) into schema-checked tables (posts 19; citizen messages 13; survey responses 5). "
        "4 items were left out, each listed with file, row, column and rule in data/skips.csv. "
        "Not collected: Facebook and the website crawl.")
    demo = findings.collection(2014, demo=True, sources=("web",), not_collected=(), n_files=1,
                               rows={"website_audit": 403}, n_skipped=0)
    assert "the website crawl was read from the synthetic demo data" in demo
    assert demo.endswith("Nothing was left out.") and "Not collected" not in demo


def test_replication_all_within_some_outside_and_nothing_published():
    assert findings.replication(2014, within=18, total=18, demo=True) == (
        "All 18 published figures of 2014 are reproduced within tolerance (as expected: the demo "
        "data is calibrated to them).")
    text = findings.replication(2014, within=16, total=18, outside=["fastest", "mean_hours"])
    assert text.startswith("16 of 18 published figures of 2014 are reproduced within tolerance")
    assert "outside it: fastest and mean_hours." in text and "generator" not in text
    assert "generator" in findings.replication(2014, within=16, total=18, outside=["x"], demo=True)
    assert findings.replication(2016, within=0, total=0) == (
        "Nothing was published for 2016, so there is nothing to compare with.")
