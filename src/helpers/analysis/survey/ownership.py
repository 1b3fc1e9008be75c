"""Shares of the survey's choice questions: who owns social media (also by size class), the reasons
for limited enthusiasm, and the self-rated monitoring, with Wilson intervals and their bases.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.analysis.stats`, :mod:`helpers.core.survey_table`,
:mod:`.distributions` and :mod:`.nonresponse`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.analysis import stats
from helpers.analysis.survey.distributions import likert_distribution
from helpers.analysis.survey.nonresponse import _test_or_nan
from helpers.core.survey_table import DONT_KNOW_KEY, OWNERSHIP, codebook_of, scale_columns


def ownership_shares(df: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Where responsibility for social media lies: shares of valid answers with Wilson intervals.

    Base = respondents who chose one of the five answers ("weet niet" and unanswered left out; their
    numbers are in the columns ``n_dont_know`` and ``n_missing``).

    Returns
    -------
    DataFrame indexed by answer key (:data:`OWNERSHIP` order)
        ``count``, ``n``, ``share``, ``ci_low``, ``ci_high``, ``n_dont_know``, ``n_missing``.
    """
    s = df["ownership"]
    valid = s[s.isin(OWNERSHIP)]
    counts = valid.value_counts().reindex(list(OWNERSHIP), fill_value=0)
    out = stats.proportion_table(counts, pd.Series(len(valid), index=counts.index), alpha)
    out["n_dont_know"] = int((s == DONT_KNOW_KEY).sum())
    out["n_missing"] = int(s.isna().sum())
    out.index.name = "ownership"
    return out


def ownership_by_size(
    df: pd.DataFrame, munis: pd.DataFrame, *, collapse: bool = True, seed: int = 1
) -> tuple[pd.DataFrame, dict[str, float | str]]:
    """Ownership by size class, with a test of independence and Cramér's V.

    Parameters
    ----------
    collapse : bool
        True: "fully communications" against all other valid answers (2 x 3 table); False: all five
        answers (sparser; small expected counts switch the test to a permutation test).
    seed : int
        Seed of the permutation test (used only when expected counts are below 5).

    Returns
    -------
    table : DataFrame
        Counts, answers x size classes (S, M, L), valid answers of respondents with a size class.
    test : dict
        From :func:`helpers.analysis.stats.independence_test`: ``method`` (chi2 without zero shift; Fisher for
        2 x 2 or permutation when an expected count < 5), ``chi2``, ``dof``, ``p``, ``n``,
        ``min_expected``, ``cramers_v`` (uncorrected).
    """
    m = df.merge(munis[["gm_code", "size_class"]], on="gm_code", how="left")
    m = m[m["ownership"].isin(OWNERSHIP) & m["size_class"].notna()]
    answer = m["ownership"]
    if collapse:
        answer = answer.where(answer == "fully_communications", "other_answer")
        rows = ["fully_communications", "other_answer"]
    else:
        rows = list(OWNERSHIP)
    table = pd.crosstab(answer, m["size_class"].astype(str)).reindex(
        index=rows, columns=["S", "M", "L"], fill_value=0)
    table.index.name, table.columns.name = "ownership", "size_class"
    return table, _test_or_nan(table.to_numpy(), seed=seed)


def reasons_ranked(df: pd.DataFrame, alpha: float = 0.05,
                   codebook: dict[str, Any] | None = None) -> pd.DataFrame:
    """Reasons for limited enthusiasm, ranked by how often they were named, with Wilson intervals.

    Base = respondents who answered the multiple-choice question (any reason column not NA); a
    respondent can name several reasons, so shares do not sum to 1. The reasons are the items of
    the codebook's ``reasons`` question (``codebook`` defaults to :func:`codebook_of` ``df``).

    Returns
    -------
    DataFrame indexed by reason key, most named first (ties alphabetical)
        ``count``, ``n``, ``share``, ``ci_low``, ``ci_high``, ``rank`` (1 = most named).
    """
    sub = df[scale_columns(codebook or codebook_of(df), "reasons")]
    answered = sub.notna().any(axis=1)
    counts = sub[answered].fillna(False).astype(bool).sum()
    counts.index = [c.removeprefix("reason_") for c in counts.index]
    out = stats.proportion_table(counts, pd.Series(int(answered.sum()), index=counts.index), alpha)
    out.index.name = "reason"
    out = out.reset_index().sort_values(["count", "reason"], ascending=[False, True])
    out["rank"] = np.arange(1, len(out) + 1)
    return out.set_index("reason")


def monitoring_assessment(df: pd.DataFrame, alpha: float = 0.05,
                          codebook: dict[str, Any] | None = None) -> pd.DataFrame:
    """Self-rated monitoring of policy themes and of questions not put to the municipality directly.

    "Insufficient" = codes 1-2 (ruim onvoldoende, onvoldoende), "sufficient" = 4-5; shares of valid
    answers (1-5), Wilson interval for the insufficient share; "weet niet" reported apart. The
    items are those of the codebook's ``monitoring`` question (``codebook`` defaults to
    :func:`codebook_of` ``df``), extra items of a local codebook included.

    Returns
    -------
    DataFrame indexed by item (``themes``, ``indirect``, then any extra item's key)
        ``n_valid``, ``n_dont_know``, ``insufficient`` (count), ``share_insufficient``, ``ci_low``,
        ``ci_high``, ``share_sufficient``, ``median``.
    """
    dist = likert_distribution(df, scale_columns(codebook or codebook_of(df), "monitoring"))
    count = (dist["c1"] + dist["c2"]).astype(int)
    tab = stats.proportion_table(count, dist["n_valid"].astype(int), alpha)
    out = pd.DataFrame({
        "n_valid": dist["n_valid"].astype(int), "n_dont_know": dist["n_dont_know"].astype(int),
        "insufficient": count, "share_insufficient": tab["share"], "ci_low": tab["ci_low"],
        "ci_high": tab["ci_high"], "share_sufficient": dist["top2"], "median": dist["median"],
    })
    out.index = pd.Index([c.removeprefix("monitor_") for c in out.index], name="item")
    return out
