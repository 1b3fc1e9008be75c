"""Presence of every municipality on each platform: has an account, has a corporate account, active.

*Has an account* (any), *has a corporate account* (the municipality's own, versus only theme
accounts such as a library or a project), *active* (at least one own post in the observation
window). Shares are over all municipalities of the year's register, with Wilson intervals.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.analysis.stats` and :mod:`.counting`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from helpers.analysis.metrics.counting import _codes, _count
from helpers.analysis.stats import proportion_table

MEASURES = ("has_account", "has_corporate", "active")
#: Fewest municipalities for the presence logit (two parameters; fewer gives no usable estimate).
MIN_LOGIT_N = 10


def presence(
    municipalities: pd.DataFrame,
    accounts: pd.DataFrame,
    posts: pd.DataFrame,
    *,
    platforms: Sequence[str] = ("twitter", "facebook"),
    window: tuple[pd.Timestamp, pd.Timestamp] | None = None,
) -> pd.DataFrame:
    """Presence of every municipality of the year on each platform.

    Parameters
    ----------
    municipalities : DataFrame
        The year's register (``gm_code``, ``province``, ``size_class``, ``population``).
    accounts, posts : DataFrame
        Tidy tables.
    platforms : sequence of str
        Platforms to report (rows for each municipality x platform).
    window : (start, end) UTC timestamps, optional
        Only posts in this half-open interval ``[start, end)`` (:mod:`helpers.core.window`) count
        for ``active``; ``None`` counts every post in the table.

    Returns
    -------
    DataFrame
        One row per municipality and platform: ``gm_code``, ``province``, ``size_class``,
        ``population``, ``platform``, ``has_account``, ``has_corporate``, ``active`` (bool), ``n_posts``.
    """
    gm = municipalities["gm_code"].astype(str).to_numpy()
    n = len(gm)
    frames = []
    for platform in platforms:  # a handful of platforms, not a loop over data
        acc = accounts[accounts["platform"] == platform]
        ac, _ = _codes(acc["gm_code"], gm)
        corp, _ = _codes(acc.loc[acc["kind"] == "corporate", "gm_code"], gm)
        ps = posts[posts["platform"] == platform]
        if window is not None:
            ts = pd.to_datetime(ps["created_at"], utc=True)
            ps = ps[(ts >= window[0]) & (ts < window[1])]
        pc, _ = _codes(ps["gm_code"], gm)
        n_posts = _count(pc, n)
        frames.append(
            pd.DataFrame(
                {
                    "gm_code": gm,
                    "province": municipalities["province"].array,
                    "size_class": municipalities["size_class"].array,
                    "population": municipalities["population"].array,
                    "platform": platform,
                    "has_account": _count(ac, n) > 0,
                    "has_corporate": _count(corp, n) > 0,
                    "active": n_posts > 0,
                    "n_posts": n_posts,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["size_class"] = out["size_class"].astype(municipalities["size_class"].dtype)
    return out


def presence_shares(
    pres: pd.DataFrame, by: str | None = None, alpha: float = 0.05
) -> pd.DataFrame:
    """Shares of municipalities per platform and measure (optionally by ``province`` or
    ``size_class``) with Wilson intervals.

    Returns
    -------
    DataFrame (long): ``platform``, [``by``], ``measure``, ``count``, ``n``, ``share``, ``ci_low``,
    ``ci_high``.
    """
    keys = ["platform"] + ([by] if by else [])
    long = pres.melt(id_vars=keys, value_vars=list(MEASURES), var_name="measure", value_name="yes")
    long["yes"] = long["yes"].astype(int)
    grp = long.groupby(keys + ["measure"], observed=True, sort=True)["yes"]
    count, nobs = grp.sum(), grp.size()
    table = proportion_table(count, nobs, alpha).reset_index()
    table["measure"] = pd.Categorical(table["measure"], categories=MEASURES, ordered=True)
    return table.sort_values(keys + ["measure"]).reset_index(drop=True)


def presence_logit(pres: pd.DataFrame, platform: str, measure: str = "has_account") -> pd.DataFrame:
    """Logistic regression of presence on log10 population (municipalities with known population).

    Returns
    -------
    DataFrame with one row per term (``const``, ``log10_population``): ``coef``, ``se``, ``p``,
    ``odds_ratio`` (per tenfold population), ``ci_low``, ``ci_high`` (of the odds ratio), ``n``.
    Empty of estimates (NaN) with a ``note`` when the model cannot be fitted (fewer than
    :data:`MIN_LOGIT_N` municipalities, no variation in the outcome, or perfect separation).
    """
    import statsmodels.api as sm

    d = pres[(pres["platform"] == platform) & pres["population"].notna()]
    y = d[measure].to_numpy(int)
    x = np.log10(d["population"].to_numpy(float))
    terms = ["const", "log10_population"]
    empty = pd.DataFrame({"term": terms, "coef": np.nan, "se": np.nan, "p": np.nan,
                          "odds_ratio": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                          "n": len(y), "note": ""})
    if len(y) < MIN_LOGIT_N:
        empty["note"] = (f"NA: too few municipalities for a logistic regression (n={len(y)}, "
                         f"needs {MIN_LOGIT_N})")
        return empty
    if y.min() == y.max():
        empty["note"] = "no variation in the outcome"
        return empty
    try:
        res = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    except Exception as exc:  # perfect separation, singular matrix
        empty["note"] = f"not estimable: {type(exc).__name__}"
        return empty
    ci = np.asarray(res.conf_int())
    return pd.DataFrame({
        "term": terms, "coef": res.params, "se": res.bse, "p": res.pvalues,
        "odds_ratio": np.exp(res.params), "ci_low": np.exp(ci[:, 0]), "ci_high": np.exp(ci[:, 1]),
        "n": len(y), "note": "",
    })
