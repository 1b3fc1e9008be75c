"""Citizen questions with their response times, right-censored at the end of the observation window.

A *question* is a citizen message addressed to the municipality (a direct mention or reply) that asks
something (``addressed & is_question`` in the ``citizen_messages`` table). Its response time runs
from ``created_at`` to the municipality's first reply in the same thread (``first_reply_at``).
Questions without a reply before the window's end (:mod:`helpers.core.window`: the half-open
``[start, end)``, ``end`` the midnight after the last local day) are *right-censored* at ``end``;
a reply stamped at or after ``end`` is treated the same way. Censored questions are never dropped.

Imports nothing from :mod:`helpers.pipeline`, :mod:`helpers.present`, :mod:`helpers.collect` or
:mod:`helpers.demo`; from helpers only :mod:`helpers.core` and :mod:`.business_time`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from helpers.analysis.responsetime.business_time import (
    NS_PER_HOUR,
    TZ,
    _ns,
    business_calendar,
    cumulative_business_ns,
)
from helpers.core.errors import DataError
from helpers.core.window import Window, window_bounds


def window_label(window: Any) -> str:
    """The window's inclusive local days in words, ``"2014-04-01 - 2014-06-30"`` (see :func:`run_window`)."""
    return Window.parse(window).label()


def run_window(run: Any) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The observation window of a notebook's run, as UTC instants (see :func:`window_bounds`).

    Taken from the ``window`` the collection wrote into ``provenance.json``; when that is missing,
    from :meth:`helpers.core.window.Window.of_year` (the edition's window in ``published.yaml``).
    """
    window = run.provenance.get("window")
    return Window.recorded(window, run.year).bounds()


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
