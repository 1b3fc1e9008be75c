"""Response times: clock and business hours, censoring, Kaplan-Meier against statsmodels, rankings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from helpers.analysis import responsetime as rt
from helpers.core.errors import DataError


def local(*stamps: str) -> pd.Series:
    return pd.Series([pd.Timestamp(s, tz=rt.TZ) for s in stamps]).dt.tz_convert("UTC")


def test_friday_to_monday_is_65_clock_and_1_5_business_hours():
    # Friday 4 April 2014 16:30 -> Monday 7 April 2014 09:30 (no holidays in between)
    start, end = local("2014-04-04 16:30"), local("2014-04-07 09:30")
    assert rt.clock_hours(start, end)[0] == pytest.approx(65.0)
    assert rt.business_hours(start, end)[0] == pytest.approx(1.5)


def test_dst_jump_is_one_clock_hour():
    # Sunday 30 March 2014: clocks jump from 02:00 to 03:00 local time
    start, end = local("2014-03-30 01:30"), local("2014-03-30 03:30")
    assert rt.clock_hours(start, end)[0] == pytest.approx(1.0)
    assert rt.business_hours(start, end)[0] == 0.0


def test_business_hours_across_dst_change_on_a_working_week():
    # Friday 28 March 2014 16:00 CET -> Monday 31 March 2014 09:00 CEST: 1 + 0.5 business hours,
    # 64 clock hours (the weekend lost an hour)
    start, end = local("2014-03-28 16:00"), local("2014-03-31 09:00")
    assert rt.clock_hours(start, end)[0] == pytest.approx(64.0)
    assert rt.business_hours(start, end)[0] == pytest.approx(1.5)


def test_holiday_is_not_business_time():
    # Hemelvaartsdag (Ascension Day) Thursday 29 May 2014 is a holiday:
    # Wednesday 16:00 -> Friday 09:00 = 1 h (Wed) + 0 (Thu) + 0.5 h (Fri)
    start, end = local("2014-05-28 16:00"), local("2014-05-30 09:00")
    assert rt.business_hours(start, end)[0] == pytest.approx(1.5)
    # the same span a week later (no holiday) has a full 8.5-hour Thursday in it
    start, end = local("2014-06-04 16:00"), local("2014-06-06 09:00")
    assert rt.business_hours(start, end)[0] == pytest.approx(10.0)


def test_business_hours_inside_one_day_and_nat():
    start = local("2014-04-02 07:00", "2014-04-02 10:00", "2014-04-02 10:00")
    end = pd.concat([local("2014-04-02 18:00", "2014-04-02 10:45"), pd.Series([pd.NaT])])
    end = pd.to_datetime(end, utc=True)
    got = rt.business_hours(start, end)
    assert got[0] == pytest.approx(8.5)
    assert got[1] == pytest.approx(0.75)
    assert np.isnan(got[2])


def _messages(rows: list[tuple]) -> pd.DataFrame:
    """rows: (gm_code, created local, reply local or None, addressed, is_question)."""
    df = pd.DataFrame(rows, columns=["gm_code", "created", "reply", "addressed", "is_question"])
    created = pd.to_datetime(df["created"]).dt.tz_localize(rt.TZ).dt.tz_convert("UTC")
    reply = pd.to_datetime(df["reply"]).dt.tz_localize(rt.TZ).dt.tz_convert("UTC")
    return pd.DataFrame({
        "msg_id": [str(i) for i in range(len(df))], "platform": "twitter", "gm_code": df["gm_code"],
        "created_at": created, "addressed": df["addressed"], "is_question": df["is_question"],
        "theme": "overig", "first_reply_post_id": np.where(reply.notna(), "r", None),
        "first_reply_at": reply,
    })


WINDOW = {"start": "2014-04-01", "end": "2014-04-30"}


def test_questions_censor_unanswered_and_late_replies_at_window_end():
    msgs = _messages([
        ("GM0001", "2014-04-30 22:00", None, True, True),  # unanswered: 2 h minus 1 ms to the end
        ("GM0001", "2014-04-30 23:00", "2014-05-01 09:00", True, True),  # reply after the end
        ("GM0001", "2014-04-04 16:30", "2014-04-07 09:30", True, True),  # answered, 65 h
        ("GM0001", "2014-04-04 16:30", "2014-04-07 09:30", False, True),  # not addressed: out
        ("GM0001", "2014-04-04 16:30", "2014-04-07 09:30", True, False),  # not a question: out
    ])
    q = rt.questions(msgs, WINDOW)
    assert len(q) == 3
    assert q["answered"].tolist() == [False, False, True]
    assert q["clock_hours"].iloc[0] == pytest.approx(2.0, abs=1e-6)
    assert q["clock_hours"].iloc[1] == pytest.approx(1.0, abs=1e-6)
    assert q["clock_hours"].iloc[2] == pytest.approx(65.0)
    assert q["business_hours"].iloc[2] == pytest.approx(1.5)
    assert q["weekend"].tolist() == [False, False, False]


def test_reply_before_question_is_a_data_error():
    msgs = _messages([("GM0001", "2014-04-04 16:30", "2014-04-04 16:00", True, True)])
    with pytest.raises(DataError, match="precedes") as err:
        rt.questions(msgs, WINDOW)
    assert err.value.column == "first_reply_at" and err.value.row == 1


def _random_sample(seed: int, n: int, groups: int):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, groups, n)
    t = np.round(rng.exponential(6.0, n), 1)  # rounded: many ties
    e = rng.random(n) < 0.7
    return g, t, e


def test_km_by_group_matches_survfuncright_on_a_hand_made_sample():
    # hand-made: times 1,2,2,3,4,5 with events 1,1,0,1,0,1 -> S: 5/6 (t=1), 5/6*4/5=2/3 (t=2:
    # 5 at risk, 1 event), 2/3*2/3=4/9 (t=3), 0 (t=5); median = 3 (first time S < 0.5)
    t = np.array([1, 2, 2, 3, 4, 5], float)
    e = np.array([1, 1, 0, 1, 0, 1], bool)
    curves = rt.km_by_group(np.zeros(6, int), t, e)
    np.testing.assert_allclose(curves["surv"], [5 / 6, 2 / 3, 4 / 9, 0.0])
    sf = SurvfuncRight(t, e.astype(float))
    np.testing.assert_allclose(curves["se"], sf.surv_prob_se, equal_nan=True)
    q = rt.km_quantiles(curves)
    assert q["median"].iloc[0] == 3.0 == sf.quantile(0.5)
    with np.errstate(all="ignore"):
        lo, hi = sf.quantile_ci(0.5)
    assert (q["ci_low"].iloc[0], q["ci_high"].iloc[0]) == (lo, hi)


@pytest.mark.parametrize("seed", range(5))
def test_km_medians_and_intervals_match_survfuncright_per_group(seed):
    g, t, e = _random_sample(seed, 400, 7)
    curves = rt.km_by_group(g, t, e)
    q = rt.km_quantiles(curves)
    s2 = 1 - rt.km_at(curves, 2.0)
    for k in np.unique(g):
        m = g == k
        sf = SurvfuncRight(t[m], e[m].astype(float))
        np.testing.assert_allclose(curves.loc[curves["group"] == k, "surv"], sf.surv_prob)
        with np.errstate(all="ignore"):
            lo, hi = sf.quantile_ci(0.5)
        assert q.loc[k, "median"] == pytest.approx(float(_exact_r_quantile(t[m].tolist(), e[m].tolist())))
        assert q.loc[k, "ci_low"] == lo and q.loc[k, "ci_high"] == hi
        done = sf.surv_times <= 2.0
        expect = 1 - (sf.surv_prob[done][-1] if done.any() else 1.0)
        assert s2.loc[k] == pytest.approx(expect)


def _q_frame(g, t, e, weekend=None) -> pd.DataFrame:
    return pd.DataFrame({"gm_code": [f"GM{x:04d}" for x in g], "clock_hours": t,
                         "business_hours": t / 2, "answered": e,
                         "weekend": np.zeros(len(t), bool) if weekend is None else weekend})


def test_summary_matches_reference_implementations():
    g, t, e = _random_sample(11, 300, 1)
    wk = np.random.default_rng(3).random(300) < 0.3
    s = rt.summary(_q_frame(g, t, e, wk))
    assert s["km_median_hours"] == pytest.approx(float(_exact_r_quantile(t.tolist(), e.tolist())))
    assert s["n_questions"] == 300 and s["n_answered"] == e.sum()
    assert s["answer_rate"] == pytest.approx(e.mean())
    assert s["mean_hours"] == pytest.approx(t[e].mean())
    assert s["weekday_mean_hours"] == pytest.approx(t[e & ~wk].mean())
    assert s["answered_within_2h"] == pytest.approx(np.mean(t[e] <= 2))
    chi2, p = survdiff(t, e.astype(float), wk.astype(int))
    from scipy.stats import chi2 as c2

    assert s["logrank_chi2"] == pytest.approx(chi2) and s["logrank_p"] == pytest.approx(c2.sf(chi2, 1))
    assert s["weekend_raises_mean"] == (s["mean_hours"] >= 1.1 * s["weekday_mean_hours"])


def test_bands_hand_computed():
    # answered at 0.5, 1.5, 3, 30 h; one censored at 10 h
    t = np.array([0.5, 1.5, 3.0, 30.0, 10.0])
    e = np.array([True, True, True, True, False])
    b = rt.bands(_q_frame(np.zeros(5, int), t, e)).set_index("band")
    assert b["answered"].tolist() == [1, 1, 1, 0, 0, 1, 0, 0]
    # KM: S(0.5)=4/5, S(1.5)=3/5, S(3)=2/5, censored at 10, S(30)=0 (30 h lies in 1-2 days)
    np.testing.assert_allclose(b["km_share"], [0.2, 0.2, 0.2, 0, 0, 0.4, 0, 0.0], atol=1e-12)
    # band edges are right-closed, like "within 1 h" (t <= 1)
    t1 = rt.bands(_q_frame(np.zeros(2, int), np.array([1.0, 2.0]), np.array([True, True])))
    assert t1["answered"].tolist()[:3] == [1, 1, 0]
    assert b["km_share"].sum() == pytest.approx(1.0)


def test_by_municipality_and_fastest_ranking():
    # GM0001: 20 questions answered in 1 h; GM0002: 20 in 1 h but 5 of them in 0.5 h (tie on the
    # median is broken by the share within 2 h: both 1.0 -> then code); GM0003: 25 in 3 h;
    # GM0004: only 10 questions (below the minimum)
    rows = ([(1, 1.0, True)] * 20 + [(2, 0.5, True)] * 5 + [(2, 1.0, True)] * 15
            + [(3, 3.0, True)] * 25 + [(4, 0.1, True)] * 10)
    g, t, e = (np.array(x) for x in zip(*rows, strict=True))
    per = rt.by_municipality(_q_frame(g, t, e))
    assert per.loc["GM0003", "km_median"] == 3.0 and per.loc["GM0004", "n_questions"] == 10
    ranked = rt.fastest(per, min_questions=20)
    assert ranked.index.tolist() == ["GM0001", "GM0002", "GM0003"]
    assert ranked["rank"].tolist() == [1, 2, 3]


def test_fastest_breaks_equal_medians_by_share_within_2h():
    rows = ([(1, 1.0, True)] * 10 + [(1, 5.0, True)] * 10 + [(1, 9.0, False)] * 5
            + [(2, 1.0, True)] * 10 + [(2, 1.5, True)] * 2 + [(2, 5.0, True)] * 8
            + [(2, 9.0, False)] * 5)
    g, t, e = (np.array(x) for x in zip(*rows, strict=True))
    per = rt.by_municipality(_q_frame(g, t, e))
    assert per.loc["GM0001", "km_median"] == per.loc["GM0002", "km_median"] == 5.0
    assert rt.fastest(per, min_questions=20).index[0] == "GM0002"


def test_km_curve_starts_at_one_and_follows_survfuncright():
    g, t, e = _random_sample(5, 80, 1)
    curve = rt.km_curve(t, e)
    sf = SurvfuncRight(t, e.astype(float))
    assert (curve["time"].iloc[0], curve["surv"].iloc[0]) == (0.0, 1.0)
    np.testing.assert_allclose(curve["surv"].iloc[1:], sf.surv_prob)
    assert (curve["low"] <= curve["surv"] + 1e-12).all() and (curve["high"] >= curve["surv"] - 1e-12).all()


def test_cox_size_matches_phreg():
    from statsmodels.duration.hazard_regression import PHReg

    g, t, e = _random_sample(8, 300, 4)
    wk = np.random.default_rng(9).random(300) < 0.3
    q = _q_frame(g, t, e, wk)
    munis = pd.DataFrame({"gm_code": [f"GM{x:04d}" for x in range(4)],
                          "population": pd.array([10_000, 40_000, 120_000, 600_000], dtype="Int64")})
    got = rt.cox_size(q, munis).set_index("term")
    exog = np.column_stack([np.log10(np.array([10_000, 40_000, 120_000, 600_000])[g]), wk])
    ref = PHReg(t, exog, status=e.astype(float), ties="efron").fit(groups=g)
    naive = PHReg(t, exog, status=e.astype(float), ties="efron").fit()
    assert got.loc["log10_population", "hazard_ratio"] == pytest.approx(np.exp(ref.params[0]))
    # clustered by municipality: statsmodels' robust covariance, not the naive one
    assert got.loc["weekend", "p"] == pytest.approx(ref.pvalues[1])
    assert got.loc["weekend", "p"] != pytest.approx(naive.pvalues[1])
    ci = np.exp(np.asarray(ref.conf_int()))
    assert got.loc["weekend", "ci_low"] == pytest.approx(ci[1, 0])


def test_rank_changes():
    now = pd.DataFrame({"rank": [1, 2]}, index=pd.Index(["GM1924", "GM0717"], name="gm_code"))
    before = pd.DataFrame({"rank": [1, 3]}, index=pd.Index(["GM0717", "GM0001"], name="gm_code"))
    ch = rt.rank_changes(now, before)
    assert ch.loc["GM0717", "change"] == -1  # from 1st to 2nd
    assert np.isnan(ch.loc["GM1924", "rank_before"]) and np.isnan(ch.loc["GM0001", "rank_now"])


# --- KM quantile convention (R survival: midpoint of a flat stretch at exactly 1 - p) ------------
def _exact_r_quantile(t, e, p=0.5):
    """Independent reference: KM with exact fractions, then R survival's quantile rule.

    The first event time where S <= 1 - p; where S == 1 - p exactly, the midpoint between that time
    and the next event time, or the last observation time when no event follows.
    """
    from fractions import Fraction

    order = sorted(zip(t, e, strict=True))
    times = sorted({x for x, ev in order if ev})
    s, surv = Fraction(1), []
    for x in times:
        at_risk = sum(1 for y, _ in order if y >= x)
        d = sum(1 for y, ev in order if y == x and ev)
        s *= Fraction(at_risk - d, at_risk)
        surv.append(s)
    target = 1 - Fraction(p).limit_denominator()
    for i, (x, sv) in enumerate(zip(times, surv, strict=True)):
        if sv <= target:
            if sv == target:
                nxt = times[i + 1] if i + 1 < len(times) else max(y for y, _ in order)
                return (x + nxt) / 2
            return x
    return np.nan


def test_median_on_an_interior_plateau_is_its_midpoint():
    # 4 questions answered at 1, 2, 6, 8 h: S = 3/4, 1/2 (flat from 2 to 6), 1/4, 0.
    # R survival: (2 + 6) / 2 = 4; statsmodels takes the end (6), lifelines the start (2).
    t = np.array([1.0, 2.0, 6.0, 8.0])
    e = np.ones(4, bool)
    assert rt.km_median(t, e)["median"] == 4.0
    assert SurvfuncRight(t, e.astype(float)).quantile(0.5) == 6.0  # the other convention
    assert _exact_r_quantile(t, e) == 4.0


def test_median_on_a_plateau_to_the_end_uses_the_last_observation_time():
    # answered at 1 and 3 h, censored at 5 and 9 h: S = 3/4, 1/2 flat to the end (last time 9 h);
    # R survival: (3 + 9) / 2 = 6.
    t = np.array([1.0, 3.0, 5.0, 9.0])
    e = np.array([True, True, False, False])
    assert rt.km_median(t, e)["median"] == 6.0 == _exact_r_quantile(t, e)


def test_median_plateau_found_despite_float_error():
    # answered at 3, 5, 11 h (6 at risk): S = 5/6 * 4/5 * 3/4 = 1/2 exactly, but the float product
    # is 0.5 + 1.1e-16; censored at 19 h, answered at 26 and 38 h. Without the tolerance the
    # median would be 26 h; R survival gives the midpoint (11 + 26) / 2 = 18.5 h.
    t = np.array([3.0, 5.0, 11.0, 19.0, 26.0, 38.0])
    e = np.array([1, 1, 1, 0, 1, 1], bool)
    s = rt.km_by_group(np.zeros(len(t), int), t, e)["surv"].to_numpy()
    assert s[2] != 0.5 and abs(s[2] - 0.5) < 1e-15
    assert _exact_r_quantile(t.tolist(), e.tolist()) == 18.5
    assert rt.km_median(t, e)["median"] == 18.5


@pytest.mark.parametrize("seed", range(6))
def test_km_quantiles_follow_r_convention_on_curves_with_plateaus(seed):
    # small groups with integer times: many curves sit exactly at 0.5 over an interval
    rng = np.random.default_rng(seed)
    g = rng.integers(0, 30, 150)
    t = rng.integers(1, 9, 150).astype(float)
    e = rng.random(150) < 0.8
    q = rt.km_quantiles(rt.km_by_group(g, t, e))
    for k in np.unique(g):
        m = g == k
        if not e[m].any():  # no event: no curve rows, no median
            assert k not in q.index
            continue
        ref = _exact_r_quantile(t[m].tolist(), e[m].tolist())
        sm = SurvfuncRight(t[m], e[m].astype(float))
        if np.isnan(ref):
            assert np.isnan(q.loc[k, "median"])
            continue
        assert q.loc[k, "median"] == pytest.approx(float(ref))
        # the interval stays statsmodels' Brookmeyer-Crowley interval
        with np.errstate(all="ignore"):
            lo, hi = sm.quantile_ci(0.5)
        np.testing.assert_equal([q.loc[k, "ci_low"], q.loc[k, "ci_high"]], [lo, hi])


def test_plateau_medians_occur_in_the_parametrised_samples():
    differs = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        g = rng.integers(0, 30, 150)
        t = rng.integers(1, 9, 150).astype(float)
        e = rng.random(150) < 0.8
        q = rt.km_quantiles(rt.km_by_group(g, t, e))
        differs += sum(
            q.loc[k, "median"] != SurvfuncRight(t[g == k], e[g == k].astype(float)).quantile(0.5)
            for k in np.unique(g) if e[g == k].any()
        )
    assert differs >= 5  # the convention matters on these curves


def test_logrank_p_does_not_underflow():
    # two well separated groups: chi2 far above 70, where 1 - chi2.cdf is exactly 0
    step = np.arange(300) / 1000
    t = np.concatenate([1.0 + step, 50.0 + step])
    q = _q_frame(np.zeros(600, int), t, np.ones(600, bool), np.arange(600) >= 300)
    out = rt.logrank(q)
    chi2, p_sm = survdiff(t, np.ones(600), (np.arange(600) >= 300).astype(int))
    from scipy.stats import chi2 as c2

    assert p_sm == 0.0  # the statsmodels value underflows
    assert out["logrank_chi2"] == pytest.approx(chi2)
    assert out["logrank_p"] == pytest.approx(c2.sf(chi2, 1)) and out["logrank_p"] > 0


def test_within_shares_cluster_interval_by_hand():
    # two municipalities: A 4 questions, 3 answered, 2 within 2 h; B 2 questions, both answered,
    # none within 2 h. Among answered: R = 2/5; residuals 2 - 0.4*3 = 0.8, 0 - 0.4*2 = -0.8;
    # var = 2/1 * (0.64 + 0.64) / 25 = 0.1024, se = 0.32; t(1) 97.5% = 12.706
    q = pd.DataFrame({"gm_code": ["A"] * 4 + ["B"] * 2,
                      "clock_hours": [1.0, 1.5, 5.0, 9.0, 3.0, 4.0],
                      "answered": [True, True, True, False, True, True]})
    w = rt.within_shares(q, cutoffs=(2.0,)).set_index("base")
    assert w.loc["answered", "share"] == pytest.approx(0.4)
    assert w.loc["all", "share"] == pytest.approx(2 / 6)
    assert w.loc["answered", "ci_high"] == 1.0 and w.loc["answered", "ci_low"] == 0.0
    from scipy.stats import t as tdist

    half = tdist.ppf(0.975, 1) * 0.32
    assert 0.4 - half < 0  # clipped
    assert w.loc["answered", "design_effect"] == pytest.approx(0.1024 / (0.4 * 0.6 / 5))


def test_ph_test_flags_a_crossing_hazard_and_time_split_separates_it():
    # weekend questions: never answered in the first 24 h, then quickly; weekday ones steadily
    rng = np.random.default_rng(4)
    n = 400
    wk = np.arange(n) % 2 == 1
    t = np.where(wk, 24 + rng.exponential(3, n), rng.exponential(20, n))
    g = np.arange(n) % 10
    q = _q_frame(g, t, np.ones(n, bool), wk)
    munis = pd.DataFrame({"gm_code": [f"GM{x:04d}" for x in range(10)],
                          "population": pd.array([10_000 * (x + 1) for x in range(10)], dtype="Int64")})
    ph = rt.ph_test(q, munis).set_index("term")
    assert not ph.loc["weekend", "holds"] and ph.loc["weekend", "p"] < 1e-6
    split = rt.cox_time_split(q, munis, split_at=24.0).set_index("period")
    weekend = split[split["term"] == "weekend"]
    assert weekend.loc["first 24 h", "hazard_ratio"] < 0.01  # no weekend reply before 24 h
    assert weekend.loc["after 24 h", "hazard_ratio"] > 1


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_cluster_cov_equals_statsmodels_robust_covariance(ties):
    from statsmodels.duration.hazard_regression import PHReg

    g, t, e = _random_sample(21, 250, 6)  # rounded times: many ties
    rng = np.random.default_rng(22)
    x = np.column_stack([rng.normal(size=250), rng.random(250) < 0.4])
    model = PHReg(t, x, status=e.astype(float), ties=ties)
    res = model.fit(groups=g)
    ours = rt.cluster_cov(model, np.asarray(res.params), g)
    np.testing.assert_allclose(ours, res.cov_params(), rtol=1e-8)
    # with delayed entry (episode splitting), as in the time-split model
    entry = np.where(t > 3, 3.0, 0.0)
    model = PHReg(t, x, status=e.astype(float), entry=entry, ties=ties)
    res = model.fit(groups=g)
    np.testing.assert_allclose(rt.cluster_cov(model, np.asarray(res.params), g), res.cov_params(),
                               rtol=1e-8)


def test_cox_analysis_agrees_with_the_separate_functions():
    rng = np.random.default_rng(4)
    n = 300
    wk = np.arange(n) % 2 == 1
    t = np.where(wk, 24 + rng.exponential(3, n), rng.exponential(20, n))
    g = np.arange(n) % 10
    q = _q_frame(g, t, rng.random(n) < 0.9, wk)
    munis = pd.DataFrame({"gm_code": [f"GM{x:04d}" for x in range(10)],
                          "population": pd.array([10_000 * (x + 1) for x in range(10)], dtype="Int64")})
    out = rt.cox_analysis(q, munis)
    pd.testing.assert_frame_equal(out["cox"], rt.cox_size(q, munis))
    pd.testing.assert_frame_equal(out["ph"], rt.ph_test(q, munis))
    failing = out["ph"].loc[~out["ph"]["holds"], "term"].tolist()
    assert "weekend" in failing
    pd.testing.assert_frame_equal(out["split"], rt.cox_time_split(q, munis, split_terms=failing))


def test_km_within_cluster_bootstrap():
    # two municipalities with identical questions: every resample has the same curve, so the
    # interval collapses onto the estimate; S(2) = 1 - 2/4 (answered at 1 and 2 h of 4)
    one = pd.DataFrame({"clock_hours": [1.0, 2.0, 5.0, 9.0], "answered": [True, True, True, False]})
    q = pd.concat([one.assign(gm_code="A"), one.assign(gm_code="B")], ignore_index=True)
    out = rt.km_within_cluster_ci(q, 2.0, n_boot=50)
    assert out["share"] == pytest.approx(0.5)
    assert out["ci_low"] == pytest.approx(0.5) and out["ci_high"] == pytest.approx(0.5)
    # different municipalities: a seeded, reproducible interval around the estimate
    g, t, e = _random_sample(30, 400, 12)
    q = _q_frame(g, t, e)
    a = rt.km_within_cluster_ci(q, 2.0, n_boot=100, seed=3)
    b = rt.km_within_cluster_ci(q, 2.0, n_boot=100, seed=3)
    assert a == b and a["ci_low"] < a["share"] < a["ci_high"]
    sf = SurvfuncRight(t, e.astype(float))
    assert a["share"] == pytest.approx(1 - sf.surv_prob[sf.surv_times <= 2.0][-1])

# --- degenerate data: NA with a reason, never a crash or a silent 0 -------------------------------
def test_summary_of_no_questions_and_of_no_answered_questions_is_na_with_reason():
    empty = rt.summary(_q_frame(np.zeros(0, int), np.zeros(0), np.zeros(0, bool)))
    assert empty["n_questions"] == 0 and np.isnan(empty["answer_rate"])
    assert empty["note"] == "NA: no questions in the window"
    t = np.array([5.0, 7.0, 9.0])
    none = rt.summary(_q_frame(np.zeros(3, int), t, np.zeros(3, bool), np.array([False, True, False])))
    assert none["answer_rate"] == 0.0  # a real 0: three questions, none answered
    assert np.isnan(none["km_median_hours"]) and np.isnan(none["mean_hours"])
    assert np.isnan(none["logrank_p"])
    assert none["weekend_raises_mean"] is None
    assert none["note"].startswith("NA: none of the 3 questions was answered")


def test_summary_without_weekend_answers_says_why_the_comparison_is_na():
    t = np.array([1.0, 3.0, 5.0])
    s = rt.summary(_q_frame(np.zeros(3, int), t, np.ones(3, bool)))  # all on weekdays
    assert s["mean_hours"] == 3.0 and s["weekday_mean_hours"] == 3.0
    assert np.isnan(s["weekend_mean_hours"]) and np.isnan(s["logrank_p"])
    assert s["note"] == "NA: no answered weekend questions: no weekday-weekend comparison"


def test_km_with_one_event_gives_its_time_as_median():
    q = _q_frame(np.zeros(2, int), np.array([1.0, 2.0]), np.array([False, True]),
                 np.array([True, False]))
    s = rt.summary(q)
    # KM: censored at 1 h, then the one remaining question is answered at 2 h: S(2) = 0, median 2 h
    assert s["km_median_hours"] == 2.0 and s["n_answered"] == 1 and s["mean_hours"] == 2.0
    b = rt.bands(q)
    assert b["answered"].sum() == 1 and b["km_share"].sum() == pytest.approx(1.0)


MUNIS = pd.DataFrame({"gm_code": ["GM0000", "GM0001"],
                      "population": pd.array([10_000, 100_000], dtype="Int64")})


def test_cox_without_events_is_na_with_reason():
    q = _q_frame(np.array([0, 1, 0, 1]), np.array([5.0, 6.0, 7.0, 8.0]), np.zeros(4, bool),
                 np.array([True, False, False, True]))
    cox = rt.cox_size(q, MUNIS)
    assert cox["hazard_ratio"].isna().all()
    assert (cox["note"] == "NA: no events (none of the 4 questions was answered)").all()
    none = rt.cox_size(q.iloc[:0], MUNIS)
    assert (none["note"] == "NA: no questions with a known population").all()


def test_cox_with_a_covariate_that_does_not_vary_is_na_with_reason():
    q = _q_frame(np.array([0, 1, 0, 1]), np.array([5.0, 6.0, 7.0, 8.0]), np.ones(4, bool))
    cox = rt.cox_size(q, MUNIS)  # no weekend question at all
    assert cox["p"].isna().all()
    assert (cox["note"] == "NA: weekend does not vary across the questions").all()


def test_ranking_with_nobody_over_the_minimum_is_empty_not_an_error():
    q = _q_frame(np.array([0, 1, 1]), np.array([1.0, 2.0, 3.0]), np.ones(3, bool))
    per = rt.by_municipality(q)
    ranked = rt.fastest(per, min_questions=20)
    assert ranked.empty and "rank" in ranked.columns


def test_no_fastest_when_nobody_answered_a_question():
    q = _q_frame(np.zeros(25, int), np.full(25, 9.0), np.zeros(25, bool))
    per = rt.by_municipality(q)
    assert per.loc["GM0000", "n_questions"] == 25 and per.loc["GM0000", "n_answered"] == 0
    assert rt.fastest(per, min_questions=20).empty
