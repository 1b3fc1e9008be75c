"""Response times to citizen questions: clock and business hours, censoring, Kaplan-Meier, rankings.

A *question* is a citizen message addressed to the municipality (a direct mention or reply) that asks
something (``addressed & is_question`` in the ``citizen_messages`` table). Its response time runs
from ``created_at`` to the municipality's first reply in the same thread (``first_reply_at``).

Censoring. Questions without a reply by the end of the observation window (the last day of the window
at 23:59:59.999 Europe/Amsterdam) are *right-censored* at that instant: we know only that they waited
at least that long. A reply stamped after the window end is treated the same way (it could not have
been observed in the window). Censored questions are never dropped; the Kaplan-Meier estimator uses
them, and the mean over answered questions is reported beside the answer rate, never instead of it.

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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import holidays
import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from helpers.analysis.stats import chi2_p, ratio_ci, wilson_ci, z_p
from helpers.core.errors import DataError
from helpers.core.window import Window, window_bounds

TZ = "Europe/Amsterdam"
#: Business day in local time: 08:30 to 17:00 (8.5 hours).
BUSINESS_OPEN = dt.time(8, 30)
BUSINESS_CLOSE = dt.time(17, 0)
NS_PER_HOUR = 3_600_000_000_000
#: The eight time bands (hours) used for the 2015-style distribution. The 2015 edition reported eight
#: bands without publishing their edges in the sources we have; these edges are our definition:
#: < 1 h, 1-2 h, 2-4 h, 4-8 h, 8-24 h, 1-2 days, 2-7 days, > 7 days or never answered.
BAND_EDGES = (0.0, 1.0, 2.0, 4.0, 8.0, 24.0, 48.0, 168.0, np.inf)
BAND_LABELS = ("<1h", "1-2h", "2-4h", "4-8h", "8-24h", "1-2d", "2-7d", ">7d/unanswered")
#: ``weekend_raises_mean`` is true when the mean over all answered questions exceeds the weekday-only
#: mean by at least this fraction (10%).
WEEKEND_MARGIN = 0.10
#: Survival values within this (absolute) distance of 1 - p count as equal to it when finding
#: quantiles: R ``survival``'s default tolerance ``sqrt(.Machine$double.eps)``.
QUANTILE_TOL = float(np.sqrt(np.finfo(float).eps))
#: Words for the quantile convention, used in table column descriptions and the method text.
QUANTILE_CONVENTION = (
    "Kaplan-Meier median, R survival convention: midpoint of a flat stretch at exactly 0.5"
)


#: Column descriptions of the ``response_summary`` table (statistic -> meaning and base).
SUMMARY_DESCRIPTIONS = {
    "n_questions": "citizen questions addressed to the municipality (the base of 'of all questions')",
    "n_answered": "questions with a reply in the window (the base of 'among answered')",
    "answer_rate": "answered / all questions (Wilson 95% interval in answer_rate_low/_high)",
    "km_median_hours": QUANTILE_CONVENTION + "; unanswered questions censored at the window end",
    "km_median_low": "Brookmeyer-Crowley 95% interval (statsmodels quantile_ci, log-log)",
    "km_median_high": "Brookmeyer-Crowley 95% interval; inf = open",
    "km_within_1h": "Kaplan-Meier share of all questions answered within 1 h",
    "km_within_2h": "Kaplan-Meier share of all questions answered within 2 h",
    "km_within_24h": "Kaplan-Meier share of all questions answered within 24 h",
    "answered_within_1h": "share of answered questions answered within 1 h",
    "answered_within_2h": "share of answered questions answered within 2 h",
    "answered_within_24h": "share of answered questions answered within 24 h",
    "all_within_1h": "answered within 1 h, as a share of all questions",
    "all_within_2h": "answered within 2 h, as a share of all questions",
    "all_within_24h": "answered within 24 h, as a share of all questions",
    "mean_hours": "mean over answered questions (the published figure is a mean)",
    "weekday_mean_hours": "mean over answered questions asked Monday-Friday",
    "weekend_mean_hours": "mean over answered questions asked Saturday-Sunday",
    "weekend_raises_mean": "mean >= 1.1 x weekday-only mean",
    "logrank_chi2": "log-rank statistic, weekday vs weekend questions (1 df)",
    "logrank_p": "p-value of the log-rank test from chi2.sf (never 0)",
    "weekday_km_median_hours": QUANTILE_CONVENTION + ", weekday questions",
    "weekend_km_median_hours": QUANTILE_CONVENTION + ", weekend questions",
    "weekend_median_ratio": "weekend / weekday Kaplan-Meier median",
}


# --------------------------------------------------------------------------------------------------
# window
# --------------------------------------------------------------------------------------------------
def window_label(window: Any) -> str:
    """The window's inclusive local days in words, ``"2014-04-01 - 2014-06-30"`` (see :func:`run_window`)."""
    return Window.parse(window).label()


def run_window(run: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The observation window of a notebook's run, as UTC instants (see :func:`window_bounds`).

    Taken from the ``window`` the collection wrote into ``provenance.json``; when that is missing,
    from :meth:`helpers.core.window.Window.of_year` (the edition's window in ``published.yaml``).
    """
    window = run.provenance.get("window")
    return (Window.parse(window) if window else Window.of_year(run.year)).bounds()


# --------------------------------------------------------------------------------------------------
# business hours
# --------------------------------------------------------------------------------------------------
def _ns(values: Any) -> np.ndarray:
    """Epoch nanoseconds (int64) of tz-aware or UTC datetimes; NaT becomes the int64 minimum."""
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    s = pd.to_datetime(s, utc=True)
    return np.asarray(s.dt.as_unit("ns").array.asi8, dtype=np.int64)


def business_calendar(
    first_day: dt.date | str, last_day: dt.date | str, *, country: str = "NL"
) -> pd.DataFrame:
    """The business intervals of every working day from ``first_day`` to ``last_day`` (inclusive).

    Returns
    -------
    DataFrame
        One row per working day (Monday-Friday, not a public holiday of ``country``): ``date``,
        ``open_ns`` and ``close_ns`` (epoch nanoseconds, UTC, of 08:30 and 17:00 local time) and
        ``cum_before_ns`` (business nanoseconds of all earlier rows), sorted by date.
    """
    days = pd.date_range(pd.Timestamp(first_day), pd.Timestamp(last_day), freq="D")
    years = range(days.min().year, days.max().year + 1) if len(days) else range(0)
    hol = holidays.country_holidays(country, years=list(years))
    hol_days = pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in hol))
    work = days[(days.day_of_week < 5) & ~days.isin(hol_days)]
    open_at = (work + _td(BUSINESS_OPEN)).tz_localize(TZ).tz_convert("UTC")
    close_at = (work + _td(BUSINESS_CLOSE)).tz_localize(TZ).tz_convert("UTC")
    open_ns = np.asarray(open_at.as_unit("ns").asi8, dtype=np.int64)
    close_ns = np.asarray(close_at.as_unit("ns").asi8, dtype=np.int64)
    length = close_ns - open_ns
    cum = np.concatenate([[0], np.cumsum(length)[:-1]]) if len(length) else length
    return pd.DataFrame(
        {"date": work.date, "open_ns": open_ns, "close_ns": close_ns, "cum_before_ns": cum}
    )


def _td(t: dt.time) -> pd.Timedelta:
    return pd.Timedelta(hours=t.hour, minutes=t.minute)


def cumulative_business_ns(t_ns: np.ndarray, calendar: pd.DataFrame) -> np.ndarray:
    """Business nanoseconds from the calendar's first working day up to each instant ``t_ns``.

    A step-and-ramp function: flat outside business intervals, slope 1 inside. Evaluated with one
    ``np.searchsorted`` over the calendar, so it is vectorised over any number of instants.
    """
    open_ns = calendar["open_ns"].to_numpy()
    close_ns = calendar["close_ns"].to_numpy()
    cum = calendar["cum_before_ns"].to_numpy()
    t = np.asarray(t_ns, dtype=np.int64)
    k = np.searchsorted(open_ns, t, side="right") - 1
    kk = np.clip(k, 0, max(len(open_ns) - 1, 0))
    if len(open_ns) == 0:
        return np.zeros(t.shape, dtype=np.int64)
    inside = np.clip(t - open_ns[kk], 0, close_ns[kk] - open_ns[kk])
    return np.where(k < 0, 0, cum[kk] + inside)


def calendar_for(*instants: Any, country: str = "NL") -> pd.DataFrame:
    """A :func:`business_calendar` that covers every instant given (with a day of margin each side)."""
    lo, hi = None, None
    for values in instants:
        ns = _ns(values)
        ns = ns[ns != np.iinfo(np.int64).min]
        if len(ns):
            lo = ns.min() if lo is None else min(lo, ns.min())
            hi = ns.max() if hi is None else max(hi, ns.max())
    if lo is None:
        today = dt.date(2000, 1, 1)
        return business_calendar(today, today, country=country)
    first = pd.Timestamp(lo, tz="UTC").tz_convert(TZ).date() - dt.timedelta(days=1)
    last = pd.Timestamp(hi, tz="UTC").tz_convert(TZ).date() + dt.timedelta(days=1)
    return business_calendar(first, last, country=country)


def business_hours(
    start: Any, end: Any, calendar: pd.DataFrame | None = None, *, country: str = "NL"
) -> np.ndarray:
    """Business hours between ``start`` and ``end`` (element-wise, tz-aware datetimes).

    Business time is Monday-Friday 08:30-17:00 Europe/Amsterdam, public holidays excluded. A question
    on Friday 16:30 answered on Monday 09:30 takes 1.5 business hours.

    Parameters
    ----------
    start, end : array-like of tz-aware datetimes
        Same length; NaT gives NaN.
    calendar : DataFrame, optional
        From :func:`business_calendar`; built to cover the instants when omitted.

    Returns
    -------
    ndarray of float
        Business hours (>= 0 when end >= start).
    """
    s, e = _ns(start), _ns(end)
    if calendar is None:
        calendar = calendar_for(start, end, country=country)
    nat = np.iinfo(np.int64).min
    out = (cumulative_business_ns(e, calendar) - cumulative_business_ns(s, calendar)) / NS_PER_HOUR
    return np.where((s == nat) | (e == nat), np.nan, out)


def clock_hours(start: Any, end: Any) -> np.ndarray:
    """Elapsed hours between tz-aware instants (UTC arithmetic, so daylight saving is handled)."""
    s, e = _ns(start), _ns(end)
    nat = np.iinfo(np.int64).min
    return np.where((s == nat) | (e == nat), np.nan, (e - s) / NS_PER_HOUR)


# --------------------------------------------------------------------------------------------------
# questions with durations
# --------------------------------------------------------------------------------------------------
def questions(
    messages: pd.DataFrame,
    window: Any,
    *,
    platform: str | None = "twitter",
    file: str = "citizen_messages",
    calendar: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Citizen questions with their (possibly censored) response times.

    Parameters
    ----------
    messages : DataFrame
        The ``citizen_messages`` table.
    window : see :func:`window_bounds`
        The observation window; unanswered questions are censored at its end.
    platform : str or None
        Keep one platform (default Twitter, as in the published figures); ``None`` keeps all.

    Returns
    -------
    DataFrame
        One row per question: ``gm_code``, ``platform``, ``created_at``, ``answered`` (bool, a reply
        within the window), ``clock_hours`` and ``business_hours`` (to the reply, or to the window end
        when censored), ``weekend`` (asked on a Saturday or Sunday, local time).

    Raises
    ------
    DataError
        When a reply precedes its question, or a question lies after the window end.
    """
    m = messages
    keep = m["addressed"].to_numpy(bool) & m["is_question"].to_numpy(bool)
    if platform is not None:
        keep &= (m["platform"] == platform).fillna(False).to_numpy(bool)
    q = m.loc[keep, ["gm_code", "platform", "created_at", "first_reply_at"]]
    _, end = window_bounds(window)
    end_ns = end.as_unit("ns").value
    created = _ns(q["created_at"])
    reply = _ns(q["first_reply_at"])
    nat = np.iinfo(np.int64).min
    late = np.flatnonzero(created >= end_ns)
    if len(late):
        raise DataError(file, f"question created after the window end {end.isoformat()}",
                        row=int(q.index[late[0]]) + 1, column="created_at")
    bad = np.flatnonzero((reply != nat) & (reply < created))
    if len(bad):
        raise DataError(file, "first_reply_at precedes the question's created_at",
                        row=int(q.index[bad[0]]) + 1, column="first_reply_at")
    answered = (reply != nat) & (reply < end_ns)
    stop = np.where(answered, reply, end_ns)
    if calendar is None:
        first = pd.Timestamp(created.min() if len(created) else end_ns, tz="UTC")
        calendar = business_calendar(
            first.tz_convert(TZ).date() - dt.timedelta(days=1),
            end.tz_convert(TZ).date() + dt.timedelta(days=1),
        )
    biz = (cumulative_business_ns(stop, calendar) - cumulative_business_ns(created, calendar))
    local = pd.to_datetime(q["created_at"], utc=True).dt.tz_convert(TZ)
    return pd.DataFrame(
        {
            "gm_code": q["gm_code"].reset_index(drop=True),
            "platform": q["platform"].reset_index(drop=True),
            "created_at": q["created_at"].reset_index(drop=True),
            "answered": answered,
            "clock_hours": (stop - created) / NS_PER_HOUR,
            "business_hours": biz / NS_PER_HOUR,
            "weekend": (local.dt.day_of_week >= 5).to_numpy(bool),
        }
    )


# --------------------------------------------------------------------------------------------------
# Kaplan-Meier, vectorised over groups
# --------------------------------------------------------------------------------------------------
def km_by_group(group: Any, time: Any, event: Any) -> pd.DataFrame:
    """Kaplan-Meier curves of many groups at once (equal to ``SurvfuncRight`` per group).

    Parameters
    ----------
    group : array-like
        Group label per observation (e.g. ``gm_code``).
    time : array-like of float
        Event or censoring time (hours).
    event : array-like of bool
        True when the event (a reply) was observed at ``time``; False when censored.

    Returns
    -------
    DataFrame
        One row per group and distinct *event* time, sorted: ``group``, ``time``, ``n_risk`` (at risk
        just before), ``events``, ``surv`` (KM survival: share still unanswered), ``se`` (Greenwood
        standard error of ``surv``, NaN where the risk set is exhausted), ``n_total`` (the group's
        size) and ``last_time`` (the group's last observation time, event or censored). Groups
        without any event have no rows.
    """
    codes, labels = pd.factorize(pd.Series(group), sort=True)
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=bool)
    # sort by (group, time): a stable sort on time, then a stable (radix) sort on the small codes
    order = np.argsort(t, kind="stable")
    small = codes.astype(np.int16 if len(labels) < 2**15 else np.int64)
    order = order[np.argsort(small[order], kind="stable")]
    g, t, e = codes[order], t[order], e[order].astype(np.int64)
    n = len(g)
    if n == 0:
        return pd.DataFrame(columns=["group", "time", "n_risk", "events", "surv", "se", "n_total",
                                     "last_time"])
    new = np.ones(n, dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (t[1:] != t[:-1])
    idx = np.flatnonzero(new)
    d = np.add.reduceat(e, idx)
    size = np.bincount(g, minlength=len(labels))
    gstart = np.concatenate([[0], np.cumsum(size)[:-1]])
    gi = g[idx]
    gend = gstart + size - 1
    last_time = t[np.clip(gend, 0, n - 1)]
    n_risk = size[gi] - (idx - gstart[gi])
    keep = d > 0
    gi, ti, d, n_risk = gi[keep], t[idx][keep], d[keep], n_risk[keep]
    frac = 1.0 - d / n_risk
    zero = frac < 1e-16
    logs = np.log(np.where(zero, 1e-16, frac))
    gkey = pd.Series(gi)
    surv = np.exp(pd.Series(logs).groupby(gkey).cumsum().to_numpy())
    surv[zero] = 0.0
    denom = np.clip(n_risk * (n_risk - d), 1e-12, np.inf).astype(float)
    term = d / denom
    exhausted = n_risk == d
    gw = pd.Series(np.where(exhausted, 0.0, term)).groupby(gkey).cumsum().to_numpy()
    se = np.sqrt(gw) * surv
    se[exhausted] = np.nan
    return pd.DataFrame(
        {
            "group": labels.to_numpy()[gi],
            "time": ti,
            "n_risk": n_risk,
            "events": d,
            "surv": surv,
            "se": se,
            "n_total": size[gi],
            "last_time": last_time[gi],
        }
    )


def km_quantiles(curves: pd.DataFrame, p: float = 0.5, alpha: float = 0.05) -> pd.DataFrame:
    """KM quantile (default the median) per group with the Brookmeyer-Crowley interval.

    The point estimate follows R ``survival`` (``quantile.survfit``): the first event time where
    S <= 1 - p; where S equals 1 - p within :data:`QUANTILE_TOL` (a flat stretch at exactly 1 - p),
    the midpoint between that time and the next event time, or the group's ``last_time`` when no
    event follows. The interval equals ``SurvfuncRight.quantile_ci(p, alpha)`` with its default
    complementary log-log transform (limits are observed event times; an open upper limit is
    ``inf``).

    Parameters
    ----------
    curves : DataFrame
        From :func:`km_by_group` (needs ``last_time`` for flat stretches that run to the end).
    p : float
        The quantile of the event-time distribution (0.5: median).
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame indexed by group: ``median`` (or the ``p`` quantile), ``ci_low``, ``ci_high`` (hours;
    NaN when not reached).
    """
    c = curves.reset_index(drop=True)
    grp = c["group"]
    target = 1 - p
    s = c["surv"].to_numpy(float)
    times = c["time"].to_numpy(float)
    pos = np.arange(len(c))
    reached = s <= target + QUANTILE_TOL
    first_pos = pd.Series(pos[reached], index=grp[reached].to_numpy()).groupby(level=0).min()
    fp = first_pos.to_numpy()
    est_vals = times[fp] if len(fp) else np.array([], float)
    if len(fp):
        flat = np.abs(s[fp] - target) < QUANTILE_TOL
        nxt = np.minimum(fp + 1, len(c) - 1)
        same_group = (fp + 1 < len(c)) & (grp.to_numpy()[nxt] == grp.to_numpy()[fp])
        # without last_time, a flat stretch to the end ends at the last event time
        end = c["last_time"].to_numpy(float)[fp] if "last_time" in c.columns else times[fp]
        upper = np.where(same_group, times[nxt], end)
        est_vals = np.where(flat, (times[fp] + upper) / 2, times[fp])
    est = pd.Series(est_vals, index=first_pos.index)
    se = c["se"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.log(-np.log(s))
        gprime = -1.0 / (s * np.log(s))
        r = (g - np.log(-np.log(1 - p))) / (gprime * se)
    z = norm.ppf(1 - alpha / 2)
    ok = np.abs(r) <= z
    okpos = pd.Series(pos[ok], index=grp[ok].to_numpy())
    first = okpos.groupby(level=0).min()
    last = okpos.groupby(level=0).max()
    group_last = pd.Series(pos, index=grp.to_numpy()).groupby(level=0).max()
    low = pd.Series(times[first.to_numpy()], index=first.index)
    nxt = last.to_numpy() + 1
    open_end = last.to_numpy() == group_last.reindex(last.index).to_numpy()
    high = pd.Series(
        np.where(open_end, np.inf, times[np.minimum(nxt, len(times) - 1)]), index=last.index
    )
    groups = pd.Index(pd.unique(grp), name="group")
    return pd.DataFrame(
        {"median": est.reindex(groups), "ci_low": low.reindex(groups),
         "ci_high": high.reindex(groups)}
    )


def km_median(time: Any, event: Any, p: float = 0.5, alpha: float = 0.05) -> dict[str, float]:
    """The ``p`` quantile of one Kaplan-Meier curve with its interval (see :func:`km_quantiles`).

    Returns
    -------
    dict
        ``median``, ``ci_low``, ``ci_high`` (hours; NaN when there is no event or the quantile is
        not reached; ``ci_high`` is ``inf`` when the interval is open).
    """
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=bool)
    nan = {"median": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if not e.any():
        return nan
    q = km_quantiles(km_by_group(np.zeros(len(t), dtype=int), t, e), p, alpha)
    row = q.iloc[0]
    return {k: float(row[k]) for k in ("median", "ci_low", "ci_high")}


def km_at(curves: pd.DataFrame, hours: float) -> pd.Series:
    """KM survival at ``hours`` per group (1.0 when no event happened by then)."""
    upto = curves.loc[curves["time"] <= hours]
    s = upto.groupby("group", sort=True)["surv"].min()
    groups = pd.Index(pd.unique(curves["group"]), name="group")
    return s.reindex(groups).fillna(1.0)


def km_curve(time: Any, event: Any) -> pd.DataFrame:
    """One KM curve for plotting: ``time`` (hours), ``surv``, ``low``, ``high`` (95% pointwise, from
    ``SurvfuncRight.simultaneous_cb`` is not used; log-log pointwise band), starting at (0, 1)."""
    sf = SurvfuncRight(np.asarray(time, float), np.asarray(event, float))
    s, se = sf.surv_prob, sf.surv_prob_se
    with np.errstate(divide="ignore", invalid="ignore"):
        theta = norm.ppf(0.975) * se / (s * np.log(s))
        low, high = s ** np.exp(-theta), s ** np.exp(theta)
    low = np.where(np.isfinite(low), low, s)
    high = np.where(np.isfinite(high), high, s)
    return pd.DataFrame(
        {
            "time": np.concatenate([[0.0], sf.surv_times]),
            "surv": np.concatenate([[1.0], s]),
            "low": np.concatenate([[1.0], np.minimum(low, high)]),
            "high": np.concatenate([[1.0], np.maximum(low, high)]),
        }
    )


# --------------------------------------------------------------------------------------------------
# summaries
# --------------------------------------------------------------------------------------------------
def summary(q: pd.DataFrame, *, hours: str = "clock_hours", alpha: float = 0.05) -> dict[str, Any]:
    """The response-time summary of all questions in ``q`` (from :func:`questions`).

    Returns
    -------
    dict
        ``n_questions``, ``n_answered``, ``answer_rate`` (+ ``answer_rate_low``/``_high``, Wilson),
        ``km_median_hours`` with ``km_median_low``/``_high`` (R ``survival``'s median convention,
        see :func:`km_quantiles`; interval as statsmodels ``quantile_ci``),
        ``km_within_1h``/``2h``/``24h`` (KM share answered within, censoring-aware),
        ``answered_within_1h``/``2h``/``24h`` (shares among answered questions),
        ``all_within_1h``/``2h``/``24h`` (answered within, as shares of all questions),
        ``mean_hours`` (mean over answered), ``weekday_mean_hours`` (answered questions asked
        Monday-Friday), ``weekend_mean_hours``, ``weekend_raises_mean`` (mean >= (1 + 10%) x weekday
        mean), ``logrank_chi2`` and ``logrank_p`` (weekday vs weekend questions, ``survdiff``),
        ``weekday_km_median_hours``, ``weekend_km_median_hours``. Times in hours of kind ``hours``.
        ``note``: empty, or why statistics are NA (:func:`summary_na_reason`);
        ``weekend_raises_mean`` is None when either mean is not defined.
    """
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    wk = q["weekend"].to_numpy(bool)
    n, k = len(t), int(e.sum())
    out: dict[str, Any] = {"n_questions": n, "n_answered": k}
    lo, hi = wilson_ci(k, n, alpha)
    out.update(answer_rate=k / n if n else np.nan, answer_rate_low=float(lo), answer_rate_high=float(hi))
    if n and k:
        sf = SurvfuncRight(t, e.astype(float))
        med = km_median(t, e, 0.5, alpha)
        out["km_median_hours"] = med["median"]
        out["km_median_low"], out["km_median_high"] = med["ci_low"], med["ci_high"]
        for h in (1, 2, 24):
            done = sf.surv_times <= h
            out[f"km_within_{h}h"] = float(1 - (sf.surv_prob[done][-1] if done.any() else 1.0))
    else:
        out.update(km_median_hours=np.nan, km_median_low=np.nan, km_median_high=np.nan,
                   km_within_1h=np.nan, km_within_2h=np.nan, km_within_24h=np.nan)
    ta = t[e]
    for h in (1, 2, 24):
        out[f"answered_within_{h}h"] = float(np.mean(ta <= h)) if k else np.nan
        out[f"all_within_{h}h"] = float(np.sum(ta <= h) / n) if n else np.nan
    out["mean_hours"] = float(ta.mean()) if k else np.nan
    out["weekday_mean_hours"] = float(t[e & ~wk].mean()) if (e & ~wk).any() else np.nan
    out["weekend_mean_hours"] = float(t[e & wk].mean()) if (e & wk).any() else np.nan
    out["weekend_raises_mean"] = bool(
        out["mean_hours"] >= (1 + WEEKEND_MARGIN) * out["weekday_mean_hours"]
    )
    out.update(logrank(q, hours=hours))
    out["note"] = summary_na_reason(n, k, int((e & ~wk).sum()), int((e & wk).sum()))
    if np.isnan(out["mean_hours"]) or np.isnan(out["weekday_mean_hours"]):
        out["weekend_raises_mean"] = None  # not "no": the comparison is not defined
    return out


def summary_na_reason(n_questions: int, n_answered: int, n_weekday_answered: int,
                      n_weekend_answered: int) -> str:
    """Why some statistics of :func:`summary` are NA ("" when all are defined)."""
    if n_questions == 0:
        return "NA: no questions in the window"
    if n_answered == 0:
        return (f"NA: none of the {n_questions} questions was answered: no response times, no "
                "Kaplan-Meier median")
    if n_weekday_answered == 0 or n_weekend_answered == 0:
        side = "weekday" if n_weekday_answered == 0 else "weekend"
        return f"NA: no answered {side} questions: no weekday-weekend comparison"
    return ""


def logrank(q: pd.DataFrame, *, hours: str = "clock_hours") -> dict[str, float]:
    """Log-rank test of questions asked on weekdays against weekend questions.

    Returns ``logrank_chi2`` (1 df), ``logrank_p`` (from ``chi2.sf``: statsmodels' ``survdiff``
    returns ``1 - chi2.cdf``, which underflows to 0), and as effect sizes the KM medians of both
    groups (``weekday_km_median_hours``, ``weekend_km_median_hours``, R ``survival`` convention) and
    ``weekend_median_ratio``. The log-rank test treats questions as independent; questions cluster
    within municipalities, which the Cox model of :func:`cox_size` accounts for.
    """
    wk = q["weekend"].to_numpy(bool)
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(float)
    out = {"logrank_chi2": np.nan, "logrank_p": np.nan, "weekday_km_median_hours": np.nan,
           "weekend_km_median_hours": np.nan, "weekend_median_ratio": np.nan}
    if wk.all() or (~wk).all() or e.sum() == 0:
        return out
    try:
        chi2, _ = survdiff(t, e, wk.astype(int))
    except np.linalg.LinAlgError:  # no event while both groups are at risk: zero variance
        return out
    out["logrank_chi2"], out["logrank_p"] = float(chi2), chi2_p(float(chi2), 1)
    for name, mask in (("weekday", ~wk), ("weekend", wk)):
        if e[mask].sum():
            out[f"{name}_km_median_hours"] = km_median(t[mask], e[mask])["median"]
    out["weekend_median_ratio"] = out["weekend_km_median_hours"] / out["weekday_km_median_hours"]
    return out


def bands(q: pd.DataFrame, *, hours: str = "clock_hours",
          edges: Sequence[float] = BAND_EDGES, labels: Sequence[str] = BAND_LABELS) -> pd.DataFrame:
    """The eight time bands of the 2015 edition (edges: :data:`BAND_EDGES`).

    Returns
    -------
    DataFrame, one row per band: ``band``, ``answered`` (count of answered questions in the band),
    ``share_answered`` (of answered questions), ``km_share`` (KM probability that the reply falls in
    the band, ``S(lower) - S(upper)``; the last band holds everything after 7 days, never answered
    included), ``cum_km_share`` (KM share answered by the band's upper edge). Bands are
    right-closed, ``(lower, upper]``, like "answered within 1 hour" (t <= 1).
    """
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    edges = np.asarray(edges, float)
    # right-closed bands (a, b], like "answered within 1 h" (t <= 1); t = 0 falls in the first band
    which = np.digitize(t[e], edges[1:-1], right=True)
    cnt = np.bincount(which, minlength=len(labels))
    curve = km_by_group(np.zeros(len(t), dtype=int), t, e)
    surv_at = np.array([km_at(curve, x).iloc[0] if len(curve) and np.isfinite(x)
                        else (0.0 if not np.isfinite(x) else 1.0) for x in edges])
    km_share = surv_at[:-1] - surv_at[1:]
    km_share[-1] = surv_at[-2]
    return pd.DataFrame(
        {
            "band": list(labels),
            "answered": cnt.astype(int),
            "share_answered": cnt / cnt.sum() if cnt.sum() else np.nan,
            "km_share": km_share,
            "cum_km_share": 1 - surv_at[1:],
        }
    )


def by_municipality(
    q: pd.DataFrame, *, hours: str = "clock_hours", alpha: float = 0.05
) -> pd.DataFrame:
    """Per municipality: questions, answer rate, KM median with interval, KM share within 2 h, mean.

    Vectorised over municipalities (one sort, cython group reductions).

    Returns
    -------
    DataFrame indexed by ``gm_code``: ``n_questions``, ``n_answered``, ``answer_rate``, ``km_median``,
    ``ci_low``, ``ci_high`` (hours), ``km_within_2h``, ``mean_answered_hours``, and the mean of
    the other time column when ``q`` has it (``mean_answered_business_hours`` or
    ``mean_answered_clock_hours``).
    """
    gm = q["gm_code"].to_numpy()
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    codes, labels = pd.factorize(pd.Series(gm), sort=True)
    nq = np.bincount(codes, minlength=len(labels))
    na = np.bincount(codes, weights=e, minlength=len(labels))
    sum_t = np.bincount(codes, weights=np.where(e, t, 0.0), minlength=len(labels))
    curves = km_by_group(codes, t, e)
    med = km_quantiles(curves, 0.5, alpha)
    within2 = 1 - km_at(curves, 2.0)
    idx = np.arange(len(labels))
    out = pd.DataFrame(
        {
            "n_questions": nq,
            "n_answered": na.astype(int),
            "answer_rate": na / np.where(nq > 0, nq, 1),
            "km_median": med["median"].reindex(idx).to_numpy(),
            "ci_low": med["ci_low"].reindex(idx).to_numpy(),
            "ci_high": med["ci_high"].reindex(idx).to_numpy(),
            "km_within_2h": within2.reindex(idx).fillna(0.0).to_numpy(),
            "mean_answered_hours": np.where(na > 0, sum_t / np.where(na > 0, na, 1), np.nan),
        },
        index=pd.Index(labels.to_numpy(), name="gm_code"),
    )
    other = "business_hours" if hours == "clock_hours" else "clock_hours"
    if other in q.columns:
        t2 = q[other].to_numpy(float)
        s2 = np.bincount(codes, weights=np.where(e, t2, 0.0), minlength=len(labels))
        out[f"mean_answered_{other}"] = np.where(na > 0, s2 / np.where(na > 0, na, 1), np.nan)
    return out


def fastest(per_muni: pd.DataFrame, *, min_questions: int = 20) -> pd.DataFrame:
    """Rank municipalities with at least ``min_questions`` questions by KM median (fastest first).

    Ties (and equal medians) are broken by the KM share answered within 2 hours (higher first), then
    by code. Municipalities whose median is not reached (fewer than half answered) rank last. When
    no qualifying municipality answered a single question there is no ranking (empty).

    Returns the rows of ``per_muni`` that qualify, with a ``rank`` column (1 = fastest).
    """
    ok = per_muni.loc[per_muni["n_questions"] >= min_questions].copy()
    if not (ok["n_answered"] > 0).any():  # nobody answered anything: no one is "fastest"
        ok = ok.iloc[:0]
    ok["_med"] = ok["km_median"].fillna(np.inf)
    ok = ok.reset_index().sort_values(
        ["_med", "km_within_2h", "gm_code"], ascending=[True, False, True]
    )
    ok["rank"] = np.arange(1, len(ok) + 1)
    return ok.drop(columns="_med").set_index("gm_code")


def rank_changes(this_year: pd.DataFrame, last_year: pd.DataFrame) -> pd.DataFrame:
    """Ranks of the same municipalities in two years (outer join on gm_code; NaN = not ranked)."""
    a = this_year[["rank"]].rename(columns={"rank": "rank_now"})
    b = last_year[["rank"]].rename(columns={"rank": "rank_before"})
    out = a.join(b, how="outer")
    out["change"] = out["rank_before"] - out["rank_now"]
    return out.sort_values("rank_now")


def within_shares(q: pd.DataFrame, *, hours: str = "clock_hours", alpha: float = 0.05,
                  cutoffs: Sequence[float] = (1.0, 2.0, 24.0)) -> pd.DataFrame:
    """Shares of questions answered within N hours, on both bases, with clustered intervals.

    Questions nest in municipalities, so the interval of each pooled share is the ratio-estimator
    (linearisation) interval with municipalities as clusters (:func:`helpers.analysis.stats.ratio_ci`). The
    ``design_effect`` says how much larger the variance is than if questions were independent (no
    published figure is an interval, so the naive interval itself is not shown).

    Returns
    -------
    DataFrame, one row per cutoff and base: ``hours`` (the cutoff N), ``base`` (``"answered"``:
    among answered questions; ``"all"``: of all questions, an unanswered one counting as not
    answered within N), ``count``, ``n``, ``share``, ``ci_low``, ``ci_high`` (clustered),
    ``design_effect``, ``clusters``.
    """
    codes, labels = pd.factorize(q["gm_code"], sort=True)
    m = len(labels)
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    n_all = np.bincount(codes, minlength=m)
    n_ans = np.bincount(codes, weights=e.astype(float), minlength=m)
    rows = []
    for h in cutoffs:
        k = np.bincount(codes, weights=(e & (t <= h)).astype(float), minlength=m)
        for base, n in (("answered", n_ans), ("all", n_all)):
            r = ratio_ci(k, n, alpha)
            rows.append({"hours": float(h), "base": base, "count": int(k.sum()), "n": int(n.sum()),
                         "share": r["share"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                         "design_effect": r["design_effect"], "clusters": r["clusters"]})
    return pd.DataFrame(rows)


def km_within_cluster_ci(q: pd.DataFrame, cutoff: float = 2.0, *, hours: str = "clock_hours",
                         n_boot: int = 200, seed: int = 0, alpha: float = 0.05) -> dict[str, float]:
    """Kaplan-Meier share of all questions answered within ``cutoff`` hours, with a cluster
    bootstrap interval (municipalities resampled with replacement, seeded).

    The Kaplan-Meier share is censoring-aware, so it has no ratio-estimator form; its interval is
    the percentile interval of ``n_boot`` cluster-bootstrap replicates (Davison & Hinkley 1997,
    sect. 3.8), all replicates computed in one vectorised :func:`km_by_group` call.

    Returns
    -------
    dict
        ``share`` (1 - S(cutoff)), ``ci_low``, ``ci_high``, ``n_boot``, ``clusters``. NaN when
        there is no question.
    """
    t = q[hours].to_numpy(float)
    e = q["answered"].to_numpy(bool)
    out = {"share": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n_boot": n_boot, "clusters": 0}
    if len(t) == 0:
        return out
    one = km_by_group(np.zeros(len(t), int), t, e)
    out["share"] = float(1 - km_at(one, cutoff).iloc[0]) if len(one) else 0.0
    codes, labels = pd.factorize(q["gm_code"], sort=True)
    m = len(labels)
    out["clusters"] = m
    if m < 2 or n_boot < 1:
        return out
    order = np.argsort(codes, kind="stable")
    size = np.bincount(codes, minlength=m)
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    rng = np.random.default_rng(seed)
    draw = rng.integers(0, m, size=(n_boot, m))
    rep = np.repeat(np.arange(n_boot), size[draw].sum(axis=1))
    picked = draw.ravel()
    lengths = size[picked]
    offs = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    rows = order[np.repeat(start[picked], lengths) + offs]
    curves = km_by_group(rep, t[rows], e[rows])
    shares = (1 - km_at(curves, cutoff)).reindex(np.arange(n_boot)).fillna(0.0).to_numpy()
    out["ci_low"], out["ci_high"] = (float(x) for x in np.quantile(shares, [alpha / 2, 1 - alpha / 2]))
    return out


def _cox_data(q: pd.DataFrame, municipalities: pd.DataFrame) -> pd.DataFrame:
    pop = municipalities.set_index("gm_code")["population"].astype("Float64")
    d = q.assign(log10_pop=q["gm_code"].map(pop).astype(float).pipe(np.log10))
    return d.dropna(subset=["log10_pop"]).reset_index(drop=True)


def cluster_cov(model: Any, params: np.ndarray, groups: Any) -> np.ndarray:
    """Cluster-robust (sandwich) covariance of a single-stratum ``PHReg`` fit, vectorised.

    Equal to statsmodels' ``PHReg.robust_covariance`` (Lin & Wei 1989: the model's Hessian and the
    per-cluster sums of Breslow score residuals), which loops over every event time and takes
    minutes on a year's questions. Score residual of observation i with risk weight r_i:
    ``U_i = status_i (x_i - xbar(t_i)) - r_i sum over event times t_k in [entry_i, t_i] of
    d_k / S0_k (x_i - xbar_k)``, evaluated with cumulative sums over the sorted event times.

    Returns
    -------
    ndarray (p x p)
    """
    x = np.asarray(model.exog, dtype=float)
    t = np.asarray(model.endog, dtype=float)
    status = np.asarray(model.status, dtype=float)
    entry = (np.asarray(model.entry, dtype=float) if getattr(model, "entry", None) is not None
             else np.full(len(t), -np.inf))
    lin = x @ params
    r = np.exp(lin - lin.max())
    u, d = np.unique(t[status == 1], return_counts=True)
    # risk set at u_k: entry <= u_k <= t (statsmodels' convention); sums over sorted exits/entries
    o_exit, o_entry = np.argsort(t), np.argsort(entry)
    def tail_sums(values: np.ndarray, order: np.ndarray, keys: np.ndarray, side: str) -> np.ndarray:
        cum = np.concatenate([np.cumsum(values[order][::-1], axis=0)[::-1],
                              np.zeros((1,) + values.shape[1:])])
        return cum[np.searchsorted(keys[order], u, side=side)]
    rx = r[:, None] * x
    s0 = tail_sums(r, o_exit, t, "left") - tail_sums(r, o_entry, entry, "right")
    s1 = tail_sums(rx, o_exit, t, "left") - tail_sums(rx, o_entry, entry, "right")
    xbar = s1 / s0[:, None]
    a = np.concatenate([[0.0], np.cumsum(d / s0)])
    b = np.concatenate([np.zeros((1, x.shape[1])), np.cumsum((d / s0)[:, None] * xbar, axis=0)])
    hi = np.searchsorted(u, t, side="right")
    lo = np.searchsorted(u, entry, side="left")
    k_own = np.clip(np.searchsorted(u, t, side="left"), 0, len(u) - 1)
    score = (status[:, None] * (x - xbar[k_own])
             - r[:, None] * (x * (a[hi] - a[lo])[:, None] - (b[hi] - b[lo])))
    codes = pd.factorize(pd.Series(groups))[0]
    sums = np.column_stack([np.bincount(codes, weights=score[:, j]) for j in range(x.shape[1])])
    meat = sums.T @ sums
    hinv = np.linalg.inv(model.hessian(params))
    return hinv @ meat @ hinv


def _fit_clustered(model: Any, groups: Any, alpha: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit ``model`` and return (params, se, ci) with standard errors clustered by ``groups``."""
    res = model.fit()
    params = np.asarray(res.params)
    se = np.sqrt(np.diag(cluster_cov(model, params, groups)))
    z = norm.ppf(1 - alpha / 2)
    return params, se, np.column_stack([params - z * se, params + z * se])


COX_TERMS = ("log10_population", "weekend")


def cox_na_reason(answered: np.ndarray, exog: np.ndarray) -> str:
    """Why the Cox model cannot be fitted ("" when it can): no events, or a covariate that does not
    vary (every question on a weekend, or all from municipalities of one population)."""
    if len(answered) == 0:
        return "NA: no questions with a known population"
    if not answered.any():
        return f"NA: no events (none of the {len(answered)} questions was answered)"
    names = ("log10 population", "weekend")
    flat = [names[j] for j in range(exog.shape[1]) if np.ptp(exog[:, j]) == 0]
    if flat:
        return f"NA: {' and '.join(flat)} does not vary across the questions"
    return ""


def _cox_exog(d: pd.DataFrame) -> np.ndarray:
    return np.column_stack([d["log10_pop"].to_numpy(), d["weekend"].to_numpy(float)])


def _not_estimable(terms: Sequence[str], periods: Any, exc: Exception | str) -> pd.DataFrame:
    nan = np.full(len(terms), np.nan)
    note = exc if isinstance(exc, str) else f"not estimable: {exc}"
    return pd.DataFrame({"term": list(terms), "hazard_ratio": nan, "ci_low": nan, "ci_high": nan,
                         "p": nan, "period": periods, "note": note})


def _cox_table(terms: Sequence[str], params: np.ndarray, se: np.ndarray, ci: np.ndarray,
               periods: Any) -> pd.DataFrame:
    return pd.DataFrame({"term": list(terms), "hazard_ratio": np.exp(params),
                         "ci_low": np.exp(ci[:, 0]), "ci_high": np.exp(ci[:, 1]),
                         "p": [z_p(z) for z in params / se], "period": periods, "note": ""})


def _ph_rows(t: np.ndarray, status: np.ndarray, resid: np.ndarray, alpha: float) -> pd.DataFrame:
    from scipy.stats import rankdata

    rows = []
    for j, term in enumerate(COX_TERMS):
        ok = (status == 1) & np.isfinite(resid[:, j])
        n_ev = int(ok.sum())
        r = np.nan
        if n_ev > 2 and np.std(resid[ok, j]) > 0:
            r = float(np.corrcoef(resid[ok, j], rankdata(t[ok]))[0, 1])
        stat = (n_ev - 2) * r**2 / (1 - r**2) if np.isfinite(r) and abs(r) < 1 else np.nan
        p = chi2_p(stat, 1) if np.isfinite(stat) else np.nan
        rows.append({"term": term, "rho": r, "chi2": stat, "p": p, "n_events": n_ev,
                     "holds": bool(not (p < alpha)) if np.isfinite(p) else True})
    return pd.DataFrame(rows)


def cox_analysis(q: pd.DataFrame, municipalities: pd.DataFrame, *, hours: str = "clock_hours",
                 alpha: float = 0.05, split_at: float = 24.0) -> dict[str, pd.DataFrame]:
    """The Cox model, its proportional-hazards check and, where the check fails, the time-split
    model, from one fit (see :func:`cox_size`, :func:`ph_test`, :func:`cox_time_split`).

    Returns
    -------
    dict
        ``cox`` (:func:`cox_size`), ``ph`` (:func:`ph_test`), ``split`` (:func:`cox_time_split` for
        the terms that fail the check at ``alpha``; the ``cox`` table when none fails).
    """
    from statsmodels.duration.hazard_regression import PHReg

    d = _cox_data(q, municipalities)
    t = d[hours].to_numpy(float)
    status = d["answered"].to_numpy(float)
    reason = cox_na_reason(status.astype(bool), _cox_exog(d))
    if reason:
        cox = _not_estimable(COX_TERMS, "whole follow-up", reason)
        return {"cox": cox, "ph": _ph_rows(t, status, np.full((len(d), 2), np.nan), alpha),
                "split": cox.copy()}
    try:
        model = PHReg(t, _cox_exog(d), status=status, ties="efron")
        res = model.fit()
        params = np.asarray(res.params)
        se = np.sqrt(np.diag(cluster_cov(model, params, d["gm_code"].to_numpy())))
        z = norm.ppf(1 - alpha / 2)
        cox = _cox_table(COX_TERMS, params, se, np.column_stack([params - z * se, params + z * se]),
                         "whole follow-up")
        ph = _ph_rows(t, status, np.asarray(res.schoenfeld_residuals), alpha)
    except (ValueError, IndexError, np.linalg.LinAlgError) as exc:  # too few questions
        cox = _not_estimable(COX_TERMS, "whole follow-up", exc)
        ph = _ph_rows(t, status, np.full((len(d), 2), np.nan), alpha)
    failing = ph.loc[~ph["holds"], "term"].tolist()
    split = (cox_time_split(q, municipalities, split_at=split_at, split_terms=failing, hours=hours,
                            alpha=alpha) if failing and cox["note"].eq("").all() else cox.copy())
    return {"cox": cox, "ph": ph, "split": split}


def cox_size(q: pd.DataFrame, municipalities: pd.DataFrame, *, hours: str = "clock_hours",
             alpha: float = 0.05) -> pd.DataFrame:
    """Cox proportional-hazards model (statsmodels ``PHReg``, Efron ties) of the reply hazard on
    log10 population and weekend, with standard errors clustered by municipality.

    Questions cluster within municipalities, so the covariance is the robust sandwich of
    statsmodels' ``fit(groups=gm_code)`` (Lin & Wei 1989), computed by :func:`cluster_cov`. The
    hazard ratio of a term is averaged over follow-up when proportional hazards fail: see
    :func:`ph_test` and :func:`cox_time_split`.

    Returns
    -------
    DataFrame: ``term``, ``hazard_ratio`` (> 1 = faster reply), ``ci_low``, ``ci_high``, ``p``
    (cluster-robust), ``period`` (``"whole follow-up"``), ``note`` (why the model could not be
    estimated, :func:`cox_na_reason`, else empty).
    """
    from statsmodels.duration.hazard_regression import PHReg

    d = _cox_data(q, municipalities)
    reason = cox_na_reason(d["answered"].to_numpy(bool), _cox_exog(d))
    if reason:
        return _not_estimable(COX_TERMS, "whole follow-up", reason)
    try:
        model = PHReg(d[hours].to_numpy(float), _cox_exog(d), status=d["answered"].to_numpy(float),
                      ties="efron")
        params, se, ci = _fit_clustered(model, d["gm_code"].to_numpy(), alpha)
    except (ValueError, IndexError, np.linalg.LinAlgError) as exc:  # too few questions
        return _not_estimable(COX_TERMS, "whole follow-up", exc)
    return _cox_table(COX_TERMS, params, se, ci, "whole follow-up")


def ph_test(q: pd.DataFrame, municipalities: pd.DataFrame, *, hours: str = "clock_hours",
            alpha: float = 0.05) -> pd.DataFrame:
    """Check of the proportional-hazards assumption of :func:`cox_size`, per term.

    Schoenfeld residuals of the fitted model (statsmodels ``schoenfeld_residuals``) are correlated
    with the rank of the event time (Grambsch & Therneau 1994 with g(t) = rank(t), in its
    correlation form, as R's ``cox.zph(transform="rank")`` of survival 2.x): ``rho`` is Pearson's r
    over the answered questions, ``chi2 = (d - 2) r^2 / (1 - r^2)`` with 1 df for ``d`` events,
    ``p`` from ``chi2.sf``. A trend of the residuals with time means the hazard ratio changes over
    follow-up (``holds`` is False when ``p < alpha``).

    Returns
    -------
    DataFrame: ``term``, ``rho``, ``chi2``, ``p``, ``n_events``, ``holds``.
    """
    from statsmodels.duration.hazard_regression import PHReg

    d = _cox_data(q, municipalities)
    t = d[hours].to_numpy(float)
    status = d["answered"].to_numpy(float)
    resid = np.full((len(d), 2), np.nan)
    if not cox_na_reason(status.astype(bool), _cox_exog(d)):
        try:
            res = PHReg(t, _cox_exog(d), status=status, ties="efron").fit()
            resid = np.asarray(res.schoenfeld_residuals)
        except (ValueError, IndexError, np.linalg.LinAlgError):
            pass
    return _ph_rows(t, status, resid, alpha)


def cox_time_split(q: pd.DataFrame, municipalities: pd.DataFrame, *, split_at: float = 24.0,
                   split_terms: Sequence[str] = ("weekend",), hours: str = "clock_hours",
                   alpha: float = 0.05) -> pd.DataFrame:
    """Cox model with a hazard ratio per follow-up period for terms whose hazards are not
    proportional (episode splitting at ``split_at`` hours; clustered by municipality).

    Each question contributes an episode (0, min(t, c)] and, when still waiting at c, an episode
    (c, t] with delayed entry (``PHReg(entry=...)``). A split term gets one coefficient per period:
    ``"<term>"`` with ``period`` ``"first <c> h"`` is the hazard ratio of a reply among questions
    still waiting, during the first c hours; ``"after <c> h"`` the same after c hours. Other terms
    keep one hazard ratio over the whole follow-up.

    Returns
    -------
    DataFrame: ``term``, ``hazard_ratio``, ``ci_low``, ``ci_high``, ``p``, ``period``, ``note``.
    """
    from statsmodels.duration.hazard_regression import PHReg

    d = _cox_data(q, municipalities)
    c = float(split_at)
    t = d[hours].to_numpy(float)
    ev = d["answered"].to_numpy(bool)
    late = t > c
    cols = {"log10_population": d["log10_pop"].to_numpy(float),
            "weekend": d["weekend"].to_numpy(float)}
    # episode 1 for everyone, episode 2 for questions still waiting at c
    n1, idx2 = len(d), np.flatnonzero(late)
    entry = np.concatenate([np.zeros(n1), np.full(len(idx2), c)])
    exit_ = np.concatenate([np.minimum(t, c), t[idx2]])
    status = np.concatenate([(ev & ~late).astype(float), ev[idx2].astype(float)])
    period2 = np.concatenate([np.zeros(n1, bool), np.ones(len(idx2), bool)])
    rows_of = np.concatenate([np.arange(n1), idx2])
    names, periods, columns = [], [], []
    for term in COX_TERMS:
        x = cols[term][rows_of]
        if term in split_terms:
            names += [term, term]
            periods += [f"first {c:g} h", f"after {c:g} h"]
            columns += [np.where(~period2, x, 0.0), np.where(period2, x, 0.0)]
        else:
            names.append(term)
            periods.append("whole follow-up")
            columns.append(x)
    groups = d["gm_code"].to_numpy()[rows_of]
    try:
        model = PHReg(exit_, np.column_stack(columns), status=status, entry=entry, ties="efron")
        params, se, ci = _fit_clustered(model, groups, alpha)
    except (ValueError, IndexError, np.linalg.LinAlgError) as exc:
        return _not_estimable(names, periods, exc)
    return _cox_table(names, params, se, ci, periods)
