"""The cross-platform finding (09_platforms) and its figure title, computed from the comparison table.

Takes the table of :func:`helpers.analysis.platforms.compare` and words what it shows: on which
platform municipalities interact most and get questions answered soonest, with intervals and bases,
and "no clear difference" when the 95% intervals of the two best platforms overlap (a conservative
reading: the pooled shares of two platforms share municipalities, so no two-sample test is claimed).
A year with one platform reads "only Twitter was collected for 2014: nothing to compare".

Imports nothing from :mod:`helpers.pipeline` or :mod:`helpers.cli`; from helpers only
:mod:`helpers.analysis.platforms` and the formatting helpers of :mod:`helpers.present.findings`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from helpers.analysis import platforms as pf
from helpers.present.findings import ci, missing, pct


def _and(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _hours(value: float) -> str:
    return f"{float(value):.1f} h"


def _hours_ci(low: float, high: float) -> str:
    if missing(low) or missing(high):
        return ""
    upper = "open" if high == float("inf") else f"{float(high):.1f}"
    return f"95% CI {float(low):.1f}-{upper} h"


def _clear(a: pd.Series, b: pd.Series, low: str, high: str) -> bool:
    """True when the intervals of ``a`` and ``b`` are both known and do not overlap."""
    bounds = [a[low], a[high], b[low], b[high]]
    if any(missing(v) for v in bounds):
        return False
    return bool(a[low] > b[high] or b[low] > a[high])


def _by_interaction(pooled: pd.DataFrame) -> pd.DataFrame:
    return pooled[pooled["interaction_share"].notna()].sort_values(
        "interaction_share", ascending=False, kind="mergesort")


def _by_speed(pooled: pd.DataFrame) -> pd.DataFrame:
    return pooled[pooled["km_median_hours"].notna()].sort_values("km_median_hours", kind="mergesort")


def _interaction_part(platform: str, r: pd.Series) -> str:
    interval = ci(r["interaction_low"], r["interaction_high"])
    return (f"{pf.platform_name(platform)} ({pct(r['interaction_share'])}"
            f"{', ' + interval if interval else ''}; {int(r['base']):,} posts in the base, "
            f"{int(r['n_municipalities'])} municipalities)")


def _speed_part(platform: str, r: pd.Series) -> str:
    interval = _hours_ci(r["km_median_low"], r["km_median_high"])
    return (f"{pf.platform_name(platform)} (median {_hours(r['km_median_hours'])}"
            f"{', ' + interval if interval else ''}; {pct(r['answer_rate'])} of "
            f"{int(r['n_questions']):,} questions answered)")


def _one_platform(year: int, platform: str, r: pd.Series, only: str) -> str:
    name = pf.platform_name(platform)
    text = f"{only}: nothing to compare."
    if not missing(r["interaction_share"]):
        text += (f" On {name}, {pct(r['interaction_share'])} of own posts in the base (replies to "
                 f"others plus original posts, {int(r['base']):,} posts of "
                 f"{int(r['n_municipalities'])} municipalities) were replies to others.")
    if not missing(r["km_median_hours"]):
        text += (f" Half of the {int(r['n_questions']):,} questions had a first reply within "
                 f"{_hours(r['km_median_hours'])} (Kaplan-Meier, unanswered questions censored at "
                 "the window end).")
    elif r["n_questions"] > 0:
        text += (f" Fewer than half of the {int(r['n_questions']):,} questions got a reply in the "
                 "window: no median reply time.")
    return text


def comparison(year: int, table: pd.DataFrame, *, collected: Sequence[str] = (),
               min_base: int = 30, min_questions: int = 20) -> str:
    """The finding of the cross-platform comparison.

    Parameters
    ----------
    year : int
        The study year.
    table : DataFrame
        From :func:`helpers.analysis.platforms.compare` (with the same ``min_base`` and
        ``min_questions``).
    collected : sequence of str
        The social platforms collected for the year (to tell "only X was collected" from "only X has
        posts").
    min_base, min_questions : int
        The minimums used for the within-municipality counts (stated in the text).

    Returns
    -------
    str
        Markdown: the platforms ordered by pooled interaction share and by Kaplan-Meier median reply
        time, each with its interval and base; whether the two best differ clearly (intervals that do
        not overlap); how many municipalities active on several platforms interact most on each.
    """
    pooled = pf.pooled(table)
    platforms = list(pooled.index)
    if not platforms:
        what = _and([pf.platform_name(p) for p in collected]) if collected else "no social platform"
        return f"No own posts or questions were found on {what} in {year}: nothing to compare."
    if len(platforms) == 1:
        p = platforms[0]
        only = (f"Only {pf.platform_name(p)} was collected for {year}" if len(collected) <= 1 else
                f"Of {_and([pf.platform_name(c) for c in collected])}, only {pf.platform_name(p)} has "
                f"posts or questions in {year}")
        return _one_platform(year, p, pooled.iloc[0], only)
    parts = []
    inter = _by_interaction(pooled)
    if len(inter) >= 2:
        a, b = inter.iloc[0], inter.iloc[1]
        clear = _clear(a, b, "interaction_low", "interaction_high")
        parts.append(
            f"In {year} municipalities interacted most on "
            + ", then ".join(_interaction_part(p, r) for p, r in inter.iterrows())
            + " (replies to others / (replies to others + original posts), pooled, intervals clustered "
            "by municipality); "
            + (f"the intervals of {pf.platform_name(inter.index[0])} and "
               f"{pf.platform_name(inter.index[1])} do not overlap." if clear else
               f"the intervals of {pf.platform_name(inter.index[0])} and "
               f"{pf.platform_name(inter.index[1])} overlap: no clear difference."))
    speed = _by_speed(pooled)
    if len(speed) >= 2:
        a, b = speed.iloc[0], speed.iloc[1]
        clear = _clear(a, b, "km_median_low", "km_median_high")
        parts.append(
            "Questions got a first reply soonest on "
            + ", then ".join(_speed_part(p, r) for p, r in speed.iterrows())
            + " (Kaplan-Meier median, unanswered questions censored at the window end); "
            + ("the intervals do not overlap." if clear else "the intervals overlap: no clear difference."))
    lead = pf.leaders(table, "interaction_share")
    if len(lead):
        counts = _and([f"{int(k)} on {pf.platform_name(p) if p != 'tie' else 'two platforms equally'}"
                       for p, k in lead.items()])
        parts.append(f"Of the {int(lead.sum())} municipalities with at least {min_base} posts in the "
                     f"base on two or more platforms, the highest interaction share was {counts}.")
    fast = pf.leaders(table, "km_median_hours", highest=False)
    if len(fast):
        counts = _and([f"{int(k)} on {pf.platform_name(p) if p != 'tie' else 'two platforms equally'}"
                       for p, k in fast.items()])
        parts.append(f"Of the {int(fast.sum())} municipalities with at least {min_questions} questions "
                     f"and a median reply time on two or more platforms, the fastest median was {counts}.")
    return " ".join(parts) if parts else (
        f"{_and([pf.platform_name(p) for p in platforms])} were collected for {year}, but no measure "
        "could be computed on two of them.")


def _leader_vs_second(ranked: pd.DataFrame, value: str, low: str, high: str, fmt: Callable[[float], str],
                      leads: str, measure: str) -> str:
    """``"<leads> <first> (<first> v, <second> v)"`` when their intervals do not overlap, else
    ``"no clear difference in <measure> (...)"``; empty with fewer than two platforms ranked."""
    if len(ranked) < 2:
        return ""
    (pa, a), (pb, b) = ranked.iloc[:2].iterrows()
    values = f"{pf.platform_name(pa)} {fmt(a[value])}, {pf.platform_name(pb)} {fmt(b[value])}"
    if _clear(a, b, low, high):
        return f"{leads} {pf.platform_name(pa)} ({values})"
    return f"no clear difference in {measure} ({values})"


def figure_title(year: int, table: pd.DataFrame) -> str:
    """A title that states the finding of the cross-platform figure (the two best platforms)."""
    pooled = pf.pooled(table)
    if len(pooled) < 2:
        name = pf.platform_name(pooled.index[0]) if len(pooled) else "no platform"
        return f"{year}: only {name}, nothing to compare"
    bits = [
        bit for bit in (
            _leader_vs_second(_by_interaction(pooled), "interaction_share", "interaction_low",
                              "interaction_high", pct, "more interaction on", "interaction"),
            _leader_vs_second(_by_speed(pooled), "km_median_hours", "km_median_low",
                              "km_median_high", _hours, "faster replies on", "reply time"),
        ) if bit
    ]
    return f"{year}: " + ("; ".join(bits) if bits else "too little data on two platforms to compare")
