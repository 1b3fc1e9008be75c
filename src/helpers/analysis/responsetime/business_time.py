"""Business time: the Dutch business calendar, and business and clock hours between instants.

Business hours are Monday-Friday 08:30-17:00 Europe/Amsterdam, without the Dutch public holidays of
the ``holidays`` package (which lists Good Friday and Liberation Day in lustrum years as well).
Business time is computed with a cumulative business-nanoseconds function evaluated on arrays, so it
is vectorised and correct across daylight-saving changes (each day's 08:30 and 17:00 are localised
separately).

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; nothing from helpers at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays
import numpy as np
import pandas as pd

TZ = "Europe/Amsterdam"
#: Business day in local time: 08:30 to 17:00 (8.5 hours).
BUSINESS_OPEN = dt.time(8, 30)
BUSINESS_CLOSE = dt.time(17, 0)
NS_PER_HOUR = 3_600_000_000_000


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
