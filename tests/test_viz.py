"""Tests of helpers.present.viz: every figure kind, labels in two languages, deterministic files,
demo mark."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer

from helpers.present import viz


@pytest.fixture(autouse=True)
def _theme_and_close():
    viz.set_theme()
    yield
    plt.close("all")


def _bars(ax: plt.Axes) -> int:
    return sum(len(c) for c in ax.containers if isinstance(c, BarContainer))


def _whiskers(ax: plt.Axes) -> int:
    return sum(1 for c in ax.containers if isinstance(c, ErrorbarContainer))


@pytest.fixture
def ranked() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Aa", "Bb", "Cc", "Dd", "Ee"],
            "share": [0.50, 0.80, 0.20, 0.90, 0.40],
            "low": [0.40, 0.70, 0.10, 0.85, 0.30],
            "high": [0.60, 0.90, 0.30, 0.95, 0.50],
            "n": [10, 20, 30, 40, 50],
        }
    )


@pytest.fixture
def presence() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform": ["twitter", "twitter", "facebook", "facebook", "instagram", "instagram"],
            "measure": ["has_account", "active"] * 3,
            "share": [0.968, 0.93, 0.75, 0.70, 0.30, 0.20],
            "ci_low": [0.95, 0.90, 0.70, 0.65, 0.26, 0.16],
            "ci_high": [0.98, 0.95, 0.79, 0.74, 0.35, 0.24],
        }
    )


# --- labels ---------------------------------------------------------------------------------------
def test_label_translates_known_keys_and_passes_unknown_through():
    assert viz.label("middenmanagement", "nl") == "Middenmanagement"
    assert viz.label("has_account", "nl") == "Heeft een account"
    assert viz.label("has_account", "en") == "Has an account"
    assert viz.label("S", "en") == "Small (< 50,000)"
    assert viz.label("Share still unanswered (%)", "nl") == "Aandeel nog onbeantwoord (%)"
    assert viz.label("Goeree-Overflakkee", "nl") == "Goeree-Overflakkee"
    assert viz.label(2014, "en") == "2014"
    with pytest.raises(ValueError, match="lang"):
        viz.label("twitter", "de")


def test_every_label_has_both_languages():
    assert all(set(v) == {"en", "nl"} for v in viz.LABELS.values())


# --- ranked bars ----------------------------------------------------------------------------------
def test_ranked_bars_sorted_with_whiskers_highlight_and_bases(ranked):
    fig = viz.ranked_bars(
        ranked,
        label="name",
        value="share",
        low="low",
        high="high",
        n="n",
        title="Dd replies most",
        xlabel="Interaction share (%)",
        highlight=["Bb"],
        percent=True,
    )
    ax = fig.axes[0]
    assert isinstance(fig, plt.Figure)
    assert ax.get_title(loc="left") == "Dd replies most"
    assert ax.get_xlabel() == "Interaction share (%)"
    assert _bars(ax) == 5
    assert _whiskers(ax) == 1
    # largest on top: barh draws bottom-up, so the tick labels read smallest -> largest
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Cc", "Ee", "Aa", "Bb", "Dd"]
    widths = [p.get_width() for p in ax.containers[0]]
    assert widths == pytest.approx([0.2, 0.4, 0.5, 0.8, 0.9])
    colours = [p.get_facecolor()[:3] for p in ax.containers[0]]
    accent = plt.matplotlib.colors.to_rgb(viz.ACCENT)
    assert [c == pytest.approx(accent) for c in colours] == [False, False, False, True, False]
    assert sorted(t.get_text() for t in ax.texts) == ["n=10", "n=20", "n=30", "n=40", "n=50"]


def test_ranked_bars_top_and_no_whiskers_without_interval(ranked):
    fig = viz.ranked_bars(ranked, label="name", value="share", top=2, title="t", xlabel="x (h)")
    ax = fig.axes[0]
    assert _bars(ax) == 2
    assert _whiskers(ax) == 0
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Bb", "Dd"]


def test_ranked_bars_ascending_puts_smallest_on_top(ranked):
    fig = viz.ranked_bars(
        ranked, label="name", value="share", top=3, ascending=True, title="t", xlabel="Hours"
    )
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["Aa", "Ee", "Cc"]


def test_ranked_bars_names_missing_column(ranked):
    with pytest.raises(KeyError, match="nope"):
        viz.ranked_bars(ranked, label="name", value="nope", title="t", xlabel="x")


# --- likert ---------------------------------------------------------------------------------------
def test_likert_diverging_centred_on_neutral():
    shares = pd.DataFrame(
        {"sd": [0.1, 0.3], "d": [0.2, 0.2], "n": [0.2, 0.1], "a": [0.3, 0.2], "sa": [0.2, 0.2]},
        index=["middenmanagement", "college"],
    )
    fig = viz.likert_diverging(
        shares,
        title="Middle management least keen",
        neutral="n",
        negative=["sd", "d"],
        positive=["sa", "a"],
        n=pd.Series({"college": 100, "middenmanagement": 80}),
        lang="nl",
    )
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Middle management least keen"
    assert ax.get_xlabel() == "Aandeel geldige antwoorden (%)"
    assert _bars(ax) == 2 * 5
    # first item on top, translated
    labels = {t.get_position()[1]: t.get_text() for t in ax.get_yticklabels()}
    assert labels == {1.0: "Middenmanagement", 0.0: "College van B&W"}
    # neutral bar of middenmanagement (top row, y=1) runs from -0.1 to +0.1
    neutral = ax.containers[2]
    top = [p for p in neutral if p.get_y() + p.get_height() / 2 == pytest.approx(1.0)][0]
    assert top.get_x() == pytest.approx(-0.1)
    assert top.get_x() + top.get_width() == pytest.approx(0.1)
    # the strongest negative answer starts furthest left: -(0.1 + 0.2 + 0.1) = -0.4
    sd_top = [p for p in ax.containers[0] if p.get_y() + p.get_height() / 2 == pytest.approx(1)][0]
    assert sd_top.get_x() == pytest.approx(-0.4)
    assert {t.get_text() for t in ax.texts} == {"n=80", "n=100"}
    assert len(fig.legends) == 1


# --- Kaplan-Meier ---------------------------------------------------------------------------------
def test_km_curves_one_step_line_per_curve_with_bands():
    t = np.arange(0, 50, 5.0)
    curves = {
        "weekday": pd.DataFrame(
            {"time": t, "surv": np.exp(-t / 10), "low": np.exp(-t / 8), "high": np.exp(-t / 12)}
        ),
        "weekend": pd.DataFrame({"time": t, "surv": np.exp(-t / 20)}),
    }
    fig = viz.km_curves(curves, title="Weekend questions wait longer", xlabel="Hours (clock)")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Weekend questions wait longer"
    assert ax.get_xlabel() == "Hours (clock)"
    assert ax.get_ylabel() == "Share still unanswered (%)"
    assert len(ax.get_lines()) == 2
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 1  # band only with low/high
    assert viz.km_curves(curves, title="t", xlabel="x", lang="nl").axes[0].get_ylabel() == (
        "Aandeel nog onbeantwoord (%)"
    )


# --- distribution ---------------------------------------------------------------------------------
def test_distribution_counts_and_reference_line():
    values = pd.Series([0.1, 0.1, 0.2, 0.9, None])
    fig = viz.distribution(
        values,
        title="Most broadcast",
        xlabel="Interaction share (%)",
        bins=[0, 0.5, 1.0],
        ref=0.85,
        ref_label="Published Utrecht",
    )
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Most broadcast"
    assert ax.get_ylabel() == "Number of municipalities"
    assert ax.xaxis.get_major_formatter()(0.25, 0) == "25%"  # "%" label, values in 0-1
    heights = [p.get_height() for p in ax.patches]
    assert heights == [3, 1]  # the missing value is left out
    assert len(ax.get_lines()) == 1
    assert ax.get_lines()[0].get_xdata()[0] == pytest.approx(0.85)
    assert ax.get_legend().get_texts()[0].get_text() == "Published Utrecht"


# --- presence and grouped bars --------------------------------------------------------------------
def test_presence_bars_grouped_with_whiskers_in_percent(presence):
    fig = viz.presence_bars(presence, title="Almost all on Twitter", lang="nl")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Almost all on Twitter"
    assert ax.get_ylabel() == "Aandeel gemeenten (%)"
    assert ax.get_xlabel() == "Platform"
    assert _bars(ax) == 6
    assert _whiskers(ax) == 2  # one per measure
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Twitter", "Facebook", "Instagram"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Heeft een account", "Actief (postte in periode)"]
    assert ax.yaxis.get_major_formatter()(0.5, 0) == "50%"
    heights = sorted(p.get_height() for p in ax.containers[0])
    assert heights == pytest.approx([0.30, 0.75, 0.968])


def test_grouped_bars_without_hue_or_interval():
    df = pd.DataFrame({"size": ["S", "M", "L"], "hours": [30.0, 24.0, 12.5]})
    fig = viz.grouped_bars(
        df,
        x="size",
        y="hours",
        title="Large answer fastest",
        xlabel="Size class",
        ylabel="Mean response time (hours)",
    )
    ax = fig.axes[0]
    assert _bars(ax) == 3 and _whiskers(ax) == 0
    assert ax.get_ylabel() == "Mean response time (hours)"
    assert [t.get_text() for t in ax.get_xticklabels()][0] == "Small (< 50,000)"
    assert not fig.legends


# --- trends ---------------------------------------------------------------------------------------
def test_line_trend_one_line_per_hue_with_bands():
    df = pd.DataFrame(
        {
            "year": [2013, 2014, 2015, 2014, 2015],
            "share": [0.90, 0.93, 0.95, 0.75, 0.89],
            "lo": [0.85, 0.90, 0.92, 0.70, 0.85],
            "hi": [0.93, 0.95, 0.97, 0.80, 0.92],
            "platform": ["twitter"] * 3 + ["facebook"] * 2,
        }
    )
    fig = viz.line_trend(
        df,
        x="year",
        y="share",
        hue="platform",
        low="lo",
        high="hi",
        title="Facebook catches up",
        xlabel="Year",
        ylabel="Share of municipalities (%)",
        percent=True,
    )
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Facebook catches up"
    assert ax.get_xlabel() == "Year" and ax.get_ylabel() == "Share of municipalities (%)"
    lines = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert len(lines) == 2
    assert list(lines[1].get_xdata()) == [2014, 2015]
    assert _whiskers(ax) == 2
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2


def test_line_trend_single_year_draws_a_point():
    df = pd.DataFrame({"year": [2014], "hours": [24.0]})
    fig = viz.line_trend(df, x="year", y="hours", title="One year", xlabel="Year", ylabel="Hours")
    assert len(fig.axes[0].get_lines()) == 1


# --- saving ---------------------------------------------------------------------------------------
def _figure(ranked: pd.DataFrame) -> plt.Figure:
    return viz.ranked_bars(
        ranked, label="name", value="share", low="low", high="high", title="t", xlabel="x (%)"
    )


def test_save_figure_byte_identical_in_fresh_figures(ranked, tmp_path):
    a = viz.save_figure(_figure(ranked), tmp_path / "a" / "fig", demo=True)
    plt.close("all")
    b = viz.save_figure(_figure(ranked), tmp_path / "b" / "fig", demo=True)
    assert [p.name for p in a] == ["fig.png", "fig.svg"]
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    svg = a[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg
    assert b"Software" not in a[0].read_bytes()


def test_demo_mark_in_svg_only_for_demo_and_only_once(ranked, tmp_path):
    fig = _figure(ranked)
    _, svg = viz.save_figure(fig, tmp_path / "demo", demo=True)
    text = svg.read_text(encoding="utf-8")
    assert "DEMO DATA (synthetic)" in text and 'id="demo-mark"' in text
    viz.save_figure(fig, tmp_path / "demo2", demo=True)
    assert sum(t.get_gid() == viz.DEMO_GID for t in fig.texts) == 1
    _, real = viz.save_figure(_figure(ranked), tmp_path / "real", demo=False)
    assert "DEMO" not in real.read_text(encoding="utf-8")
    _, nl = viz.save_figure(_figure(ranked), tmp_path / "nl", demo=True, lang="nl")
    assert "DEMODATA (synthetisch)" in nl.read_text(encoding="utf-8")


def test_profile_strips_highlight_one_municipality_per_key_figure(tmp_path):
    df = pd.DataFrame({"share": [0.10, 0.50, 0.30, np.nan], "hours": [np.nan, 5.0, 3.0, 10.0]},
                      index=["GM1", "GM2", "GM3", "GM4"])
    groups = {"Size class S": pd.Series([True, True, False, False], index=df.index),
              "All municipalities": pd.Series(True, index=df.index)}
    fig = viz.profile_strips(df, figures={"share": "Interaction share (%)", "hours": "Median reply (hours)"},
                             groups=groups, highlight="GM1", highlight_label="Utrecht",
                             title="Utrecht 2014: better than the median on 1 of 1 key figures")
    share_ax, hours_ax = fig.axes
    assert fig._suptitle.get_text() == "Utrecht 2014: better than the median on 1 of 1 key figures"
    assert share_ax.get_xlabel() == "Interaction share (%)"
    assert hours_ax.get_xlabel() == "Median reply (hours)"
    # one row per group, top to bottom in the order given
    assert [t.get_text() for t in share_ax.get_yticklabels()] == ["All municipalities", "Size class S"]
    # the highlight: a diamond on every row at its value (one line, gid "highlight"), labelled once
    diamonds = [ln for ln in share_ax.lines if ln.get_marker() == "D"]
    assert len(diamonds) == 1 and diamonds[0].get_gid() == "highlight"
    points = list(zip(diamonds[0].get_xdata().tolist(), diamonds[0].get_ydata().tolist(), strict=True))
    assert points == [(0.1, 0.0), (0.1, 1.0)]
    assert diamonds[0].get_color() == viz.ACCENT
    assert [t.get_text() for t in share_ax.texts] == ["Utrecht: 10%"]
    # the dots: the group's members with a value (2 of size class S on the top row, 3 of all below)
    dots = share_ax.collections[0].get_offsets()
    rows = {1: sorted(x for x, y in dots if y > 0.5), 0: sorted(x for x, y in dots if y < 0.5)}
    assert rows == {1: [0.1, 0.5], 0: [0.1, 0.3, 0.5]}
    # the medians as short vertical ticks, one per row: of {0.1, 0.5} and of {0.1, 0.3, 0.5}
    ticks = share_ax.collections[1].get_segments()
    assert [float(seg[0][0]) for seg in ticks] == pytest.approx([0.3, 0.3])
    assert [round(float((seg[0][1] + seg[1][1]) / 2), 6) for seg in ticks] == [1.0, 0.0]
    # proportions on a percent axis; hours not
    assert share_ax.xaxis.get_major_formatter().format_data(0.25) == "25%"
    # no value for GM1 on hours: no diamond, the panel says so
    assert not [ln for ln in hours_ax.lines if ln.get_marker() == "D"]
    assert [t.get_text() for t in hours_ax.texts] == ["not measured for this municipality"]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["Utrecht", "other municipalities", "median of the group"]
    # deterministic file
    a = viz.save_figure(fig, tmp_path / "a", demo=True)[0].read_bytes()
    b = viz.save_figure(fig, tmp_path / "b", demo=True)[0].read_bytes()
    assert a == b
    with pytest.raises(KeyError):
        viz.profile_strips(df, figures={"share": "x"}, groups=groups, highlight="GM9", highlight_label="?",
                           title="t")
