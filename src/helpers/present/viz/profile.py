"""The municipality profile's picture: where one municipality sits among its peer groups, one strip
(dot) panel per key figure.

Imports nothing from helpers outside :mod:`helpers.present.viz` (the profiles pass it data).
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from helpers.present.viz.axes import (
    _floats,
    _is_percent,
    _need,
    _percent_axis,
    _value_text,
    _wrap,
)
from helpers.present.viz.labels import _check_lang
from helpers.present.viz.theme import ACCENT, NEUTRAL, WHISKER, WRAP


def profile_strips(
    df: pd.DataFrame,
    *,
    figures: Mapping[str, str],
    groups: Mapping[str, pd.Series],
    highlight: str,
    highlight_label: str,
    title: str,
    percent: Mapping[str, bool] | None = None,
    lang: str = "en",
) -> Figure:
    """Where one municipality sits among its peers: one strip (dot) panel per key figure.

    Each panel has one row per peer group; every municipality of the group with a value is a small
    grey dot (spread vertically by a fixed, data-independent offset, so output is deterministic),
    the group's median a dark vertical tick, and the highlighted municipality a large vermilion
    diamond (colour, marker and a label with its value, so it reads without colour too).

    Parameters
    ----------
    df : DataFrame
        One row per municipality, indexed by its code; a column per key figure.
    figures : mapping
        Column -> axis label with unit (``"Median time to first reply (hours)"``), in panel order.
    groups : mapping
        Peer-group label -> boolean Series on ``df.index`` (members), in row order (top first).
    highlight : str
        Index value of the municipality to highlight.
    highlight_label : str
        Its name, written beside its diamond in the top row.
    title : str
        The finding (``"Utrecht 2014: better than the median on 4 of 6 key figures"``).
    percent : mapping, optional
        Column -> True when its values are proportions (0-1) shown as percentages. Default: as
        :func:`_is_percent` decides from the axis label and values.
    lang : str
        Language of the "not measured" note.

    Returns
    -------
    Figure
        One axes per figure; in each, the highlighted point is the only line with ``gid``
        ``"highlight"`` (absent when the municipality has no value: the panel then says so).

    Raises
    ------
    KeyError
        When a figure column is missing or ``highlight`` is not in the index.
    """
    _check_lang(lang)
    _need(df, list(figures), "profile_strips")
    if highlight not in df.index:
        raise KeyError(f"profile_strips: {highlight!r} is not in the data")
    k = max(1, len(figures))
    names = list(groups)
    fig, axes = _strip_axes(k, len(names))
    none_text = {"en": "not measured for this municipality", "nl": "niet gemeten voor deze gemeente"}
    for ax, (col, axis_label) in zip(axes[:, 0], figures.items(), strict=False):
        values = pd.Series(_floats(df[col]), index=df.index)
        pct = (percent or {}).get(col)
        pct = _is_percent(pct, axis_label, values.to_numpy())
        mine = float(values.loc[highlight])
        dots_x, dots_y, medians = [], [], []  # one collection per kind and panel, not per row
        for row, name in enumerate(names):
            vals = values[groups[name].reindex(df.index, fill_value=False).astype(bool)].dropna()
            y = len(names) - 1 - row
            dots_x.append(vals.to_numpy())
            dots_y.append(y + ((np.arange(len(vals)) * 0.618034) % 1.0 - 0.5) * 0.5)
            if len(vals):
                medians.append((vals.median(), y))
        ax.scatter(np.concatenate(dots_x), np.concatenate(dots_y), s=10, color=NEUTRAL, alpha=0.8,
                   linewidths=0, zorder=2)
        if medians:
            ax.vlines([m for m, _ in medians], [y - 0.35 for _, y in medians],
                      [y + 0.35 for _, y in medians], color=WHISKER, linewidth=2, zorder=3)
        if np.isfinite(mine):  # one marker per row, the top one labelled below
            ax.plot([mine] * len(names), range(len(names)), marker="D", markersize=8, color=ACCENT,
                    markeredgecolor="white", linestyle="none", zorder=4, gid="highlight")
        ax.set_yticks(range(len(names)), [_wrap(n, WRAP) for n in reversed(names)], fontsize=8)
        ax.set_ylim(-0.6, len(names) - 0.1)  # room for the label
        ax.set_xlabel(axis_label, fontsize=9)
        whole = bool(values.dropna().size and (values.dropna() % 1 == 0).all())  # counts, scores
        # at most about six ticks: a strip is read for position, and each tick label is drawn text
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=whole and not pct))
        if pct:
            _percent_axis(ax.xaxis)
        if np.isfinite(mine):  # the label on the side with room, so it stays inside the panel
            low, high = ax.get_xlim()
            right = high <= low or (mine - low) / (high - low) > 0.7
            ax.annotate(f"{highlight_label}: {_value_text(mine, pct, lang)}", (mine, len(names) - 1),
                        textcoords="offset points", xytext=(-6 if right else 6, 6), fontsize=8,
                        color=ACCENT, fontweight="bold", ha="right" if right else "left")
        else:
            ax.text(0.99, 0.5, none_text[lang], transform=ax.transAxes, ha="right", va="center",
                    fontsize=8, color=WHISKER, style="italic")
        ax.tick_params(axis="x", labelsize=8)
        ax.grid(axis="y", visible=False)
    handles = [
        Line2D([], [], marker="D", color=ACCENT, markeredgecolor="white", linestyle="none",
               markersize=8, label=highlight_label),
        Line2D([], [], marker="o", color=NEUTRAL, linestyle="none", markersize=4,
               label={"en": "other municipalities", "nl": "andere gemeenten"}[lang]),
        Line2D([], [], marker="|", color=WHISKER, linestyle="none", markersize=10,
               markeredgewidth=2, label={"en": "median of the group", "nl": "mediaan van de groep"}[lang]),
    ]
    height = fig.get_figheight()
    fig.suptitle(title, x=0.01, y=1 - 0.08 / height, ha="left", va="top", fontsize=12,
                 fontweight="bold")
    fig.legend(handles, [h.get_label() for h in handles], loc="lower center",
               bbox_to_anchor=(0.5, _MARK_IN / height), ncol=len(handles), frameon=False, fontsize=8)
    return fig


#: Fixed geometry of the profile picture, in inches: drawn once without a layout engine or a tight
#: bounding box (each of which draws the figure again; for 403 pages that was half the time).
_WIDTH_IN, _LEFT_IN, _RIGHT_IN = 8.0, 1.75, 0.2
_TITLE_IN = 0.5    # above the first panel: the title
_ROW_IN = 0.32     # per peer-group row of a panel
_BELOW_IN = 0.62   # below each panel: its tick labels and axis label
_LEGEND_IN = 0.55  # at the bottom: the legend, above the demo mark's strip
_MARK_IN = 0.2     # the strip kept free for the demo mark (:func:`helpers.present.viz.mark_demo`)


def _strip_axes(k: int, rows: int) -> tuple[Figure, np.ndarray]:
    """A figure with ``k`` panels of ``rows`` rows each, stacked, at fixed positions (inches)."""
    panel = _ROW_IN * rows
    height = _TITLE_IN + k * (panel + _BELOW_IN) + _LEGEND_IN
    fig = plt.figure(figsize=(_WIDTH_IN, height))
    axes = np.empty((k, 1), dtype=object)
    for i in range(k):
        bottom = height - _TITLE_IN - (i + 1) * panel - i * _BELOW_IN
        axes[i, 0] = fig.add_axes((_LEFT_IN / _WIDTH_IN, bottom / height,
                                   1 - (_LEFT_IN + _RIGHT_IN) / _WIDTH_IN, panel / height))
    return fig, axes
