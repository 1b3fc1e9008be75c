"""Presence, interaction share, post mix and monitoring on hand-built tables."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

from helpers import metrics
from helpers.stats import wilson_ci

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
    })
    mon = metrics.monitoring(msgs).set_index("theme")
    assert mon.loc["all", "n_addressed"] == 6 and mon.loc["all", "reacted_addressed"] == 5
    assert mon.loc["all", "share_indirect"] == pytest.approx(1 / 15)
    assert mon.loc["afval", "share_addressed"] == pytest.approx(0.75)
    assert mon.loc["afval", "share_indirect"] == pytest.approx(0.1)
    assert mon.loc["afval", "risk_difference"] == pytest.approx(0.65)
    h = 2 * math.asin(math.sqrt(0.75)) - 2 * math.asin(math.sqrt(0.1))
    assert mon.loc["afval", "cohens_h"] == pytest.approx(h)
    z, p = proportions_ztest([3, 1], [4, 10])
    assert mon.loc["afval", "z"] == pytest.approx(z) and mon.loc["afval", "p"] == pytest.approx(p)
    z2, p2 = proportions_ztest([2, 0], [2, 5])
    # Holm over the two themes: the smaller p times 2, the larger kept (monotone)
    ps = sorted([p, p2])
    assert sorted(mon.loc[["afval", "zorg"], "p_adjusted"]) == pytest.approx(
        [min(1, 2 * ps[0]), min(1, max(2 * ps[0], ps[1]))])
    assert math.isnan(mon.loc["all", "p_adjusted"])


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
