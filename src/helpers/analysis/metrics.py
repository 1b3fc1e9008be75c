"""Presence, interaction versus broadcasting, the mix of own posts, and monitoring.

Definitions (``shared/notes/methods.md``):

- **Presence** per platform and municipality: *has an account* (any), *has a corporate account* (the
  municipality's own, versus only theme accounts such as a library or a project), *active* (at least
  one own post in the observation window). Shares are over all municipalities of the year's register.
- **Interaction share** per municipality = replies to others (``kind == "reply"`` and ``reply_to`` in
  citizen / organisation) divided by (those replies + originals + quotes). Reposts (retweets) and
  replies within its own threads (``reply_to == "self"``) are left out of numerator and denominator.
  The **megaphone share** (*roeptoetergehalte*, "megaphone content") is 1 - interaction share.
  The **citizen-only interaction share** = replies to citizens / (replies to citizens + originals +
  quotes): replies to organisations are left out as well.
- **Pooled shares** over municipalities (interaction, post mix, monitoring) get ratio-estimator
  (linearisation) intervals with municipalities as clusters (:func:`helpers.analysis.stats.ratio_ci`),
  because posts and messages nest in municipalities; see ``docs/methods.md``.
- **Rankings**: :func:`ranking` is the one interaction ranking (tables, figures, report, profiles).
- **Post mix**: shares of original (incl. quotes) / repost / reply (any) among all own posts.
- **Monitoring**: the share of citizen messages that get any reaction (``first_reply_post_id`` set),
  for messages addressed to the municipality against those that are not (indirect mentions, policy
  themes), by theme.

All per-municipality computations are vectorised (``np.bincount`` on factorised codes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from helpers.analysis.stats import p_adjust, proportion_table, ratio_ci, ratio_difference_test, wilson_ci

MEASURES = ("has_account", "has_corporate", "active")
#: Smallest base (replies to others + originals) for a municipality to enter the interaction ranking.
MIN_INTERACTION_BASE = 30
#: Fewest municipalities for the presence logit (two parameters; fewer gives no usable estimate).
MIN_LOGIT_N = 10


def _codes(values: Any, labels: Sequence[str] | None = None) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of ``values`` over ``labels`` (or the sorted distinct values); -1 = not in labels."""
    if labels is None:
        codes, uniq = pd.factorize(pd.Series(values), sort=True)
        return codes, pd.Index(uniq)
    idx = pd.Index(labels)
    return idx.get_indexer(pd.Series(values)), idx


def _count(codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    ok = codes >= 0
    w = None if weights is None else np.asarray(weights, dtype=float)[ok]
    out = np.bincount(codes[ok], weights=w, minlength=n)
    return out if weights is not None else out.astype(np.int64)


def _mask(cond: pd.Series) -> np.ndarray:
    """A boolean mask as a numpy array (missing values are False)."""
    return cond.fillna(False).to_numpy(dtype=bool)


# --------------------------------------------------------------------------------------------------
# presence
# --------------------------------------------------------------------------------------------------
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
        Only posts in this half-open interval ``[start, end)`` (:mod:`helpers.core.window`) count for ``active``; ``None`` counts every post in the table.

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


# --------------------------------------------------------------------------------------------------
# interaction versus broadcasting
# --------------------------------------------------------------------------------------------------
def post_counts(posts: pd.DataFrame, *, platform: str | None = "twitter",
                labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Own posts per municipality by kind.

    Returns
    -------
    DataFrame indexed by ``gm_code``: ``original`` (incl. quotes), ``repost``, ``reply_others``
    (to citizens or organisations), ``reply_self`` (in its own threads), ``reply_unknown`` (a reply
    whose addressee is not known; left out of the interaction share), ``total`` (all own posts),
    ``reply_citizen`` (the part of ``reply_others`` addressed to citizens).
    """
    p = posts
    codes, idx = _codes(p["gm_code"], labels)
    if platform is not None:  # masks instead of a filtered copy of the string columns
        codes = np.where(_mask(p["platform"] == platform), codes, -1)
    n = len(idx)
    kind, to = p["kind"], p["reply_to"]
    is_reply = _mask(kind == "reply")
    others = is_reply & _mask(to.isin(["citizen", "organisation"]))
    own = is_reply & _mask(to == "self")
    out = pd.DataFrame(
        {
            "original": _count(codes[_mask(kind.isin(["original", "quote"]))], n),
            "repost": _count(codes[_mask(kind == "repost")], n),
            "reply_others": _count(codes[others], n),
            "reply_self": _count(codes[own], n),
            "reply_unknown": _count(codes[is_reply & ~others & ~own], n),
        },
        index=pd.Index(idx, name="gm_code"),
    )
    out["total"] = out.sum(axis=1)
    out["reply_citizen"] = _count(codes[is_reply & _mask(to == "citizen")], n)
    if labels is None and platform is not None:  # only municipalities with posts on the platform
        out = out[out["total"] > 0]
    return out


def interaction(posts: pd.DataFrame, *, platform: str | None = "twitter",
                labels: Sequence[str] | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Interaction share and megaphone share (roeptoetergehalte) per municipality.

    Returns
    -------
    DataFrame indexed by ``gm_code``: the counts of :func:`post_counts`, ``base`` (replies to others
    + originals), ``interaction_share`` with Wilson ``ci_low``/``ci_high``, ``megaphone_share``
    (1 - interaction share), ``citizen_base`` (replies to citizens + originals) and
    ``citizen_share`` (replies to citizens / citizen_base). NaN shares where the base is 0.
    """
    c = post_counts(posts, platform=platform, labels=labels)
    base = c["reply_others"] + c["original"]
    table = proportion_table(c["reply_others"], base, alpha)
    c["base"] = base
    c["interaction_share"] = table["share"]
    c["ci_low"] = table["ci_low"]
    c["ci_high"] = table["ci_high"]
    c["megaphone_share"] = 1 - c["interaction_share"]
    c["citizen_base"] = c["reply_citizen"] + c["original"]
    cb = c["citizen_base"].astype(float)
    c["citizen_share"] = (c["reply_citizen"] / cb.where(cb > 0)).astype(float)
    return c


def interaction_summary(inter: pd.DataFrame, *, min_base: int = MIN_INTERACTION_BASE,
                        alpha: float = 0.05) -> dict[str, Any]:
    """Pooled ratio and median over municipalities, and the top of the ranking.

    Returns
    -------
    dict: ``pooled_share`` (sum of replies to others / sum of bases) with ``pooled_low`` /
    ``pooled_high`` (ratio-estimator interval, municipalities as clusters) and
    ``pooled_design_effect`` (variance relative to posts as independent trials);
    ``pooled_citizen_share`` (replies to citizens / (those + originals)) with
    ``pooled_citizen_low`` / ``_high``; ``replies_share_of_all_posts`` (replies to others / all own
    posts, reposts and self-replies included in the base); ``median_share`` (over municipalities
    with base >= ``min_base``), ``n_ranked``, ``top_gm_code``, ``top_share`` and
    ``top_citizen_share`` (of the first in :func:`ranking`), ``min_base``, ``n_posts`` (all own
    posts), ``n_base`` (the pooled base), ``note`` (empty, or why the median and the top are NA: no
    posts, or nobody with the minimum base).
    """
    k, n = int(inter["reply_others"].sum()), int(inter["base"].sum())
    pooled = ratio_ci(inter["reply_others"], inter["base"], alpha)
    citizen = ratio_ci(inter["reply_citizen"], inter["citizen_base"], alpha)
    total = int(inter["total"].sum())
    ranked = ranking(inter, min_base=min_base)
    return {
        "pooled_share": k / n if n else np.nan,
        "pooled_low": pooled["ci_low"],
        "pooled_high": pooled["ci_high"],
        "pooled_design_effect": pooled["design_effect"],
        "pooled_citizen_share": citizen["share"],
        "pooled_citizen_low": citizen["ci_low"],
        "pooled_citizen_high": citizen["ci_high"],
        "replies_share_of_all_posts": k / total if total else np.nan,
        "n_posts": total,
        "n_base": n,
        "median_share": float(ranked["interaction_share"].median()) if len(ranked) else np.nan,
        "n_ranked": len(ranked),
        "top_gm_code": ranked.index[0] if len(ranked) else None,
        "top_share": float(ranked["interaction_share"].iloc[0]) if len(ranked) else np.nan,
        "top_citizen_share": float(ranked["citizen_share"].iloc[0]) if len(ranked) else np.nan,
        "min_base": min_base,
        "note": ("NA: no own posts in the base" if n == 0 else
                 f"NA: no municipality has a base of {min_base} or more posts: no ranking"
                 if not len(ranked) else ""),
    }


def ranking(inter: pd.DataFrame, *, min_base: int = MIN_INTERACTION_BASE) -> pd.DataFrame:
    """The one interaction ranking: municipalities with ``base >= min_base`` sorted by interaction
    share (highest first; equal shares by the lower Wilson bound, i.e. the larger base first, then
    by code), with a ``rank`` column 1..n without gaps.

    Tables, figures, the report and the profiles all take their ranks from here.
    """
    r = inter.loc[inter["base"] >= min_base].reset_index()
    r = r.sort_values(["interaction_share", "ci_low", "gm_code"], ascending=[False, False, True])
    r["rank"] = np.arange(1, len(r) + 1)
    return r.set_index("gm_code")


def post_mix(counts: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Mix of own posts (pooled over the rows of ``counts``): original (incl. quotes), repost, reply.

    Returns
    -------
    DataFrame, one row per kind: ``kind``, ``count``, ``n`` (all own posts), ``share``, ``ci_low``,
    ``ci_high`` (ratio-estimator interval with the rows, municipalities, as clusters: posts nest in
    municipalities).
    """
    replies = counts["reply_others"] + counts["reply_self"] + counts["reply_unknown"]
    per = {"original": counts["original"], "repost": counts["repost"], "reply": replies}
    total = counts["original"] + counts["repost"] + replies
    rows = []
    for kind, k in per.items():
        r = ratio_ci(k.to_numpy(float), total.to_numpy(float), alpha)
        rows.append({"kind": kind, "count": int(k.sum()), "n": int(total.sum()),
                     "share": r["share"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]})
    return pd.DataFrame(rows)


def largest(municipalities: pd.DataFrame, n: int = 100) -> list[str]:
    """Codes of the ``n`` largest municipalities by population (ties by code)."""
    m = municipalities.dropna(subset=["population"]).sort_values(
        ["population", "gm_code"], ascending=[False, True]
    )
    return m["gm_code"].head(n).astype(str).tolist()


# --------------------------------------------------------------------------------------------------
# monitoring
# --------------------------------------------------------------------------------------------------
def monitoring(messages: pd.DataFrame, *, platform: str | None = None, alpha: float = 0.05,
               adjust: str = "holm") -> pd.DataFrame:
    """Share of citizen messages with any reaction, addressed versus not addressed, per theme.

    Messages nest in municipalities, so every share is a pooled ratio with a ratio-estimator
    interval (municipalities as clusters, :func:`helpers.analysis.stats.ratio_ci`) and the contrast is the
    cluster-robust Wald test of :func:`helpers.analysis.stats.ratio_difference_test`.

    Parameters
    ----------
    messages : DataFrame
        The ``citizen_messages`` table.
    platform : str or None
        Restrict to one platform (``None``: all; see :func:`monitoring_by_platform` for when
        pooling platforms is meaningful).
    adjust : {"holm", "fdr_bh"}
        Correction of the per-theme p-values across themes.

    Returns
    -------
    DataFrame, one row per theme plus ``all`` (first): ``theme``, ``n_addressed``,
    ``reacted_addressed``, ``share_addressed`` (+ ``addressed_low``/``_high``), ``n_indirect``,
    ``reacted_indirect``, ``share_indirect`` (+ ``indirect_low``/``_high``), ``risk_difference``
    (addressed - indirect, + ``rd_low``/``rd_high``), ``cohens_h`` (2 asin sqrt p1 - 2 asin sqrt
    p2), ``z`` and ``p`` (cluster-robust), ``p_adjusted`` (across themes, not for ``all``),
    ``clusters`` (municipalities with messages).
    """
    m = messages if platform is None else messages[messages["platform"] == platform]
    codes, themes = _codes(m["theme"])
    # municipalities are the clusters; a table without gm_code is one cluster (no interval)
    gm, gms = _codes(m["gm_code"] if "gm_code" in m.columns else pd.Series("", index=m.index))
    k, g = len(themes), len(gms)
    addressed = m["addressed"].to_numpy(bool)
    reacted = m["first_reply_post_id"].notna().to_numpy()
    rows = []
    for t in range(-1, k):  # -1: all themes
        sel = np.ones(len(m), bool) if t < 0 else codes == t
        na = _count(gm[sel & addressed], g)
        ra = _count(gm[sel & addressed & reacted], g)
        ni = _count(gm[sel & ~addressed], g)
        ri = _count(gm[sel & ~addressed & reacted], g)
        a, b = ratio_ci(ra, na, alpha), ratio_ci(ri, ni, alpha)
        diff = ratio_difference_test(ra, na, ri, ni, alpha)
        p1, p2 = a["share"], b["share"]
        rows.append({
            "theme": "all" if t < 0 else themes[t],
            "n_addressed": int(na.sum()), "reacted_addressed": int(ra.sum()),
            "share_addressed": p1, "addressed_low": a["ci_low"], "addressed_high": a["ci_high"],
            "n_indirect": int(ni.sum()), "reacted_indirect": int(ri.sum()),
            "share_indirect": p2, "indirect_low": b["ci_low"], "indirect_high": b["ci_high"],
            "risk_difference": diff["difference"], "rd_low": diff["ci_low"],
            "rd_high": diff["ci_high"],
            "cohens_h": 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2)),
            "z": diff["z"], "p": diff["p"], "clusters": diff["clusters"],
        })
    frame = pd.DataFrame(rows)
    padj = np.full(len(frame), np.nan)
    padj[1:] = p_adjust(frame["p"].to_numpy()[1:], adjust)
    frame["p_adjusted"] = padj
    return frame


def monitoring_by_platform(messages: pd.DataFrame, *, alpha: float = 0.05,
                           adjust: str = "holm") -> tuple[pd.DataFrame, bool]:
    """:func:`monitoring` per platform, plus pooled rows only where pooling means something.

    The addressed-versus-indirect contrast compares two kinds of message of the *same* platform.
    When a platform has only one kind (all Facebook messages are on the municipality's own page,
    so "addressed"), pooling platforms makes the contrast partly a platform contrast; then no
    pooled rows are given.

    Returns
    -------
    (table, pooled) : DataFrame and bool
        The rows of :func:`monitoring` with a ``platform`` column (``"all platforms"`` for pooled
        rows), and whether pooled rows were added (every platform has both kinds of message).
    """
    platforms = sorted(messages["platform"].dropna().unique())
    parts, shares_structure = [], True
    for platform in platforms:
        sub = messages[messages["platform"] == platform]
        kinds = set(sub["addressed"].astype(bool).unique())
        shares_structure &= kinds == {True, False}
        parts.append(monitoring(sub, alpha=alpha, adjust=adjust).assign(platform=platform))
    pooled = shares_structure and len(platforms) > 1
    if pooled:
        parts.append(monitoring(messages, alpha=alpha, adjust=adjust).assign(
            platform="all platforms"))
    out = pd.concat(parts, ignore_index=True) if parts else monitoring(messages).assign(platform="")
    cols = ["platform"] + [c for c in out.columns if c != "platform"]
    return out[cols], pooled


def two_proportions(frame: pd.DataFrame, k1: str, n1: str, k2: str, n2: str,
                    alpha: float = 0.05) -> pd.DataFrame:
    """Compare two proportions row by row: shares with Wilson intervals, risk difference, Cohen's h
    and the two-sided two-proportion z-test with pooled variance (as ``proportions_ztest``).

    Adds ``share_1``, ``low_1``, ``high_1``, ``share_2``, ``low_2``, ``high_2``,
    ``risk_difference``, ``cohens_h``, ``z``, ``p`` (NaN where a base is 0).
    """
    a, na = frame[k1].to_numpy(float), frame[n1].to_numpy(float)
    b, nb = frame[k2].to_numpy(float), frame[n2].to_numpy(float)
    out = frame.copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = a / na, b / nb
        pooled = (a + b) / (na + nb)
        se = np.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
        z = (p1 - p2) / se
    out["share_1"], out["share_2"] = p1, p2
    out["low_1"], out["high_1"] = wilson_ci(a, na, alpha)
    out["low_2"], out["high_2"] = wilson_ci(b, nb, alpha)
    out["risk_difference"] = p1 - p2
    out["cohens_h"] = 2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2))
    out["z"] = z
    out["p"] = np.where(np.isfinite(z), 2 * norm.sf(np.abs(z)), np.nan)
    return out
