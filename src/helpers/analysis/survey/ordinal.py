"""The ordinal model of enthusiasm by group and size class, and the check of its proportional odds.

Likert items hold the answer *code*: 1-5 on the item's scale, 8 = "weet niet" (don't know),
9 = "n.v.t." (not applicable), ``<NA>`` = not answered; shares are taken over the valid answers 1-5.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.core.survey_table`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from helpers.core.survey_table import VALID, codebook_of, scale_columns


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
