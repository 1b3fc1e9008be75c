"""Response times to citizen questions: clock and business hours, censoring, Kaplan-Meier, rankings.

A *question* is a citizen message addressed to the municipality (a direct mention or reply) that asks
something (``addressed & is_question`` in the ``citizen_messages`` table). Its response time runs
from ``created_at`` to the municipality's first reply in the same thread (``first_reply_at``).

Censoring. Questions without a reply by the end of the observation window (the half-open window of
:mod:`helpers.core.window`, whose ``end`` is 00:00 Europe/Amsterdam of the day after its last day) are
*right-censored* at that instant: we know only that they waited at least that long. A reply stamped
at or after the window end is treated the same way (it could not have been observed in the window).
Censored questions are never dropped; the Kaplan-Meier estimator uses them, and the mean over
answered questions is reported beside the answer rate, never instead of it.

Business hours. Monday-Friday 08:30-17:00 Europe/Amsterdam, without the Dutch public holidays of the
``holidays`` package (which lists Good Friday and Liberation Day in lustrum years as well). Business
time is computed with a cumulative business-seconds function evaluated on arrays, so it is
vectorised and correct across daylight-saving changes (each day's 08:30 and 17:00 are localised
separately).

Quantiles. Kaplan-Meier quantiles (the median) follow R ``survival``'s convention (Therneau's
``quantile.survfit``): the first time the curve of 1 - S reaches p; where the curve is flat at exactly
1 - p (within :data:`QUANTILE_TOL`, for float error such as S = 0.4999...), the midpoint of that flat
stretch, i.e. halfway between the time it reaches 1 - p and the next event time (or the group's last
observation time when the flat stretch runs to the end of follow-up). statsmodels' ``quantile`` takes
the end of such a stretch, lifelines its start; see ``docs/methods.md``.

Everything per municipality is vectorised (sorting, ``np.bincount``, ``np.add.reduceat`` and
cython groupby reductions); the curves of :func:`km_by_group` agree with statsmodels'
``SurvfuncRight`` (tested).

The modules, in the order data flows through them (each imports only the ones before it):

- :mod:`.business_time` - the business calendar, business and clock hours;
- :mod:`.censoring` - the run's window and the questions with (censored) response times;
- :mod:`.kaplan_meier` - Kaplan-Meier curves per group, quantiles with intervals, plotting curves;
- :mod:`.summaries` - the pooled summary, log-rank test, time bands, shares within N hours;
- :mod:`.ranking` - per municipality, and the speed ranking;
- :mod:`.cox` - Cox models with clustered errors, proportional-hazards check, time-split model.

This package re-exports their public API, so ``from helpers.analysis import responsetime as rt;
rt.summary(...)`` works. Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`,
:mod:`helpers.collect` or :mod:`helpers.demo`: a notebook passes the tables in.
"""

from helpers.analysis.responsetime.business_time import (
    BUSINESS_CLOSE,
    BUSINESS_OPEN,
    NS_PER_HOUR,
    TZ,
    business_calendar,
    business_hours,
    calendar_for,
    clock_hours,
    cumulative_business_ns,
)
from helpers.analysis.responsetime.censoring import questions, run_window, window_label
from helpers.analysis.responsetime.cox import (
    COX_TERMS,
    cluster_cov,
    cox_analysis,
    cox_na_reason,
    cox_size,
    cox_time_split,
    ph_test,
)
from helpers.analysis.responsetime.kaplan_meier import (
    QUANTILE_CONVENTION,
    QUANTILE_TOL,
    km_at,
    km_by_group,
    km_curve,
    km_median,
    km_quantiles,
)
from helpers.analysis.responsetime.ranking import by_municipality, fastest, rank_changes
from helpers.analysis.responsetime.summaries import (
    BAND_EDGES,
    BAND_LABELS,
    SUMMARY_DESCRIPTIONS,
    WEEKEND_MARGIN,
    bands,
    km_within_cluster_ci,
    logrank,
    summary,
    summary_na_reason,
    within_shares,
)
from helpers.core.window import window_bounds

__all__ = [
    "BAND_EDGES",
    "BAND_LABELS",
    "BUSINESS_CLOSE",
    "BUSINESS_OPEN",
    "COX_TERMS",
    "NS_PER_HOUR",
    "QUANTILE_CONVENTION",
    "QUANTILE_TOL",
    "SUMMARY_DESCRIPTIONS",
    "TZ",
    "WEEKEND_MARGIN",
    "bands",
    "business_calendar",
    "business_hours",
    "by_municipality",
    "calendar_for",
    "clock_hours",
    "cluster_cov",
    "cox_analysis",
    "cox_na_reason",
    "cox_size",
    "cox_time_split",
    "cumulative_business_ns",
    "fastest",
    "km_at",
    "km_by_group",
    "km_curve",
    "km_median",
    "km_quantiles",
    "km_within_cluster_ci",
    "logrank",
    "ph_test",
    "questions",
    "rank_changes",
    "run_window",
    "summary",
    "summary_na_reason",
    "window_bounds",
    "window_label",
    "within_shares",
]
