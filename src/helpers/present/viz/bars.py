"""Bar figures: ranked horizontal bars (municipalities by a value), grouped vertical bars (categories
by a second category) and the presence bars built on them; all with interval whiskers.

Imports nothing from helpers outside :mod:`helpers.present.viz`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from helpers.present.viz.axes import (
    _errors,
    _finish,
    _floats,
    _interval_handle,
    _interval_note,
    _is_percent,
    _legend_below,
    _legend_with_interval,
    _levels,
    _need,
    _percent_axis,
    _split_interval,
    _wrap,
)
from helpers.present.viz.labels import _check_lang, _tr, label
from helpers.present.viz.theme import ACCENT, BASE, PALETTE, WHISKER


def ranked_bars(
    df: pd.DataFrame,
    *,
    label: str,
    value: str,
    low: str | None = None,
    high: str | None = None,
    title: str,
    xlabel: str,
    highlight: Sequence[str] | None = None,
    top: int | None = None,
    n: str | None = None,
    lang: str = "en",
    percent: bool | None = None,
    ylabel: str = "",
    ascending: bool = False,
    interval: str | None = None,
) -> Figure:
    """Horizontal bars sorted by value (largest on top) with interval whiskers.

    Parameters
    ----------
    df : DataFrame
        One row per item.
    label, value : str
        Columns with the item label (municipality name...) and the value.
    low, high : str, optional
        Columns with the interval bounds (same unit as ``value``), drawn as whiskers.
    title, xlabel : str
        The finding, and the value axis label with its unit.
    highlight : list of str, optional
        Labels drawn in the accent colour (e.g. the municipality of a profile): the bar, a diamond
        at its value and its tick label (bold), so a highlight shows even on a bar of width ~0.
    top : int, optional
        Keep only the ``top`` largest values.
    n : str, optional
        Column with the base of each value, printed as ``n=…`` at the bar end.
    percent : bool, optional
        Format the value axis as a percentage of 1 (for proportions). Default: when ``xlabel``
        contains "%" and all values and bounds lie in 0-1.
    ylabel : str
        Optional label of the item axis (empty by default: the items speak for themselves).
    ascending : bool
        Smallest value on top (and ``top`` keeps the smallest), e.g. for response times.
    interval : str, optional
        What the whiskers are ("95% Wilson interval"), shown in a legend below the axes. Default:
        taken from a parenthesis of ``xlabel`` that names the interval, which the axis label then
        loses (the axis names the quantity and unit only).

    Returns
    -------
    Figure
        One axes with one bar per (kept) row.
    """
    _check_lang(lang)
    _need(df, [label, value, low, high, n], "ranked_bars")
    data = df.sort_values(value, ascending=ascending, kind="mergesort", na_position="last")
    if top is not None:
        data = data.head(int(top))
    data = data.iloc[::-1]  # barh draws from the bottom up: largest last = on top
    values = _floats(data[value])
    names = [_wrap(_tr(x, lang), 40) for x in data[label]]
    keep = {str(h) for h in (highlight or [])}
    marked = np.array([str(x) in keep for x in data[label]], dtype=bool)
    colours = [ACCENT if m else BASE for m in marked]
    whiskers = low is not None and high is not None
    lo = _floats(data[low]) if whiskers else np.array([])
    hi = _floats(data[high]) if whiskers else np.array([])
    xlabel, note = _split_interval(xlabel) if whiskers else (xlabel, None)
    note = _interval_note(interval or note, lang)
    percent = _is_percent(percent, xlabel, values, lo, hi)
    lines = sum(name.count("\n") + 1 for name in names)
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.32 * max(len(data), 0.7 * lines) + 1.4)))
    pos = np.arange(len(data))
    ax.barh(pos, np.nan_to_num(values), color=colours, height=0.7)
    if marked.any():
        ax.plot(np.nan_to_num(values[marked]), pos[marked], linestyle="none", marker="D",
                markersize=7, color=ACCENT, markeredgecolor="white", zorder=4)
    ends = np.nan_to_num(values)
    if whiskers:
        ax.errorbar(
            values,
            pos,
            xerr=_errors(values, lo, hi),
            fmt="none",
            ecolor=WHISKER,
            elinewidth=1.2,
            capsize=3,
        )
        ends = np.fmax(ends, np.nan_to_num(hi))
    ax.set_yticks(pos, names)
    for tick, m in zip(ax.get_yticklabels(), marked, strict=True):
        if m:
            tick.set_color(ACCENT)
            tick.set_fontweight("bold")
    if n is not None:
        span = float(np.nanmax(ends)) if len(ends) and np.nanmax(ends) > 0 else 1.0
        for y, x, base in zip(pos, ends, data[n], strict=True):
            text = "" if pd.isna(base) else f"n={int(base)}"
            ax.text(x + 0.01 * span, y, text, va="center", ha="left", fontsize=8, color="#555555")
        ax.set_xlim(right=span * 1.12)
    if percent:
        _percent_axis(ax.xaxis)
    ax.grid(axis="y", visible=False)
    _finish(fig, ax, title, xlabel, ylabel, lang)
    if note:
        _legend_below(fig, ax, handles=[_interval_handle(note)], labels=[note])
    return fig


def grouped_bars(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str | None = None,
    low: str | None = None,
    high: str | None = None,
    title: str,
    xlabel: str,
    ylabel: str,
    lang: str = "en",
    percent: bool | None = None,
    interval: str | None = None,
) -> Figure:
    """Vertical bars, grouped by ``hue`` within each ``x``, with interval whiskers.

    Parameters
    ----------
    df : DataFrame
        One row per (x, hue) combination.
    x, y : str
        Category column and value column.
    hue : str, optional
        Second category: bars side by side within each x, one colour each, with a legend.
    low, high : str, optional
        Interval bounds (same unit as ``y``), drawn as whiskers.
    percent : bool, optional
        Format the value axis as a percentage of 1 (for proportions). Default: when ``ylabel``
        contains "%" and all values and bounds lie in 0-1.
    interval : str, optional
        What the whiskers are, shown in the legend below; default taken from a parenthesis of
        ``ylabel`` that names the interval (see :func:`ranked_bars`).

    Returns
    -------
    Figure
        One bar per row; categories keep their order of first appearance (or categorical order).
    """
    _check_lang(lang)
    _need(df, [x, y, hue, low, high], "grouped_bars")
    whiskers = low is not None and high is not None
    ylabel, note = _split_interval(ylabel) if whiskers else (ylabel, None)
    note = _interval_note(interval or note, lang)
    bounds = [_floats(df[c]) for c in (low, high) if c is not None]
    percent = _is_percent(percent, ylabel, _floats(df[y]), *bounds)
    xs = _levels(df[x])
    hues = _levels(df[hue]) if hue is not None else [None]
    width = 0.8 / len(hues)
    fig_width = min(11.0, max(6.0, 0.9 * len(xs) * len(hues) ** 0.5 + 2))
    fig, ax = plt.subplots(figsize=(fig_width, 4.5))
    for j, h in enumerate(hues):
        part = df if h is None else df[df[hue] == h]
        idx = [xs.index(v) for v in part[x]]
        pos = np.array(idx, dtype=float) - 0.4 + width * (j + 0.5)
        vals = _floats(part[y])
        ax.bar(
            pos,
            np.nan_to_num(vals),
            width=width * 0.95,
            color=PALETTE[j % len(PALETTE)],
            label=None if h is None else label(h, lang),
        )
        if low is not None and high is not None:
            ax.errorbar(
                pos,
                vals,
                yerr=_errors(vals, _floats(part[low]), _floats(part[high])),
                fmt="none",
                ecolor=WHISKER,
                elinewidth=1.2,
                capsize=3,
            )
    # Wrap category labels to the width of their slot (about 11 characters per inch at 10 pt).
    per_slot = max(6, int((fig_width - 1.5) / max(1, len(xs)) * 11))
    ax.set_xticks(np.arange(len(xs)), [_wrap(label(v, lang), per_slot) for v in xs])
    if percent:
        _percent_axis(ax.yaxis)
    ax.grid(axis="x", visible=False)
    _finish(fig, ax, title, xlabel, ylabel, lang)
    _legend_with_interval(fig, ax, None if hue is None else label(hue, lang), note)
    return fig


def presence_bars(
    df: pd.DataFrame, *, title: str, lang: str = "en", interval: str | None = None
) -> Figure:
    """Share of municipalities present per platform, by measure, with Wilson whiskers.

    Parameters
    ----------
    df : DataFrame
        Columns ``platform``, ``measure`` (``has_account``, ``has_corporate``, ``active``),
        ``share``, ``ci_low``, ``ci_high`` (proportions 0-1).
    interval : str, optional
        What the whiskers are ("95% Wilson interval"), added to the legend.

    Returns
    -------
    Figure
        Grouped bars (platform on x, one colour per measure), y axis in percent 0-100%.
    """
    _need(df, ["platform", "measure", "share", "ci_low", "ci_high"], "presence_bars")
    fig = grouped_bars(
        df,
        x="platform",
        y="share",
        hue="measure",
        low="ci_low",
        high="ci_high",
        title=title,
        xlabel=label("platform", lang),
        ylabel=label("share_municipalities", lang),
        lang=lang,
        percent=True,
        interval=interval,
    )
    fig.axes[0].set_ylim(0, 1.05)
    return fig
