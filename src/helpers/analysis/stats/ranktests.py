"""Rank tests with their effect sizes: Kruskal-Wallis with epsilon-squared, rank-biserial
correlations for Mann-Whitney and Wilcoxon, Friedman with Kendall's W.

Imports nothing from helpers: the analyses' lowest module, which every analysis may use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def epsilon_squared(h: float, n: int) -> float:
    """Effect size of a Kruskal-Wallis test: epsilon-squared = H / (n - 1), n = all observations."""
    return float(h) / (int(n) - 1)


def kruskal_epsilon(*groups: np.ndarray) -> dict[str, float]:
    """Kruskal-Wallis H test of independent groups with epsilon-squared (see :func:`epsilon_squared`)."""
    from scipy.stats import kruskal

    clean = [np.asarray(g, dtype=float)[~np.isnan(np.asarray(g, dtype=float))] for g in groups]
    res = kruskal(*clean)
    n = sum(len(g) for g in clean)
    return {"h": float(res.statistic), "p": float(res.pvalue), "n": n,
            "epsilon_squared": epsilon_squared(res.statistic, n)}


def rank_biserial(x: np.ndarray, y: np.ndarray) -> float:
    """Rank-biserial correlation of two independent samples (Mann-Whitney effect size), -1 to 1.

    r = P(x > y) - P(x < y) = 2 * U_x / (n_x * n_y) - 1, ties counting half; positive when ``x``
    tends to be larger.
    """
    from scipy.stats import mannwhitneyu

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    u = mannwhitneyu(x, y, alternative="two-sided").statistic
    return float(2 * u / (len(x) * len(y)) - 1)


def matched_rank_biserial(x: np.ndarray, y: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation (effect size of the Wilcoxon signed-rank test), -1 to 1.

    Differences d = x - y; zero differences dropped (Wilcoxon's convention); ranks of |d| (average
    ranks for ties); r = (sum of ranks of positive d - sum of ranks of negative d) / sum of all ranks.
    Positive when ``x`` tends to be larger. NaN when every difference is zero.
    """
    from scipy.stats import rankdata

    d = np.asarray(x, dtype=float) - np.asarray(y, dtype=float)
    d = d[~np.isnan(d) & (d != 0)]
    if d.size == 0:
        return float("nan")
    ranks = rankdata(np.abs(d))
    return float((ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum())


def friedman_na_reason(n: int, k: int) -> str:
    """Why a Friedman test of ``n`` complete rows and ``k`` conditions cannot be run ("" if it can).

    scipy needs at least three conditions; with fewer than two complete respondents there is no
    ranking to compare, and a sample where every respondent gives every condition the same rank has
    no variance (the statistic is 0/0).
    """
    if k < 3:
        return f"NA: the Friedman test needs at least three items (has {k})"
    if n < 2:
        return f"NA: the Friedman test needs at least two complete respondents (has {n})"
    return ""


def kendalls_w(data: np.ndarray | pd.DataFrame) -> dict[str, float]:
    """Friedman test with Kendall's coefficient of concordance W (respondents x conditions).

    Rows with any missing value are dropped. W = chi2_F / (n (k - 1)) from scipy's tie-corrected
    Friedman statistic; 0 = no agreement on the ordering of conditions, 1 = perfect agreement.

    Returns
    -------
    dict
        ``chi2`` (Friedman statistic), ``dof`` (k - 1), ``p``, ``n`` (complete rows), ``k``, ``w``;
        NaN statistics and a ``note`` with the reason when the test is not defined
        (:func:`friedman_na_reason`).
    """
    from scipy.stats import friedmanchisquare

    arr = pd.DataFrame(data).astype("Float64").dropna().to_numpy(dtype=float)
    n, k = arr.shape
    reason = friedman_na_reason(n, k)
    if reason:
        return {"chi2": np.nan, "dof": k - 1, "p": np.nan, "n": n, "k": k, "w": np.nan,
                "note": reason}
    res = friedmanchisquare(*arr.T)
    return {"chi2": float(res.statistic), "dof": k - 1, "p": float(res.pvalue), "n": n, "k": k,
            "w": float(res.statistic / (n * (k - 1)))}
