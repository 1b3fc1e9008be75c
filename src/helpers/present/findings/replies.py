"""Findings on the response time to citizens' questions (04): weekend versus weekday, mean and
median, shares within 2 hours, the Cox model and the fastest municipalities, in English or Dutch
(``lang``).

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package but
:mod:`helpers.present.language`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from helpers.present.findings.wording import (
    ALPHA,
    _hours,
    _n,
    ci,
    decimal,
    missing,
    not_computed,
    pct,
    platform_name,
    significant,
)
from helpers.present.language import p_value, pick

#: A follow-up period of :func:`helpers.analysis.responsetime.cox_time_split`: "first 24 h",
#: "after 24 h".
_PERIOD = re.compile(r"(first|after) ([0-9.]+) h")


def _period(period: str, lang: str) -> str:
    """A follow-up period as part of a sentence: ``"in the first 24 h"``, ``"after 24 h"``;
    ``"in de eerste 24 uur"``, ``"na 24 uur"`` in Dutch."""
    if lang == "en":
        return "in the " + period if period.startswith("first") else period
    match = _PERIOD.fullmatch(period)
    if not match:
        return {"whole follow-up": "over de hele wachttijd"}.get(period, period)
    hours = match.group(2).replace(".", ",")
    return f"in de eerste {hours} uur" if match.group(1) == "first" else f"na {hours} uur"


def _weekend(clock: Mapping[str, Any], alpha: float, lang: str) -> str:
    """Weekend against weekday questions: the Kaplan-Meier medians and the log-rank test."""
    wd, we = clock.get("weekday_km_median_hours"), clock.get("weekend_km_median_hours")
    p = clock.get("logrank_p")
    if missing(wd) or missing(we):
        return not_computed(
            pick(lang, "The weekend effect", "Het weekendeffect"),
            pick(lang, "weekday or weekend questions have no median reply time",
                 "de werkdag- en weekendvragen hebben niet allebei een mediane reactietijd"), lang)
    medians = pick(lang, "Kaplan-Meier median {} against {}", "Kaplan-Meier-mediaan {} tegenover {}"
                   ).format(_hours(we, lang), _hours(wd, lang))
    if significant(p, alpha):
        slower = float(we) > float(wd)
        chi2 = decimal(clock["logrank_chi2"], 1, lang)
        return pick(
            lang,
            f"Questions asked at the weekend were answered {'more slowly' if slower else 'faster'} "
            f"than weekday questions: {medians} (log-rank chi2 = {chi2}, {p_value(p)}).",
            f"Vragen die in het weekend gesteld werden, werden {'langzamer' if slower else 'sneller'}"
            f" beantwoord dan vragen op werkdagen: {medians} (log-rank chi2 = {chi2}, "
            f"{p_value(p, lang)}).",
        )
    return pick(
        lang,
        f"Weekend and weekday questions show no clear difference in reply time: {medians} "
        f"(log-rank {p_value(p)}).",
        f"Vragen in het weekend en op werkdagen verschillen niet duidelijk in reactietijd: "
        f"{medians} (log-rank {p_value(p, lang)}).",
    )


def _mean(clock: Mapping[str, Any], k: int, lang: str) -> str:
    """The mean reply time against the weekday-only mean: do weekend questions raise it?"""
    mean, wd_mean = clock.get("mean_hours"), clock.get("weekday_mean_hours")
    if missing(mean) or missing(wd_mean):
        return ""
    if clock.get("weekend_raises_mean"):
        how = pick(lang, "weekend questions raise the mean", "weekendvragen verhogen het gemiddelde")
    elif float(mean) < float(wd_mean):
        how = pick(lang, "weekend questions lower the mean", "weekendvragen verlagen het gemiddelde")
    else:
        how = pick(lang, "weekend questions barely change the mean",
                   "weekendvragen veranderen het gemiddelde nauwelijks")
    return pick(
        lang,
        f"The mean over the {_n(k)} answered questions is {_hours(mean)}, against "
        f"{_hours(wd_mean)} for questions asked Monday-Friday: {how}.",
        f"Het gemiddelde over de {_n(k, lang)} beantwoorde vragen is {_hours(mean, lang)}, "
        f"tegenover {_hours(wd_mean, lang)} voor vragen gesteld van maandag tot en met vrijdag: "
        f"{how}.",
    )


def _medians(clock: Mapping[str, Any], business: Mapping[str, Any] | None, n: int,
             lang: str) -> list[str]:
    """The Kaplan-Meier median of all questions, in clock and in business hours."""
    parts = []
    if not missing(clock.get("km_median_hours")):
        interval = ci(clock["km_median_low"], clock["km_median_high"], 1, percent=False, lang=lang)
        median = _hours(clock["km_median_hours"], lang)
        parts.append(pick(
            lang,
            f"Half of all {_n(n)} questions were answered within {median} (Kaplan-Meier median, "
            f"unanswered questions censored; {interval} h).",
            f"De helft van alle {_n(n, lang)} vragen werd binnen {median} beantwoord "
            f"(Kaplan-Meier-mediaan, onbeantwoorde vragen gecensureerd; {interval} uur).",
        ))
    if business and not missing(business.get("km_median_hours")):
        bh = float(business["km_median_hours"])
        one_day = bh <= 8.5
        day = (pick(lang, "within one working day's worth of business hours (8.5 h)",
                    "binnen één werkdag aan kantooruren (8,5 uur)") if one_day else
               pick(lang, "only after more than one working day's worth of business hours (8.5 h)",
                    "pas na meer dan één werkdag aan kantooruren (8,5 uur)"))
        parts.append(pick(
            lang,
            f"In business hours the median is {_hours(bh)}: half of all questions are answered {day}.",
            f"In kantooruren is de mediaan {_hours(bh, lang)}: de helft van alle vragen wordt "
            f"{day} beantwoord.",
        ))
    return parts


def _within(within: Mapping[str, Any], lang: str) -> str:
    """The shares answered within 2 hours, of answered questions and of all questions."""
    a, b = within["answered"], within["all"]
    ci_a, ci_b = ci(a["ci_low"], a["ci_high"], lang=lang), ci(b["ci_low"], b["ci_high"], lang=lang)
    return pick(
        lang,
        f"Within 2 hours: {pct(a['share'])} of the {_n(a['n'])} answered questions ({ci_a}), which "
        f"is {pct(b['share'])} of all {_n(b['n'])} questions ({ci_b}; intervals clustered by "
        f"municipality); the second counts unanswered questions in the base.",
        f"Binnen 2 uur: {pct(a['share'], 0, lang)} van de {_n(a['n'], lang)} beantwoorde vragen "
        f"({ci_a}), dat is {pct(b['share'], 0, lang)} van alle {_n(b['n'], lang)} vragen ({ci_b}; "
        f"intervallen geclusterd per gemeente); het tweede aandeel telt onbeantwoorde vragen mee "
        f"in de basis.",
    )


def _cox(cox_weekend: Mapping[str, Any], ph_weekend: Mapping[str, Any] | None,
         split: Mapping[str, Mapping[str, Any]] | None, lang: str) -> str:
    """The weekend hazard ratio of the Cox model, and its change over time when hazards are not
    proportional."""
    hr = decimal(cox_weekend["hazard_ratio"], 2, lang)
    interval = ci(cox_weekend["ci_low"], cox_weekend["ci_high"], 2, percent=False, lang=lang)
    p = p_value(cox_weekend["p"], lang)
    text = pick(
        lang,
        f"A Cox model with errors clustered by municipality gives weekend questions a hazard ratio "
        f"of {hr} ({interval}, {p}), averaged over the whole follow-up",
        f"Een Cox-model met standaardfouten geclusterd per gemeente geeft weekendvragen een hazard "
        f"ratio van {hr} ({interval}, {p}), gemiddeld over de hele wachttijd",
    )
    if ph_weekend and not ph_weekend.get("holds", True):
        p = p_value(ph_weekend["p"], lang)
        text += pick(
            lang,
            f"; proportional hazards fail for weekend (Schoenfeld residuals against the rank of "
            f"time, {p}), so that average hides a change over time",
            f"; de aanname van proportionele hazards gaat voor het weekend niet op "
            f"(Schoenfeld-residuen tegen de rang van de tijd, {p}), dus dat gemiddelde verbergt een "
            f"verandering in de tijd",
        )
        if split:
            pieces = [f"{decimal(r['hazard_ratio'], 2, lang)} {_period(period, lang)}"
                      for period, r in split.items() if not missing(r.get("hazard_ratio"))]
            if pieces:
                text += pick(lang, ": the hazard ratio of a reply to a weekend question still "
                                   "waiting is " + " and ".join(pieces),
                             ": de hazard ratio van een antwoord op een weekendvraag die nog "
                             "wacht is " + " en ".join(pieces))
    return text + "."


def response_time(year: int, clock: Mapping[str, Any], business: Mapping[str, Any] | None = None,
                  *, within: Mapping[str, Any] | None = None, cox_weekend: Mapping[str, Any] | None = None,
                  ph_weekend: Mapping[str, Any] | None = None,
                  split: Mapping[str, Mapping[str, Any]] | None = None,
                  fastest: Sequence[str] = (), platform: str = "twitter", alpha: float = ALPHA,
                  reason: str = "", lang: str = "en") -> str:
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
    reason : str
        Why there are no questions, when known, in ``lang``.
    lang : str
        ``"en"`` or ``"nl"``.

    Returns
    -------
    str
        The finding, its wording following the statistics (faster / more slowly, raise / lower).
    """
    shown = platform_name(platform, lang)
    if missing(clock.get("n_questions")) or not clock.get("n_questions"):
        return not_computed(pick(lang, f"Response time on {shown} in {year}",
                                 f"De reactietijd op {shown} in {year}"),
                            reason or pick(lang, "there are no citizen questions",
                                           "er zijn geen vragen van burgers"), lang)
    n, k = int(clock["n_questions"]), int(clock["n_answered"])
    rate = pct(clock["answer_rate"], 0, lang)
    parts = [pick(
        lang,
        f"In {year}, {rate} of {_n(n)} questions on {shown} got a reply in the window "
        f"({_n(k)} answered).",
        f"In {year} kreeg {rate} van {_n(n, lang)} vragen op {shown} binnen de meetperiode een "
        f"antwoord ({_n(k, lang)} beantwoord).",
    )]
    parts.append(_weekend(clock, alpha, lang))
    parts.append(_mean(clock, k, lang))
    parts += _medians(clock, business, n, lang)
    if within and "answered" in within and "all" in within:
        parts.append(_within(within, lang))
    if cox_weekend and not missing(cox_weekend.get("hazard_ratio")):
        parts.append(_cox(cox_weekend, ph_weekend, split, lang))
    names = [f for f in fastest if f and f != "-"]  # "-": nobody ranked
    if names:
        parts.append(pick(lang, "Fastest (lowest Kaplan-Meier median): ",
                          "Snelst (laagste Kaplan-Meier-mediaan): ")
                     + pick(lang, ", then ", ", daarna ").join(names[:2]) + ".")
    return " ".join(p for p in parts if p)
