"""The one observation-window type (helpers.core.window): one end convention, half-open [start, end)."""

import datetime as dt

import pandas as pd
import pytest

from helpers.core.window import Window, window_bounds, window_for


def test_bounds_are_local_midnights_half_open():
    start, end = window_bounds({"start": "2014-04-01", "end": "2014-06-30"})
    assert start == pd.Timestamp("2014-03-31 22:00", tz="UTC")  # CEST = UTC+2
    assert end == pd.Timestamp("2014-06-30 22:00", tz="UTC")  # 1 July 00:00 CEST: first instant after
    _, end13 = window_bounds(("2013-10-01", "2013-10-31"))  # CET after 27 October
    assert end13 == pd.Timestamp("2013-10-31 23:00", tz="UTC")


def test_published_windows():
    assert window_for(2013) == (dt.date(2013, 10, 1), dt.date(2013, 10, 31))
    assert window_for(2014) == (dt.date(2014, 4, 1), dt.date(2014, 6, 30))
    assert window_for(2021) == (dt.date(2021, 4, 1), dt.date(2021, 6, 30))  # the default quarter


@pytest.mark.parametrize("given", [
    Window(dt.date(2014, 4, 1), dt.date(2014, 6, 30)),
    {"start": "2014-04-01", "end": "2014-06-30"},
    (dt.date(2014, 4, 1), dt.date(2014, 6, 30)),
    ("2014-04-01", "2014-06-30"),
    (pd.Timestamp("2014-03-31 22:00", tz="UTC"), pd.Timestamp("2014-06-30 22:00", tz="UTC")),
    # the old inclusive end (last day 23:59:59.999 local) names the same window
    (pd.Timestamp("2014-03-31 22:00", tz="UTC"), pd.Timestamp("2014-06-30 21:59:59.999", tz="UTC")),
])
def test_every_form_parses_to_the_same_window(given):
    assert Window.parse(given) == Window(dt.date(2014, 4, 1), dt.date(2014, 6, 30))


def test_bounds_round_trip_and_dict_form():
    w = Window.of_year(2014)
    assert Window.parse(w.bounds()) == w
    assert Window.parse(w.as_dict()) == w
    assert w.as_dict() == {"start": "2014-04-01", "end": "2014-06-30"}


def test_last_before_first_is_refused():
    with pytest.raises(ValueError, match="before the first"):
        Window(dt.date(2014, 6, 30), dt.date(2014, 4, 1))


def test_membership_convention():
    """A message at the end instant is outside; one a nanosecond earlier is inside."""
    start, end = Window.of_year(2014).bounds()
    stamps = pd.Series([start, end - pd.Timedelta(1, "ns"), end])
    inside = (stamps >= start) & (stamps < end)
    assert inside.tolist() == [True, True, False]


def test_recorded_window_wins_over_the_editions():
    assert Window.recorded({"start": "2014-05-01", "end": "2014-05-31"}, 2014).dates() == (
        dt.date(2014, 5, 1), dt.date(2014, 5, 31))
    assert Window.recorded(None, 2014) == Window.recorded({}, 2014) == Window.of_year(2014)
