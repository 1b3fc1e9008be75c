"""Findings on social media: presence on Twitter and Facebook (02), interaction versus broadcasting
(03) and reactions to addressed versus indirect messages (05), in English or Dutch (``lang``).

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package but
:mod:`helpers.present.language`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpers.present.findings.wording import (
    ALPHA,
    _n,
    ci,
    decimal,
    missing,
    not_collected_reason,
    not_computed,
    pct,
    platform_name,
    signed,
    significant,
)
from helpers.present.language import p_value, pick


def presence(
    year: int, *, n: int, twitter_count: Any, twitter_share: Any, twitter_low: Any,
    twitter_high: Any, facebook_share: Any, facebook_corporate_share: Any,
    size_odds_ratio: Any, size_low: Any, size_high: Any, size_p: Any, alpha: float = ALPHA,
    reason: str = "", not_collected: Sequence[str] = (), lang: str = "en",
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
        Why statistics are missing, when known, already in ``lang``.
    not_collected : sequence of str
        Platform keys not collected for the year: the reason is then "Facebook not collected for
        2013" (or its Dutch), unless ``reason`` is given.
    lang : str
        ``"en"`` or ``"nl"``.
    """
    reason = reason or not_collected_reason(not_collected, year, lang)
    parts = []
    if missing(twitter_share):
        parts.append(not_computed(pick(lang, "Twitter presence", "De aanwezigheid op Twitter"),
                                  reason, lang))
    else:
        share = (f"{pct(twitter_share, 1, lang)} "
                 f"{pick(lang, 'of all municipalities', 'van alle gemeenten')}, "
                 f"{ci(twitter_low, twitter_high, 1, lang=lang)}")
        parts.append(pick(
            lang,
            f"In {year}, {_n(twitter_count)} of {_n(n)} municipalities had a Twitter account ({share}).",
            f"In {year} hadden {_n(twitter_count, lang)} van de {_n(n, lang)} gemeenten een "
            f"Twitteraccount ({share}).",
        ))
    if missing(facebook_share):
        parts.append(not_computed(pick(lang, "Facebook presence", "De aanwezigheid op Facebook"),
                                  reason, lang))
        return " ".join(parts)
    corp = ("" if missing(facebook_corporate_share) else
            f", {pct(facebook_corporate_share, 0, lang)} "
            f"{pick(lang, 'a corporate page', 'een corporate pagina')}")
    parts.append(pick(
        lang,
        f"{pct(facebook_share)} of all {_n(n)} municipalities had a Facebook page{corp}.",
        f"{pct(facebook_share, 0, lang)} van alle {_n(n, lang)} gemeenten had een "
        f"Facebookpagina{corp}.",
    ))
    if missing(size_odds_ratio):
        parts.append(not_computed(pick(lang, "The relation between size and Facebook presence",
                                       "Het verband tussen grootte en aanwezigheid op Facebook"),
                                  reason, lang))
        return " ".join(parts)
    odds = pick(lang, "odds ratio {} per tenfold population", "odds ratio {} per tienmaal zoveel "
                "inwoners").format(decimal(size_odds_ratio, 2, lang))
    interval = ci(size_low, size_high, 2, percent=False, lang=lang)
    if significant(size_p, alpha):
        larger = float(size_odds_ratio) > 1
        parts.append(pick(
            lang,
            f"{'Larger' if larger else 'Smaller'} municipalities more often had a Facebook page: "
            f"{odds} ({interval}, logistic regression, {p_value(size_p)}).",
            f"{'Grotere' if larger else 'Kleinere'} gemeenten hadden vaker een Facebookpagina: "
            f"{odds} ({interval}, logistische regressie, {p_value(size_p, lang)}).",
        ))
    else:
        parts.append(pick(
            lang,
            f"Facebook presence shows no clear relation with size: {odds} ({interval}, "
            f"{p_value(size_p)}).",
            f"De aanwezigheid op Facebook hangt niet duidelijk samen met de grootte: {odds} "
            f"({interval}, {p_value(size_p, lang)}).",
        ))
    return " ".join(parts)


def _interaction_lead(summary: Mapping[str, Any], lang: str = "en") -> str:
    """The first clause of the interaction finding: what the median municipality does, or why there
    is no median (nobody reaches the minimum base)."""
    if missing(summary.get("median_share")):
        return pick(
            lang,
            f"No municipality has a base of {summary['min_base']} posts or more, so there is no "
            f"median municipality or ranking",
            f"Geen gemeente heeft een basis van ten minste {summary['min_base']} berichten, dus er is "
            f"geen mediane gemeente en geen ranglijst",
        )
    megaphone = 1 - float(summary["median_share"])
    share = pct(megaphone, 0, lang)
    scope = pick(
        lang,
        f" (median over {_n(summary['n_ranked'])} municipalities with a base of at least "
        f"{summary['min_base']} posts)",
        f" (mediaan over {_n(summary['n_ranked'], lang)} gemeenten met een basis van ten minste "
        f"{summary['min_base']} berichten)",
    )
    if megaphone > 0.5:
        return pick(
            lang,
            f"Most municipalities broadcast more than they converse: the median municipality's "
            f"megaphone share is {share}{scope}",
            f"De meeste gemeenten zenden meer dan dat ze in gesprek gaan: het megafoonaandeel "
            f"(roeptoetergehalte) van de mediane gemeente is {share}{scope}",
        )
    if megaphone < 0.5:
        return pick(
            lang,
            f"Most municipalities converse more than they broadcast: the median municipality's "
            f"megaphone share is only {share}{scope}",
            f"De meeste gemeenten gaan meer in gesprek dan dat ze zenden: het megafoonaandeel "
            f"(roeptoetergehalte) van de mediane gemeente is maar {share}{scope}",
        )
    return pick(
        lang,
        f"The median municipality converses as much as it broadcasts (megaphone share 50%){scope}",
        f"De mediane gemeente gaat even vaak in gesprek als ze zendt (megafoonaandeel 50%){scope}",
    )


def interaction(year: int, summary: Mapping[str, Any], *, top_name: str = "",
                platform: str = "twitter", reason: str = "", lang: str = "en") -> str:
    """Interaction versus broadcasting from :func:`helpers.analysis.metrics.interaction_summary`.

    Says whether the median municipality broadcasts more than it converses (megaphone share above
    one half) or the reverse, with the pooled share, its clustered interval and its base, the
    same replies as a share of all own posts, the citizen-only share and the top municipality,
    in ``lang`` (``"en"`` or ``"nl"``).
    """
    shown = platform_name(platform, lang)
    if missing(summary.get("pooled_share")):
        return not_computed(
            pick(lang, f"The interaction share on {shown} in {year}",
                 f"Het interactieaandeel op {shown} in {year}"),
            reason or pick(lang, "no municipality has own posts in the base",
                           "geen gemeente heeft eigen berichten in de basis"), lang)
    share = pct(summary["pooled_share"], 0, lang)
    interval = ci(summary["pooled_low"], summary["pooled_high"], 1, lang=lang)
    text = pick(
        lang,
        f"{_interaction_lead(summary)}. Pooled over all municipalities, {share} of own {shown} "
        f"posts in the base (replies to others plus original posts, {_n(summary['n_base'])} posts; "
        f"reposts and replies in own threads left out) were replies to others ({interval}, "
        f"clustered by municipality)",
        f"{_interaction_lead(summary, lang)}. Gepoold over alle gemeenten was {share} van de eigen "
        f"berichten op {shown} in de basis (antwoorden aan anderen plus originele berichten, "
        f"{_n(summary['n_base'], lang)} berichten; doorgestuurde berichten en antwoorden in eigen "
        f"threads niet meegeteld) een antwoord aan anderen ({interval}, geclusterd per gemeente)",
    )
    if not missing(summary.get("replies_share_of_all_posts")):
        of_all = pct(summary["replies_share_of_all_posts"], 1, lang)
        text += pick(lang, f"; as a share of all {_n(summary['n_posts'])} own posts that is {of_all}",
                     f"; als aandeel van alle {_n(summary['n_posts'], lang)} eigen berichten is "
                     f"dat {of_all}")
    text += "."
    if not missing(summary.get("pooled_citizen_share")):
        citizens = pct(summary["pooled_citizen_share"], 0, lang)
        text += pick(
            lang,
            f" Counting replies to citizens only (replies to organisations left out of both "
            f"counts), the pooled share is {citizens}.",
            f" Als alleen antwoorden aan burgers tellen (antwoorden aan organisaties in beide "
            f"tellingen weggelaten), is het gepoolde aandeel {citizens}.",
        )
    if not missing(summary.get("top_share")) and summary.get("top_gm_code"):
        name = top_name or str(summary["top_gm_code"])
        top = pct(summary["top_share"], 1, lang)
        citizen = ("" if missing(summary.get("top_citizen_share")) else pick(
            lang, "; {} counting replies to citizens only", "; {} als alleen antwoorden aan burgers "
            "tellen").format(pct(summary["top_citizen_share"], 1, lang)))
        text += pick(lang, f" Highest: {name}, {top} of its posts in the base were replies to "
                           f"others{citizen}.",
                     f" Hoogste: {name}, {top} van haar berichten in de basis was een antwoord "
                     f"aan anderen{citizen}.")
    return text


def _monitoring_part(shown: str, r: Mapping[str, Any], alpha: float, lang: str) -> str:
    """The sentence of one platform of the monitoring finding."""
    if missing(r.get("share_addressed")) or not r.get("n_addressed"):
        return not_computed(
            pick(lang, f"The reaction share on {shown}", f"Het reactieaandeel op {shown}"),
            pick(lang, "there are no addressed messages",
                 "er zijn geen berichten die aan de gemeente gericht zijn"), lang)
    if missing(r.get("share_indirect")) or not r.get("n_indirect"):
        return pick(
            lang,
            f"On {shown}, {pct(r['share_addressed'])} of {_n(r['n_addressed'])} addressed "
            f"messages got a reaction; there are no indirect messages on {shown}, so the "
            f"contrast cannot be made there.",
            f"Op {shown} kreeg {pct(r['share_addressed'], 0, lang)} van "
            f"{_n(r['n_addressed'], lang)} gerichte berichten een reactie; op {shown} zijn er geen "
            f"indirecte berichten, dus daar is de vergelijking niet te maken.",
        )
    a, i = float(r["share_addressed"]), float(r["share_indirect"])
    ci_i = ci(r["indirect_low"], r["indirect_high"], lang=lang)
    ci_a = ci(r["addressed_low"], r["addressed_high"], lang=lang)
    shares = pick(
        lang,
        f"{pct(i)} of {_n(r['n_indirect'])} indirect messages ({ci_i}) against {pct(a)} of "
        f"{_n(r['n_addressed'])} addressed ones ({ci_a})",
        f"{pct(i, 0, lang)} van {_n(r['n_indirect'], lang)} indirecte berichten ({ci_i}) "
        f"tegenover {pct(a, 0, lang)} van {_n(r['n_addressed'], lang)} gerichte berichten ({ci_a})",
    )
    interval = ""
    if not (missing(r.get("rd_low")) or missing(r.get("rd_high"))):
        low, high = signed(100 * float(r["rd_low"]), 0, lang), signed(100 * float(r["rd_high"]), 0, lang)
        interval = pick(lang, f"95% CI {low} to {high}, ", f"95%-BI {low} tot {high}, ")
    diff = pick(
        lang,
        f"difference {signed(100 * (a - i))} percentage points ({interval}clustered by "
        f"municipality, {p_value(r.get('p'))})",
        f"verschil {signed(100 * (a - i), 0, lang)} procentpunt ({interval}geclusterd per "
        f"gemeente, {p_value(r.get('p'), lang)})",
    )
    if significant(r.get("p"), alpha):
        verb = (pick(lang, "rarely react to what is not addressed to them",
                     "reageren zelden op wat niet aan hen gericht is") if i < a else
                pick(lang, "react more often to indirect messages than to addressed ones",
                     "reageren vaker op indirecte berichten dan op gerichte"))
        return pick(lang, f"On {shown}, municipalities {verb}: they reacted to {shares}; {diff}.",
                    f"Op {shown} {verb.replace('reageren', 'reageren gemeenten', 1)}: ze reageerden "
                    f"op {shares}; {diff}.")
    return pick(lang, f"On {shown}, reactions to indirect and addressed messages show no clear "
                      f"difference: {shares}; {diff}.",
                f"Op {shown} verschillen de reacties op indirecte en op gerichte berichten niet "
                f"duidelijk: {shares}; {diff}.")


def monitoring(year: int, rows: Mapping[str, Mapping[str, Any]], *, pooled: bool,
               alpha: float = ALPHA, reason: str = "", lang: str = "en") -> str:
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
    lang : str
        ``"en"`` or ``"nl"``.
    """
    what = pick(lang, f"Monitoring in {year}", f"De monitoring in {year}")
    if not rows:
        return not_computed(what, reason or pick(lang, "there are no citizen messages",
                                                 "er zijn geen berichten van burgers"), lang)
    parts = [_monitoring_part(platform_name(platform, lang), r, alpha, lang)
             for platform, r in rows.items() if not (platform == "all platforms" and not pooled)]
    if not parts:
        return not_computed(what, reason, lang)
    return pick(lang, f"Monitoring in {year}, platform by platform. ",
                f"Monitoring in {year}, per platform. ") + " ".join(parts)
