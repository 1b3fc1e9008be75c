"""Scale reliability: Cronbach's alpha with Feldt's interval, or NA with the reason.

Imports nothing from helpers: the analyses' lowest module, which every analysis may use.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def cronbach_alpha(items: pd.DataFrame | np.ndarray, ci: float = 0.95) -> dict[str, float]:
    """Cronbach's alpha of items that are meant to form one scale, with Feldt's confidence interval.

    alpha = k / (k - 1) * (1 - sum of item variances / variance of the sum score), on respondents who
    answered every item (listwise deletion). The interval follows Feldt (1965), as pingouin does:
    ``1 - (1 - alpha) * F`` with the F quantiles of (n - 1, (n - 1)(k - 1)) degrees of freedom.

    Parameters
    ----------
    items : DataFrame or array, respondents x items
        Numeric answers; missing values (NaN/NA) drop the respondent.
    ci : float
        Confidence level of the interval.

    Returns
    -------
    dict
        ``alpha``, ``ci_low``, ``ci_high``, ``n`` (respondents used), ``k`` (items).
        pingouin's example data (15 x 10) gives alpha = 0.5917188485995826.

    Raises
    ------
    ValueError
        Fewer than two items or two complete respondents, or a sum score without variance
        (:func:`cronbach_alpha_or_na` returns NA with the reason instead).
    """
    from scipy.stats import f

    data = pd.DataFrame(items).astype("Float64").dropna().to_numpy(dtype=float)
    n, k = data.shape
    if k < 2 or n < 2:
        raise ValueError("Cronbach's alpha needs at least two items and two complete respondents")
    cov = np.cov(data, rowvar=False, ddof=1)
    if cov.sum() <= 0:
        raise ValueError("Cronbach's alpha is not defined: the sum score has no variance")
    alpha = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * f.isf((1 - ci) / 2, df1, df2)
    high = 1 - (1 - alpha) * f.isf(1 - (1 - ci) / 2, df1, df2)
    return {"alpha": float(alpha), "ci_low": float(low), "ci_high": float(high), "n": n, "k": k}


def cronbach_alpha_or_na(items: pd.DataFrame | np.ndarray, ci: float = 0.95) -> dict[str, Any]:
    """:func:`cronbach_alpha`, or NaN estimates with the reason when alpha is not defined.

    Returns
    -------
    dict
        As :func:`cronbach_alpha`, plus ``note``: empty, or why alpha is NA ("NA: fewer than two
        items (k=1)", "NA: fewer than two complete respondents (n=1)", "NA: ... no variance").
    """
    frame = pd.DataFrame(items)
    k = frame.shape[1]
    n = int(frame.astype("Float64").notna().all(axis=1).sum()) if k else 0
    try:
        return {**cronbach_alpha(frame, ci=ci), "note": ""}
    except ValueError as exc:
        if k < 2:
            reason = f"NA: Cronbach's alpha needs at least two items (k={k})"
        elif n < 2:
            reason = f"NA: Cronbach's alpha needs at least two complete respondents (n={n})"
        else:
            reason = f"NA: {exc}"
        return {"alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": n, "k": k, "note": reason}
