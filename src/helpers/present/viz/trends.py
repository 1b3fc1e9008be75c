"""Figures over the years: lines with interval bands on one axis, or one small panel per measure.

Imports nothing from helpers outside :mod:`helpers.present.viz`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers.present.viz.axes import (
    _dutch_ticks,
    _errors,
    _finish,
    _floats,
    _interval_note,
    _is_percent,
    _legend_with_interval,
    _levels,
    _need,
    _percent_axis,
    _split_interval,
    _value_text,
    _wrap,
)
from helpers.present.viz.labels import _check_lang, label
from helpers.present.viz.theme import BASE, LINE_PALETTE


def line_trend(
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
    """Lines over years (one per ``hue``) with markers and interval bands.

    Parameters
    ----------
    df : DataFrame
        One row per (x, hue); ``x`` is usually the study year.
    low, high : str, optional
        Interval bounds drawn as a shaded band (and whiskers, so a single year still shows it).
    percent : bool, optional
        Format the value axis as a percentage of 1 (for proportions). Default: when ``ylabel``
        contains "%" and all values and bounds lie in 0-1.
    interval : str, optional
        What the bands are, shown in the legend; default from ``ylabel`` (see :func:`ranked_bars`).

    Returns
    -------
    Figure
        One line per hue level (colours without yellow); integer year ticks; the value axis
        starts at 0 when no value is negative, so a small change is not blown up.
    """
    _check_lang(lang)
    _need(df, [x, y, hue, low, high], "line_trend")
    whiskers = low is not None and high is not None
    ylabel, note = _split_interval(ylabel) if whiskers else (ylabel, None)
    note = _interval_note(interval or note, lang)
    bounds = [_floats(df[c]) for c in (low, high) if c is not None]
    percent = _is_percent(percent, ylabel, _floats(df[y]), *bounds)
    hues = _levels(df[hue]) if hue is not None else [None]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for j, h in enumerate(hues):
        part = (df if h is None else df[df[hue] == h]).sort_values(x, kind="mergesort")
        xv, yv = _floats(part[x]), _floats(part[y])
        colour = LINE_PALETTE[j % len(LINE_PALETTE)]
        ax.plot(
            xv,
            yv,
            marker="o",
            color=colour,
            linewidth=2,
            label=label(y, lang) if h is None else label(h, lang),
        )
        if low is not None and high is not None:
            lo, hi = _floats(part[low]), _floats(part[high])
            ax.fill_between(xv, lo, hi, color=colour, alpha=0.18, linewidth=0)
            ax.errorbar(
                xv,
                yv,
                yerr=_errors(yv, lo, hi),
                fmt="none",
                ecolor=colour,
                elinewidth=1,
                capsize=3,
            )
    _year_axis(ax, _floats(df[x]))
    values = np.concatenate([_floats(df[y]), *bounds])
    if values.size and np.nanmin(values, initial=0.0) >= 0:
        ax.set_ylim(bottom=0)
    if percent:
        _percent_axis(ax.yaxis)
    _finish(fig, ax, title, xlabel, ylabel, lang)
    _legend_with_interval(fig, ax, None if hue is None else label(hue, lang), note)
    return fig


def _year_axis(ax: plt.Axes, xs: np.ndarray) -> None:
    """Ticks at the years present (up to 12, else integer ticks), with room around one year."""
    years = np.unique(xs[np.isfinite(xs)])
    if not years.size:
        return
    if years.size <= 12:
        ax.set_xticks(years, [f"{y:g}" for y in years])
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    pad = max(0.5, 0.08 * float(years[-1] - years[0]))
    ax.set_xlim(float(years[0]) - pad, float(years[-1]) + pad)


def small_multiples(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    facet: str,
    title: str,
    xlabel: str,
    ylabel: str,
    low: str | None = None,
    high: str | None = None,
    lang: str = "en",
    percent: bool | None = None,
    ncols: int | None = None,
) -> Figure:
    """One small line panel per ``facet`` level (e.g. one per measure over the years).

    Lines that would hide one another on one axis, or need a legend of many colours, each get a
    panel of their own, titled with the level's label: no legend, one colour.

    Parameters
    ----------
    df : DataFrame
        One row per (facet, x); ``x`` is usually the study year.
    x, y, facet : str
        Columns with the x values, the values and the panel a row belongs to.
    title : str
        The finding, above all panels.
    xlabel, ylabel : str
        Shared axis labels, with units.
    low, high : str, optional
        Interval bounds, drawn as a band in each panel.
    percent : bool, optional
        Values are proportions (0-1) shown as percentages; the panels then share a 0-100% axis.
        Default: when ``ylabel`` contains "%" and all values lie in 0-1. Otherwise each panel has
        its own value axis, starting at 0 when no value is negative.
    ncols : int, optional
        Panels per row; default up to 4 (2 for four panels).

    Returns
    -------
    Figure
        One axes per facet level (order of first appearance or categorical order); the first
        and last value of each panel are written beside their points.
    """
    _check_lang(lang)
    _need(df, [x, y, facet, low, high], "small_multiples")
    bounds = [_floats(df[c]) for c in (low, high) if c is not None]
    percent = _is_percent(percent, ylabel, _floats(df[y]), *bounds)
    levels = _levels(df[facet])
    k = max(1, len(levels))
    ncols = int(ncols) if ncols else (2 if k == 4 else min(k, 4))
    nrows = -(-k // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(max(6.0, min(11.0, 2.7 * ncols + 0.8)), 2.3 * nrows + 1.1),
        sharex=True, sharey=percent, squeeze=False,
    )
    flat = list(axes.ravel())
    for ax, level in zip(flat, levels, strict=False):
        part = df[df[facet] == level].sort_values(x, kind="mergesort")
        xv, yv = _floats(part[x]), _floats(part[y])
        ax.plot(xv, yv, marker="o", color=BASE, linewidth=2)
        if low is not None and high is not None:
            ax.fill_between(xv, _floats(part[low]), _floats(part[high]), color=BASE, alpha=0.18,
                            linewidth=0)
        finite = np.flatnonzero(np.isfinite(yv))
        for i in sorted({int(finite[0]), int(finite[-1])} if finite.size else set()):
            ax.annotate(_value_text(yv[i], percent, lang), (xv[i], yv[i]), textcoords="offset points",
                        xytext=(0, 6), ha="center", fontsize=8, color="#333333")
        ax.set_title(_wrap(label(level, lang), 34), loc="left", fontsize=9)
        _year_axis(ax, _floats(df[x]))
        if percent:
            ax.set_ylim(0, 1.1)
            _percent_axis(ax.yaxis)
        elif yv.size and np.nanmin(yv, initial=0.0) >= 0:
            ax.set_ylim(bottom=0, top=max(1.0, float(np.nanmax(yv, initial=0.0))) * 1.2)
        _dutch_ticks(ax, lang)
    for ax in flat[len(levels):]:
        ax.remove()
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.supxlabel(xlabel, fontsize=10)
    fig.supylabel(ylabel, fontsize=10)
    fig.tight_layout()
    return fig
