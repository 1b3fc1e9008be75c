"""Findings on the response time to citizens' questions (04): weekend versus weekday, mean and
median, shares within 2 hours, the Cox model and the fastest municipalities.

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from helpers.analysis.stats import format_p
from helpers.present.findings.wording import (
    ALPHA,
    _hours,
    _n,
    ci,
    missing,
    not_computed,
    pct,
    platform_name,
    significant,
)


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
