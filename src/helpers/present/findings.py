"""Findings computed, not written: one sentence builder per notebook finding.

Each function takes the statistics a notebook computed (numbers, not the notebook's globals) and
returns Markdown whose wording follows the numbers: the direction of a difference, its size with an
interval, and the test with its p-value (:func:`helpers.analysis.stats.format_p`) when a claim rests on it.
A difference whose test is not significant at ``alpha`` is worded as "no clear difference". Missing
statistics (NA/NaN/None, e.g. a platform not collected for the year) give a sentence saying the
figure could not be computed and why, instead of an error.

Every percentage names its base ("of 12,253 questions", "of 9,272 answered questions").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from helpers.analysis.stats import format_p

ALPHA = 0.05
#: Groups of the survey that stand for management (directors and middle management).
MANAGEMENT = ("directie", "middenmanagement")


# --------------------------------------------------------------------------------------------------
# small formatting helpers
# --------------------------------------------------------------------------------------------------
def missing(value: Any) -> bool:
    """True for None, NaN, pandas NA/NaT and empty strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pandas NA raises on bool()
        return True


def pct(value: float, digits: int = 0) -> str:
    """A proportion (0-1) as a percentage: ``pct(0.2413, 1)`` = ``"24.1%"``."""
    return f"{100 * float(value):.{digits}f}%"


def ci(low: float, high: float, digits: int = 0, *, percent: bool = True, level: str = "95%") -> str:
    """An interval in words: ``"95% CI 20-25%"``; ``""`` when a bound is missing."""
    if missing(low) or missing(high):
        return ""
    if percent:
        return f"{level} CI {100 * float(low):.{digits}f}-{100 * float(high):.{digits}f}%"
    return f"{level} CI {float(low):.{digits}f}-{float(high):.{digits}f}"


#: Platform names as a reader writes them.
PLATFORM_NAMES = {"twitter": "Twitter", "facebook": "Facebook", "mastodon": "Mastodon",
                  "bluesky": "Bluesky"}


def platform_name(platform: str) -> str:
    """``"twitter"`` -> ``"Twitter"``; an unknown key is returned as it is."""
    return PLATFORM_NAMES.get(str(platform), str(platform))


def not_computed(what: str, reason: str = "") -> str:
    """The sentence for a figure that could not be computed."""
    why = reason or "the statistics it needs are missing for this year"
    return f"{what} could not be computed: {why}."


def note_or_na(value: Any, note: str, reason: str) -> str:
    """A record's note: ``note`` when ``value`` is defined, else ``"NA: <reason>"`` (a number that
    is NA says why)."""
    return f"NA: {reason}" if missing(value) else note


def significant(p: Any, alpha: float = ALPHA) -> bool:
    """True when ``p`` is a number below ``alpha``."""
    return not missing(p) and float(p) < alpha


def _hours(value: float) -> str:
    return f"{float(value):.1f} h"


def _n(value: Any) -> str:
    return f"{int(value):,}"


def _first_missing(stats: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        if missing(stats.get(key)):
            return key
    return None


def show(run: Any, text: str) -> Any:
    """Record a notebook's finding (``finding_<notebook>``, unit ``finding``) so the report can carry
    it, and return it as rendered Markdown for the notebook's output."""
    from IPython.display import Markdown

    run.record(f"finding_{run.notebook}", text, "finding",
               note="computed from this run's statistics (helpers.present.findings)")
    return Markdown(f"**Finding.** {text}")


# --------------------------------------------------------------------------------------------------
# 01 collection and 08 replication
# --------------------------------------------------------------------------------------------------
#: Source names as a reader writes them.
SOURCE_NAMES = {**PLATFORM_NAMES, "survey": "the staff survey", "web": "the website crawl"}


def _and(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def collection(year: int, *, demo: bool, sources: Sequence[str], not_collected: Sequence[str],
               n_files: int, rows: Mapping[str, int], n_skipped: int) -> str:
    """What the data-collection notebook read and left out.

    Parameters
    ----------
    demo : bool
        The inputs are the synthetic demo dataset.
    sources, not_collected : sequence of str
        The sources read, and the study's sources not read this year.
    n_files : int
        Input files read (hashed in the provenance).
    rows : mapping
        Tidy table -> number of rows written.
    n_skipped : int
        Items left out (each a row of ``data/skips.csv``).
    """
    kind = "the synthetic demo data" if demo else "the researcher's raw files"
    if not sources:
        return f"In {year}, no source was read from {kind}."
    tables = "; ".join(f"{table.replace('_', ' ')} {_n(n)}" for table, n in rows.items())
    text = (f"In {year}, {_and([SOURCE_NAMES.get(s, s) for s in sources])} "
            f"{'was' if len(sources) == 1 else 'were'} read from {kind} ({_n(n_files)} input files) "
            f"into schema-checked tables ({tables}).")
    if n_skipped:
        text += (f" {_n(n_skipped)} item{'s were' if n_skipped != 1 else ' was'} left out, each listed "
                 "with file, row, column and rule in data/skips.csv.")
    else:
        text += " Nothing was left out."
    if not_collected:
        text += f" Not collected: {_and([SOURCE_NAMES.get(s, s) for s in not_collected])}."
    return text


def replication(year: int, *, within: int, total: int, outside: Sequence[str] = (),
                demo: bool = False) -> str:
    """How many published figures of ``year`` this run reproduces within tolerance.

    ``outside`` names the figures outside tolerance. On demo data every figure is expected within
    tolerance (the generator is calibrated to them), so a miss there points at a change in the
    generator or an analysis; on real data it is a result (or a method difference) to explain.
    """
    if total == 0:
        return f"Nothing was published for {year}, so there is nothing to compare with."
    if within == total:
        text = f"All {_n(total)} published figures of {year} are reproduced within tolerance"
        return text + (" (as expected: the demo data is calibrated to them)." if demo else ".")
    text = (f"{_n(within)} of {_n(total)} published figures of {year} are reproduced within "
            f"tolerance; outside it: {_and(list(outside)) if outside else 'see the table'}.")
    if demo:
        text += (" The demo data is calibrated to these figures, so a miss points at a change in the "
                 "generator or in an analysis.")
    return text


# --------------------------------------------------------------------------------------------------
# 02 presence
# --------------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------------
# 03 interaction
# --------------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------------
# 04 response time
# --------------------------------------------------------------------------------------------------
def response_time(year: int, clock: Mapping[str, Any], business: Mapping[str, Any] | None = None,
                  *, within: Mapping[str, Any] | None = None, cox_weekend: Mapping[str, Any] | None = None,
                  ph_weekend: Mapping[str, Any] | None = None,
                  split: Mapping[str, Mapping[str, Any]] | None = None,
                  fastest: Sequence[str] = (), platform: str = "twitter", alpha: float = ALPHA,
                  reason: str = "") -> str:
    """Response time: weekend versus weekday, the mean, the median, and shares within 2 hours.

    Parameters
    ----------
    clock, business : dict
        :func:`helpers.analysis.responsetime.summary` in clock and business hours.
    within : dict, optional
        The 2-hour row(s) of :func:`helpers.analysis.responsetime.within_shares`: ``answered`` and ``all``,
        each with ``share``, ``ci_low``, ``ci_high``, ``count``, ``n``.
    cox_weekend : dict, optional
        The weekend row of :func:`helpers.analysis.responsetime.cox_size` (``hazard_ratio``, ``ci_low``,
        ``ci_high``, ``p``).
    ph_weekend : dict, optional
        The weekend row of :func:`helpers.analysis.responsetime.ph_test` (``holds``, ``chi2``, ``p``).
    split : dict, optional
        Period -> weekend row of :func:`helpers.analysis.responsetime.cox_time_split`.
    fastest : sequence of str
        Names of the fastest municipalities, in rank order.
    """
    shown = platform_name(platform)
    if missing(clock.get("n_questions")) or not clock.get("n_questions"):
        return not_computed(f"Response time on {shown} in {year}",
                            reason or "there are no citizen questions")
    n, k = int(clock["n_questions"]), int(clock["n_answered"])
    parts = [
        f"In {year}, {pct(clock['answer_rate'])} of {_n(n)} questions on {shown} got a reply in the "
        f"window ({_n(k)} answered)."
    ]
    wd, we = clock.get("weekday_km_median_hours"), clock.get("weekend_km_median_hours")
    p = clock.get("logrank_p")
    if missing(wd) or missing(we):
        parts.append(not_computed("The weekend effect",
                                  "weekday or weekend questions have no median reply time"))
    elif significant(p, alpha):
        slower = float(we) > float(wd)
        parts.append(
            f"Questions asked at the weekend were answered {'more slowly' if slower else 'faster'} "
            f"than weekday questions: Kaplan-Meier median {_hours(we)} against {_hours(wd)} "
            f"(log-rank chi2 = {float(clock['logrank_chi2']):.1f}, {format_p(p)})."
        )
    else:
        parts.append(
            f"Weekend and weekday questions show no clear difference in reply time: Kaplan-Meier "
            f"median {_hours(we)} against {_hours(wd)} (log-rank {format_p(p)})."
        )
    mean, wd_mean = clock.get("mean_hours"), clock.get("weekday_mean_hours")
    if not missing(mean) and not missing(wd_mean):
        if clock.get("weekend_raises_mean"):
            how = "weekend questions raise the mean"
        elif float(mean) < float(wd_mean):
            how = "weekend questions lower the mean"
        else:
            how = "weekend questions barely change the mean"
        parts.append(
            f"The mean over the {_n(k)} answered questions is {_hours(mean)}, against "
            f"{_hours(wd_mean)} for questions asked Monday-Friday: {how}."
        )
    if not missing(clock.get("km_median_hours")):
        parts.append(
            f"Half of all {_n(n)} questions were answered within {_hours(clock['km_median_hours'])} "
            f"(Kaplan-Meier median, unanswered questions censored; "
            f"{ci(clock['km_median_low'], clock['km_median_high'], 1, percent=False)} h)."
        )
    if business and not missing(business.get("km_median_hours")):
        bh = float(business["km_median_hours"])
        day = ("within one working day's worth of business hours (8.5 h)" if bh <= 8.5
               else "only after more than one working day's worth of business hours (8.5 h)")
        parts.append(f"In business hours the median is {_hours(bh)}: half of all questions are "
                     f"answered {day}.")
    if within and "answered" in within and "all" in within:
        a, b = within["answered"], within["all"]
        parts.append(
            f"Within 2 hours: {pct(a['share'])} of the {_n(a['n'])} answered questions "
            f"({ci(a['ci_low'], a['ci_high'])}), which is {pct(b['share'])} of all {_n(b['n'])} "
            f"questions ({ci(b['ci_low'], b['ci_high'])}; intervals clustered by municipality); the "
            f"second counts unanswered questions in the base."
        )
    if cox_weekend and not missing(cox_weekend.get("hazard_ratio")):
        hr = float(cox_weekend["hazard_ratio"])
        text = (
            f"A Cox model with errors clustered by municipality gives weekend questions a hazard "
            f"ratio of {hr:.2f} ({ci(cox_weekend['ci_low'], cox_weekend['ci_high'], 2, percent=False)}, "
            f"{format_p(cox_weekend['p'])}), averaged over the whole follow-up"
        )
        if ph_weekend and not ph_weekend.get("holds", True):
            text += (f"; proportional hazards fail for weekend (Schoenfeld residuals against the rank "
                     f"of time, {format_p(ph_weekend['p'])}), so that average hides a change over time")
            if split:
                pieces = [
                    f"{float(r['hazard_ratio']):.2f} "
                    f"{'in the ' + period if period.startswith('first') else period}"
                    for period, r in split.items() if not missing(r.get("hazard_ratio"))
                ]
                if pieces:
                    text += (": the hazard ratio of a reply to a weekend question still waiting is "
                             + " and ".join(pieces))
        parts.append(text + ".")
    names = [f for f in fastest if f and f != "-"]  # "-": nobody ranked
    if names:
        parts.append("Fastest (lowest Kaplan-Meier median): " + ", then ".join(names[:2]) + ".")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------------
# 05 monitoring
# --------------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------------
# 06 survey
# --------------------------------------------------------------------------------------------------
def survey(*, n_respondents: int, n_municipalities: int, most: Sequence[str], least: Sequence[str],
           friedman_p: Any, kendalls_w: Any, ownership_share: Any, ownership_low: Any,
           ownership_high: Any, ownership_n: Any, top_reasons: Sequence[str] = (),
           monitoring_majority: Any = None, labels: Mapping[str, str] | None = None,
           alpha: float = ALPHA, reason: str = "") -> str:
    """Who is enthusiastic, where management stands, ownership and reasons.

    ``most``/``least`` are the groups ordered by net agreement (most enthusiastic first / least
    enthusiastic last). The sentence on management (directors, middle management) follows where
    those groups are: among the least, among the most, or in between.
    """
    if not n_respondents:
        return not_computed("The survey findings", reason or "there are no survey responses")
    lab = dict(labels or {})

    def name(g: str) -> str:
        return lab.get(g, g)

    parts = [f"{_n(n_respondents)} of {_n(n_municipalities)} municipalities answered the survey "
             f"({pct(n_respondents / n_municipalities)} of the register)."]
    if most and least:
        differ = significant(friedman_p, alpha)
        test = (f"Friedman {format_p(friedman_p)}, Kendall's W "
                f"{'–' if missing(kendalls_w) else f'{float(kendalls_w):.2f}'}")
        if differ:
            parts.append(f"Rated most enthusiastic: {', '.join(name(g) for g in most)}; least: "
                         f"{' and '.join(name(g) for g in least)} (the groups differ, {test}).")
        else:
            parts.append(f"The groups' enthusiasm ratings show no clear difference ({test}); by net "
                         f"agreement the top is {', '.join(name(g) for g in most)}.")
        if differ:
            mgmt_least = [g for g in MANAGEMENT if g in least]
            mgmt_most = [g for g in MANAGEMENT if g in most]
            if mgmt_least:
                parts.append(f"Management ({' and '.join(name(g) for g in mgmt_least)}) is among "
                             f"the least enthusiastic.")
            elif mgmt_most:
                parts.append(f"Management ({' and '.join(name(g) for g in mgmt_most)}) is among "
                             f"the most enthusiastic.")
            else:
                parts.append("Management is neither among the most nor among the least enthusiastic.")
    if missing(ownership_share):
        parts.append(not_computed("The ownership share", reason))
    else:
        parts.append(f"{pct(ownership_share)} of {_n(ownership_n)} valid answers place "
                     f"responsibility fully with communications "
                     f"({ci(ownership_low, ownership_high)}).")
    if top_reasons:
        parts.append("Reasons named most for holding back: "
                     + " and ".join(name(r).lower() for r in top_reasons) + ".")
    if not missing(monitoring_majority):
        parts.append("A majority judges its monitoring of themes and indirect questions insufficient."
                     if monitoring_majority else
                     "No majority judges its monitoring insufficient on both items.")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------------
# 07 websites
# --------------------------------------------------------------------------------------------------
def websites(year: int, *, n_sites: int, in_order_share: Any, in_order_low: Any, in_order_high: Any,
             eservice_mean: Any, share_at_least: Any, min_services: int, few: Any,
             size_rho: Any, size_p: Any, size_means: Mapping[str, float] | None = None,
             rare: Sequence[str] = (), alpha: float = ALPHA, reason: str = "") -> str:
    """Work & income information in order, e-services, and whether e-services rise with size.

    ``size_rho``/``size_p``: Spearman correlation of the number of e-services with population and
    its p-value; ``size_means``: mean e-services per size class (S, M, L) for the sentence.
    """
    if not n_sites or missing(in_order_share):
        return not_computed(f"The website findings for {year}", reason or "no website was audited")
    parts = [
        f"In {year}, work & income information was in order on {pct(in_order_share)} of "
        f"{_n(n_sites)} audited websites ({ci(in_order_low, in_order_high)})."
    ]
    if not missing(eservice_mean):
        lag = "E-services lag" if few else "E-services are common"
        parts.append(f"{lag}: {float(eservice_mean):.1f} of 5 on average, and "
                     f"{pct(share_at_least)} of the {_n(n_sites)} websites offer {min_services} or "
                     f"more.")
    if rare:
        parts.append("Rarest: " + ", ".join(r.lower() for r in rare) + ".")
    means = ""
    if size_means:
        means = " (mean " + ", ".join(f"{k} {float(v):.1f}" for k, v in size_means.items()
                                      if not missing(v)) + ")"
    if missing(size_rho):
        parts.append(not_computed("The relation between size and e-services", reason))
    elif significant(size_p, alpha):
        direction = "larger" if float(size_rho) > 0 else "smaller"
        parts.append(f"{direction.capitalize()} municipalities offer more e-services{means}: "
                     f"Spearman rho {float(size_rho):.2f} with population, {format_p(size_p)}.")
    else:
        parts.append(f"E-services show no clear relation with size{means}: Spearman rho "
                     f"{float(size_rho):.2f} with population, {format_p(size_p)}.")
    return " ".join(parts)
