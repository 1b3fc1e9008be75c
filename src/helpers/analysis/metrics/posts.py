"""Interaction versus broadcasting, the one interaction ranking, and the mix of own posts.

**Interaction share** per municipality = replies to others (``kind == "reply"`` and ``reply_to`` in
citizen / organisation) divided by (those replies + originals + quotes); reposts and replies in its
own threads are left out. The **megaphone share** (*roeptoetergehalte*) is 1 - interaction share.
Pooled shares get ratio-estimator intervals with municipalities as clusters.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.analysis.stats` and :mod:`.counting`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.analysis.metrics.counting import _codes, _count, _mask
from helpers.analysis.stats import proportion_table, ratio_ci

#: Smallest base (replies to others + originals) for a municipality to enter the interaction ranking.
MIN_INTERACTION_BASE = 30


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
