"""Time for the demo generators: the observation window in epoch ms, office-time arithmetic, the daily
and weekly rhythm of messages, and the timestamp formats the platforms write.

Shared by every platform writer of :mod:`helpers.demo`. Imports nothing from helpers but
:mod:`helpers.core.window`; nothing from :mod:`helpers.collect`, the analyses or the pipeline.
"""

from __future__ import annotations

import time
from functools import lru_cache

import numpy as np
import pandas as pd

TZ = "Europe/Amsterdam"
H = 3600.0
HOUR_WEIGHTS = np.array([0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.35, 0.9, 1.5, 1.8, 1.8, 1.8, 1.7,
                         1.7, 1.7, 1.6, 1.6, 1.5, 1.4, 1.6, 1.7, 1.6, 1.2, 0.7])
WEEKDAY_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.7])


def window_ms(year: int) -> tuple[int, int]:
    """The observation window of ``year`` as UTC epoch milliseconds [start, end)."""
    from helpers.core.window import Window

    lo, hi = Window.of_year(year).bounds()
    return int(lo.value // 10**6), int(hi.value // 10**6)


class Calendar:
    """Opening intervals (UTC epoch ms) and office-time arithmetic over them."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray) -> None:
        self.starts, self.ends = starts.astype(np.int64), ends.astype(np.int64)
        self.cum = np.concatenate([[0], np.cumsum(self.ends - self.starts)])

    @classmethod
    def build(cls, lo_ms: int, hi_ms: int, open_h: float, close_h: float, weekend: bool,
              closed: set) -> Calendar:
        """Intervals open_h-close_h local time on every day between lo and hi (+40 days)."""
        first = pd.Timestamp(lo_ms, unit="ms", tz="UTC").tz_convert(TZ).normalize().tz_localize(None)
        days = pd.date_range(first - pd.Timedelta(days=3), periods=int((hi_ms - lo_ms) / 864e5) + 45)
        keep = [(weekend or d.weekday() < 5) and d.date() not in closed for d in days]
        days = days[np.array(keep)]
        starts = (days + pd.Timedelta(hours=open_h)).tz_localize(TZ).tz_convert("UTC")
        ends = (days + pd.Timedelta(hours=close_h)).tz_localize(TZ).tz_convert("UTC")
        return cls(starts.asi8 // 10**3, ends.asi8 // 10**3)

    def add(self, t: np.ndarray, delay_ms: np.ndarray) -> np.ndarray:
        """The clock time at which ``delay_ms`` of opening time has passed after ``t``."""
        length = self.ends - self.starts
        i = np.clip(np.searchsorted(self.ends, t, side="right"), 0, len(self.starts) - 1)
        pos = self.cum[i] + np.clip(t - self.starts[i], 0, length[i])
        target = pos + delay_ms
        j = np.clip(np.searchsorted(self.cum[1:], target, side="left"), 0, len(self.starts) - 1)
        return self.starts[j] + (target - self.cum[j])


@lru_cache(maxsize=8)
def _hour_grid(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """UTC epoch ms at the start of every local hour of the window (days x 24), and each day's weekday."""
    first = pd.Timestamp(lo, unit="ms", tz="UTC").tz_convert(TZ).tz_localize(None).normalize()
    n_days = int(round((hi - lo) / 864e5))
    days = pd.date_range(first, periods=n_days)
    local = (days.to_numpy()[:, None] + np.arange(24) * np.timedelta64(1, "h")).ravel()
    utc = pd.DatetimeIndex(local).tz_localize(TZ, ambiguous=False, nonexistent="shift_forward")
    grid = (utc.tz_convert("UTC").asi8 // 10**3).reshape(n_days, 24)
    return grid, days.day_of_week.to_numpy()


def _times(rng: np.random.Generator, n: int, lo: int, hi: int, hour_w: np.ndarray,
           day_w: np.ndarray) -> np.ndarray:
    """``n`` sorted UTC epoch-ms times in [lo, hi) with a local daily and weekly rhythm."""
    grid, dow = _hour_grid(lo, hi)
    dw = day_w[dow]
    d = rng.choice(len(dow), size=n, p=dw / dw.sum())
    h = rng.choice(24, size=n, p=hour_w / hour_w.sum())
    within = rng.integers(0, 3_600_000, size=n)
    ms = grid[d, h] + within
    return np.sort(np.clip(ms, lo, hi - 1))


def _iso1(ms: int) -> str:
    """One UTC epoch-ms time as the API writes it: ``2014-04-03T09:12:44.000Z``."""
    sec, rest = divmod(int(ms), 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)) + f".{rest:03d}Z"


def _iso_z(ms: np.ndarray) -> list[str]:
    return [s + "Z" for s in np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms")]


def _fb_time(ms: np.ndarray) -> list[str]:
    return [s + "+0000" for s in np.datetime_as_string(ms.astype("datetime64[ms]"), unit="s")]
