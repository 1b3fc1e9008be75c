"""Findings on social media: presence on Twitter and Facebook (02), interaction versus broadcasting
(03) and reactions to addressed versus indirect messages (05).

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers.analysis.stats import format_p
from helpers.present.findings.wording import (
    ALPHA,
    _n,
    ci,
    missing,
    not_computed,
    pct,
    platform_name,
    significant,
)


def presence(
    year: int, *, n: int, twitter_count: Any, twitter_share: Any, twitter_low: Any,
    twitter_high: Any, facebook_share: Any, facebook_corporate_share: Any,
    size_odds_ratio: Any, size_low: Any, size_high: Any, size_p: Any, alpha: float = ALPHA,
    reason: str = "",
) -> str:
    """Presence on Twitter and Facebook, and whether Facebook presence rises with size.

    Parameters
    ----------
    n : int
        Municipalities in the year's register (the base of every share).
    twitter_count, twitter_share, twitter_low, twitter_high
        Municipalities with any Twitter account, their share and Wilson interval.
    facebook_share, facebook_corporate_share
        Shares with any / a corporate Facebook page (base ``n``).
    size_odds_ratio, size_low, size_high, size_p
        Logistic regression of a Facebook page on log10 population: odds ratio per tenfold
        population, its interval and p-value.
    reason : str
        Why statistics are missing, when known (e.g. "Facebook was not collected for 2013").
    """
    parts = []
    if missing(twitter_share):
        parts.append(not_computed("Twitter presence", reason))
    else:
        parts.append(
            f"In {year}, {_n(twitter_count)} of {_n(n)} municipalities had a Twitter account "
            f"({pct(twitter_share, 1)} of all municipalities, {ci(twitter_low, twitter_high, 1)})."
        )
    if missing(facebook_share):
        parts.append(not_computed("Facebook presence", reason))
    else:
        corp = ("" if missing(facebook_corporate_share)
                else f", {pct(facebook_corporate_share)} a corporate page")
        parts.append(f"{pct(facebook_share)} of all {_n(n)} municipalities had a Facebook page{corp}.")
        if missing(size_odds_ratio):
            parts.append(not_computed("The relation between size and Facebook presence", reason))
        elif significant(size_p, alpha):
            direction = "larger" if float(size_odds_ratio) > 1 else "smaller"
            parts.append(
                f"{direction.capitalize()} municipalities more often had a Facebook page: odds ratio "
                f"{float(size_odds_ratio):.2f} per tenfold population "
                f"({ci(size_low, size_high, 2, percent=False)}, logistic regression, "
                f"{format_p(size_p)})."
            )
        else:
            parts.append(
                f"Facebook presence shows no clear relation with size: odds ratio "
                f"{float(size_odds_ratio):.2f} per tenfold population "
                f"({ci(size_low, size_high, 2, percent=False)}, {format_p(size_p)})."
            )
    return " ".join(parts)


def _interaction_lead(summary: Mapping[str, Any]) -> str:
    """The first clause of the interaction finding: what the median municipality does, or why there
    is no median (nobody reaches the minimum base)."""
    if missing(summary.get("median_share")):
        return (f"No municipality has a base of {summary['min_base']} posts or more, so there is no "
                f"median municipality or ranking")
    megaphone = 1 - float(summary["median_share"])
    scope = (f" (median over {_n(summary['n_ranked'])} municipalities with a base of at least "
             f"{summary['min_base']} posts)")
    if megaphone > 0.5:
        return (f"Most municipalities broadcast more than they converse: the median municipality's "
                f"megaphone share is {pct(megaphone)}{scope}")
    if megaphone < 0.5:
        return (f"Most municipalities converse more than they broadcast: the median municipality's "
                f"megaphone share is only {pct(megaphone)}{scope}")
    return f"The median municipality converses as much as it broadcasts (megaphone share 50%){scope}"


def interaction(year: int, summary: Mapping[str, Any], *, top_name: str = "",
                platform: str = "twitter", reason: str = "") -> str:
    """Interaction versus broadcasting from :func:`helpers.analysis.metrics.interaction_summary`.

    Says whether the median municipality broadcasts more than it converses (megaphone share above
    one half) or the reverse, with the pooled share, its clustered interval and its base, the
    same replies as a share of all own posts, the citizen-only share and the top municipality.
    """
    shown = platform_name(platform)
    if missing(summary.get("pooled_share")):
        return not_computed(f"The interaction share on {shown} in {year}",
                            reason or "no municipality has own posts in the base")
    text = (
        f"{_interaction_lead(summary)}. Pooled over all municipalities, "
        f"{pct(summary['pooled_share'])} of own {shown} posts in the base (replies to others plus "
        f"original posts, {_n(summary['n_base'])} posts; reposts and replies in own threads left out) "
        f"were replies to others ({ci(summary['pooled_low'], summary['pooled_high'], 1)}, clustered "
        f"by municipality)"
    )
    if not missing(summary.get("replies_share_of_all_posts")):
        text += (f"; as a share of all {_n(summary['n_posts'])} own posts that is "
                 f"{pct(summary['replies_share_of_all_posts'], 1)}")
    text += "."
    if not missing(summary.get("pooled_citizen_share")):
        text += (f" Counting replies to citizens only (replies to organisations left out of both "
                 f"counts), the pooled share is {pct(summary['pooled_citizen_share'])}.")
    if not missing(summary.get("top_share")) and summary.get("top_gm_code"):
        name = top_name or str(summary["top_gm_code"])
        citizen = ("" if missing(summary.get("top_citizen_share"))
                   else f"; {pct(summary['top_citizen_share'], 1)} counting replies to citizens only")
        text += (f" Highest: {name}, {pct(summary['top_share'], 1)} of its posts in the base were "
                 f"replies to others{citizen}.")
    return text


def monitoring(year: int, rows: Mapping[str, Mapping[str, Any]], *, pooled: bool,
               alpha: float = ALPHA, reason: str = "") -> str:
    """Reactions to addressed versus indirect messages, per platform.

    Parameters
    ----------
    rows : dict
        Platform -> the ``all`` row of :func:`helpers.analysis.metrics.monitoring` for that platform
        (``share_addressed``, ``n_addressed``, ``share_indirect``, ``n_indirect``,
        ``risk_difference``, ``rd_low``, ``rd_high``, ``p``, intervals).
    pooled : bool
        Whether the platforms share the addressed/indirect structure (see
        :func:`helpers.analysis.metrics.monitoring_by_platform`); without it no pooled sentence is given.
    """
    if not rows:
        return not_computed(f"Monitoring in {year}", reason or "there are no citizen messages")
    parts = []
    for platform, r in rows.items():
        shown = platform_name(platform)
        if platform == "all platforms" and not pooled:
            continue
        if missing(r.get("share_addressed")) or not r.get("n_addressed"):
            parts.append(not_computed(f"The reaction share on {shown}",
                                      "there are no addressed messages"))
            continue
        if missing(r.get("share_indirect")) or not r.get("n_indirect"):
            parts.append(
                f"On {shown}, {pct(r['share_addressed'])} of {_n(r['n_addressed'])} addressed "
                f"messages got a reaction; there are no indirect messages on {shown}, so the "
                f"contrast cannot be made there."
            )
            continue
        a, i = float(r["share_addressed"]), float(r["share_indirect"])
        shares = (f"{pct(i)} of {_n(r['n_indirect'])} indirect messages "
                  f"({ci(r['indirect_low'], r['indirect_high'])}) against {pct(a)} of "
                  f"{_n(r['n_addressed'])} addressed ones ({ci(r['addressed_low'], r['addressed_high'])})")
        interval = ("" if missing(r.get("rd_low")) or missing(r.get("rd_high"))
                    else f"95% CI {100 * float(r['rd_low']):+.0f} to "
                         f"{100 * float(r['rd_high']):+.0f}, ")
        diff = (f"difference {100 * (a - i):+.0f} percentage points ({interval}clustered by "
                f"municipality, {format_p(r.get('p'))})")
        if significant(r.get("p"), alpha):
            verb = ("rarely react to what is not addressed to them" if i < a
                    else "react more often to indirect messages than to addressed ones")
            parts.append(f"On {shown}, municipalities {verb}: they reacted to {shares}; {diff}.")
        else:
            parts.append(f"On {shown}, reactions to indirect and addressed messages show no clear "
                         f"difference: {shares}; {diff}.")
    if not parts:
        return not_computed(f"Monitoring in {year}", reason)
    return f"Monitoring in {year}, platform by platform. " + " ".join(parts)
