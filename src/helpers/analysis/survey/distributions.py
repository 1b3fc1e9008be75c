"""Likert answer distributions, the within-respondent comparison of items, and scale reliability.

Likert items hold the answer *code*: 1-5 on the item's scale, 8 = "weet niet" (don't know),
9 = "n.v.t." (not applicable), ``<NA>`` = not answered; shares are taken over the valid answers 1-5.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.analysis.stats` and :mod:`helpers.core.survey_table`.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from helpers.analysis import stats
from helpers.core.survey_table import (
    DONT_KNOW,
    NOT_APPLICABLE,
    VALID,
    codebook_of,
    reliability_scales,
    scale_columns,
)


def likert_distribution(df: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Answer distribution of Likert items, "don't know" kept apart, base stated.

    Parameters
    ----------
    df : DataFrame
        Tidy survey responses.
    columns : sequence of str
        Likert columns (codes 1-5, 8, 9, NA).

    Returns
    -------
    DataFrame, one row per item (index = column name)
        ``n_answered`` (any answer incl. 8/9), ``n_valid`` (answers 1-5: the base of every share),
        ``n_dont_know`` (8), ``n_not_applicable`` (9), ``n_missing`` (no answer), counts ``c1``-``c5``,
        shares ``p1``-``p5`` of valid answers, ``median`` (of valid answers, code), ``mean`` (of valid
        codes, for ordering only), ``top2`` (share 4-5), ``bottom2`` (share 1-2), ``net`` (top2 -
        bottom2: agreement, used to order items), ``dk_share`` (8 and 9 as a share of ``n_answered``).
    """
    rows = {}
    for col in columns:
        s = df[col].astype("Int64")
        valid = s[s.isin(VALID)].astype(int)
        n_valid = len(valid)
        counts = valid.value_counts().reindex(VALID, fill_value=0)
        n_dk, n_na = int((s == DONT_KNOW).sum()), int((s == NOT_APPLICABLE).sum())
        row: dict[str, float] = {
            "n_answered": int(s.notna().sum()),
            "n_valid": n_valid,
            "n_dont_know": n_dk,
            "n_not_applicable": n_na,
            "n_missing": int(s.isna().sum()),
        }
        for v in VALID:
            row[f"c{v}"] = int(counts[v])
        for v in VALID:
            row[f"p{v}"] = counts[v] / n_valid if n_valid else np.nan
        row["median"] = float(valid.median()) if n_valid else np.nan
        row["mean"] = float(valid.mean()) if n_valid else np.nan
        row["top2"] = (counts[4] + counts[5]) / n_valid if n_valid else np.nan
        row["bottom2"] = (counts[1] + counts[2]) / n_valid if n_valid else np.nan
        row["net"] = row["top2"] - row["bottom2"]
        row["dk_share"] = (n_dk + n_na) / row["n_answered"] if row["n_answered"] else np.nan
        rows[col] = row
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "item"
    return out


def enthusiasm_distribution(df: pd.DataFrame, codebook: dict[str, Any] | None = None
                            ) -> pd.DataFrame:
    """:func:`likert_distribution` of the groups, indexed by group key, ordered by agreement.

    The groups are the items of the codebook's ``enthusiasm`` question (``codebook`` defaults to
    :func:`codebook_of` ``df``): the eight shipped ones plus any a local codebook added.
    Order: ``net`` (top-2-box minus bottom-2-box share) descending, then ``mean`` descending.
    """
    dist = likert_distribution(df, scale_columns(codebook or codebook_of(df), "enthusiasm"))
    dist.index = pd.Index([c.removeprefix("enth_") for c in dist.index], name="group")
    return dist.sort_values(["net", "mean"], ascending=False)


def likert_shares(dist: pd.DataFrame, labels: dict[int, str] | None = None) -> pd.DataFrame:
    """The ``p1``-``p5`` columns of a distribution, renamed to category labels (for diverging bars)."""
    shares = dist[[f"p{v}" for v in VALID]].copy()
    shares.columns = [labels[v] if labels else str(v) for v in VALID]
    return shares


def extremes(order: pd.Index | list[str], top: int = 4, bottom: int = 2) -> tuple[str, str]:
    """The first ``top`` and last ``bottom`` items of an ordering, each sorted and ``;``-joined."""
    order = list(order)
    return ";".join(sorted(order[:top])), ";".join(sorted(order[-bottom:]))


def _valid_numeric(df: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Columns as floats with 8/9 (don't know, n.v.t.) and NA set to NaN: valid answers only."""
    out = pd.DataFrame(index=df.index)
    for c in columns:
        s = df[c].astype("Int64")
        out[c] = s.where(s.isin(VALID)).astype("Float64").astype(float)
    return out


def within_respondent_tests(
    df: pd.DataFrame, columns: tuple[str, ...] | list[str] | None = None
) -> tuple[dict[str, float], pd.DataFrame]:
    """Compare items that every respondent rated (e.g. the groups' enthusiasm) within respondents.

    ``columns`` defaults to the enthusiasm items of the table's codebook (:func:`codebook_of`).
    Omnibus: Friedman test on respondents with a valid answer (1-5) on every item, with Kendall's W
    (effect size, 0-1). Pairs: Wilcoxon signed-rank test per pair on respondents with valid answers on
    both items (zero differences dropped, ``zero_method="wilcox"``), p-values Holm-adjusted over all
    pairs, effect size r = matched-pairs rank-biserial correlation (positive: the first item rated
    higher).

    Returns
    -------
    omnibus : dict
        ``chi2``, ``dof``, ``p``, ``n`` (complete respondents, the base), ``k``, ``w``.
    pairs : DataFrame
        ``item_a``, ``item_b``, ``n`` (pairs), ``n_nonzero``, ``median_diff`` (a - b, codes),
        ``statistic`` (W), ``p``, ``p_holm``, ``r_rb``; sorted by ``p_holm``.
    """
    from scipy.stats import wilcoxon

    if columns is None:  # the enthusiasm items of the table's codebook
        columns = scale_columns(codebook_of(df), "enthusiasm")
    vals = _valid_numeric(df, columns)
    omnibus = stats.kendalls_w(vals)
    rows = []
    for a, b in combinations(columns, 2):
        pair = vals[[a, b]].dropna()
        d = pair[a] - pair[b]
        nonzero = int((d != 0).sum())
        if nonzero == 0:
            stat, p = np.nan, 1.0
        else:
            res = wilcoxon(pair[a], pair[b], zero_method="wilcox")
            stat, p = float(res.statistic), float(res.pvalue)
        rows.append({"item_a": a, "item_b": b, "n": len(pair), "n_nonzero": nonzero,
                     "median_diff": float(d.median()), "statistic": stat, "p": p,
                     "r_rb": stats.matched_rank_biserial(pair[a], pair[b])})
    pairs = pd.DataFrame(rows)
    pairs["p_holm"] = stats.p_adjust(pairs["p"], "holm")
    pairs = pairs[["item_a", "item_b", "n", "n_nonzero", "median_diff", "statistic", "p", "p_holm",
                   "r_rb"]]
    return omnibus, pairs.sort_values(["p_holm", "item_a", "item_b"]).reset_index(drop=True)


def scale_reliability(df: pd.DataFrame, ci: float = 0.95,
                      codebook: dict[str, Any] | None = None) -> pd.DataFrame:
    """Cronbach's alpha (Feldt interval) of each scale of the codebook, valid answers only.

    The scales and their items come from the codebook (``codebook`` defaults to
    :func:`codebook_of` ``df``, the codebook the table was imported with): its ``reliability``
    section names the grid question of each scale, and every item of that question counts, extra
    items of a local codebook included (:func:`reliability_scales`).

    Returns
    -------
    DataFrame indexed by scale name
        ``items`` (``;``-joined columns), ``k``, ``n`` (complete respondents), ``alpha``, ``ci_low``,
        ``ci_high``, ``note`` (empty, or why alpha is NA: fewer than two items or two complete
        respondents, see :func:`helpers.analysis.stats.cronbach_alpha_or_na`).
    """
    rows = {}
    for name, cols in reliability_scales(codebook or codebook_of(df)).items():
        present = [c for c in cols if c in df.columns]  # an export may lack items of a scale
        res = stats.cronbach_alpha_or_na(_valid_numeric(df, present), ci=ci)
        rows[name] = {"items": ";".join(present), "k": res["k"], "n": res["n"], "alpha": res["alpha"],
                      "ci_low": res["ci_low"], "ci_high": res["ci_high"], "note": res["note"]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "scale"
    return out
