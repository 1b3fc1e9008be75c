"""Kaplan-Meier curves of many groups at once, their quantiles with intervals, and plotting curves.

Quantiles (the median) follow R ``survival``'s convention (Therneau's ``quantile.survfit``): the
first time the curve of 1 - S reaches p; where the curve is flat at exactly 1 - p (within
:data:`QUANTILE_TOL`, for float error such as S = 0.4999...), the midpoint of that flat stretch, i.e.
halfway between the time it reaches 1 - p and the next event time (or the group's last observation
time when the flat stretch runs to the end of follow-up). statsmodels' ``quantile`` takes the end of
such a stretch, lifelines its start; see ``docs/methods.md``. The curves of :func:`km_by_group` are
vectorised over groups (sorting, ``np.add.reduceat``, cython groupby reductions) and agree with
statsmodels' ``SurvfuncRight`` (tested).

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; nothing from helpers at all.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.duration.survfunc import SurvfuncRight

#: Survival values within this (absolute) distance of 1 - p count as equal to it when finding
#: quantiles: R ``survival``'s default tolerance ``sqrt(.Machine$double.eps)``.
QUANTILE_TOL = float(np.sqrt(np.finfo(float).eps))
#: Words for the quantile convention, used in table column descriptions and the method text.
QUANTILE_CONVENTION = (
    "Kaplan-Meier median, R survival convention: midpoint of a flat stretch at exactly 0.5"
)


def km_by_group(group: Any, time: Any, event: Any) -> pd.DataFrame:
    """Kaplan-Meier curves of many groups at once (equal to ``SurvfuncRight`` per group).

    Parameters
    ----------
    group : array-like
        Group label per observation (e.g. ``gm_code``).
    time : array-like of float
        Event or censoring time (hours).
    event : array-like of bool
        True when the event (a reply) was observed at ``time``; False when censored.

    Returns
    -------
    DataFrame
        One row per group and distinct *event* time, sorted: ``group``, ``time``, ``n_risk`` (at risk
        just before), ``events``, ``surv`` (KM survival: share still unanswered), ``se`` (Greenwood
        standard error of ``surv``, NaN where the risk set is exhausted), ``n_total`` (the group's
        size) and ``last_time`` (the group's last observation time, event or censored). Groups
        without any event have no rows.
    """
    codes, labels = pd.factorize(pd.Series(group), sort=True)
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=bool)
    # sort by (group, time): a stable sort on time, then a stable (radix) sort on the small codes
    order = np.argsort(t, kind="stable")
    small = codes.astype(np.int16 if len(labels) < 2**15 else np.int64)
    order = order[np.argsort(small[order], kind="stable")]
    g, t, e = codes[order], t[order], e[order].astype(np.int64)
    n = len(g)
    if n == 0:
        return pd.DataFrame(columns=["group", "time", "n_risk", "events", "surv", "se", "n_total",
                                     "last_time"])
    new = np.ones(n, dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    idx = np.flatnonzero(new)
    d = np.add.reduceat(e, idx)
    size = np.bincount(g, minlength=len(labels))
    gstart = np.concatenate([[0], np.cumsum(size)[:-1]])
    gi = g[idx]
    gend = gstart + size - 1
    last_time = t[np.clip(gend, 0, n - 1)]
    n_risk = size[gi] - (idx - gstart[gi])
    keep = d > 0
    gi, ti, d, n_risk = gi[keep], t[idx][keep], d[keep], n_risk[keep]
    frac = 1.0 - d / n_risk
    zero = frac < 1e-16
    logs = np.log(np.where(zero, 1e-16, frac))
    gkey = pd.Series(gi)
    surv = np.exp(pd.Series(logs).groupby(gkey).cumsum().to_numpy())
    surv[zero] = 0.0
    denom = np.clip(n_risk * (n_risk - d), 1e-12, np.inf).astype(float)
    term = d / denom
    exhausted = n_risk == d
    gw = pd.Series(np.where(exhausted, 0.0, term)).groupby(gkey).cumsum().to_numpy()
    se = np.sqrt(gw) * surv
    se[exhausted] = np.nan
    return pd.DataFrame(
        {
            "group": labels.to_numpy()[gi],
            "time": ti,
            "n_risk": n_risk,
            "events": d,
            "surv": surv,
            "se": se,
            "n_total": size[gi],
            "last_time": last_time[gi],
        }
    )


def km_quantiles(curves: pd.DataFrame, p: float = 0.5, alpha: float = 0.05) -> pd.DataFrame:
    """KM quantile (default the median) per group with the Brookmeyer-Crowley interval.

    The point estimate follows R ``survival`` (``quantile.survfit``): the first event time where
    S <= 1 - p; where S equals 1 - p within :data:`QUANTILE_TOL` (a flat stretch at exactly 1 - p),
    the midpoint between that time and the next event time, or the group's ``last_time`` when no
    event follows. The interval equals ``SurvfuncRight.quantile_ci(p, alpha)`` with its default
    complementary log-log transform (limits are observed event times; an open upper limit is
    ``inf``).

    Parameters
    ----------
    curves : DataFrame
        From :func:`km_by_group` (needs ``last_time`` for flat stretches that run to the end).
    p : float
        The quantile of the event-time distribution (0.5: median).
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame indexed by group: ``median`` (or the ``p`` quantile), ``ci_low``, ``ci_high`` (hours;
    NaN when not reached).
    """
    c = curves.reset_index(drop=True)
    grp = c["group"]
    target = 1 - p
    s = c["surv"].to_numpy(float)
    times = c["time"].to_numpy(float)
    pos = np.arange(len(c))
    reached = s <= target + QUANTILE_TOL
    first_pos = pd.Series(pos[reached], index=grp[reached].to_numpy()).groupby(level=0).min()
    fp = first_pos.to_numpy()
    est_vals = times[fp] if len(fp) else np.array([], float)
    if len(fp):
        flat = np.abs(s[fp] - target) < QUANTILE_TOL
        nxt = np.minimum(fp + 1, len(c) - 1)
        same_group = (fp + 1 < len(c)) & (grp.to_numpy()[nxt] == grp.to_numpy()[fp])
        # without last_time, a flat stretch to the end ends at the last event time
        end = c["last_time"].to_numpy(float)[fp] if "last_time" in c.columns else times[fp]
        upper = np.where(same_group, times[nxt], end)
        est_vals = np.where(flat, (times[fp] + upper) / 2, times[fp])
    est = pd.Series(est_vals, index=first_pos.index)
    se = c["se"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.log(-np.log(s))
        gprime = -1.0 / (s * np.log(s))
        r = (g - np.log(-np.log(1 - p))) / (gprime * se)
    z = norm.ppf(1 - alpha / 2)
    ok = np.abs(r) <= z
    okpos = pd.Series(pos[ok], index=grp[ok].to_numpy())
    first = okpos.groupby(level=0).min()
    last = okpos.groupby(level=0).max()
    group_last = pd.Series(pos, index=grp.to_numpy()).groupby(level=0).max()
    low = pd.Series(times[first.to_numpy()], index=first.index)
    nxt = last.to_numpy() + 1
    open_end = last.to_numpy() == group_last.reindex(last.index).to_numpy()
    high = pd.Series(
        np.where(open_end, np.inf, times[np.minimum(nxt, len(times) - 1)]), index=last.index
    )
    groups = pd.Index(pd.unique(grp), name="group")
    return pd.DataFrame(
        {"median": est.reindex(groups), "ci_low": low.reindex(groups),
         "ci_high": high.reindex(groups)}
    )


def km_median(time: Any, event: Any, p: float = 0.5, alpha: float = 0.05) -> dict[str, float]:
    """The ``p`` quantile of one Kaplan-Meier curve with its interval (see :func:`km_quantiles`).

    Returns
    -------
    dict
        ``median``, ``ci_low``, ``ci_high`` (hours; NaN when there is no event or the quantile is
        not reached; ``ci_high`` is ``inf`` when the interval is open).
    """
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=bool)
    nan = {"median": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if not e.any():
        return nan
    q = km_quantiles(km_by_group(np.zeros(len(t), dtype=int), t, e), p, alpha)
    row = q.iloc[0]
    return {k: float(row[k]) for k in ("median", "ci_low", "ci_high")}


def km_at(curves: pd.DataFrame, hours: float) -> pd.Series:
    """KM survival at ``hours`` per group (1.0 when no event happened by then)."""
    upto = curves.loc[curves["time"] <= hours]
    s = upto.groupby("group", sort=True)["surv"].min()
    groups = pd.Index(pd.unique(curves["group"]), name="group")
    return s.reindex(groups).fillna(1.0)


def km_curve(time: Any, event: Any) -> pd.DataFrame:
    """One KM curve for plotting: ``time`` (hours), ``surv``, ``low``, ``high`` (95% pointwise, from
    ``SurvfuncRight.simultaneous_cb`` is not used; log-log pointwise band), starting at (0, 1)."""
    sf = SurvfuncRight(np.asarray(time, float), np.asarray(event, float))
    s, se = sf.surv_prob, sf.surv_prob_se
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = norm.ppf(0.975) * se / (s * np.log(s))
        low, high = s ** np.exp(-theta), s ** np.exp(theta)
    low = np.where(np.isfinite(low), low, s)
    high = np.where(np.isfinite(high), high, s)
    return pd.DataFrame(
        {
            "time": np.concatenate([[0.0], sf.surv_times]),
            "surv": np.concatenate([[1.0], s]),
            "low": np.concatenate([[1.0], np.minimum(low, high)]),
            "high": np.concatenate([[1.0], np.maximum(low, high)]),
        }
    )
