"""What a reader sees in each figure: axis scale agrees with its label, no raw key in any label.

Every figure kind is drawn on small hand-made data shaped like the notebook's call (with the raw
keys the notebooks pass, such as ``info_in_order`` or ``top100``), then its matplotlib Axes are
inspected: tick texts, axis labels, legend texts, colours, limits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from PIL import Image

from helpers.present import viz


@pytest.fixture(autouse=True)
def _theme_and_close():
    viz.set_theme()
    yield
    plt.close("all")


# --- the checks -----------------------------------------------------------------------------------
#: A raw key: snake_case (``info_in_order``), a word glued to digits (``top100``), or a lower-case
#: word (``original``, ``weekday``): labels for readers start with a capital, a digit or a sign.
RAW_KEY = re.compile(r"^(?:[a-z][a-z0-9]*_[a-z0-9_]+|[a-z]+\d+|[a-z][a-z-]*)$")
NUMBER = re.compile(r"^[−\-]?\d+(?:[.,]\d+)?%?$")


def _visible_ticks(axis) -> list[str]:
    """Texts of the major ticks inside the axis' view limits (the ones a reader sees)."""
    lo, hi = sorted(axis.get_view_interval())
    eps = (hi - lo) * 1e-9
    return [t.label1.get_text() for t in axis.get_major_ticks() if lo - eps <= t.get_loc() <= hi + eps]


def _texts(fig: plt.Figure) -> dict[str, list[str]]:
    """Tick, legend and axis-label texts of every axes of ``fig`` (after drawing)."""
    fig.canvas.draw()
    out: dict[str, list[str]] = {"xticks": [], "yticks": [], "legend": [], "axis": []}
    for ax in fig.axes:
        out["xticks"] += [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
        out["yticks"] += [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        out["axis"] += [ax.get_xlabel(), ax.get_ylabel(), fig.get_supxlabel(), fig.get_supylabel()]
        if ax.get_legend() is not None:
            out["legend"] += [t.get_text() for t in ax.get_legend().get_texts()]
    for legend in fig.legends:
        out["legend"] += [t.get_text() for t in legend.get_texts()]
        out["legend"] += [legend.get_title().get_text()] if legend.get_title().get_text() else []
    return out


def _check_percent_axis(label: str, ticks: list[str]) -> None:
    """A "%" axis has ticks ending in % within 0-100, and an axis with such ticks says "%"."""
    in_percent = bool(ticks) and all(t.endswith("%") for t in ticks)
    if "%" in label:
        assert in_percent, f"axis {label!r} says % but its ticks are {ticks}"
        values = [float(t.rstrip("%").replace("−", "-")) for t in ticks]
        assert all(0 <= v <= 100 for v in values), f"axis {label!r}: ticks {ticks} outside 0-100"
    if in_percent:
        assert "%" in label, f"ticks {ticks} in percent but the axis label {label!r} does not say so"


def check_reader_labels(fig: plt.Figure) -> dict[str, list[str]]:
    """All the reader checks; returns the texts for figure-specific assertions."""
    texts = _texts(fig)
    for ax in fig.axes:
        # small multiples label their shared axes once, on the figure
        _check_percent_axis(ax.get_xlabel() or fig.get_supxlabel(), _visible_ticks(ax.xaxis))
        _check_percent_axis(ax.get_ylabel() or fig.get_supylabel(), _visible_ticks(ax.yaxis))
    for where in ("xticks", "yticks", "legend"):
        for text in texts[where]:
            text = " ".join(text.split("\n"))  # a wrapped label is read as one
            assert NUMBER.match(text) or not RAW_KEY.match(text), f"raw key {text!r} in {where}"
            assert "_" not in text, f"raw key {text!r} in {where}"
    for text in texts["axis"]:
        assert not re.search(r"interval|wilson|\bci\b", text, re.I), (
            f"axis label {text!r} describes the interval: that belongs in the legend")
    return texts


# --- the figures, shaped like the notebooks' calls -----------------------------------------------
def website_trend(lang: str = "en") -> plt.Figure:
    trend = pd.DataFrame({
        "year": [2013, 2014, 2013, 2014],
        "item": ["info_in_order", "info_in_order", "any_eservice", "any_eservice"],
        "share": [0.78, 0.80, 0.50, 0.62],
        "ci_low": [0.74, 0.76, 0.45, 0.57],
        "ci_high": [0.82, 0.84, 0.55, 0.67],
    })
    return viz.line_trend(trend, x="year", y="share", hue="item", low="ci_low", high="ci_high",
                          title="E-services grew between 2013 and 2014", xlabel="Year",
                          ylabel="Share of websites (%, Wilson 95%)", lang=lang)


def megaphone_distribution(lang: str = "en") -> plt.Figure:
    return viz.distribution(pd.Series([0.2, 0.55, 0.6, 0.7, 0.9]), bins=[0, 0.25, 0.5, 0.75, 1.0],
                            ref=0.65, ref_label="pooled", title="2014: the median broadcasts 60%",
                            xlabel=viz.label("megaphone_share", lang), lang=lang)


def response_fastest(lang: str = "en") -> plt.Figure:
    plot = pd.DataFrame({
        "name": ["Goeree-Overflakkee", "Veere", "Utrecht", "Aa en Hunze"],
        "km_median": [0.02, 0.03, 3.5, 12.0],
        "ci_low": [0.01, 0.01, 2.0, 8.0],
        "ci_high": [0.2, np.nan, 5.0, 20.0],
        "n_questions": [25, 30, 120, 22],
    })
    return viz.ranked_bars(plot, label="name", value="km_median", low="ci_low", high="ci_high",
                           n="n_questions", title="2014: Goeree-Overflakkee answers fastest",
                           xlabel=viz.label("response_time", lang), lang=lang, ascending=True,
                           highlight=["Goeree-Overflakkee", "Veere"])


def post_mix_top100(lang: str = "en") -> plt.Figure:
    mix = pd.DataFrame({
        "kind": ["original", "repost", "reply"] * 2,
        "share": [0.6, 0.15, 0.25, 0.55, 0.15, 0.30],
        "ci_low": [0.58, 0.13, 0.23, 0.52, 0.12, 0.27],
        "ci_high": [0.62, 0.17, 0.27, 0.58, 0.18, 0.33],
        "group": ["all"] * 3 + ["top100"] * 3,
    })
    return viz.grouped_bars(mix, x="kind", y="share", hue="group", low="ci_low", high="ci_high",
                            title="2014: the 100 largest posted 55% own posts",
                            xlabel=viz.label("kind", lang), ylabel=viz.label("share", lang),
                            lang=lang, percent=True)


def survey_response_by_size(lang: str = "en") -> plt.Figure:
    nr = pd.DataFrame({"size_class": ["S", "M", "L"], "response_rate": [0.4, 0.5, 0.7],
                       "ci_low": [0.35, 0.42, 0.6], "ci_high": [0.45, 0.58, 0.78]})
    return viz.grouped_bars(nr, x="size_class", y="response_rate", low="ci_low", high="ci_high",
                            percent=True, lang=lang, title="2014: larger municipalities answered",
                            xlabel="Size class (inhabitants)",
                            ylabel="Response rate (95% Wilson interval)")


LONG_ITEM = ("Monitoring of themes and questions about the municipality that are not put to it "
             "directly on its own channels")


def survey_monitoring(lang: str = "en") -> plt.Figure:
    shares = pd.DataFrame(
        # lower case, as the codebook's answer labels are
        {"very poor": [0.3, 0.2], "poor": [0.3, 0.3], "moderate": [0.2, 0.2], "good": [0.1, 0.2],
         "very good": [0.1, 0.1]},
        index=[LONG_ITEM, "Monitoring of direct questions"],
    )
    return viz.likert_diverging(shares, title="2014: most judge their monitoring insufficient",
                                neutral="moderate", negative=["very poor", "poor"],
                                positive=["very good", "good"], n=pd.Series([200, 210],
                                index=shares.index), lang=lang)


def response_km(lang: str = "en") -> plt.Figure:
    curves = {name: _km_frame(seed) for name, seed in (("weekday", 1), ("weekend", 2))}
    return viz.km_curves(curves, title="2014: weekend questions wait longer",
                         xlabel=viz.label("response_time", lang), lang=lang)


def _km_frame(seed: int, n: int = 4000) -> pd.DataFrame:
    """A dense step curve: ``n`` event times, survival falling by 1/(n+1) at each."""
    rng = np.random.default_rng(seed)
    t = np.concatenate([[0.0], np.sort(rng.exponential(20.0, n))])
    surv = 1 - np.arange(n + 1) / (n + 1)
    return pd.DataFrame({"time": t, "surv": surv, "low": np.clip(surv - 0.02, 0, 1),
                         "high": np.clip(surv + 0.02, 0, 1)})


def trend_frame(values: dict[str, list[float]]) -> pd.DataFrame:
    return pd.DataFrame([{"year": 2013 + i, "measure": k, "value": v}
                         for k, vs in values.items() for i, v in enumerate(vs)])


def trend_municipalities(lang: str = "en") -> plt.Figure:
    part = trend_frame({"Municipalities in the register": [408, 403, 393],
                        "With a Twitter account": [395, 390, 380],
                        "Ranked on interaction": [395, 390, 380],
                        "Ranked on response time": [150, 160, 170]})
    return viz.small_multiples(part, x="year", y="value", facet="measure", title="t",
                               xlabel=viz.label("year", lang),
                               ylabel=viz.label("municipalities", lang), lang=lang)


def trend_proportion(lang: str = "en") -> plt.Figure:
    part = trend_frame({f"Measure {i}": [0.1 * i, 0.1 * i + 0.02, 0.1 * i + 0.05]
                        for i in range(1, 9)})
    return viz.small_multiples(part, x="year", y="value", facet="measure", title="t",
                               xlabel=viz.label("year", lang), ylabel=viz.label("share", lang),
                               lang=lang, percent=True)


def trend_hours(lang: str = "en") -> plt.Figure:
    part = trend_frame({"Mean response time": [23.0, 22.2, 21.5]})
    return viz.small_multiples(part, x="year", y="value", facet="measure", title="t",
                               xlabel=viz.label("year", lang),
                               ylabel=viz.label("response_time", lang), lang=lang)


def presence(lang: str = "en") -> plt.Figure:
    df = pd.DataFrame({"platform": ["twitter", "twitter", "facebook", "facebook"],
                       "measure": ["has_account", "active"] * 2, "share": [0.97, 0.9, 0.75, 0.7],
                       "ci_low": [0.95, 0.87, 0.7, 0.65], "ci_high": [0.98, 0.92, 0.79, 0.74]})
    return viz.presence_bars(df, title="2014: 390 of 403 on Twitter", lang=lang)


def survey_ownership(lang: str = "en") -> plt.Figure:
    plot = pd.DataFrame({"answer": ["Fully with communications", "Shared"], "share": [0.7, 0.3],
                         "ci_low": [0.65, 0.25], "ci_high": [0.75, 0.35], "n": [300, 300]})
    return viz.ranked_bars(plot, label="answer", value="share", low="ci_low", high="ci_high",
                           n="n", title="2014: 70% place it with communications",
                           xlabel="Share of valid answers (95% Wilson interval)", lang=lang)


def monitoring_by_theme(lang: str = "en") -> plt.Figure:
    long = pd.DataFrame({"theme": ["All themes", "afval", "werk_inkomen"] * 2,
                         "share": [0.6, 0.7, 0.9, 0.07, 0.05, 0.04],
                         "ci_low": [0.58, 0.64, 0.82, 0.05, 0.02, 0.01],
                         "ci_high": [0.62, 0.75, 0.94, 0.09, 0.09, 0.12],
                         "group": ["addressed"] * 3 + ["indirect"] * 3})
    return viz.grouped_bars(long, x="theme", y="share", hue="group", low="ci_low", high="ci_high",
                            title="2014: 7% of indirect messages get a reaction", xlabel="Theme",
                            ylabel=viz.label("share", lang), lang=lang, percent=True)


FIGURES: dict[str, Callable[..., plt.Figure]] = {f.__name__: f for f in (
    website_trend, megaphone_distribution, response_fastest, post_mix_top100,
    survey_response_by_size, survey_monitoring, response_km, trend_municipalities,
    trend_proportion, trend_hours, presence, survey_ownership, monitoring_by_theme)}


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_passes_the_reader_checks(name: str, lang: str) -> None:
    check_reader_labels(FIGURES[name](lang))


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_the_demo_mark_never_covers_the_legend(name: str) -> None:
    fig = FIGURES[name]("en")
    viz.mark_demo(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    mark = next(t for t in fig.texts if t.get_gid() == viz.DEMO_GID).get_window_extent(renderer)
    boxes = [lg.get_window_extent(renderer) for lg in fig.legends]
    boxes += [ax.get_legend().get_window_extent(renderer) for ax in fig.axes if ax.get_legend()]
    assert not any(box.overlaps(mark) for box in boxes)
    assert not any(ax.get_window_extent(renderer).overlaps(mark) for ax in fig.axes)


# --- the checks catch what they are for ----------------------------------------------------------
def test_the_checks_catch_the_old_defects() -> None:
    bad = viz.line_trend(pd.DataFrame({"year": [2013, 2014], "share": [0.5, 0.85],
                                       "item": ["info_in_order"] * 2}),
                         x="year", y="share", hue="item", title="t", xlabel="Year",
                         ylabel="Share of websites (%)", percent=False)
    with pytest.raises(AssertionError, match="says % but its ticks"):
        check_reader_labels(bad)
    keys = viz.grouped_bars(pd.DataFrame({"kind": ["own"], "share": [0.6], "group": ["top100"]}),
                            x="kind", y="share", hue="group", title="t", xlabel="Kind",
                            ylabel="Share (%)")
    with pytest.raises(AssertionError, match="raw key 'own' in xticks"):
        check_reader_labels(keys)
    assert RAW_KEY.match("top100") and RAW_KEY.match("any_eservice")
    assert not RAW_KEY.match("Veere") and not RAW_KEY.match("n=10")


# --- figure-specific expectations -----------------------------------------------------------------
def test_website_trend_is_in_percent_with_named_measures_and_the_interval_in_the_legend() -> None:
    fig = website_trend()
    texts = check_reader_labels(fig)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Share of websites (%)"
    assert ax.get_ylim()[0] == 0  # from 0, not from 45%
    assert texts["legend"] == ["Information in order", "At least one e-service",
                               "Wilson 95% interval", "Item"]
    nl = check_reader_labels(website_trend("nl"))
    assert nl["legend"][:2] == ["Informatie op orde", "Minstens één e-dienst"]


def test_megaphone_distribution_in_percent_counting_municipalities() -> None:
    fig = megaphone_distribution()
    texts = check_reader_labels(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Megaphone share (%)"
    assert ax.get_ylabel() == "Number of municipalities"
    assert texts["legend"] == ["Pooled over all posts"]
    assert [p.get_height() for p in ax.patches] == [1, 0, 3, 1]


def test_response_fastest_highlight_shows_on_bars_of_width_zero() -> None:
    fig = response_fastest()
    check_reader_labels(fig)
    ax = fig.axes[0]
    ticks = ax.get_yticklabels()
    top_two = [t for t in ticks if t.get_text() in ("Goeree-Overflakkee", "Veere")]
    assert len(top_two) == 2
    assert all(to_hex(t.get_color()) == viz.ACCENT.lower() for t in top_two)
    assert all(t.get_fontweight() == "bold" for t in top_two)
    assert to_hex(next(t for t in ticks if t.get_text() == "Utrecht").get_color()) != (
        viz.ACCENT.lower())
    diamonds = [ln for ln in ax.get_lines() if ln.get_marker() == "D"]
    assert len(diamonds) == 1
    # fastest on top: barh positions 3 and 2 (of 0-3), at x = their medians
    points = sorted(zip(diamonds[0].get_ydata(), diamonds[0].get_xdata(), strict=True))
    assert points == [(2, 0.03), (3, 0.02)]
    assert to_hex(diamonds[0].get_color()) == viz.ACCENT.lower()


def test_post_mix_names_the_kinds_and_the_groups() -> None:
    texts = check_reader_labels(post_mix_top100())
    assert texts["xticks"] == ["Own posts", "Reposts", "Replies"]
    assert texts["legend"][:2] == ["All municipalities", "100 largest municipalities"]
    nl_fig = post_mix_top100("nl")
    nl = check_reader_labels(nl_fig)
    assert nl_fig.axes[0].get_xlabel() == "Soort bericht"
    en_phrase = viz.grouped_bars(pd.DataFrame({"kind": ["reply"], "share": [0.3]}), x="kind",
                                 y="share", title="t", xlabel="Kind of post", ylabel="Share (%)",
                                 lang="nl")
    assert en_phrase.axes[0].get_xlabel() == "Soort bericht"  # the notebook passes English
    assert [t.replace("\n", " ") for t in nl["xticks"]] == [
        "Eigen berichten", "Doorgestuurde berichten", "Antwoorden"]


def test_survey_response_axis_names_the_quantity_and_the_legend_the_interval() -> None:
    fig = survey_response_by_size()
    texts = check_reader_labels(fig)
    assert fig.axes[0].get_ylabel() == "Response rate (%)"
    assert texts["legend"] == ["95% Wilson interval"]
    assert texts["yticks"][0] == "0%"


def test_survey_monitoring_wraps_a_long_label_so_the_plot_keeps_its_width() -> None:
    fig = survey_monitoring()
    check_reader_labels(fig)
    ax = fig.axes[0]
    label = next(t.get_text() for t in ax.get_yticklabels() if t.get_text().startswith("Monit"))
    assert label.replace("\n", " ") == LONG_ITEM
    assert max(len(line) for line in label.split("\n")) <= viz.WRAP
    fig.canvas.draw()
    assert ax.get_position().width > 0.5  # the bars keep more than half the figure's width
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["Very poor", "Poor", "Moderate", "Good", "Very good"]


def test_trend_counts_and_shares_get_a_panel_each_hours_start_at_zero() -> None:
    municipalities = trend_municipalities()
    assert len(municipalities.axes) == 4
    assert [len(ax.get_lines()) for ax in municipalities.axes] == [1, 1, 1, 1]
    assert [ax.get_title(loc="left") for ax in municipalities.axes][:2] == [
        "Municipalities in the register", "With a Twitter account"]
    assert all(ax.get_ylim()[0] == 0 for ax in municipalities.axes)
    proportion = trend_proportion()
    assert len(proportion.axes) == 8 and not proportion.legends
    colours = {to_hex(ln.get_color()) for ax in proportion.axes for ln in ax.get_lines()}
    assert colours == {viz.BASE.lower()}
    hours = trend_hours()
    assert hours.axes[0].get_ylim()[0] == 0 and hours.axes[0].get_ylim()[1] > 23
    assert [t.get_text() for t in hours.axes[0].texts] == ["23", "21.5"]


def test_a_single_year_gets_one_year_tick() -> None:
    fig = viz.small_multiples(trend_frame({"Share on Facebook": [0.73]}), x="year", y="value",
                              facet="measure", title="t", xlabel="Year", ylabel="Share (%)")
    assert check_reader_labels(fig)["xticks"] == ["2013"]
    assert fig.axes[0].get_xlim() == (2012.5, 2013.5)
    line = viz.line_trend(pd.DataFrame({"year": [2014], "hours": [22.0]}), x="year", y="hours",
                          title="t", xlabel="Year", ylabel="Hours")
    assert check_reader_labels(line)["xticks"] == ["2014"]


def test_lines_on_white_never_use_yellow() -> None:
    df = pd.DataFrame({"year": [2014] * 8, "share": np.linspace(0.1, 0.8, 8),
                       "platform": ["twitter", "facebook", "instagram", "linkedin", "youtube",
                                    "mastodon", "bluesky", "website"]})
    fig = viz.line_trend(df, x="year", y="share", hue="platform", title="t", xlabel="Year",
                         ylabel="Share (%)")
    colours = [to_hex(ln.get_color()) for ln in fig.axes[0].get_lines()]
    assert len(set(colours)) == 7 + (len(colours) > 7) * 0  # 7 colours, the 8th repeats the 1st
    assert "#f0e442" not in colours


# --- files ----------------------------------------------------------------------------------------
def test_png_at_200_dpi_and_dense_km_svg_small_but_faithful(tmp_path: Path) -> None:
    png, svg = viz.save_figure(response_km(), tmp_path / "response_km", demo=True)
    dpi = Image.open(png).info["dpi"]
    assert dpi == pytest.approx((200, 200), abs=0.1)
    assert svg.stat().st_size < 200_000  # 8,000 steps unthinned gave over 1 MB


def test_thin_steps_keeps_the_curve_within_the_tolerance() -> None:
    frame = _km_frame(3, n=1000)
    thin = viz.distributions._thin_steps(frame, ["surv", "low", "high"], tol=0.002)
    assert thin.index[0] == 0 and thin.index[-1] == 1000
    # every step is 1/1001: two make 0.001998 < tol, so every third step is kept
    assert 330 <= len(thin) <= 340
    drawn = thin["surv"].reindex(frame.index).ffill()  # the step curve as drawn, at every time
    assert float((drawn - frame["surv"]).abs().max()) < 0.002
