"""Observation windows: the one type every layer uses for "the period a study edition looks at".

A window is given by its first and last *local* calendar day (Europe/Amsterdam, both inclusive), as
the published studies state them ("the second quarter of 2014"). As instants it has one convention
everywhere: the half-open UTC interval ``[start, end)``, ``start`` = the first day at 00:00 local time
and ``end`` = the day *after* the last day at 00:00 local time. A message is in the window when
``start <= created_at < end``; an unanswered question is censored at ``end``.

Imports nothing from helpers but :mod:`helpers.core.paths` (for ``published.yaml``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

#: The timezone of the calendar days that define a window (the municipalities' local time).
WINDOW_TZ = "Europe/Amsterdam"


@dataclass(frozen=True, order=True)
class Window:
    """An observation window of inclusive local calendar days.

    Attributes
    ----------
    first, last : datetime.date
        The first and the last day (inclusive), Europe/Amsterdam calendar days.
    """

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"window {self.first}..{self.last}: the last day is before the first")

    @classmethod
    def of_year(cls, year: int) -> Window:
        """The window of an edition, from ``data/reference/published.yaml``.

        2013: October; 2014 and 2015: the second quarter; any other year: the quarter the file's
        ``default`` names (the second).
        """
        import yaml

        from helpers.core.paths import reference_dir

        spec = yaml.safe_load((reference_dir() / "published.yaml").read_text(encoding="utf-8"))
        windows = spec["windows"]
        w = windows.get(int(year)) or windows.get(str(year))
        if w:
            return cls(_as_date(w["start"]), _as_date(w["end"]))
        q = int(windows.get("default", {}).get("quarter", 2))
        first = dt.date(int(year), 3 * q - 2, 1)
        last = dt.date(int(year) + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
        return cls(first, last)

    @classmethod
    def recorded(cls, window: Any, year: int) -> Window:
        """The window a year's collection recorded (``provenance.json``'s ``window``), or, when it
        recorded none, the edition's (:meth:`of_year`)."""
        return cls.parse(window) if window else cls.of_year(year)

    @classmethod
    def parse(cls, value: Any) -> Window:
        """A window from what files and callers hold.

        Accepts a :class:`Window`; ``{"start": "2014-04-01", "end": "2014-06-30"}`` (as in
        ``provenance.json`` and ``published.yaml``); a ``(first, last)`` pair of dates, ISO strings or
        timestamps; or an object with ``start`` and ``end`` attributes. Timezone-aware timestamps are
        instants: the window runs from the local day of ``start`` to the local day of the last
        instant before ``end`` (so the ``(start, end)`` of :meth:`bounds` gives the same window back).
        """
        if isinstance(value, Window):
            return value
        if isinstance(value, dict):
            first, last = value["start"], value["end"]
        elif hasattr(value, "start") and hasattr(value, "end") and not isinstance(value, tuple):
            first, last = value.start, value.end
        else:
            first, last = value
        return cls(_as_date(first), _as_date(last, last=True))

    @property
    def start(self) -> pd.Timestamp:
        """The first instant in the window: the first day 00:00 local, in UTC."""
        return pd.Timestamp(self.first).tz_localize(WINDOW_TZ).tz_convert("UTC")

    @property
    def end(self) -> pd.Timestamp:
        """The first instant *after* the window: the day after the last day 00:00 local, in UTC."""
        return (pd.Timestamp(self.last) + pd.Timedelta(days=1)).tz_localize(WINDOW_TZ).tz_convert("UTC")

    def bounds(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """``(start, end)`` in UTC, half-open: ``start <= t < end``."""
        return self.start, self.end

    def dates(self) -> tuple[dt.date, dt.date]:
        """``(first, last)``: the inclusive local calendar days."""
        return self.first, self.last

    def label(self) -> str:
        """``"2014-04-01 - 2014-06-30"``: the inclusive local days, for notes and captions."""
        return f"{self.first.isoformat()} - {self.last.isoformat()}"

    def as_dict(self) -> dict[str, str]:
        """``{"start": first, "end": last}`` as ISO dates (the form ``provenance.json`` holds)."""
        return {"start": self.first.isoformat(), "end": self.last.isoformat()}


def _as_date(value: Any, *, last: bool = False) -> dt.date:
    if isinstance(value, dt.datetime | pd.Timestamp):
        ts = pd.Timestamp(value)
        if ts.tzinfo is None:
            return ts.date()
        if last:
            ts = ts - pd.Timedelta(nanoseconds=1)
        return ts.tz_convert(WINDOW_TZ).date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def window_for(year: int) -> tuple[dt.date, dt.date]:
    """The inclusive local days ``(first, last)`` of ``year``'s edition (see :meth:`Window.of_year`)."""
    return Window.of_year(year).dates()


def window_bounds(window: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The UTC instants ``[start, end)`` of a window given in any form :meth:`Window.parse` accepts.

    >>> window_bounds(("2014-04-01", "2014-06-30"))
    (Timestamp('2014-03-31 22:00:00+0000', tz='UTC'), Timestamp('2014-06-30 22:00:00+0000', tz='UTC'))
    """
    return Window.parse(window).bounds()
