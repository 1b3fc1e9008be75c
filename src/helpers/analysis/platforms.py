"""Every social analysis per platform: which platform an analysis runs for, and the cross-platform table.

The cross-platform table (:func:`compare`) gives, per municipality and per platform it uses, the own
posts, the interaction share (:func:`helpers.analysis.metrics.interaction`: replies to others /
(replies to others + originals incl. quotes); reposts and replies in its own threads left out) with a
Wilson interval, the questions addressed to it, the answer rate with a Wilson interval and the
Kaplan-Meier median time to the first reply (:func:`helpers.analysis.responsetime.questions` and
:func:`~helpers.analysis.responsetime.by_municipality`: unanswered questions censored at the window
end). One pooled row per platform gives the ratio estimator over its municipalities (clustered
intervals, :func:`helpers.analysis.stats.ratio_ci`) and the Kaplan-Meier median over all its questions.
What counts as a question and as a first reply on each platform is decided by the importers
(``citizen_messages.is_question``, ``first_reply_at``); self-threads are own posts (``reply_to ==
"self"``) and never enter the interaction share.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.analysis.metrics`,
:mod:`helpers.analysis.responsetime` and :mod:`helpers.analysis.stats`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from helpers.analysis import metrics
from helpers.analysis import responsetime as rt
from helpers.analysis.stats import ratio_ci, wilson_ci

#: The order in which ``platform = "auto"`` picks the platform an analysis runs for: Twitter, as in the
#: published figures, then the platforms of a current year, Facebook last (its posts are page posts
#: and comments, not a public conversation).
PREFERENCE = ("twitter", "mastodon", "bluesky", "facebook")
#: All platforms in the order tables and figures list them.
PLATFORMS = ("twitter", "facebook", "mastodon", "bluesky")
#: The platforms' names in words.
PLATFORM_NAMES = {"twitter": "Twitter", "facebook": "Facebook", "mastodon": "Mastodon",
                  "bluesky": "Bluesky"}
#: Columns of :func:`compare`, in order.
COLUMNS = (
    "scope", "platform", "gm_code", "n_municipalities", "posts", "reply_others", "base",
    "interaction_share", "interaction_low", "interaction_high", "interaction_ranked",
    "n_questions", "n_answered", "answer_rate", "answer_low", "answer_high",
    "km_median_hours", "km_median_low", "km_median_high", "response_ranked",
)


def platform_name(platform: str) -> str:
    """A platform's name in words (``"mastodon"`` -> ``"Mastodon"``; unknown names unchanged)."""
    return PLATFORM_NAMES.get(platform, platform)


def required(platform: str) -> tuple[str, ...]:
    """The sources a notebook with parameter ``platform`` needs: all of :data:`PREFERENCE` for
    ``"auto"`` (any one will do), else the platform itself. Pass them to ``run.require(...)``."""
    return PREFERENCE if platform == "auto" else (platform,)


def choose(platform: str, collected: Iterable[str]) -> str | None:
    """The platform an analysis runs for.

    Parameters
    ----------
    platform : str
        The notebook's parameter: a platform name, or ``"auto"``.
    collected : iterable of str
        The sources collected for the year (``run.sources``).

    Returns
    -------
    str or None
        ``platform`` itself when it is not ``"auto"`` (collected or not: the notebook's
        ``run.require`` says "not collected"); for ``"auto"`` the first of :data:`PREFERENCE` that was
        collected, or ``None`` when no social platform was.
    """
    if platform != "auto":
        return platform
    have = set(collected)
    return next((p for p in PREFERENCE if p in have), None)


def collected_platforms(collected: Iterable[str]) -> list[str]:
    """The social platforms among ``collected``, in :data:`PLATFORMS` order."""
    have = set(collected)
    return [p for p in PLATFORMS if p in have]


def _per_platform(posts: pd.DataFrame, messages: pd.DataFrame, window: Any, platform: str,
                  min_base: int, min_questions: int, alpha: float) -> pd.DataFrame:
    """The municipality rows and the pooled row of one platform (see :func:`compare`)."""
    inter = metrics.interaction(posts, platform=platform, alpha=alpha)
    q = rt.questions(messages, window, platform=platform)
    per = rt.by_municipality(q, hours="clock_hours", alpha=alpha)
    codes = inter.index[inter["total"] > 0].union(per.index[per["n_questions"] > 0])
    inter = inter.reindex(codes)
    per = per.reindex(codes)
    nq = per["n_questions"].fillna(0).astype(int)
    na = per["n_answered"].fillna(0).astype(int)
    a_low, a_high = wilson_ci(na.to_numpy(), nq.to_numpy(), alpha)
    rows = pd.DataFrame({
        "scope": "municipality",
        "platform": platform,
        "gm_code": codes.astype(str),
        "n_municipalities": 1,
        "posts": inter["total"].fillna(0).astype(int).to_numpy(),
        "reply_others": inter["reply_others"].fillna(0).astype(int).to_numpy(),
        "base": inter["base"].fillna(0).astype(int).to_numpy(),
        "interaction_share": inter["interaction_share"].to_numpy(float),
        "interaction_low": inter["ci_low"].to_numpy(float),
        "interaction_high": inter["ci_high"].to_numpy(float),
        "interaction_ranked": (inter["base"].fillna(0) >= min_base).to_numpy(bool),
        "n_questions": nq.to_numpy(),
        "n_answered": na.to_numpy(),
        "answer_rate": np.where(nq > 0, na / nq.where(nq > 0, 1), np.nan),
        "answer_low": a_low,
        "answer_high": a_high,
        "km_median_hours": per["km_median"].to_numpy(float),
        "km_median_low": per["ci_low"].to_numpy(float),
        "km_median_high": per["ci_high"].to_numpy(float),
        "response_ranked": (nq >= min_questions).to_numpy(bool),
    })
    pooled_inter = ratio_ci(rows["reply_others"], rows["base"], alpha)
    pooled_answer = ratio_ci(rows["n_answered"], rows["n_questions"], alpha)
    km = rt.km_median(q["clock_hours"], q["answered"], alpha=alpha)
    n_q, n_a = int(rows["n_questions"].sum()), int(rows["n_answered"].sum())
    pooled = pd.DataFrame([{
        "scope": "pooled",
        "platform": platform,
        "gm_code": None,
        "n_municipalities": len(rows),
        "posts": int(rows["posts"].sum()),
        "reply_others": int(rows["reply_others"].sum()),
        "base": int(rows["base"].sum()),
        "interaction_share": pooled_inter["share"],
        "interaction_low": pooled_inter["ci_low"],
        "interaction_high": pooled_inter["ci_high"],
        "interaction_ranked": bool(rows["interaction_ranked"].any()),
        "n_questions": n_q,
        "n_answered": n_a,
        "answer_rate": n_a / n_q if n_q else np.nan,
        "answer_low": pooled_answer["ci_low"],
        "answer_high": pooled_answer["ci_high"],
        "km_median_hours": km["median"],
        "km_median_low": km["ci_low"],
        "km_median_high": km["ci_high"],
        "response_ranked": bool(rows["response_ranked"].any()),
    }])
    return pd.concat([rows, pooled], ignore_index=True)


def compare(
    posts: pd.DataFrame,
    messages: pd.DataFrame,
    window: Any,
    municipalities: pd.DataFrame | None = None,
    *,
    platforms: Sequence[str] | None = None,
    min_base: int = metrics.MIN_INTERACTION_BASE,
    min_questions: int = 20,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Interaction and response time per municipality and platform, and pooled per platform.

    Parameters
    ----------
    posts : DataFrame
        The ``posts`` table (own posts of every platform).
    messages : DataFrame
        The ``citizen_messages`` table.
    window : see :func:`helpers.analysis.responsetime.window_bounds`
        The observation window; unanswered questions are censored at its end.
    municipalities : DataFrame, optional
        The year's register (``gm_code``); posts of codes outside it are left out. ``None``: every
        code in ``posts`` and ``messages``.
    platforms : sequence of str, optional
        The platforms to compare, in the order wanted; default every platform in ``posts`` or
        ``messages``, in :data:`PLATFORMS` order.
    min_base : int
        Base (replies to others + originals) a municipality needs for ``interaction_ranked``.
    min_questions : int
        Questions a municipality needs for ``response_ranked``.
    alpha : float
        1 - level of the intervals (0.05: 95%).

    Returns
    -------
    DataFrame
        Columns :data:`COLUMNS`. Per platform, one ``scope == "municipality"`` row for each
        municipality that uses it (at least one own post or one question addressed to it on that
        platform), sorted by code, then one ``scope == "pooled"`` row (``gm_code`` missing). Counts:
        ``posts`` (all own posts, reposts and self-replies included), ``reply_others``, ``base``
        (replies to others + originals), ``n_questions``, ``n_answered`` (a first reply before the
        window end), ``n_municipalities`` (1, or the municipalities pooled). Shares 0-1:
        ``interaction_share`` = reply_others / base and ``answer_rate`` = n_answered / n_questions,
        with Wilson bounds per municipality and ratio-estimator bounds (municipalities as clusters)
        when pooled. ``km_median_hours`` with ``km_median_low`` / ``_high``: the Kaplan-Meier median
        of the clock hours to the first reply with the Brookmeyer-Crowley interval (NaN when fewer
        than half were answered; an open upper limit is ``inf``). ``interaction_ranked`` /
        ``response_ranked``: the municipality reaches ``min_base`` / ``min_questions`` (pooled: any
        does). NaN shares where the base is 0.
    """
    labels = None if municipalities is None else municipalities["gm_code"].astype(str).tolist()
    if labels is not None:
        keep = set(labels)
        posts = posts[posts["gm_code"].isin(keep)]
        messages = messages[messages["gm_code"].isin(keep)]
    if platforms is None:
        present = set(posts["platform"].dropna()) | set(messages["platform"].dropna())
        platforms = [p for p in PLATFORMS if p in present] + sorted(present - set(PLATFORMS))
    parts = [_per_platform(posts, messages, window, p, min_base, min_questions, alpha)
             for p in platforms]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    return pd.concat(parts, ignore_index=True)[list(COLUMNS)]


def multi_platform(table: pd.DataFrame) -> pd.DataFrame:
    """The municipality rows of :func:`compare` for municipalities that use more than one platform.

    Returns
    -------
    DataFrame
        Those rows, sorted by ``gm_code`` and platform order, with ``n_platforms`` (platforms used).
    """
    rows = table[table["scope"] == "municipality"]
    n = rows.groupby("gm_code")["platform"].nunique()
    rows = rows[rows["gm_code"].map(n) > 1].assign(n_platforms=lambda d: d["gm_code"].map(n))
    order = {p: i for i, p in enumerate(PLATFORMS)}
    return rows.assign(_o=rows["platform"].map(order).fillna(len(order))).sort_values(
        ["gm_code", "_o"], kind="mergesort").drop(columns="_o")


def pooled(table: pd.DataFrame) -> pd.DataFrame:
    """The pooled rows of :func:`compare`, indexed by platform."""
    return table[table["scope"] == "pooled"].set_index("platform")


#: The flag that says a municipality has enough data for a measure of :func:`compare`.
QUALIFIES = {"interaction_share": "interaction_ranked", "answer_rate": "response_ranked",
             "km_median_hours": "response_ranked"}


def leaders(table: pd.DataFrame, measure: str = "interaction_share", *,
            highest: bool = True) -> pd.Series:
    """Within municipalities: on which platform each has its best value of ``measure``.

    Only municipalities that qualify (:data:`QUALIFIES`: the minimum base or the minimum questions)
    with a defined value on two or more platforms count; each is counted once, for the platform with
    the highest value (``highest=False``: the lowest, e.g. the fastest median), or under ``"tie"``
    when two platforms share the best value.

    Returns
    -------
    Series of int
        Municipalities per platform (in :data:`PLATFORMS` order, then ``"tie"``), only non-zero
        entries; its sum is the number compared. Empty when no municipality qualifies on two.
    """
    rows = table[(table["scope"] == "municipality") & table[QUALIFIES[measure]].astype(bool)]
    rows = rows[rows[measure].notna()]
    rows = rows[rows.groupby("gm_code")["platform"].transform("nunique") > 1]
    best = rows.groupby("gm_code")[measure].transform("max" if highest else "min")
    top = rows[rows[measure] == best]
    n_top = top.groupby("gm_code")["platform"].transform("size")
    winner = top.loc[n_top == 1, "platform"].tolist() + ["tie"] * top.loc[n_top > 1, "gm_code"].nunique()
    counts = pd.Series(winner, dtype=object).value_counts()
    order = [p for p in (*PLATFORMS, *sorted(set(counts.index) - {*PLATFORMS, "tie"}), "tie")
             if p in counts.index]
    return counts.reindex(order).astype(int)
