"""General statistics used across the collection: intervals for proportions and p-value adjustment.

Methods follow ``shared/notes/methods.md``: Wilson intervals for proportions (statsmodels' default is
the Wald interval, which is wrong near 0 and 1), Holm or Benjamini-Hochberg across many tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint


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


def p_adjust(pvalues: np.ndarray | pd.Series, method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple tests: ``"holm"`` (family-wise) or ``"fdr_bh"`` (Benjamini-Hochberg).

    NaN p-values are passed through and do not count as tests.
    """
    p = np.asarray(pvalues, dtype=float)
    out = np.full_like(p, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method=method)[1]
    return out
