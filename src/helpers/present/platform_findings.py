"""The cross-platform finding (09_platforms) and its figure title, computed from the comparison table.

Takes the table of :func:`helpers.analysis.platforms.compare` and words what it shows: on which
platform municipalities interact most and get questions answered soonest, with intervals and bases,
and "no clear difference" when the 95% intervals of the two best platforms overlap (a conservative
reading: the pooled shares of two platforms share municipalities, so no two-sample test is claimed).
A year with one platform reads "only Twitter was collected for 2014: nothing to compare". Both the
finding and the title take ``lang`` (``"en"`` or ``"nl"``), numbers through
:mod:`helpers.present.language`.

Imports nothing from :mod:`helpers.pipeline` or :mod:`helpers.cli`; from helpers only
:mod:`helpers.analysis.platforms`, the formatting helpers of :mod:`helpers.present.findings` and
:mod:`helpers.present.language`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from helpers.analysis import platforms as pf
from helpers.present.findings import ci, missing, pct
from helpers.present.findings.wording import _hours, _n, fixed
from helpers.present.language import join, pick


def _hours_ci(low: float, high: float, lang: str = "en") -> str:
    if missing(low) or missing(high):
        return ""
    upper = "open" if high == float("inf") else fixed(high, 1, lang)
    return pick(lang, f"95% CI {fixed(low, 1)}-{upper} h", f"95%-BI {fixed(low, 1, lang)}-{upper} uur")


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


def _interaction_part(platform: str, r: pd.Series, lang: str = "en") -> str:
    interval = ci(r["interaction_low"], r["interaction_high"], lang=lang)
    base = pick(lang, "{} posts in the base, {} municipalities", "{} berichten in de basis, {} gemeenten"
                ).format(_n(r["base"], lang), _n(r["n_municipalities"], lang))
    return (f"{pf.platform_name(platform)} ({pct(r['interaction_share'], 0, lang)}"
            f"{', ' + interval if interval else ''}; {base})")


def _speed_part(platform: str, r: pd.Series, lang: str = "en") -> str:
    interval = _hours_ci(r["km_median_low"], r["km_median_high"], lang)
    answered = pick(lang, "{} of {} questions answered", "{} van {} vragen beantwoord").format(
        pct(r["answer_rate"], 0, lang), _n(r["n_questions"], lang))
    return (f"{pf.platform_name(platform)} ({pick(lang, 'median', 'mediaan')} "
            f"{_hours(r['km_median_hours'], lang)}{', ' + interval if interval else ''}; {answered})")


def _one_platform(year: int, platform: str, r: pd.Series, only: str, lang: str = "en") -> str:
    name = pf.platform_name(platform)
    text = pick(lang, f"{only}: nothing to compare.", f"{only}: niets om te vergelijken.")
    if not missing(r["interaction_share"]):
        share, base = pct(r["interaction_share"], 0, lang), _n(r["base"], lang)
        munis = _n(r["n_municipalities"], lang)
        text += pick(
            lang,
            f" On {name}, {share} of own posts in the base (replies to others plus original posts, "
            f"{base} posts of {munis} municipalities) were replies to others.",
            f" Op {name} was {share} van de eigen berichten in de basis (antwoorden aan anderen plus "
            f"originele berichten, {base} berichten van {munis} gemeenten) een antwoord aan anderen.")
    n = _n(r["n_questions"], lang)
    if not missing(r["km_median_hours"]):
        median = _hours(r["km_median_hours"], lang)
        text += pick(
            lang,
            f" Half of the {n} questions had a first reply within {median} (Kaplan-Meier, unanswered "
            "questions censored at the window end).",
            f" De helft van de {n} vragen kreeg binnen {median} een eerste antwoord (Kaplan-Meier, "
            "onbeantwoorde vragen gecensureerd aan het eind van de meetperiode).")
    elif r["n_questions"] > 0:
        text += pick(lang, f" Fewer than half of the {n} questions got a reply in the window: no "
                           "median reply time.",
                     f" Minder dan de helft van de {n} vragen kreeg binnen de meetperiode een "
                     "antwoord: geen mediane reactietijd.")
    return text


def _names(platforms: Sequence[str], lang: str) -> str:
    return join([pf.platform_name(p) for p in platforms], lang)


def _no_comparison(year: int, platforms: Sequence[str], collected: Sequence[str], lang: str) -> str:
    """The finding of a year with fewer than two platforms with posts or questions."""
    if not platforms:
        if lang == "en":
            what = _names(collected, lang) if collected else "no social platform"
            return f"No own posts or questions were found on {what} in {year}: nothing to compare."
        what = (f"op {_names(collected, lang)} geen eigen berichten en geen vragen" if collected else
                "op geen enkel sociaal platform eigen berichten en vragen")
        return f"In {year} zijn {what} gevonden: niets om te vergelijken."
    p = platforms[0]
    name = pf.platform_name(p)
    if len(collected) <= 1:
        only = pick(lang, f"Only {name} was collected for {year}",
                    f"Alleen {name} is verzameld voor {year}")
    else:
        only = pick(lang, f"Of {_names(collected, lang)}, only {name} has posts or questions in {year}",
                    f"Van {_names(collected, lang)} heeft alleen {name} berichten dan wel "
                    f"vragen in {year}")
    return only


def _leader_counts(counts: pd.Series, lang: str) -> str:
    """``"120 on Facebook and 80 on Twitter"`` (``"op"`` in Dutch); ``tie``: two platforms equally."""
    return join([
        pick(lang, "{} on {}", "{} op {}").format(
            int(k), pf.platform_name(p) if p != "tie" else pick(lang, "two platforms equally",
                                                                  "twee platforms gelijk"))
        for p, k in counts.items()], lang)


def _rankings(year: int, pooled: pd.DataFrame, lang: str) -> list[str]:
    """The sentences ordering the platforms by interaction share and by median reply time."""
    parts = []
    inter = _by_interaction(pooled)
    if len(inter) >= 2:
        clear = _clear(inter.iloc[0], inter.iloc[1], "interaction_low", "interaction_high")
        first, second = pf.platform_name(inter.index[0]), pf.platform_name(inter.index[1])
        ordered = pick(lang, ", then ", ", daarna ").join(
            _interaction_part(p, r, lang) for p, r in inter.iterrows())
        parts.append(pick(
            lang,
            f"In {year} municipalities interacted most on {ordered} (replies to others / (replies to "
            "others + original posts), pooled, intervals clustered by municipality); "
            + (f"the intervals of {first} and {second} do not overlap." if clear else
               f"the intervals of {first} and {second} overlap: no clear difference."),
            f"In {year} hadden gemeenten de meeste interactie op {ordered} (antwoorden aan anderen / "
            "(antwoorden aan anderen + originele berichten), gepoold, intervallen geclusterd per "
            "gemeente); "
            + (f"de intervallen van {first} en {second} overlappen niet." if clear else
               f"de intervallen van {first} en {second} overlappen: geen duidelijk verschil.")))
    speed = _by_speed(pooled)
    if len(speed) >= 2:
        clear = _clear(speed.iloc[0], speed.iloc[1], "km_median_low", "km_median_high")
        ordered = pick(lang, ", then ", ", daarna ").join(
            _speed_part(p, r, lang) for p, r in speed.iterrows())
        parts.append(pick(
            lang,
            f"Questions got a first reply soonest on {ordered} (Kaplan-Meier median, unanswered "
            "questions censored at the window end); "
            + ("the intervals do not overlap." if clear else "the intervals overlap: no clear difference."),
            f"Vragen kregen het snelst een eerste antwoord op {ordered} (Kaplan-Meier-mediaan, "
            "onbeantwoorde vragen gecensureerd aan het eind van de meetperiode); "
            + ("de intervallen overlappen niet." if clear else
               "de intervallen overlappen: geen duidelijk verschil.")))
    return parts


def comparison(year: int, table: pd.DataFrame, *, collected: Sequence[str] = (),
               min_base: int = 30, min_questions: int = 20, lang: str = "en") -> str:
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
    lang : str
        ``"en"`` or ``"nl"``.

    Returns
    -------
    str
        Markdown: the platforms ordered by pooled interaction share and by Kaplan-Meier median reply
        time, each with its interval and base; whether the two best differ clearly (intervals that do
        not overlap); how many municipalities active on several platforms interact most on each.
    """
    pooled = pf.pooled(table)
    platforms = list(pooled.index)
    if len(platforms) <= 1:
        only = _no_comparison(year, platforms, collected, lang)
        return _one_platform(year, platforms[0], pooled.iloc[0], only, lang) if platforms else only
    parts = _rankings(year, pooled, lang)
    lead = pf.leaders(table, "interaction_share")
    if len(lead):
        counts = _leader_counts(lead, lang)
        parts.append(pick(
            lang,
            f"Of the {int(lead.sum())} municipalities with at least {min_base} posts in the base on "
            f"two or more platforms, the highest interaction share was {counts}.",
            f"Van de {_n(lead.sum(), lang)} gemeenten met ten minste {min_base} berichten in de basis "
            f"op ten minste twee platforms lag het hoogste interactieaandeel bij {counts}."))
    fast = pf.leaders(table, "km_median_hours", highest=False)
    if len(fast):
        counts = _leader_counts(fast, lang)
        parts.append(pick(
            lang,
            f"Of the {int(fast.sum())} municipalities with at least {min_questions} questions and a "
            f"median reply time on two or more platforms, the fastest median was {counts}.",
            f"Van de {_n(fast.sum(), lang)} gemeenten met ten minste {min_questions} vragen en een "
            f"mediane reactietijd op ten minste twee platforms lag de snelste mediaan bij {counts}."))
    return " ".join(parts) if parts else pick(
        lang,
        f"{_names(platforms, lang)} were collected for {year}, but no measure could be computed on "
        "two of them.",
        f"{_names(platforms, lang)} zijn verzameld voor {year}, maar geen enkele maat kon op twee "
        "ervan worden berekend.")


def _leader_vs_second(ranked: pd.DataFrame, value: str, low: str, high: str, fmt: Callable[[float], str],
                      leads: str, measure: str, lang: str = "en") -> str:
    """``"<leads> <first> (<first> v, <second> v)"`` when their intervals do not overlap, else
    ``"no clear difference in <measure> (...)"``; empty with fewer than two platforms ranked."""
    if len(ranked) < 2:
        return ""
    (pa, a), (pb, b) = ranked.iloc[:2].iterrows()
    values = f"{pf.platform_name(pa)} {fmt(a[value])}, {pf.platform_name(pb)} {fmt(b[value])}"
    if _clear(a, b, low, high):
        return f"{leads} {pf.platform_name(pa)} ({values})"
    return pick(lang, f"no clear difference in {measure} ({values})",
                f"geen duidelijk verschil in {measure} ({values})")


def figure_title(year: int, table: pd.DataFrame, lang: str = "en") -> str:
    """A title that states the finding of the cross-platform figure (the two best platforms), in
    ``lang`` (``"en"`` or ``"nl"``)."""
    pooled = pf.pooled(table)
    if len(pooled) < 2:
        name = (pf.platform_name(pooled.index[0]) if len(pooled) else
                pick(lang, "no platform", "geen platform"))
        return pick(lang, f"{year}: only {name}, nothing to compare",
                    f"{year}: alleen {name}, niets om te vergelijken")
    bits = [
        bit for bit in (
            _leader_vs_second(_by_interaction(pooled), "interaction_share", "interaction_low",
                              "interaction_high", lambda v: pct(v, 0, lang),
                              pick(lang, "more interaction on", "meer interactie op"),
                              pick(lang, "interaction", "interactie"), lang),
            _leader_vs_second(_by_speed(pooled), "km_median_hours", "km_median_low",
                              "km_median_high", lambda v: _hours(v, lang),
                              pick(lang, "faster replies on", "snellere antwoorden op"),
                              pick(lang, "reply time", "reactietijd"), lang),
        ) if bit
    ]
    return f"{year}: " + ("; ".join(bits) if bits else pick(
        lang, "too little data on two platforms to compare",
        "te weinig gegevens op twee platforms om te vergelijken"))
