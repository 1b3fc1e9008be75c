"""Tests of independence on contingency tables: chi-square without zero shift, Cramér's V, and the
exact or permutation fallback for small expected counts.

Imports nothing from helpers but :mod:`.pvalues` (the analyses' lowest modules).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.analysis.stats.pvalues import chi2_p


def chi2_table(table: np.ndarray | pd.DataFrame) -> dict[str, float]:
    """Pearson chi-square test of independence on an r x c table of counts, without any zero shift.

    statsmodels' ``Table`` adds 0.5 to every cell when one cell is zero (``shift_zeros=True`` by
    default); this passes ``shift_zeros=False`` and applies no Yates correction, so the statistic
    equals ``scipy.stats.chi2_contingency(table, correction=False)``. Rows or columns that sum to zero
    are dropped first (they carry no information and would give zero expected counts).

    Returns
    -------
    dict
        ``chi2`` (statistic), ``dof``, ``p`` (p-value), ``n`` (total count), ``min_expected`` (the
        smallest expected count under independence), ``cramers_v`` (uncorrected).
    """
    from statsmodels.stats.contingency_tables import Table

    tab = _clean_table(table)
    res = Table(tab, shift_zeros=False).test_nominal_association()
    expected = np.outer(tab.sum(1), tab.sum(0)) / tab.sum()
    return {
        "chi2": float(res.statistic),
        "dof": int(res.df),
        # statsmodels computes 1 - chi2.cdf, which underflows to 0: recompute from chi2.sf
        "p": chi2_p(float(res.statistic), float(res.df)),
        "n": int(tab.sum()),
        "min_expected": float(expected.min()),
        "cramers_v": cramers_v(tab),
    }


def _clean_table(table: np.ndarray | pd.DataFrame) -> np.ndarray:
    tab = np.asarray(table, dtype=float)
    if tab.ndim != 2:
        raise ValueError("a contingency table must be two-dimensional")
    tab = tab[tab.sum(1) > 0][:, tab.sum(0) > 0]
    if tab.shape[0] < 2 or tab.shape[1] < 2:
        raise ValueError("a contingency table needs at least two non-empty rows and columns")
    return tab


def cramers_v(table: np.ndarray | pd.DataFrame) -> float:
    """Cramér's V = sqrt(chi2 / (n * (min(r, c) - 1))) from the *uncorrected* chi-square (0-1).

    ``[[9, 1], [6, 4]]`` gives 0.3464 (pingouin reports 0.2309 there because it applies Yates'
    correction to 2 x 2 tables first).
    """
    from scipy.stats.contingency import association

    return float(association(_clean_table(table).astype(int), method="cramer", correction=False))


def independence_test(
    table: np.ndarray | pd.DataFrame,
    *,
    min_expected: float = 5.0,
    n_resamples: int = 9999,
    seed: int = 0,
) -> dict[str, float | str]:
    """Test of independence that falls back to an exact or permutation test for small tables.

    The chi-square approximation needs every expected count to be at least ``min_expected`` (5).
    Below that: Fisher's exact test for a 2 x 2 table, otherwise a permutation test of the chi-square
    statistic (``n_resamples`` random permutations of the column labels, seeded; p-value
    ``(1 + #{chi2_perm >= chi2_obs}) / (1 + n_resamples)``).

    Returns
    -------
    dict
        Everything :func:`chi2_table` returns plus ``method`` (``"chi2"``, ``"fisher"`` or
        ``"permutation"``) and ``p`` replaced by that method's p-value (``p_chi2`` keeps the
        asymptotic one).
    """
    from scipy.stats import fisher_exact

    tab = _clean_table(table)
    out: dict[str, float | str] = dict(chi2_table(tab))
    out["p_chi2"] = out["p"]
    if out["min_expected"] >= min_expected:
        out["method"] = "chi2"
    elif tab.shape == (2, 2):
        out["method"] = "fisher"
        out["p"] = float(fisher_exact(tab.astype(int)).pvalue)
    else:
        out["method"] = "permutation"
        out["p"] = permutation_chi2_p(tab, n_resamples=n_resamples, seed=seed)
    return out


def _chi2_stat(rows: np.ndarray, cols: np.ndarray, r: int, c: int) -> float:
    obs = np.bincount(rows * c + cols, minlength=r * c).reshape(r, c).astype(float)
    exp = np.outer(obs.sum(1), obs.sum(0)) / obs.sum()
    return float(((obs - exp) ** 2 / exp).sum())


def permutation_chi2_p(
    table: np.ndarray | pd.DataFrame, *, n_resamples: int = 9999, seed: int = 0
) -> float:
    """Permutation p-value of the chi-square statistic for an r x c table (margins kept fixed)."""
    tab = _clean_table(table).astype(int)
    r, c = tab.shape
    rows = np.repeat(np.repeat(np.arange(r), c), tab.ravel())
    cols = np.repeat(np.tile(np.arange(c), r), tab.ravel())
    observed = _chi2_stat(rows, cols, r, c)
    rng = np.random.default_rng(seed)
    hits = sum(
        _chi2_stat(rows, rng.permutation(cols), r, c) >= observed - 1e-12
        for _ in range(n_resamples)
    )
    return (1 + hits) / (1 + n_resamples)
