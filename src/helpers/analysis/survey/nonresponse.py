"""Non-response: respondents against the year's register, post-stratification weights, and key
shares unweighted and weighted side by side.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.analysis.stats` and :mod:`helpers.core.survey_table`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.analysis import stats
from helpers.core.survey_table import OWNERSHIP, VALID, codebook_of, scale_columns


def _test_or_nan(table: np.ndarray, seed: int = 1) -> dict[str, float | str]:
    """:func:`helpers.analysis.stats.independence_test`, or NaNs (method ``"none"``) when the table has fewer
    than two non-empty rows or columns (e.g. every respondent in one size class)."""
    try:
        return stats.independence_test(table, seed=seed)
    except ValueError as exc:
        keys = ("chi2", "dof", "p", "n", "min_expected", "cramers_v", "p_chi2")
        return {**dict.fromkeys(keys, np.nan), "n": int(np.sum(table)), "method": "none",
                "note": f"NA: {exc}"}


def _strata(munis: pd.DataFrame, by: str) -> pd.Series:
    s = munis[by].astype("object")
    return s.where(s.notna(), "unknown").astype(str)


def nonresponse_table(
    df: pd.DataFrame, munis: pd.DataFrame, by: str = "size_class", alpha: float = 0.05
) -> tuple[pd.DataFrame, dict[str, float | str]]:
    """Respondents against all municipalities of the year, by ``size_class`` or ``province``.

    Returns
    -------
    table : DataFrame indexed by category
        ``n_municipalities``, ``n_respondents``, ``response_rate`` with Wilson ``ci_low``/``ci_high``,
        ``share_all`` (of all municipalities), ``share_respondents`` (of respondents).
    test : dict
        Independence of responding and category (:func:`helpers.analysis.stats.independence_test`).
    """
    cat = _strata(munis, by)
    responded = munis["gm_code"].isin(set(df["gm_code"]))
    n_all = cat.value_counts().sort_index()
    if isinstance(munis[by].dtype, pd.CategoricalDtype):  # keep S, M, L order
        order = [str(c) for c in munis[by].cat.categories if str(c) in n_all.index]
        n_all = n_all.reindex(order + [c for c in n_all.index if c not in order])
    n_resp = cat[responded].value_counts().reindex(n_all.index, fill_value=0)
    tab = stats.proportion_table(n_resp, n_all, alpha)
    out = pd.DataFrame({
        "n_municipalities": n_all.astype(int), "n_respondents": n_resp.astype(int),
        "response_rate": tab["share"], "ci_low": tab["ci_low"], "ci_high": tab["ci_high"],
        "share_all": n_all / n_all.sum(), "share_respondents": n_resp / max(n_resp.sum(), 1),
    })
    out.index.name = by
    test = _test_or_nan(np.vstack([n_resp.to_numpy(), (n_all - n_resp).to_numpy()]))
    return out, test


def poststrat_weights(df: pd.DataFrame, munis: pd.DataFrame, by: str = "size_class") -> pd.Series:
    """Post-stratification weights by ``by`` (size class): w_h = (N_h / N) / (n_h / n).

    N_h municipalities of stratum h in the year's register, n_h respondents in it; weights average 1
    over respondents, and the weighted respondents reproduce the register's stratum shares.
    Municipalities without a size class form a stratum ``"unknown"``.

    Returns
    -------
    Series aligned with ``df.index``, name ``weight``.
    """
    cat_all = _strata(munis, by)
    lookup = pd.Series(cat_all.to_numpy(), index=munis["gm_code"])
    cat_resp = df["gm_code"].map(lookup).fillna("unknown")
    pop_share = cat_all.value_counts(normalize=True)
    resp_share = cat_resp.value_counts(normalize=True)
    w = cat_resp.map(pop_share / resp_share).astype(float)
    return w.rename("weight")


def _weighted_share(x: pd.Series, w: pd.Series) -> tuple[float, float, int]:
    ok = x.notna()
    xv, wv = x[ok].astype(float), w[ok].astype(float)
    if not len(xv):
        return np.nan, np.nan, 0
    return float(xv.mean()), float((xv * wv).sum() / wv.sum()), int(len(xv))


def weighted_estimates(df: pd.DataFrame, weights: pd.Series,
                       codebook: dict[str, Any] | None = None) -> pd.DataFrame:
    """Key survey shares unweighted and post-stratified, side by side.

    Estimates: share "fully communications" (of valid ownership answers), share insufficient (1-2)
    of each monitoring item, top-2-box share of each group's enthusiasm, share naming each reason
    (the items of the codebook, ``codebook`` defaulting to :func:`codebook_of` ``df``).

    Returns
    -------
    DataFrame indexed by estimate name
        ``unweighted``, ``weighted``, ``difference`` (weighted - unweighted), ``n`` (base),
        ``n_effective`` (Kish's effective sample size of the weights on that base).
    """
    rows = {}

    def add(name: str, x: pd.Series) -> None:
        unw, wtd, n = _weighted_share(x, weights)
        wv = weights[x.notna()]
        n_eff = float(wv.sum() ** 2 / (wv**2).sum()) if n else np.nan
        rows[name] = {"unweighted": unw, "weighted": wtd, "difference": wtd - unw, "n": n,
                      "n_effective": n_eff}

    own = df["ownership"]
    add("ownership_fully_communications", (own == "fully_communications").astype(float)
        .where(own.isin(OWNERSHIP)))
    cb = codebook or codebook_of(df)
    for c in scale_columns(cb, "monitoring"):
        s = df[c].astype("Int64")
        add(f"{c}_insufficient", s.isin([1, 2]).astype(float).where(s.isin(VALID)))
    for c in scale_columns(cb, "enthusiasm"):
        s = df[c].astype("Int64")
        add(f"{c}_top2", s.isin([4, 5]).astype(float).where(s.isin(VALID)))
    reason_cols = scale_columns(cb, "reasons")
    answered = df[reason_cols].notna().any(axis=1)
    for c in reason_cols:
        add(c, df[c].fillna(False).astype(bool).astype(float).where(answered))
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "estimate"
    return out
