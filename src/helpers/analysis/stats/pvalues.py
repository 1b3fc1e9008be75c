"""p-values from survival functions, their one formatter, and adjustment for multiple tests.

p-values come from ``chi2.sf`` and ``norm.sf`` (``1 - cdf`` underflows to 0 below about 1e-16);
Holm or Benjamini-Hochberg across many tests (``docs/methods.md``).

Imports nothing from helpers: the analyses' lowest module, which every analysis may use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2 as _chi2
from scipy.stats import norm as _norm
from statsmodels.stats.multitest import multipletests

#: p-values below this are shown as "< 1e-16" (double precision cannot resolve 1 - cdf below it,
#: and no claim in the collection rests on finer resolution).
P_FLOOR = 1e-16


def chi2_p(statistic: float | np.ndarray, df: float | np.ndarray) -> float | np.ndarray:
    """Upper-tail p-value of a chi-square statistic from the survival function, ``chi2.sf``.

    ``1 - chi2.cdf`` (used by statsmodels' ``survdiff`` and ``Table.test_nominal_association``)
    underflows to exactly 0 above chi2 of about 70 with 1 df; ``chi2.sf(170.6, 1)`` = 5.5e-39.
    NaN statistics give NaN.
    """
    out = _chi2.sf(np.asarray(statistic, dtype=float), np.asarray(df, dtype=float))
    return float(out) if np.ndim(out) == 0 else out


def z_p(z: float | np.ndarray) -> float | np.ndarray:
    """Two-sided p-value of a standard-normal statistic, ``2 * norm.sf(|z|)`` (no underflow to 0)."""
    out = 2 * _norm.sf(np.abs(np.asarray(z, dtype=float)))
    return float(out) if np.ndim(out) == 0 else out


def format_p(p: object, *, digits: int = 2) -> str:
    """A p-value for people: ``"p = 0.034"``, ``"p = 5.5e-39"`` or ``"p < 1e-16"``; never ``p = 0``.

    The one formatter used by notebooks, findings and the report.

    Parameters
    ----------
    p : float or None
        The p-value (0-1). ``None``/NaN gives ``"p not computed"``. Values below :data:`P_FLOOR`
        (including an underflowed 0.0) give ``"p < 1e-16"``.
    digits : int
        Significant digits.

    Returns
    -------
    str
        ``"p = 0.21"``, ``"p = 0.0012"``, ``"p = 3.1e-07"``, ``"p < 1e-16"``.
    """
    try:
        value = float(p)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "p not computed"
    if np.isnan(value):
        return "p not computed"
    if value < P_FLOOR:
        return "p < 1e-16"
    if value >= 1e-3:
        text = f"{value:.{digits}g}"
        # keep trailing precision readable: 0.05 stays 0.05, 0.9999 -> 1
        return f"p = {text}"
    return f"p = {value:.{max(digits - 1, 0)}e}".replace("e-0", "e-")


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
