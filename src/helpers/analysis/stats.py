"""General statistics used across the collection: intervals for proportions, p-values and their
formatting, and p-value adjustment.

Methods follow ``docs/methods.md``: Wilson intervals for proportions (statsmodels' default is the
Wald interval, which is wrong near 0 and 1), Holm or Benjamini-Hochberg across many tests, p-values
from survival functions (``chi2.sf``, ``norm.sf``; ``1 - cdf`` underflows to 0 below about 1e-16),
and ratio-estimator (linearisation) intervals for shares pooled over units that nest in
municipalities.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import chi2 as _chi2
from scipy.stats import norm as _norm
from scipy.stats import t as _t
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


# --- contingency tables ----------------------------------------------------------------------------


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


# --- reliability -------------------------------------------------------------------------------------


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


# --- effect sizes for rank tests ---------------------------------------------------------------------


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
