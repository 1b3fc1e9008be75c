"""Pooled response-time statistics: the summary, the log-rank test, the eight time bands and the
shares answered within N hours with intervals that respect clustering by municipality.

The mean over answered questions is reported beside the answer rate and the censoring-aware
Kaplan-Meier figures, never instead of them.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.analysis.stats` and :mod:`.kaplan_meier`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from helpers.analysis.responsetime.kaplan_meier import QUANTILE_CONVENTION, km_at, km_by_group, km_median
from helpers.analysis.stats import chi2_p, ratio_ci, wilson_ci

#: The eight time bands (hours) used for the 2015-style distribution. The 2015 edition reported eight
#: bands without publishing their edges in the sources we have; these edges are our definition:
#: < 1 h, 1-2 h, 2-4 h, 4-8 h, 8-24 h, 1-2 days, 2-7 days, > 7 days or never answered.
BAND_EDGES = (0.0, 1.0, 2.0, 4.0, 8.0, 24.0, 48.0, 168.0, np.inf)
BAND_LABELS = ("<1h", "1-2h", "2-4h", "4-8h", "8-24h", "1-2d", "2-7d", ">7d/unanswered")
#: ``weekend_raises_mean`` is true when the mean over all answered questions exceeds the weekday-only
#: mean by at least this fraction (10%).
WEEKEND_MARGIN = 0.10


#: Column descriptions of the ``response_summary`` table (statistic -> meaning and base).
SUMMARY_DESCRIPTIONS = {
    "n_questions": "citizen questions addressed to the municipality (the base of 'of all questions')",
    "n_answered": "questions with a reply in the window (the base of 'among answered')",
    "answer_rate": "answered / all questions (Wilson 95% interval in answer_rate_low/_high)",
    "km_median_hours": QUANTILE_CONVENTION + "; unanswered questions censored at the window end",
    "km_median_low": "Brookmeyer-Crowley 95% interval (statsmodels quantile_ci, log-log)",
    "km_median_high": "Brookmeyer-Crowley 95% interval; inf = open",
    "km_within_1h": "Kaplan-Meier share of all questions answered within 1 h",
    "km_within_2h": "Kaplan-Meier share of all questions answered within 2 h",
    "km_within_24h": "Kaplan-Meier share of all questions answered within 24 h",
    "answered_within_1h": "share of answered questions answered within 1 h",
    "answered_within_2h": "share of answered questions answered within 2 h",
    "answered_within_24h": "share of answered questions answered within 24 h",
    "all_within_1h": "answered within 1 h, as a share of all questions",
    "all_within_2h": "answered within 2 h, as a share of all questions",
    "all_within_24h": "answered within 24 h, as a share of all questions",
    "mean_hours": "mean over answered questions (the published figure is a mean)",
    "weekday_mean_hours": "mean over answered questions asked Monday-Friday",
    "weekend_mean_hours": "mean over answered questions asked Saturday-Sunday",
    "weekend_raises_mean": "mean >= 1.1 x weekday-only mean",
    "logrank_chi2": "log-rank statistic, weekday vs weekend questions (1 df)",
    "logrank_p": "p-value of the log-rank test from chi2.sf (never 0)",
    "weekday_km_median_hours": QUANTILE_CONVENTION + ", weekday questions",
    "weekend_km_median_hours": QUANTILE_CONVENTION + ", weekend questions",
    "weekend_median_ratio": "weekend / weekday Kaplan-Meier median",
}


def summary(q: pd.DataFrame, *, hours: str = "clock_hours", alpha: float = 0.05) -> dict[str, Any]:
    """The response-time summary of all questions in ``q`` (from :func:`questions`).

    Returns
    -------
    dict
        ``n_questions``, ``n_answered``, ``answer_rate`` (+ ``answer_rate_low``/``_high``, Wilson),
        ``km_median_hours`` with ``km_median_low``/``_high`` (R ``survival``'s median convention,
        see :func:`km_quantiles`; interval as statsmodels ``quantile_ci``),
        ``km_within_1h``/``2h``/``24h`` (KM share answered within, censoring-aware),
        ``answered_within_1h``/``2h``/``24h`` (shares among answered questions),
        ``all_within_1h``/``2h``/``24h`` (answered within, as shares of all questions),
        ``mean_hours`` (mean over answered), ``weekday_mean_hours`` (answered questions asked
        Monday-Friday), ``weekend_mean_hours``, ``weekend_raises_mean`` (mean >= (1 + 10%) x weekday
        mean), ``logrank_chi2`` and ``logrank_p`` (weekday vs weekend questions, ``survdiff``),
        ``weekday_km_median_hours``, ``weekend_km_median_hours``. Times in hours of kind ``hours``.
        ``note``: empty, or why statistics are NA (:func:`summary_na_reason`);
        ``weekend_raises_mean`` is None when either mean is not defined.
    """
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    wk = q["weekend"].to_numpy(bool)
    n, k = len(t), int(e.sum())
    out: dict[str, Any] = {"n_questions": n, "n_answered": k}
    lo, hi = wilson_ci(k, n, alpha)
    out.update(answer_rate=k / n if n else np.nan, answer_rate_low=float(lo), answer_rate_high=float(hi))
    if n and k:
        sf = SurvfuncRight(t, e.astype(float))
        med = km_median(t, e, 0.5, alpha)
        out["km_median_hours"] = med["median"]
        out["km_median_low"], out["km_median_high"] = med["ci_low"], med["ci_high"]
        for h in (1, 2, 24):
            done = sf.surv_times <= h
            out[f"km_within_{h}h"] = float(1 - (sf.surv_prob[done][-1] if done.any() else 1.0))
    else:
        out.update(km_median_hours=np.nan, km_median_low=np.nan, km_median_high=np.nan,
                   km_within_1h=np.nan, km_within_2h=np.nan, km_within_24h=np.nan)
    ta = t[e]
    for h in (1, 2, 24):
        out[f"answered_within_{h}h"] = float(np.mean(ta <= h)) if k else np.nan
        out[f"all_within_{h}h"] = float(np.sum(ta <= h) / n) if n else np.nan
    out["mean_hours"] = float(ta.mean()) if k else np.nan
    out["weekday_mean_hours"] = float(t[e & ~wk].mean()) if (e & ~wk).any() else np.nan
    out["weekend_mean_hours"] = float(t[e & wk].mean()) if (e & wk).any() else np.nan
    out["weekend_raises_mean"] = bool(
        out["mean_hours"] >= (1 + WEEKEND_MARGIN) * out["weekday_mean_hours"]
    )
    out.update(logrank(q, hours=hours))
    out["note"] = summary_na_reason(n, k, int((e & ~wk).sum()), int((e & wk).sum()))
    if np.isnan(out["mean_hours"]) or np.isnan(out["weekday_mean_hours"]):
        out["weekend_raises_mean"] = None  # not "no": the comparison is not defined
    return out


def summary_na_reason(n_questions: int, n_answered: int, n_weekday_answered: int,
                      n_weekend_answered: int) -> str:
    """Why some statistics of :func:`summary` are NA ("" when all are defined)."""
    if n_questions == 0:
        return "NA: no questions in the window"
    if n_answered == 0:
        return (f"NA: none of the {n_questions} questions was answered: no response times, no "
                "Kaplan-Meier median")
    if n_weekday_answered == 0 or n_weekend_answered == 0:
        side = "weekday" if n_weekday_answered == 0 else "weekend"
        return f"NA: no answered {side} questions: no weekday-weekend comparison"
    return ""


def logrank(q: pd.DataFrame, *, hours: str = "clock_hours") -> dict[str, float]:
    """Log-rank test of questions asked on weekdays against weekend questions.

    Returns ``logrank_chi2`` (1 df), ``logrank_p`` (from ``chi2.sf``: statsmodels' ``survdiff``
    returns ``1 - chi2.cdf``, which underflows to 0), and as effect sizes the KM medians of both
    groups (``weekday_km_median_hours``, ``weekend_km_median_hours``, R ``survival`` convention) and
    ``weekend_median_ratio``. The log-rank test treats questions as independent; questions cluster
    within municipalities, which the Cox model of :func:`cox_size` accounts for.
    """
    wk = q["weekend"].to_numpy(bool)
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(float)
    out = {"logrank_chi2": np.nan, "logrank_p": np.nan, "weekday_km_median_hours": np.nan,
           "weekend_km_median_hours": np.nan, "weekend_median_ratio": np.nan}
    if wk.all() or (~wk).all() or e.sum() == 0:
        return out
    try:
        chi2, _ = survdiff(t, e, wk.astype(int))
    except np.linalg.LinAlgError:  # no event while both groups are at risk: zero variance
        return out
    out["logrank_chi2"], out["logrank_p"] = float(chi2), chi2_p(float(chi2), 1)
    for name, mask in (("weekday", ~wk), ("weekend", wk)):
        if e[mask].sum():
            out[f"{name}_km_median_hours"] = km_median(t[mask], e[mask])["median"]
    out["weekend_median_ratio"] = out["weekend_km_median_hours"] / out["weekday_km_median_hours"]
    return out


def bands(q: pd.DataFrame, *, hours: str = "clock_hours",
          edges: Sequence[float] = BAND_EDGES, labels: Sequence[str] = BAND_LABELS) -> pd.DataFrame:
    """The eight time bands of the 2015 edition (edges: :data:`BAND_EDGES`).

    Returns
    -------
    DataFrame, one row per band: ``band``, ``answered`` (count of answered questions in the band),
    ``share_answered`` (of answered questions), ``km_share`` (KM probability that the reply falls in
    the band, ``S(lower) - S(upper)``; the last band holds everything after 7 days, never answered
    included), ``cum_km_share`` (KM share answered by the band's upper edge). Bands are
    right-closed, ``(lower, upper]``, like "answered within 1 hour" (t <= 1).
    """
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    edges = np.asarray(edges, float)
    # right-closed bands (a, b], like "answered within 1 h" (t <= 1); t = 0 falls in the first band
    which = np.digitize(t[e], edges[1:-1], right=True)
    cnt = np.bincount(which, minlength=len(labels))
    curve = km_by_group(np.zeros(len(t), dtype=int), t, e)
    surv_at = np.array([km_at(curve, x).iloc[0] if len(curve) and np.isfinite(x)
                        else (0.0 if not np.isfinite(x) else 1.0) for x in edges])
    km_share = surv_at[:-1] - surv_at[1:]
    km_share[-1] = surv_at[-2]
    return pd.DataFrame(
        {
            "band": list(labels),
            "answered": cnt.astype(int),
            "share_answered": cnt / cnt.sum() if cnt.sum() else np.nan,
            "km_share": km_share,
            "cum_km_share": 1 - surv_at[1:],
        }
    )


def within_shares(q: pd.DataFrame, *, hours: str = "clock_hours", alpha: float = 0.05,
                  cutoffs: Sequence[float] = (1.0, 2.0, 24.0)) -> pd.DataFrame:
    """Shares of questions answered within N hours, on both bases, with clustered intervals.

    Questions nest in municipalities, so the interval of each pooled share is the ratio-estimator
    (linearisation) interval with municipalities as clusters (:func:`helpers.analysis.stats.ratio_ci`). The
    ``design_effect`` says how much larger the variance is than if questions were independent (no
    published figure is an interval, so the naive interval itself is not shown).

    Returns
    -------
    DataFrame, one row per cutoff and base: ``hours`` (the cutoff N), ``base`` (``"answered"``:
    among answered questions; ``"all"``: of all questions, an unanswered one counting as not
    answered within N), ``count``, ``n``, ``share``, ``ci_low``, ``ci_high`` (clustered),
    ``design_effect``, ``clusters``.
    """
    codes, labels = pd.factorize(q["gm_code"], sort=True)
    m = len(labels)
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    n_all = np.bincount(codes, minlength=m)
    n_ans = np.bincount(codes, weights=e.astype(float), minlength=m)
    rows = []
    for h in cutoffs:
        k = np.bincount(codes, weights=(e & (t <= h)).astype(float), minlength=m)
        for base, n in (("answered", n_ans), ("all", n_all)):
            r = ratio_ci(k, n, alpha)
            rows.append({"hours": float(h), "base": base, "count": int(k.sum()), "n": int(n.sum()),
                         "share": r["share"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                         "design_effect": r["design_effect"], "clusters": r["clusters"]})
    return pd.DataFrame(rows)


def km_within_cluster_ci(q: pd.DataFrame, cutoff: float = 2.0, *, hours: str = "clock_hours",
                         n_boot: int = 200, seed: int = 0, alpha: float = 0.05) -> dict[str, float]:
    """Kaplan-Meier share of all questions answered within ``cutoff`` hours, with a cluster
    bootstrap interval (municipalities resampled with replacement, seeded).

    The Kaplan-Meier share is censoring-aware, so it has no ratio-estimator form; its interval is
    the percentile interval of ``n_boot`` cluster-bootstrap replicates (Davison & Hinkley 1997,
    sect. 3.8), all replicates computed in one vectorised :func:`km_by_group` call.

    Returns
    -------
    dict
        ``share`` (1 - S(cutoff)), ``ci_low``, ``ci_high``, ``n_boot``, ``clusters``. NaN when
        there is no question.
    """
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    out = {"share": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n_boot": n_boot, "clusters": 0}
    if len(t) == 0:
        return out
    one = km_by_group(np.zeros(len(t), int), t, e)
    out["share"] = float(1 - km_at(one, cutoff).iloc[0]) if len(one) else 0.0
    codes, labels = pd.factorize(q["gm_code"], sort=True)
    m = len(labels)
    out["clusters"] = m
    if m < 2 or n_boot < 1:
        return out
    order = np.argsort(codes, kind="stable")
    size = np.bincount(codes, minlength=m)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    rng = np.random.default_rng(seed)
    draw = rng.integers(0, m, size=(n_boot, m))
    rep = np.repeat(np.arange(n_boot), size[draw].sum(axis=1))
    picked = draw.ravel()
    lengths = size[picked]
    offs = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    rows = order[np.repeat(start[picked], lengths) + offs]
    curves = km_by_group(rep, t[rows], e[rows])
    shares = (1 - km_at(curves, cutoff)).reindex(np.arange(n_boot)).fillna(0.0).to_numpy()
    out["ci_low"], out["ci_high"] = (float(x) for x in np.quantile(shares, [alpha / 2, 1 - alpha / 2]))
    return out
