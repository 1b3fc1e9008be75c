"""Titles of the social-media figures: presence (02), interaction (03), response time (04) and
monitoring (05), in English and Dutch.

Each function takes the statistics the figure shows and returns its title; the English text is
the one the notebooks built inline, the Dutch one says the same with Dutch numbers.

Must not import anything from helpers but :mod:`helpers.present.language`,
:mod:`helpers.present.viz.labels` and :mod:`helpers.present.titles.common`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from helpers.present.language import count, hours, p_value, pick
from helpers.present.titles.common import missing, pct, size_word
from helpers.present.viz.labels import label


def _on(platform: str, stats: Mapping[str, Any], n: int, lang: str) -> str:
    name = label(platform, lang)
    if platform == "twitter":
        return pick(lang, f"{count(stats['count'], lang)} of {count(n, lang)} municipalities on {name}",
                    f"{count(stats['count'], lang)} van {count(n, lang)} gemeenten op {name}")
    return pick(lang, f"{pct(stats['share'], lang)} on {name}", f"{pct(stats['share'], lang)} op {name}")


def title_presence_by_platform(year: int, n: int, on: Mapping[str, Mapping[str, Any]],
                               lang: str = "en") -> str:
    """Title of ``presence_by_platform``: how many municipalities have an account per platform.

    Parameters
    ----------
    year : int
        The study year.
    n : int
        Municipalities of the year (the base).
    on : mapping of platform -> statistics
        In the order to name them; each with ``count`` (municipalities with an account) and
        ``share`` (of ``n``, 0-1). Twitter is named by its count, the others by their share.
    lang : str
        ``"en"`` or ``"nl"``.

    Returns
    -------
    str
        ``"2014: 390 of 403 municipalities on Twitter, 75% on Facebook"`` (en),
        ``"2014: 390 van 403 gemeenten op Twitter, 75% op Facebook"`` (nl).
    """
    return f"{year}: " + ", ".join(_on(p, s, n, lang) for p, s in on.items())


def title_presence_by_size_class(year: int, platform: str, shares: pd.Series, lang: str = "en") -> str:
    """Title of ``presence_by_size_class``: the range of one platform's presence over size classes.

    Parameters
    ----------
    year : int
        The study year.
    platform : str
        The platform shown in the title (``"facebook"``).
    shares : Series
        Share of municipalities with an account (0-1), indexed by size class (``S``, ``M``, ``L``);
        missing values are left out.
    lang : str
        ``"en"`` or ``"nl"``.

    Returns
    -------
    str
        ``"2014: Facebook presence from 73% to 83% across size classes (highest: L)"`` (en),
        ``"2014: aanwezigheid op Facebook van 73% tot 83% over de grootteklassen (hoogst: groot)"``
        (nl); ``"-"`` for the highest class and ``"–"`` for the range when no share is known.
    """
    shares = pd.to_numeric(pd.Series(shares), errors="coerce").dropna()
    low, high = (shares.min(), shares.max()) if len(shares) else (None, None)
    top = size_word(shares.idxmax(), lang) if len(shares) else "-"
    name = label(platform, lang)
    return pick(
        lang,
        f"{year}: {name} presence from {pct(low, lang)} to {pct(high, lang)} across size classes "
        f"(highest: {top})",
        f"{year}: aanwezigheid op {name} van {pct(low, lang)} tot {pct(high, lang)} over de "
        f"grootteklassen (hoogst: {top})",
    )


def title_interaction_ranking(year: int, leader: str, share: float, lang: str = "en") -> str:
    """Title of ``interaction_ranking``: the municipality with the highest interaction share.

    Parameters
    ----------
    leader : str
        Name of the municipality ranked first.
    share : float
        Its interaction share (0-1): replies to others / (replies to others + original posts).

    Returns
    -------
    str
        ``"2014: Utrecht leads in interaction, 85% of its posts (replies to others + originals) are
        replies to others"`` (en) and its Dutch wording.
    """
    return pick(
        lang,
        f"{year}: {leader} leads in interaction, {pct(share, lang)} of its posts "
        "(replies to others + originals) are replies to others",
        f"{year}: {leader} heeft de meeste interactie: {pct(share, lang)} van de berichten "
        "(antwoorden aan anderen + eigen berichten) is een antwoord aan anderen",
    )


def title_megaphone_distribution(year: int, median_interaction: float, lang: str = "en") -> str:
    """Title of ``megaphone_distribution``: the megaphone share (roeptoetergehalte) of the median
    municipality.

    Parameters
    ----------
    median_interaction : float
        Median interaction share over the ranked municipalities (0-1); the title states its
        complement, the share of own posts that only broadcast.

    Returns
    -------
    str
        ``"2014: the median municipality broadcasts 69% of its own posts (replies to others +
        originals)"`` (en) and its Dutch wording.
    """
    megaphone = None if missing(median_interaction) else 1 - float(median_interaction)
    return pick(
        lang,
        f"{year}: the median municipality broadcasts {pct(megaphone, lang)} of its own posts "
        "(replies to others + originals)",
        f"{year}: de mediane gemeente zendt alleen uit in {pct(megaphone, lang)} van haar berichten "
        "(antwoorden aan anderen + eigen berichten)",
    )


def title_post_mix(year: int, shares: Mapping[str, float], top: int = 100, lang: str = "en") -> str:
    """Title of ``post_mix_top100``: what the largest municipalities posted.

    Parameters
    ----------
    shares : mapping
        Pooled shares (0-1) of ``original``, ``repost`` and ``reply`` among the own posts of the
        ``top`` largest municipalities.
    top : int
        How many of the largest municipalities the shares are over.

    Returns
    -------
    str
        ``"2014: the 100 largest posted 56% own posts, 14% reposts, 30% replies"`` (en) and its Dutch
        wording.
    """
    o, r, a = (pct(shares[k], lang) for k in ("original", "repost", "reply"))
    return pick(
        lang,
        f"{year}: the {top} largest posted {o} own posts, {r} reposts, {a} replies",
        f"{year}: de {top} grootste gemeenten plaatsten {o} eigen berichten, {r} doorgestuurde "
        f"berichten en {a} antwoorden",
    )


def title_response_km(year: int, weekend_median: float, weekday_median: float, logrank_p: float,
                      lang: str = "en") -> str:
    """Title of ``response_km``: whether weekend questions wait longer than weekday ones.

    Parameters
    ----------
    weekend_median, weekday_median : float
        Kaplan-Meier median time to the first reply (hours) of questions asked in the weekend and
        on a weekday; "longer" only when the weekend median is the larger of two known medians.
    logrank_p : float
        p-value of the log-rank test between the two.

    Returns
    -------
    str
        ``"2014: weekend questions wait longer (median 44.4 h vs 17.0 h; log-rank p < 1e-16)"``
        (en), ``"2014: vragen in het weekend wachten langer (mediaan 44,4 uur tegen 17,0 uur;
        log-rank p < 1e-16)"`` (nl).
    """
    slower = (not missing(weekend_median) and not missing(weekday_median)
              and float(weekend_median) > float(weekday_median))
    we, wd, p = hours(weekend_median, 1, lang), hours(weekday_median, 1, lang), p_value(logrank_p, lang)
    return pick(
        lang,
        f"{year}: weekend questions wait {'longer' if slower else 'less long'} "
        f"(median {we} vs {wd}; log-rank {p})",
        f"{year}: vragen in het weekend wachten {'langer' if slower else 'minder lang'} "
        f"(mediaan {we} tegen {wd}; log-rank {p})",
    )


def title_response_bands(year: int, within_2h: float, after_week: float, lang: str = "en") -> str:
    """Title of ``response_bands``: the Kaplan-Meier share answered within 2 hours, and the share
    answered after a week or never (the last band), both 0-1.

    Returns
    -------
    str
        ``"2014: 17% of all questions answered within 2 hours (Kaplan-Meier), 24% after a week or
        never"`` (en) and its Dutch wording.
    """
    return pick(
        lang,
        f"{year}: {pct(within_2h, lang)} of all questions answered within 2 hours (Kaplan-Meier), "
        f"{pct(after_week, lang)} after a week or never",
        f"{year}: {pct(within_2h, lang)} van alle vragen binnen 2 uur beantwoord (Kaplan-Meier), "
        f"{pct(after_week, lang)} niet binnen een week",
    )


def title_response_fastest(year: int, fastest: Sequence[str], lang: str = "en") -> str:
    """Title of ``response_fastest``: the fastest municipality and the one after it.

    Parameters
    ----------
    fastest : sequence of str
        Names in ranking order (lowest Kaplan-Meier median first); only the first two are named.

    Returns
    -------
    str
        ``"2014: Goeree-Overflakkee answers fastest, then Veere"`` (en),
        ``"2014: Goeree-Overflakkee antwoordt het snelst, daarna Veere"`` (nl); without the second
        name when only one is ranked, ``"nobody ranked"`` when none.
    """
    names = [str(x) for x in fastest][:2]
    if not names:
        return pick(lang, f"{year}: no municipality ranked on response time",
                    f"{year}: geen gemeente gerangschikt op reactietijd")
    then = pick(lang, f", then {names[1]}", f", daarna {names[1]}") if len(names) > 1 else ""
    return pick(lang, f"{year}: {names[0]} answers fastest{then}",
                f"{year}: {names[0]} antwoordt het snelst{then}")


def title_monitoring_by_theme(year: int, platform: str, indirect: float, addressed: float,
                              lang: str = "en") -> str:
    """Title of ``monitoring_by_theme``: how often indirect and addressed messages get a reaction.

    Parameters
    ----------
    platform : str
        The platform shown (a key such as ``"twitter"``, named by :func:`~helpers.present.viz.label`).
    indirect, addressed : float
        Shares (0-1) of messages not addressed to the municipality and of messages addressed to it
        that got a reaction, over all themes.

    Returns
    -------
    str
        ``"2014, Twitter: 7% of indirect messages get a reaction, against 65% of addressed ones"``
        (en) and its Dutch wording.
    """
    name = label(platform, lang)
    return pick(
        lang,
        f"{year}, {name}: {pct(indirect, lang)} of indirect messages get a reaction, "
        f"against {pct(addressed, lang)} of addressed ones",
        f"{year}, {name}: {pct(indirect, lang)} van de indirecte berichten krijgt een reactie, "
        f"tegen {pct(addressed, lang)} van de berichten aan de gemeente",
    )
