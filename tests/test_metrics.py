"""Presence, interaction share, post mix and monitoring on hand-built tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

from helpers.analysis import metrics
from helpers.analysis.stats import ratio_ci, ratio_difference_test, wilson_ci

T0 = pd.Timestamp("2014-04-10 10:00", tz="UTC")


def test_wilson_reference_value():
    lo, hi = wilson_ci(70, 100)
    assert (round(float(lo), 6), round(float(hi), 6)) == (0.604151, 0.781051)


def _posts(rows: list[tuple[str, str, str | None]], platform: str = "twitter") -> pd.DataFrame:
    """rows: (gm_code, kind, reply_to)."""
    return pd.DataFrame({
        "post_id": [str(i) for i in range(len(rows))], "platform": platform,
        "gm_code": [r[0] for r in rows], "account_id": "a",
        "created_at": [T0 + pd.Timedelta(hours=i) for i in range(len(rows))],
        "kind": [r[1] for r in rows], "in_reply_to_id": None, "conversation_id": None,
        "reply_to": [r[2] for r in rows],
    })


def hand_posts() -> pd.DataFrame:
    a = ([("GM0001", "reply", "citizen")] * 6 + [("GM0001", "reply", "organisation")] * 2
         + [("GM0001", "original", None)] * 1 + [("GM0001", "quote", None)] * 1
         + [("GM0001", "repost", None)] * 5 + [("GM0001", "reply", "self")] * 3)
    b = [("GM0002", "original", None)] * 4 + [("GM0002", "reply", "citizen")] * 1
    return _posts(a + b)


def test_interaction_share_on_hand_built_posts():
    inter = metrics.interaction(hand_posts())
    one = inter.loc["GM0001"]
    # 8 replies to others / (8 + 1 original + 1 quote); 5 reposts and 3 self-replies left out
    assert (one["reply_others"], one["original"], one["repost"], one["reply_self"]) == (8, 2, 5, 3)
    assert one["base"] == 10
    assert one["interaction_share"] == pytest.approx(0.8)
    assert one["megaphone_share"] == pytest.approx(0.2)
    lo, hi = wilson_ci(8, 10)
    assert (one["ci_low"], one["ci_high"]) == pytest.approx((float(lo), float(hi)))
    assert inter.loc["GM0002", "interaction_share"] == pytest.approx(0.2)
    s = metrics.interaction_summary(inter, min_base=5)
    assert s["pooled_share"] == pytest.approx(9 / 15)
    assert s["median_share"] == pytest.approx(0.5)
    assert s["top_gm_code"] == "GM0001" and s["top_share"] == pytest.approx(0.8)
    # citizen-only share: GM0001 6 / (6 + 2) (2 replies to organisations left out); GM0002 1 / 5
    assert one["citizen_share"] == pytest.approx(0.75)
    assert s["pooled_citizen_share"] == pytest.approx(7 / 13)
    assert s["top_citizen_share"] == pytest.approx(0.75)
    # the same replies as a share of all own posts (23: reposts and self-replies in the base)
    assert s["replies_share_of_all_posts"] == pytest.approx(9 / 23)
    # clustered interval of the pooled share: R = 9/15; residuals 8 - 6 = 2, 1 - 3 = -2;
    # var = 2 * 8 / 225; t(1) = 12.706 -> clipped to [0, 1]; design effect var / (R(1-R)/15)
    assert s["pooled_design_effect"] == pytest.approx((16 / 225) / (0.6 * 0.4 / 15))
    assert (s["pooled_low"], s["pooled_high"]) == (0.0, 1.0)
    # with a minimum base of 6 only GM0001 (base 10) is ranked
    assert metrics.ranking(inter, min_base=6).index.tolist() == ["GM0001"]


def test_interaction_other_platform_and_labels():
    posts = pd.concat([hand_posts(), _posts([("GM0003", "reply", "citizen")], "facebook")])
    inter = metrics.interaction(posts, platform="twitter", labels=["GM0001", "GM0002", "GM0003"])
    assert inter.loc["GM0003", "base"] == 0 and math.isnan(inter.loc["GM0003", "interaction_share"])
    fb = metrics.interaction(posts, platform="facebook")
    assert fb.index.tolist() == ["GM0003"] and fb.loc["GM0003", "interaction_share"] == 1.0


def test_post_mix_and_largest():
    counts = metrics.post_counts(hand_posts())
    mix = metrics.post_mix(counts).set_index("kind")
    # all own posts: 23; originals (incl. quote) 2 + 4 = 6, reposts 5, replies 8 + 3 + 1 = 12
    assert mix["n"].iloc[0] == 23
    assert mix.loc["original", "share"] == pytest.approx(6 / 23)
    assert mix.loc["repost", "share"] == pytest.approx(5 / 23)
    assert mix.loc["reply", "share"] == pytest.approx(12 / 23)
    munis = pd.DataFrame({"gm_code": ["GM0001", "GM0002", "GM0003", "GM0004"],
                          "population": pd.array([10, 30, None, 30], dtype="Int64")})
    assert metrics.largest(munis, 2) == ["GM0002", "GM0004"]


def _munis() -> pd.DataFrame:
    return pd.DataFrame({
        "gm_code": ["GM0001", "GM0002", "GM0003", "GM0004"],
        "province": ["Utrecht", "Utrecht", "Zeeland", "Zeeland"],
        "size_class": pd.Categorical(["L", "S", "S", "M"], categories=["S", "M", "L"], ordered=True),
        "population": pd.array([300_000, 20_000, 15_000, 60_000], dtype="Int64"),
    })


def test_presence_measures_and_shares():
    accounts = pd.DataFrame({
        "gm_code": ["GM0001", "GM0001", "GM0002", "GM0003", "GM0001"],
        "platform": ["twitter", "twitter", "twitter", "facebook", "facebook"],
        "kind": ["corporate", "theme", "theme", "corporate", "corporate"],
    })
    posts = pd.concat([_posts([("GM0001", "original", None), ("GM0002", "original", None)]),
                       _posts([("GM0003", "original", None)], "facebook")], ignore_index=True)
    posts.loc[1, "created_at"] = pd.Timestamp("2014-08-01", tz="UTC")  # outside the window
    window = (pd.Timestamp("2014-04-01", tz="UTC"), pd.Timestamp("2014-06-30", tz="UTC"))
    pres = metrics.presence(_munis(), accounts, posts, window=window)
    tw = pres[pres["platform"] == "twitter"].set_index("gm_code")
    assert tw["has_account"].tolist() == [True, True, False, False]
    assert tw["has_corporate"].tolist() == [True, False, False, False]
    assert tw["active"].tolist() == [True, False, False, False]
    shares = metrics.presence_shares(pres).set_index(["platform", "measure"])
    assert shares.loc[("twitter", "has_account"), "count"] == 2
    assert shares.loc[("twitter", "has_account"), "share"] == 0.5
    assert shares.loc[("facebook", "has_corporate"), "share"] == 0.5
    lo, hi = wilson_ci(2, 4)
    assert shares.loc[("twitter", "has_account"), "ci_low"] == pytest.approx(float(lo))
    assert shares.loc[("twitter", "active"), "ci_high"] == pytest.approx(float(wilson_ci(1, 4)[1]))
    prov = metrics.presence_shares(pres, by="province").set_index(["platform", "province", "measure"])
    assert prov.loc[("twitter", "Utrecht", "has_account"), "share"] == 1.0
    assert prov.loc[("twitter", "Zeeland", "has_account"), "share"] == 0.0


def test_presence_logit_matches_statsmodels_and_degenerate_cases():
    import statsmodels.api as sm

    rng = np.random.default_rng(0)
    n = 200
    pop = np.round(10 ** rng.uniform(3.5, 5.5, n)).astype(int)
    p = 1 / (1 + np.exp(-(-6 + 1.6 * np.log10(pop))))
    pres = pd.DataFrame({"platform": "twitter", "population": pd.array(pop, dtype="Int64"),
                         "has_account": rng.random(n) < p})
    got = metrics.presence_logit(pres, "twitter").set_index("term")
    ref = sm.Logit(pres["has_account"].astype(int), sm.add_constant(np.log10(pop))).fit(disp=0)
    assert got.loc["log10_population", "coef"] == pytest.approx(ref.params.iloc[1])
    assert got.loc["log10_population", "odds_ratio"] == pytest.approx(math.exp(ref.params.iloc[1]))
    all_yes = pres.assign(has_account=True)
    assert metrics.presence_logit(all_yes, "twitter")["note"].iloc[0] == "no variation in the outcome"


def test_monitoring_hand_computed():
    # theme afval: addressed 4 (3 reacted), indirect 10 (1 reacted);
    # theme zorg: addressed 2 (2 reacted), indirect 5 (0 reacted)
    rows = ([("afval", True, True)] * 3 + [("afval", True, False)]
            + [("afval", False, True)] + [("afval", False, False)] * 9
            + [("zorg", True, True)] * 2 + [("zorg", False, False)] * 5)
    msgs = pd.DataFrame({
        "platform": "twitter", "theme": [r[0] for r in rows], "addressed": [r[1] for r in rows],
        "first_reply_post_id": ["p" if r[2] else None for r in rows],
        "gm_code": [f"GM000{i % 3 + 1}" for i in range(len(rows))],
    })
    mon = metrics.monitoring(msgs).set_index("theme")
    assert mon.loc["all", "n_addressed"] == 6 and mon.loc["all", "reacted_addressed"] == 5
    assert mon.loc["all", "share_indirect"] == pytest.approx(1 / 15)
    assert mon.loc["afval", "share_addressed"] == pytest.approx(0.75)
    assert mon.loc["afval", "share_indirect"] == pytest.approx(0.1)
    assert mon.loc["afval", "risk_difference"] == pytest.approx(0.65)
    h = 2 * math.asin(math.sqrt(0.75)) - 2 * math.asin(math.sqrt(0.1))
    assert mon.loc["afval", "cohens_h"] == pytest.approx(h)
    # the contrast is the cluster-robust test (municipalities as clusters), not the naive z-test
    def clustered(theme):
        d = msgs[msgs["theme"] == theme] if theme != "all" else msgs
        d = d.assign(r=d["first_reply_post_id"].notna())
        per = lambda a: d[d["addressed"] == a].groupby("gm_code")["r"].agg(["sum", "size"]).reindex(  # noqa: E731
            ["GM0001", "GM0002", "GM0003"], fill_value=0)
        a, i = per(True), per(False)
        return ratio_difference_test(a["sum"], a["size"], i["sum"], i["size"])

    ref = clustered("afval")
    assert mon.loc["afval", "z"] == pytest.approx(ref["z"])
    p = mon.loc["afval", "p"]
    assert p == pytest.approx(ref["p"])
    z_naive, p_naive = proportions_ztest([3, 1], [4, 10])
    assert p != pytest.approx(p_naive)
    # zorg: every addressed message reacted to and no indirect one, in every municipality: the
    # clustered variance is 0, so no p-value; Holm then adjusts over the one remaining test
    assert math.isnan(clustered("zorg")["p"]) and math.isnan(mon.loc["zorg", "p"])
    assert mon.loc["afval", "p_adjusted"] == pytest.approx(p)
    assert math.isnan(mon.loc["all", "p_adjusted"])
    # shares carry ratio-estimator intervals over municipalities
    a = msgs[msgs["addressed"]].assign(r=lambda d: d["first_reply_post_id"].notna())
    per = a.groupby("gm_code")["r"].agg(["sum", "size"])
    assert mon.loc["all", "addressed_low"] == pytest.approx(ratio_ci(per["sum"], per["size"])["ci_low"])


def test_monitoring_by_platform_pools_only_when_platforms_share_the_structure():
    base = dict(theme="afval", first_reply_post_id=None, gm_code="GM0001")
    tw = pd.DataFrame([{**base, "platform": "twitter", "addressed": a} for a in (True, False, True)])
    fb = pd.DataFrame([{**base, "platform": "facebook", "addressed": True}] * 2)
    table, pooled = metrics.monitoring_by_platform(pd.concat([tw, fb], ignore_index=True))
    assert not pooled and set(table["platform"]) == {"twitter", "facebook"}
    fb2 = pd.concat([fb, fb.assign(addressed=False)], ignore_index=True)
    table, pooled = metrics.monitoring_by_platform(pd.concat([tw, fb2], ignore_index=True))
    assert pooled and "all platforms" in set(table["platform"])
    allrow = table[(table["platform"] == "all platforms") & (table["theme"] == "all")].iloc[0]
    assert allrow["n_addressed"] == 4 and allrow["n_indirect"] == 3


def _dictionary_columns(section: str) -> list[str]:
    import re
    from pathlib import Path

    readme = Path(__file__).resolve().parents[1] / "data" / "README.md"
    cols, current = [], None
    for line in readme.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            continue
        cell = re.match(r"^\| ([a-z_0-9]+) \|", line)
        if current == section and cell and cell.group(1) != "column":
            cols.append(cell.group(1))
    return cols


def test_dictionary_documents_the_interaction_table_and_both_definitions():
    inter = metrics.interaction(hand_posts())
    inter.insert(0, "name", "x")  # as 03_interaction saves it, with gm_code as the index
    assert _dictionary_columns("interaction_by_municipality") == ["gm_code", *inter.columns]


def test_dictionary_documents_the_response_table():
    from helpers.analysis import responsetime as rt

    q = pd.DataFrame({"gm_code": ["GM0001"] * 3, "clock_hours": [1.0, 2.0, 3.0],
                      "business_hours": [1.0, 1.0, 2.0], "answered": [True, True, False],
                      "weekend": False})
    per = rt.by_municipality(q)
    per.insert(0, "name", "x")
    assert _dictionary_columns("response_by_municipality") == ["gm_code", *per.columns]



# --- degenerate data: NA with the reason ----------------------------------------------------------
def test_interaction_summary_with_nobody_over_the_base_or_no_posts_is_na_with_reason():
    inter = metrics.interaction(hand_posts())  # bases 10 and 5
    s = metrics.interaction_summary(inter, min_base=30)
    assert s["pooled_share"] == pytest.approx(9 / 15)  # still defined: pooled over all posts
    assert s["n_ranked"] == 0 and s["top_gm_code"] is None and math.isnan(s["median_share"])
    assert s["note"] == "NA: no municipality has a base of 30 or more posts: no ranking"
    assert metrics.interaction_summary(inter, min_base=5)["note"] == ""
    none = metrics.interaction(hand_posts().iloc[:0], labels=["GM0001"])
    empty = metrics.interaction_summary(none)
    assert math.isnan(empty["pooled_share"]) and empty["note"] == "NA: no own posts in the base"


def test_presence_logit_on_five_municipalities_is_na_with_reason():
    pres = pd.DataFrame({"platform": "twitter",
                         "population": pd.array([5_000, 20_000, 40_000, 90_000, 300_000], "Int64"),
                         "has_account": [False, True, False, True, True]})
    got = metrics.presence_logit(pres, "twitter")
    assert got["coef"].isna().all() and (got["n"] == 5).all()
    assert got["note"].iloc[0] == "NA: too few municipalities for a logistic regression (n=5, needs 10)"


def test_monitoring_without_messages_gives_na_shares_not_zero():
    empty = pd.DataFrame({"platform": pd.Series(dtype=str), "theme": pd.Series(dtype=str),
                          "addressed": pd.Series(dtype=bool), "first_reply_post_id": pd.Series(dtype=str)})
    mon = metrics.monitoring(empty).set_index("theme")
    assert mon.index.tolist() == ["all"]
    assert mon.loc["all", "n_addressed"] == 0 and math.isnan(mon.loc["all", "share_addressed"])
    assert math.isnan(mon.loc["all", "p"])
