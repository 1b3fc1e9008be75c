"""Intervals for proportions: Wilson intervals, and ratio-estimator intervals and tests for shares
pooled over units that nest in municipalities.

Wilson rather than statsmodels' default Wald interval, which is wrong near 0 and 1; the ratio
estimator (linearisation) with municipalities as clusters where posts or messages nest in them
(``docs/methods.md``).

Imports nothing from helpers but :mod:`.pvalues` (the analyses' lowest modules).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm as _norm
from scipy.stats import t as _t
from statsmodels.stats.proportion import proportion_confint

from helpers.analysis.stats.pvalues import z_p


def wilson_ci(
    count: int | np.ndarray | pd.Series, nobs: int | np.ndarray | pd.Series, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion ``count / nobs``.

    Parameters
    ----------
    count, nobs : int or array-like
        Successes and trials (vectorised). ``nobs == 0`` gives NaN bounds.
    alpha : float
        1 - confidence level (0.05 gives 95% intervals).

    Returns
    -------
    (low, high) : tuple of float arrays
        Bounds as proportions in [0, 1]. ``wilson_ci(70, 100)`` = (0.604151, 0.781051).
    """
    c = np.asarray(count, dtype=float)
    n = np.asarray(nobs, dtype=float)
    safe = np.where(n > 0, n, 1.0)
    lo, hi = proportion_confint(c, safe, alpha=alpha, method="wilson")
    lo = np.where(n > 0, lo, np.nan)
    hi = np.where(n > 0, hi, np.nan)
    return np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)


def proportion_table(count: pd.Series, nobs: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """Proportions with Wilson intervals, one row per index entry.

    Returns
    -------
    DataFrame
        ``count``, ``n`` (the base), ``share``, ``ci_low``, ``ci_high`` (proportions, 0-1).
    """
    lo, hi = wilson_ci(count.to_numpy(), nobs.to_numpy(), alpha)
    n = nobs.astype(float)
    return pd.DataFrame(
        {
            "count": count.astype(int),
            "n": nobs.astype(int),
            "share": np.where(n > 0, count / n.where(n > 0, 1.0), np.nan),
            "ci_low": lo,
            "ci_high": hi,
        },
        index=count.index,
    )


def ratio_ci(
    count: np.ndarray | pd.Series, nobs: np.ndarray | pd.Series, alpha: float = 0.05
) -> dict[str, float]:
    """Pooled share over clusters with a ratio-estimator (linearisation) interval.

    The pooled share is ``R = sum(count) / sum(nobs)`` over clusters (municipalities). Units inside a
    cluster are not independent, so the variance is the Taylor-linearisation variance of a ratio
    estimator with clusters as primary sampling units (Cochran 1977, sect. 6.4; the ``svyratio``
    estimator of R's ``survey`` package):
    ``var(R) = m / (m - 1) * sum((count_i - R * nobs_i)^2) / sum(nobs)^2`` for ``m`` clusters with
    ``nobs_i > 0``; interval ``R +/- t(m - 1) * se``, clipped to [0, 1].

    Parameters
    ----------
    count, nobs : array-like
        Per cluster: units with the property, and all units (the base).
    alpha : float
        1 - confidence level.

    Returns
    -------
    dict
        ``share``, ``ci_low``, ``ci_high``, ``se``, ``count`` and ``n`` (totals), ``clusters`` (m),
        ``design_effect`` (var(R) / binomial variance R(1-R)/n; 1 = no clustering). NaN where
        ``n == 0`` or fewer than two clusters.
    """
    k = np.asarray(count, dtype=float)
    n = np.asarray(nobs, dtype=float)
    keep = n > 0
    k, n = k[keep], n[keep]
    m, total_k, total_n = int(keep.sum()), float(k.sum()), float(n.sum())
    out = {"share": np.nan, "ci_low": np.nan, "ci_high": np.nan, "se": np.nan,
           "count": total_k, "n": total_n, "clusters": m, "design_effect": np.nan}
    if total_n == 0:
        return out
    r = total_k / total_n
    out["share"] = r
    if m < 2:
        return out
    var = m / (m - 1) * float(((k - r * n) ** 2).sum()) / total_n**2
    se = float(np.sqrt(var))
    half = float(_t.ppf(1 - alpha / 2, m - 1)) * se
    out.update(se=se, ci_low=max(0.0, r - half), ci_high=min(1.0, r + half))
    binom = r * (1 - r) / total_n
    out["design_effect"] = var / binom if binom > 0 else np.nan
    return out


def ratio_difference_test(
    k1: np.ndarray | pd.Series, n1: np.ndarray | pd.Series,
    k2: np.ndarray | pd.Series, n2: np.ndarray | pd.Series, alpha: float = 0.05,
) -> dict[str, float]:
    """Difference of two pooled shares measured in the same clusters, with a cluster-robust test.

    ``d = sum(k1)/sum(n1) - sum(k2)/sum(n2)``; each cluster contributes the linearised residual
    ``u_i = (k1_i - R1 n1_i) / N1 - (k2_i - R2 n2_i) / N2`` and ``var(d) = m / (m - 1) * sum(u_i^2)``
    over the ``m`` clusters with any unit (so the covariance of the two shares within a cluster is
    kept). Wald test ``z = d / se``, ``p = 2 * norm.sf(|z|)``; interval ``d +/- z(1 - alpha/2) se``.

    Returns
    -------
    dict
        ``difference``, ``ci_low``, ``ci_high``, ``se``, ``z``, ``p``, ``clusters``. NaN when a
        base is 0 or there are fewer than two clusters.
    """
    a, na = np.asarray(k1, float), np.asarray(n1, float)
    b, nb = np.asarray(k2, float), np.asarray(n2, float)
    keep = (na + nb) > 0
    a, na, b, nb = a[keep], na[keep], b[keep], nb[keep]
    m = int(keep.sum())
    out = {"difference": np.nan, "ci_low": np.nan, "ci_high": np.nan, "se": np.nan, "z": np.nan,
           "p": np.nan, "clusters": m}
    big_a, big_b = na.sum(), nb.sum()
    if big_a == 0 or big_b == 0:
        return out
    r1, r2 = a.sum() / big_a, b.sum() / big_b
    d = float(r1 - r2)
    out["difference"] = d
    if m < 2:
        return out
    u = (a - r1 * na) / big_a - (b - r2 * nb) / big_b
    se = float(np.sqrt(m / (m - 1) * (u**2).sum()))
    zc = float(_norm.ppf(1 - alpha / 2))
    out.update(se=se, ci_low=d - zc * se, ci_high=d + zc * se)
    if se > 0:
        out.update(z=d / se, p=z_p(d / se))
    return out
