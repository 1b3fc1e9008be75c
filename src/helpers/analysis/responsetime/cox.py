"""Cox models of the reply hazard (log10 population, weekend) with errors clustered by municipality,
the proportional-hazards check, and the time-split model for terms that fail it.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.analysis.stats`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from helpers.analysis.stats import chi2_p, z_p


def _cox_data(q: pd.DataFrame, municipalities: pd.DataFrame) -> pd.DataFrame:
    pop = municipalities.set_index("gm_code")["population"].astype("Float64")
    d = q.assign(log10_pop=q["gm_code"].map(pop).astype(float).pipe(np.log10))
    return d.dropna(subset=["log10_pop"]).reset_index(drop=True)


def cluster_cov(model: Any, params: np.ndarray, groups: Any) -> np.ndarray:
    """Cluster-robust (sandwich) covariance of a single-stratum ``PHReg`` fit, vectorised.

    Equal to statsmodels' ``PHReg.robust_covariance`` (Lin & Wei 1989: the model's Hessian and the
    per-cluster sums of Breslow score residuals), which loops over every event time and takes
    minutes on a year's questions. Score residual of observation i with risk weight r_i:
    ``U_i = status_i (x_i - xbar(t_i)) - r_i sum over event times t_k in [entry_i, t_i] of
    d_k / S0_k (x_i - xbar_k)``, evaluated with cumulative sums over the sorted event times.

    Returns
    -------
    ndarray (p x p)
    """
    x = np.asarray(model.exog, dtype=float)
    t = np.asarray(model.endog, dtype=float)
    status = np.asarray(model.status, dtype=float)
    entry = (np.asarray(model.entry, dtype=float) if getattr(model, "entry", None) is not None
             else np.full(len(t), -np.inf))
    lin = x @ params
    r = np.exp(lin - lin.max())
    u, d = np.unique(t[status == 1], return_counts=True)
    # risk set at u_k: entry <= u_k <= t (statsmodels' convention); sums over sorted exits/entries
    o_exit, o_entry = np.argsort(t), np.argsort(entry)
    def tail_sums(values: np.ndarray, order: np.ndarray, keys: np.ndarray, side: str) -> np.ndarray:
        cum = np.concatenate([np.cumsum(values[order][::-1], axis=0)[::-1],
                              np.zeros((1,) + values.shape[1:])])
        return cum[np.searchsorted(keys[order], u, side=side)]
    rx = r[:, None] * x
    s0 = tail_sums(r, o_exit, t, "left") - tail_sums(r, o_entry, entry, "right")
    s1 = tail_sums(rx, o_exit, t, "left") - tail_sums(rx, o_entry, entry, "right")
    xbar = s1 / s0[:, None]
    a = np.concatenate([[0.0], np.cumsum(d / s0)])
    b = np.concatenate([np.zeros((1, x.shape[1])), np.cumsum((d / s0)[:, None] * xbar, axis=0)])
    hi = np.searchsorted(u, t, side="right")
    lo = np.searchsorted(u, entry, side="left")
    k_own = np.clip(np.searchsorted(u, t, side="left"), 0, len(u) - 1)
    score = (status[:, None] * (x - xbar[k_own])
             - r[:, None] * (x * (a[hi] - a[lo])[:, None] - (b[hi] - b[lo])))
    codes = pd.factorize(pd.Series(groups))[0]
    sums = np.column_stack([np.bincount(codes, weights=score[:, j]) for j in range(x.shape[1])])
    meat = sums.T @ sums
    hinv = np.linalg.inv(model.hessian(params))
    return hinv @ meat @ hinv


def _fit_clustered(model: Any, groups: Any, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``model`` and return (params, se, ci) with standard errors clustered by ``groups``."""
    res = model.fit()
    params = np.asarray(res.params)
    se = np.sqrt(np.diag(cluster_cov(model, params, groups)))
    z = norm.ppf(1 - alpha / 2)
    return params, se, np.column_stack([params - z * se, params + z * se])


COX_TERMS = ("log10_population", "weekend")


def cox_na_reason(answered: np.ndarray, exog: np.ndarray) -> str:
    """Why the Cox model cannot be fitted ("" when it can): no events, or a covariate that does not
    vary (every question on a weekend, or all from municipalities of one population)."""
    if len(answered) == 0:
        return "NA: no questions with a known population"
    if not answered.any():
        return f"NA: no events (none of the {len(answered)} questions was answered)"
    names = ("log10 population", "weekend")
    flat = [names[j] for j in range(exog.shape[1]) if np.ptp(exog[:, j]) == 0]
    if flat:
        return f"NA: {' and '.join(flat)} does not vary across the questions"
    return ""


def _cox_exog(d: pd.DataFrame) -> np.ndarray:
    return np.column_stack([d["log10_pop"].to_numpy(), d["weekend"].to_numpy(float)])


def _not_estimable(terms: Sequence[str], periods: Any, exc: Exception | str) -> pd.DataFrame:
    nan = np.full(len(terms), np.nan)
    note = exc if isinstance(exc, str) else f"not estimable: {exc}"
    return pd.DataFrame({"term": list(terms), "hazard_ratio": nan, "ci_low": nan, "ci_high": nan,
                         "p": nan, "period": periods, "note": note})


def _cox_table(terms: Sequence[str], params: np.ndarray, se: np.ndarray, ci: np.ndarray,
               periods: Any) -> pd.DataFrame:
    return pd.DataFrame({"term": list(terms), "hazard_ratio": np.exp(params),
                         "ci_low": np.exp(ci[:, 0]), "ci_high": np.exp(ci[:, 1]),
                         "p": [z_p(z) for z in params / se], "period": periods, "note": ""})


def _ph_rows(t: np.ndarray, status: np.ndarray, resid: np.ndarray, alpha: float) -> pd.DataFrame:
    from scipy.stats import rankdata

    rows = []
    for j, term in enumerate(COX_TERMS):
        ok = (status == 1) & np.isfinite(resid[:, j])
        n_ev = int(ok.sum())
        r = np.nan
        if n_ev > 2 and np.std(resid[ok, j]) > 0:
            r = float(np.corrcoef(resid[ok, j], rankdata(t[ok]))[0, 1])
        stat = (n_ev - 2) * r**2 / (1 - r**2) if np.isfinite(r) and abs(r) < 1 else np.nan
        p = chi2_p(stat, 1) if np.isfinite(stat) else np.nan
        rows.append({"term": term, "rho": r, "chi2": stat, "p": p, "n_events": n_ev,
                     "holds": bool(not (p < alpha)) if np.isfinite(p) else True})
    return pd.DataFrame(rows)


def cox_analysis(q: pd.DataFrame, municipalities: pd.DataFrame, *, hours: str = "clock_hours",
                 alpha: float = 0.05, split_at: float = 24.0) -> dict[str, pd.DataFrame]:
    """The Cox model, its proportional-hazards check and, where the check fails, the time-split
    model, from one fit (see :func:`cox_size`, :func:`ph_test`, :func:`cox_time_split`).

    Returns
    -------
    dict
        ``cox`` (:func:`cox_size`), ``ph`` (:func:`ph_test`), ``split`` (:func:`cox_time_split` for
        the terms that fail the check at ``alpha``; the ``cox`` table when none fails).
    """
    from statsmodels.duration.hazard_regression import PHReg

    d = _cox_data(q, municipalities)
    t = d[hours].to_numpy(float)
    status = d["answered"].to_numpy(float)
    reason = cox_na_reason(status.astype(bool), _cox_exog(d))
    if reason:
        cox = _not_estimable(COX_TERMS, "whole follow-up", reason)
        return {"cox": cox, "ph": _ph_rows(t, status, np.full((len(d), 2), np.nan), alpha),
                "split": cox.copy()}
    try:
        model = PHReg(t, _cox_exog(d), status=status, ties="efron")
        res = model.fit()
        params = np.asarray(res.params)
        se = np.sqrt(np.diag(cluster_cov(model, params, d["gm_code"].to_numpy())))
        z = norm.ppf(1 - alpha / 2)
        cox = _cox_table(COX_TERMS, params, se, np.column_stack([params - z * se, params + z * se]),
                         "whole follow-up")
        ph = _ph_rows(t, status, np.asarray(res.schoenfeld_residuals), alpha)
    except (ValueError, IndexError, np.linalg.LinAlgError) as exc:  # too few questions
        cox = _not_estimable(COX_TERMS, "whole follow-up", exc)
        ph = _ph_rows(t, status, np.full((len(d), 2), np.nan), alpha)
    failing = ph.loc[~ph["holds"], "term"].tolist()
    split = (cox_time_split(q, municipalities, split_at=split_at, split_terms=failing, hours=hours,
                            alpha=alpha) if failing and cox["note"].eq("").all() else cox.copy())
    return {"cox": cox, "ph": ph, "split": split}


def cox_size(q: pd.DataFrame, municipalities: pd.DataFrame, *, hours: str = "clock_hours",
             alpha: float = 0.05) -> pd.DataFrame:
    """Cox proportional-hazards model (statsmodels ``PHReg``, Efron ties) of the reply hazard on
    log10 population and weekend, with standard errors clustered by municipality.

    Questions cluster within municipalities, so the covariance is the robust sandwich of
    statsmodels' ``fit(groups=gm_code)`` (Lin & Wei 1989), computed by :func:`cluster_cov`. The
    hazard ratio of a term is averaged over follow-up when proportional hazards fail: see
    :func:`ph_test` and :func:`cox_time_split`.

    Returns
    -------
    DataFrame: ``term``, ``hazard_ratio`` (> 1 = faster reply), ``ci_low``, ``ci_high``, ``p``
    (cluster-robust), ``period`` (``"whole follow-up"``), ``note`` (why the model could not be
    estimated, :func:`cox_na_reason`, else empty).
    """
    from statsmodels.duration.hazard_regression import PHReg

    d = _cox_data(q, municipalities)
    reason = cox_na_reason(d["answered"].to_numpy(bool), _cox_exog(d))
    if reason:
        return _not_estimable(COX_TERMS, "whole follow-up", reason)
    try:
        model = PHReg(d[hours].to_numpy(float), _cox_exog(d), status=d["answered"].to_numpy(float),
                      ties="efron")
        params, se, ci = _fit_clustered(model, d["gm_code"].to_numpy(), alpha)
    except (ValueError, IndexError, np.linalg.LinAlgError) as exc:  # too few questions
        return _not_estimable(COX_TERMS, "whole follow-up", exc)
    return _cox_table(COX_TERMS, params, se, ci, "whole follow-up")


def ph_test(q: pd.DataFrame, municipalities: pd.DataFrame, *, hours: str = "clock_hours",
            alpha: float = 0.05) -> pd.DataFrame:
    """Check of the proportional-hazards assumption of :func:`cox_size`, per term.

    Schoenfeld residuals of the fitted model (statsmodels ``schoenfeld_residuals``) are correlated
    with the rank of the event time (Grambsch & Therneau 1994 with g(t) = rank(t), in its
    correlation form, as R's ``cox.zph(transform="rank")`` of survival 2.x): ``rho`` is Pearson's r
    over the answered questions, ``chi2 = (d - 2) r^2 / (1 - r^2)`` with 1 df for ``d`` events,
    ``p`` from ``chi2.sf``. A trend of the residuals with time means the hazard ratio changes over
    follow-up (``holds`` is False when ``p < alpha``).

    Returns
    -------
    DataFrame: ``term``, ``rho``, ``chi2``, ``p``, ``n_events``, ``holds``.
    """
    from statsmodels.duration.hazard_regression import PHReg

    d = _cox_data(q, municipalities)
    t = d[hours].to_numpy(float)
    status = d["answered"].to_numpy(float)
    resid = np.full((len(d), 2), np.nan)
    if not cox_na_reason(status.astype(bool), _cox_exog(d)):
        try:
            res = PHReg(t, _cox_exog(d), status=status, ties="efron").fit()
            resid = np.asarray(res.schoenfeld_residuals)
        except (ValueError, IndexError, np.linalg.LinAlgError):
            pass
    return _ph_rows(t, status, resid, alpha)


def cox_time_split(q: pd.DataFrame, municipalities: pd.DataFrame, *, split_at: float = 24.0,
                   split_terms: Sequence[str] = ("weekend",), hours: str = "clock_hours",
                   alpha: float = 0.05) -> pd.DataFrame:
    """Cox model with a hazard ratio per follow-up period for terms whose hazards are not
    proportional (episode splitting at ``split_at`` hours; clustered by municipality).

    Each question contributes an episode (0, min(t, c)] and, when still waiting at c, an episode
    (c, t] with delayed entry (``PHReg(entry=...)``). A split term gets one coefficient per period:
    ``"<term>"`` with ``period`` ``"first <c> h"`` is the hazard ratio of a reply among questions
    still waiting, during the first c hours; ``"after <c> h"`` the same after c hours. Other terms
    keep one hazard ratio over the whole follow-up.

    Returns
    -------
    DataFrame: ``term``, ``hazard_ratio``, ``ci_low``, ``ci_high``, ``p``, ``period``, ``note``.
    """
    from statsmodels.duration.hazard_regression import PHReg

    d = _cox_data(q, municipalities)
    c = float(split_at)
    t = d[hours].to_numpy(float)
    ev = d["answered"].to_numpy(bool)
    late = t > c
    cols = {"log10_population": d["log10_pop"].to_numpy(float),
            "weekend": d["weekend"].to_numpy(float)}
    # episode 1 for everyone, episode 2 for questions still waiting at c
    n1, idx2 = len(d), np.flatnonzero(late)
    entry = np.concatenate([np.zeros(n1), np.full(len(idx2), c)])
    exit_ = np.concatenate([np.minimum(t, c), t[idx2]])
    status = np.concatenate([(ev & ~late).astype(float), ev[idx2].astype(float)])
    period2 = np.concatenate([np.zeros(n1, bool), np.ones(len(idx2), bool)])
    rows_of = np.concatenate([np.arange(n1), idx2])
    names, periods, columns = [], [], []
    for term in COX_TERMS:
        x = cols[term][rows_of]
        if term in split_terms:
            names += [term, term]
            periods += [f"first {c:g} h", f"after {c:g} h"]
            columns += [np.where(~period2, x, 0.0), np.where(period2, x, 0.0)]
        else:
            names.append(term)
            periods.append("whole follow-up")
            columns.append(x)
    groups = d["gm_code"].to_numpy()[rows_of]
    try:
        model = PHReg(exit_, np.column_stack(columns), status=status, entry=entry, ties="efron")
        params, se, ci = _fit_clustered(model, groups, alpha)
    except (ValueError, IndexError, np.linalg.LinAlgError) as exc:
        return _not_estimable(names, periods, exc)
    return _cox_table(names, params, se, ci, periods)
