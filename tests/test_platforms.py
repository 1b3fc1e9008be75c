"""The cross-platform comparison (helpers.analysis.platforms) on a hand-made year.

Two platforms (Twitter, Mastodon), three municipalities; every expected value below is counted or
computed by hand (Wilson bounds from the textbook formula, not from the library).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from helpers.analysis import platforms as pf

WINDOW = ("2025-01-06", "2025-01-12")  # Monday-Sunday; ends 2025-01-13 00:00 Amsterdam = 23:00 UTC
Z = 1.959963984540054


def wilson(k: int, n: int) -> tuple[float, float]:
    """The Wilson score interval, written out."""
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


def _posts() -> pd.DataFrame:
    rows = (
        # GM0001 on Twitter: 3 originals, 1 reply to a citizen, 1 repost, 1 reply in its own thread
        [("twitter", "GM0001", "original", None)] * 3
        + [("twitter", "GM0001", "reply", "citizen"), ("twitter", "GM0001", "repost", None),
           ("twitter", "GM0001", "reply", "self")]
        # GM0001 on Mastodon: 1 original, 1 reply to a citizen
        + [("mastodon", "GM0001", "original", None), ("mastodon", "GM0001", "reply", "citizen")]
        # GM0002 on Twitter only: 1 original, 1 quote, 2 replies to organisations
        + [("twitter", "GM0002", "original", None), ("twitter", "GM0002", "quote", None)]
        + [("twitter", "GM0002", "reply", "organisation")] * 2
        # GM0003 on Mastodon only: 1 original, 3 replies to citizens
        + [("mastodon", "GM0003", "original", None)] + [("mastodon", "GM0003", "reply", "citizen")] * 3
        # not in the register: left out
        + [("twitter", "GM9999", "reply", "citizen")]
    )
    df = pd.DataFrame(rows, columns=["platform", "gm_code", "kind", "reply_to"])
    df.insert(0, "post_id", [f"p{i}" for i in range(len(df))])
    return df


def _messages() -> pd.DataFrame:
    t = pd.Timestamp
    rows = [
        # GM0001 Twitter: answered after 2 h and after 4 h
        ("twitter", "GM0001", t("2025-01-06 10:00", tz="UTC"), True, True, t("2025-01-06 12:00", tz="UTC")),
        ("twitter", "GM0001", t("2025-01-07 10:00", tz="UTC"), True, True, t("2025-01-07 14:00", tz="UTC")),
        # not questions / not addressed: never timed
        ("twitter", "GM0001", t("2025-01-07 11:00", tz="UTC"), True, False, pd.NaT),
        ("twitter", "GM0002", t("2025-01-07 11:00", tz="UTC"), False, True, pd.NaT),
        # GM0001 Mastodon: unanswered, censored at 2025-01-12 23:00 UTC = 110 h
        ("mastodon", "GM0001", t("2025-01-08 09:00", tz="UTC"), True, True, pd.NaT),
        # GM0003 Mastodon: 1 h, 3 h, unanswered (censored after 86 h)
        ("mastodon", "GM0003", t("2025-01-06 08:00", tz="UTC"), True, True, t("2025-01-06 09:00", tz="UTC")),
        ("mastodon", "GM0003", t("2025-01-06 08:00", tz="UTC"), True, True, t("2025-01-06 11:00", tz="UTC")),
        ("mastodon", "GM0003", t("2025-01-09 09:00", tz="UTC"), True, True, pd.NaT),
    ]
    df = pd.DataFrame(rows, columns=["platform", "gm_code", "created_at", "addressed", "is_question",
                                     "first_reply_at"])
    df["first_reply_at"] = pd.to_datetime(df["first_reply_at"], utc=True)
    return df


REGISTER = pd.DataFrame({"gm_code": ["GM0001", "GM0002", "GM0003"], "name": ["A", "B", "C"]})


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pf.compare(_posts(), _messages(), WINDOW, REGISTER, min_base=3, min_questions=2)


def _row(table: pd.DataFrame, platform: str, gm_code: str | None) -> pd.Series:
    if gm_code is None:
        return pf.pooled(table).loc[platform]
    rows = table[(table["platform"] == platform) & (table["gm_code"] == gm_code)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_rows_are_municipality_by_platform_then_pooled(table):
    assert list(table.columns) == list(pf.COLUMNS)
    assert list(zip(table["platform"], table["gm_code"].fillna("-"), strict=True)) == [
        ("twitter", "GM0001"), ("twitter", "GM0002"), ("twitter", "-"),
        ("mastodon", "GM0001"), ("mastodon", "GM0003"), ("mastodon", "-"),
    ]
    assert list(pf.pooled(table)["n_municipalities"]) == [2, 2]


def test_interaction_per_municipality(table):
    tw1 = _row(table, "twitter", "GM0001")  # 1 reply to others / (1 + 3 originals)
    assert (tw1["posts"], tw1["reply_others"], tw1["base"]) == (6, 1, 4)
    assert tw1["interaction_share"] == pytest.approx(0.25)
    low, high = wilson(1, 4)
    assert tw1["interaction_low"] == pytest.approx(low)
    assert tw1["interaction_high"] == pytest.approx(high)
    assert bool(tw1["interaction_ranked"])  # base 4 >= min_base 3
    tw2 = _row(table, "twitter", "GM0002")  # quotes count as originals: 2 / (2 + 2)
    assert (tw2["posts"], tw2["base"], tw2["interaction_share"]) == (4, 4, 0.5)
    ma1 = _row(table, "mastodon", "GM0001")  # 1 / 2, below the minimum base
    assert ma1["interaction_share"] == pytest.approx(0.5)
    assert not bool(ma1["interaction_ranked"])
    assert _row(table, "mastodon", "GM0003")["interaction_share"] == pytest.approx(0.75)


def test_pooled_interaction_is_the_ratio_estimator(table):
    tw = _row(table, "twitter", None)
    assert (tw["reply_others"], tw["base"]) == (3, 8)
    assert tw["interaction_share"] == pytest.approx(3 / 8)
    ma = _row(table, "mastodon", None)
    assert ma["interaction_share"] == pytest.approx(4 / 6)
    # Mastodon: residuals 1 - 2/3*2 = -1/3 and 3 - 2/3*4 = 1/3; var = 2/1 * (2/9) / 36;
    # half-width t(1 df, 0.975) = 12.706 * se: clipped to [0, 1]
    assert (ma["interaction_low"], ma["interaction_high"]) == (0.0, 1.0)


def test_questions_answer_rate_and_km_median(table):
    tw1 = _row(table, "twitter", "GM0001")
    assert (tw1["n_questions"], tw1["n_answered"], tw1["answer_rate"]) == (2, 2, 1.0)
    # S = 0.5 exactly after 2 h, next event at 4 h: R survival's midpoint, 3 h
    assert tw1["km_median_hours"] == pytest.approx(3.0)
    assert bool(tw1["response_ranked"])
    tw2 = _row(table, "twitter", "GM0002")
    assert tw2["n_questions"] == 0
    assert np.isnan(tw2["answer_rate"]) and np.isnan(tw2["km_median_hours"])
    ma1 = _row(table, "mastodon", "GM0001")  # one question, censored: no median
    assert (ma1["n_questions"], ma1["n_answered"], ma1["answer_rate"]) == (1, 0, 0.0)
    assert np.isnan(ma1["km_median_hours"])
    ma3 = _row(table, "mastodon", "GM0003")  # S: 2/3 after 1 h, 1/3 after 3 h
    assert ma3["answer_rate"] == pytest.approx(2 / 3)
    low, high = wilson(2, 3)
    assert (ma3["answer_low"], ma3["answer_high"]) == (pytest.approx(low), pytest.approx(high))
    assert ma3["km_median_hours"] == pytest.approx(3.0)


def test_pooled_km_median_over_all_questions_of_the_platform(table):
    assert _row(table, "twitter", None)["km_median_hours"] == pytest.approx(3.0)
    ma = _row(table, "mastodon", None)
    assert (ma["n_questions"], ma["n_answered"], ma["answer_rate"]) == (4, 2, 0.5)
    # times 1 (reply), 3 (reply), 86 and 110 h (censored): S = 3/4, then exactly 1/2 after 3 h and
    # flat to the last observation (110 h): midpoint (3 + 110) / 2
    assert ma["km_median_hours"] == pytest.approx(56.5)


def test_multi_platform_keeps_municipalities_on_two_platforms(table):
    both = pf.multi_platform(table)
    assert list(both["gm_code"]) == ["GM0001", "GM0001"]
    assert list(both["platform"]) == ["twitter", "mastodon"]
    assert list(both["n_platforms"]) == [2, 2]


def test_only_the_platforms_asked_for_and_an_empty_year():
    one = pf.compare(_posts(), _messages(), WINDOW, REGISTER, platforms=["mastodon"])
    assert set(one["platform"]) == {"mastodon"}
    empty = pf.compare(_posts().iloc[:0], _messages().iloc[:0], WINDOW, REGISTER)
    assert empty.empty and list(empty.columns) == list(pf.COLUMNS)


def test_without_register_every_code_counts():
    table = pf.compare(_posts(), _messages(), WINDOW)
    assert "GM9999" in set(table["gm_code"])


@pytest.mark.parametrize(
    ("platform", "collected", "expected"),
    [
        ("auto", ("twitter", "facebook", "survey"), "twitter"),
        ("auto", ("facebook", "mastodon", "bluesky", "web"), "mastodon"),
        ("auto", ("facebook", "bluesky"), "bluesky"),
        ("auto", ("facebook",), "facebook"),
        ("auto", ("survey", "web"), None),
        ("facebook", ("twitter",), "facebook"),  # an explicit choice stays; require() says "not collected"
    ],
)
def test_choose_the_platform(platform, collected, expected):
    assert pf.choose(platform, collected) == expected


def test_required_and_collected_platforms():
    assert pf.required("auto") == ("twitter", "mastodon", "bluesky", "facebook")
    assert pf.required("bluesky") == ("bluesky",)
    assert pf.collected_platforms(["web", "bluesky", "twitter", "survey"]) == ["twitter", "bluesky"]
    assert pf.platform_name("mastodon") == "Mastodon"


def test_leaders_within_municipalities():
    table = pf.compare(_posts(), _messages(), WINDOW, REGISTER, min_base=2, min_questions=1)
    # GM0001 is the only municipality on two platforms: 0.5 on Mastodon against 0.25 on Twitter
    assert pf.leaders(table).to_dict() == {"mastodon": 1}
    # its Mastodon median is not reached (no reply): no pair to compare
    assert pf.leaders(table, "km_median_hours", highest=False).empty
    # answer rates 1.0 on Twitter against 0.0 on Mastodon
    assert pf.leaders(table, "answer_rate").to_dict() == {"twitter": 1}
    tie = table.copy()
    tie.loc[tie["gm_code"] == "GM0001", "interaction_share"] = 0.4
    assert pf.leaders(tie).to_dict() == {"tie": 1}
    # with the default minimum base (3) GM0001's two Mastodon posts do not qualify
    assert pf.leaders(pf.compare(_posts(), _messages(), WINDOW, REGISTER, min_base=3)).empty


# --- the finding, the figure and the trends -------------------------------------------------------
def test_finding_orders_platforms_and_says_when_intervals_overlap(table):
    from helpers.present import platform_findings

    text = platform_findings.comparison(2025, table, collected=["twitter", "mastodon"], min_base=3)
    # pooled interaction: Mastodon 4/6 = 67% before Twitter 3/8 = 38%; both intervals are [0, 1]
    assert text.startswith("In 2025 municipalities interacted most on Mastodon (67%")
    assert "then Twitter (38%" in text and "overlap: no clear difference" in text
    # medians: Twitter 3.0 h before Mastodon 56.5 h
    assert "soonest on Twitter (median 3.0 h" in text and "then Mastodon (median 56.5 h" in text
    title = platform_findings.figure_title(2025, table)
    assert title.startswith("2025: no clear difference in interaction (Mastodon 67%, Twitter 38%)")


def test_finding_for_a_year_with_one_platform(table):
    from helpers.present import platform_findings

    one = table[table["platform"] == "twitter"]
    text = platform_findings.comparison(2014, one, collected=["twitter"])
    assert text.startswith("Only Twitter was collected for 2014: nothing to compare.")
    assert "38% of own posts in the base" in text and "within 3.0 h" in text
    text = platform_findings.comparison(2025, one, collected=["twitter", "bluesky"])
    assert text.startswith("Of Twitter and Bluesky, only Twitter has posts or questions in 2025")
    assert platform_findings.figure_title(2014, one) == "2014: only Twitter, nothing to compare"


def test_figure_has_a_row_per_platform_and_labelled_axes(table):
    import matplotlib.pyplot as plt

    from helpers.present import platform_figures

    fig = platform_figures.platform_comparison(table, title="T", lang="nl")
    left, right = fig.axes[:2]
    assert [t.get_text() for t in left.get_yticklabels()] == ["Twitter", "Mastodon"]
    assert left.get_xlabel() == "Interactieaandeel (%)"
    assert right.get_xlabel().startswith("Mediane tijd tot eerste antwoord (uren")
    assert left.get_xlim() == (0.0, 1.0)
    plt.close(fig)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_figure_passes_the_reader_label_checks(table, lang):
    import matplotlib.pyplot as plt
    from test_figure_labels import check_reader_labels

    from helpers.present import platform_figures

    fig = platform_figures.platform_comparison(table, title="2025: T", lang=lang)
    texts = check_reader_labels(fig)
    assert texts["yticks"] == ["Twitter", "Mastodon"]
    plt.close(fig)


def test_with_gaps_breaks_a_line_at_a_year_run_without_the_series():
    from helpers.present import platform_trends

    frame = pd.DataFrame({"year": [2014, 2025, 2023, 2025], "platform": ["twitter", "twitter",
                          "mastodon", "mastodon"], "value": [0.3, 0.2, 0.5, 0.4], "group": "proportion"})
    out = platform_trends.with_gaps(frame, [2014, 2023, 2025], "platform")
    tw = out[out["platform"] == "twitter"]
    assert list(tw["year"]) == [2014, 2023, 2025]
    assert np.isnan(tw["value"].iloc[1]) and tw["group"].iloc[1] == "proportion"
    ma = out[out["platform"] == "mastodon"]
    assert list(ma["year"]) == [2014, 2023, 2025] and np.isnan(ma["value"].iloc[0])
    assert len(platform_trends.with_gaps(frame, [2025], "platform")) == 4


def test_label_platforms_reads_the_manifest(tmp_path):
    from helpers.present import platform_trends

    for year, sources, param in ((2014, ["twitter", "facebook"], "auto"),
                                 (2025, ["facebook", "mastodon", "bluesky"], "auto"),
                                 (2026, ["mastodon", "bluesky"], "bluesky")):
        (tmp_path / str(year) / "data").mkdir(parents=True)
        (tmp_path / str(year) / "data" / "provenance.json").write_text(json.dumps({"sources": sources}))
        (tmp_path / str(year) / "manifest.json").write_text(json.dumps(
            {"parameters": {"03_interaction": {"platform": param}}}))
    records = pd.DataFrame({"year": [2014, 2025, 2026, 2014], "notebook": ["interaction"] * 3 + ["presence"],
                            "name": ["top_interaction_share"] * 3 + ["n_municipalities"]})
    numbers = pd.DataFrame({"year": [2014, 2025, 2026, 2014], "name": records["name"],
                            "value": [0.8, 0.6, 0.5, 403.0],
                            "group": ["proportion"] * 3 + ["municipalities"]})
    out = platform_trends.label_platforms(numbers, records, tmp_path, lambda n, lang: "Top share")
    assert dict(zip(out["year"].astype(str) + out["name"], out["value"], strict=True)) == {
        "2014Top share (Twitter)": 0.8, "2025Top share (Mastodon)": 0.6, "2026Top share (Bluesky)": 0.5,
        "2014n_municipalities": 403.0}


def test_platform_measures_and_title(tmp_path):
    from helpers.present import platform_trends

    for year, platforms_ in ((2014, ["twitter"]), (2025, ["twitter", "mastodon"])):
        (tmp_path / str(year) / "tables").mkdir(parents=True)
        sub = _posts()[_posts()["platform"].isin(platforms_)]
        pf.compare(sub, _messages(), WINDOW, REGISTER).to_parquet(
            tmp_path / str(year) / "tables" / "platform_comparison.parquet")
    frame = platform_trends.platform_measures(tmp_path, [2014, 2023, 2025])
    inter = frame[frame["measure"] == "interaction_share"]
    assert list(zip(inter["year"], inter["platform"], inter["value"].round(4), strict=True)) == [
        (2014, "twitter", 0.375), (2025, "twitter", 0.375), (2025, "mastodon", 0.6667)]
    assert platform_trends.measure_title(frame, "interaction_share").endswith(
        "in 2025 highest on Mastodon (67%)")
    assert platform_trends.measure_title(frame, "km_median_hours").endswith(
        "in 2025 shortest on Twitter (3.0 h)")
