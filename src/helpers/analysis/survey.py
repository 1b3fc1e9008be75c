"""The staff survey: its tidy table, its codebook, and the analyses of the survey notebook.

One row of the tidy table ``survey_responses`` is one respondent (in the GemeenteBuzz design: one
respondent per responding municipality). Likert items hold the answer *code*: 1-5 on the item's
scale, 8 = "weet niet" (don't know), 9 = "n.v.t." (not applicable), ``<NA>`` = not answered. Codes 8
and 9 are answers of their own: every analysis here takes percentages over the valid answers 1-5,
states that base, and reports the don't-know share beside it; none of them treats 8/9 as the midpoint.

The questions, wordings and value labels are in ``data/reference/survey_codebook.yaml``
(:func:`load_codebook`); Dutch terms (college van B&W, griffie, KCC, ...) are explained there.

Analyses (all return DataFrames or dicts; none prints):

- :func:`likert_distribution` - counts and shares per item, median, top-2-box, don't-know share;
- :func:`within_respondent_tests` - Friedman + Kendall's W, pairwise Wilcoxon (Holm) with r;
- :func:`ordinal_model` - cumulative-logit model of enthusiasm by group and size class;
- :func:`ownership_shares`, :func:`ownership_by_size` - who owns social media;
- :func:`reasons_ranked` - reasons for limited enthusiasm with Wilson intervals;
- :func:`monitoring_assessment` - self-rated monitoring;
- :func:`scale_reliability` - Cronbach's alpha of the item sets that form scales;
- :func:`nonresponse_table`, :func:`poststrat_weights`, :func:`weighted_estimates` - non-response.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from helpers.analysis import stats
from helpers.core.survey_table import (  # noqa: F401  (the survey notebook reads them from here)
    CODEBOOK_ATTR,
    CODEBOOK_FILE,
    COLUMNS,
    DONT_KNOW,
    DONT_KNOW_KEY,
    ENTHUSIASM_COLS,
    GROUPS,
    INTEGRATION_COLS,
    ITEM_PREFIX,
    LIKERT_COLS,
    MONITOR_COLS,
    NOT_APPLICABLE,
    OWNERSHIP,
    REASON_COLS,
    REASONS,
    RESPONSES_SCHEMA,
    ROLES,
    SCALES,
    VALID,
    answer_labels,
    check_codebook,
    codebook_items,
    codebook_of,
    group_labels,
    load_codebook,
    reliability_scales,
    scale_columns,
)

# --- distributions -------------------------------------------------------------------------------


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


# --- within-respondent comparison ----------------------------------------------------------------


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


# --- ordinal model -------------------------------------------------------------------------------


def enthusiasm_long(df: pd.DataFrame, munis: pd.DataFrame | None = None) -> pd.DataFrame:
    """Enthusiasm ratings in long form: ``respondent_id``, ``group``, ``rating`` (1-5; 8/9/NA dropped),
    plus ``size_class`` when the register ``munis`` (``gm_code``, ``size_class``) is given. The
    groups are the enthusiasm items of the table's codebook (:func:`codebook_of`)."""
    cols = ["respondent_id", "gm_code", *scale_columns(codebook_of(df), "enthusiasm")]
    long = df[cols].melt(id_vars=["respondent_id", "gm_code"], var_name="group", value_name="rating")
    long["group"] = long["group"].str.removeprefix("enth_")
    long["rating"] = long["rating"].astype("Int64")
    long = long[long["rating"].isin(VALID)].copy()
    long["rating"] = long["rating"].astype(int)
    if munis is not None:
        long = long.merge(munis[["gm_code", "size_class"]], on="gm_code", how="left")
    return long.reset_index(drop=True)


def ordinal_model(
    df: pd.DataFrame,
    munis: pd.DataFrame | None = None,
    *,
    reference_group: str = "vakafdelingen",
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Proportional-odds (cumulative logit) model of enthusiasm by group (and size class).

    Model choice: statsmodels ``OrderedModel`` with ``distr="logit"`` and cluster-robust (sandwich)
    standard errors with respondents as clusters. Each respondent rates all groups, so the ratings
    are not independent; the cluster-robust covariance keeps the usual proportional-odds estimates
    (odds ratios per group, readable as "the odds of a higher rating") while making the standard
    errors valid under any within-respondent correlation. ``OrdinalGEE`` would give
    population-averaged estimates too, but through a global-odds-ratio working model on expanded
    binary indicators that is slower and harder to read; with 8 ratings per respondent and ~200
    clusters the sandwich estimator is well supported. Traps avoided: OrderedModel's default link is
    probit (logit is passed), the design has no constant (thresholds play that part), and rating
    levels nobody used are dropped before fitting (an unused level gives NaN thresholds).

    Parameters
    ----------
    df : DataFrame
        Tidy survey responses.
    munis : DataFrame, optional
        The year's register (``gm_code``, ``size_class``); adds size-class terms M and L against S.
        Respondents without a size class are left out.
    reference_group : str
        The group every other group's odds ratio is compared with.

    Returns
    -------
    table : DataFrame
        ``term`` (``group[college]`` ..., ``size[M]``, thresholds ``1/2`` ...), ``coef`` (log-odds of
        a higher rating; for thresholds statsmodels' parametrisation: ``1/2`` is the first cut-point,
        later ones are the log of the increment to the next cut-point), ``se`` (cluster-robust),
        ``z``, ``p``, ``odds_ratio``, ``or_low``, ``or_high`` (interval at level 1 - ``alpha``;
        NaN for thresholds).
    info : dict
        ``n_obs`` (ratings), ``n_clusters`` (respondents), ``levels`` (rating levels used),
        ``reference_group``, ``llf``, ``converged``, ``result`` (the statsmodels result), ``note``
        (empty, or why the model was not fitted: fewer than two rating levels, or no more
        respondents than parameters, which a cluster-robust covariance needs; the table is then
        empty and ``llf``/``result`` are None).
    """
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    long = enthusiasm_long(df, munis)
    if munis is not None and long["size_class"].notna().any():
        long = long[long["size_class"].notna()].reset_index(drop=True)
    elif munis is not None:  # no size class known this year (no population): group terms only
        munis = None
    groups = [g for g in long["group"].unique() if g != reference_group]
    X = pd.DataFrame({f"group[{g}]": (long["group"] == g).astype(float) for g in groups})
    if munis is not None:
        for s in ("M", "L"):
            if (long["size_class"] == s).any():
                X[f"size[{s}]"] = (long["size_class"] == s).astype(float).to_numpy()
    levels = sorted(long["rating"].unique())
    reason = _ordinal_na_reason(long, X.shape[1] + len(levels) - 1)
    if reason:
        return _ordinal_na(long, levels, reference_group, reason)
    y = pd.Series(pd.Categorical(long["rating"], categories=levels, ordered=True))
    model = OrderedModel(y, X, distr="logit")
    res = model.fit(method="bfgs", disp=False, maxiter=2000, cov_type="cluster",
                    cov_kwds={"groups": pd.factorize(long["respondent_id"])[0]})
    ci = res.conf_int(alpha=alpha)
    table = pd.DataFrame({
        "term": res.params.index, "coef": res.params.to_numpy(), "se": res.bse.to_numpy(),
        "z": res.tvalues.to_numpy(), "p": res.pvalues.to_numpy(),
    })
    is_slope = table["term"].isin(X.columns).to_numpy()
    table["odds_ratio"] = np.where(is_slope, np.exp(table["coef"]), np.nan)
    table["or_low"] = np.where(is_slope, np.exp(ci.iloc[:, 0].to_numpy()), np.nan)
    table["or_high"] = np.where(is_slope, np.exp(ci.iloc[:, 1].to_numpy()), np.nan)
    info = {"n_obs": int(len(long)), "n_clusters": int(long["respondent_id"].nunique()),
            "levels": levels, "reference_group": reference_group, "llf": float(res.llf),
            "converged": bool(res.mle_retvals.get("converged", True)), "result": res, "note": ""}
    return table, info


def _ordinal_na_reason(long: pd.DataFrame, n_params: int) -> str:
    """Why the ordinal model cannot be fitted on ``long`` ("" when it can)."""
    levels = long["rating"].nunique()
    clusters = long["respondent_id"].nunique()
    if levels < 2:
        return f"NA: the ordinal model needs at least two rating levels (has {levels})"
    if clusters <= n_params:
        return (f"NA: too few respondents for the ordinal model ({clusters} respondents for "
                f"{n_params} parameters; cluster-robust errors need more respondents than parameters)")
    return ""


def _ordinal_na(long: pd.DataFrame, levels: list[int], reference_group: str,
                reason: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    cols = ["term", "coef", "se", "z", "p", "odds_ratio", "or_low", "or_high"]
    info = {"n_obs": int(len(long)), "n_clusters": int(long["respondent_id"].nunique()),
            "levels": [int(v) for v in levels], "reference_group": reference_group, "llf": None,
            "converged": False, "result": None, "note": reason}
    return pd.DataFrame(columns=cols), info


def proportional_odds_check(df: pd.DataFrame, munis: pd.DataFrame | None = None,
                            reference_group: str = "vakafdelingen") -> pd.DataFrame:
    """Check the proportional-odds assumption with one binary logit per cut-point (no Brant test in
    statsmodels): for each k the log-odds of rating > k, same terms as :func:`ordinal_model`,
    cluster-robust by respondent. Roughly equal coefficients across cut-points support the model.

    Returns
    -------
    DataFrame
        index = term, one column ``>k`` per cut-point with the coefficient (log-odds); NaN where a
        cut-point has no ratings on one side; no columns when the ordinal model itself cannot be
        fitted (see :func:`ordinal_model`'s ``note``).
    """
    import statsmodels.api as sm

    long = enthusiasm_long(df, munis)
    if munis is not None and long["size_class"].notna().any():
        long = long[long["size_class"].notna()].reset_index(drop=True)
    elif munis is not None:  # no size class known this year (no population): group terms only
        munis = None
    X = pd.DataFrame({f"group[{g}]": (long["group"] == g).astype(float)
                      for g in long["group"].unique() if g != reference_group})
    if munis is not None:
        for s in ("M", "L"):
            if (long["size_class"] == s).any():
                X[f"size[{s}]"] = (long["size_class"] == s).astype(float).to_numpy()
    if _ordinal_na_reason(long, X.shape[1] + long["rating"].nunique() - 1):
        return pd.DataFrame(index=pd.Index(X.columns, name=None))  # too few respondents: no check
    X = sm.add_constant(X)
    out = {}
    clusters = pd.factorize(long["respondent_id"])[0]
    for k in sorted(long["rating"].unique())[:-1]:
        yk = (long["rating"] > k).astype(float)
        try:
            r = sm.GLM(yk, X, family=sm.families.Binomial()).fit(
                cov_type="cluster", cov_kwds={"groups": clusters})
            coef = r.params.drop("const")
        except (np.linalg.LinAlgError, ValueError):  # pragma: no cover - separation
            coef = pd.Series(np.nan, index=X.columns.drop("const"))
        # a term with no ratings on one side of the cut is (quasi-)separated: no estimate
        for term in coef.index:
            on = X[term] == 1
            if yk[on].min() == yk[on].max():
                coef[term] = np.nan
        out[f">{k}"] = coef
    return pd.DataFrame(out)


# --- ownership, reasons, monitoring --------------------------------------------------------------


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


# --- non-response --------------------------------------------------------------------------------


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
