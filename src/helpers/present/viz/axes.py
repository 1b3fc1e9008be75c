"""Pieces every figure kind shares: checked columns, whiskers, percent axes, the legend strip below
the axes, titles, wrapped labels and value texts.

Imports nothing from helpers outside :mod:`helpers.present.viz`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter, ScalarFormatter

from helpers.present.viz.labels import label
from helpers.present.viz.theme import WHISKER


def _need(df: pd.DataFrame, columns: Iterable[str | None], what: str) -> None:
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise KeyError(f"{what}: column(s) {missing} not in the data (have {list(df.columns)})")


def _errors(value: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Whisker lengths below and above ``value`` (2 x n, never negative; 0 where unknown)."""
    below = np.nan_to_num(value - low, nan=0.0)
    above = np.nan_to_num(high - value, nan=0.0)
    return np.vstack([np.clip(below, 0, None), np.clip(above, 0, None)])


def _floats(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _percent_axis(axis: matplotlib.axis.Axis) -> None:
    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def _is_percent(percent: bool | None, axis_label: str, *arrays: np.ndarray) -> bool:
    """Whether a value axis shows proportions (0-1) as percentages.

    ``percent`` True or False is obeyed. ``None`` (the default of the figure functions) means: yes
    when the axis label promises percent (contains "%") and every finite value lies in 0-1, so a
    "%" axis never shows ticks 0.50-0.85.
    """
    if percent is not None:
        return bool(percent)
    if "%" not in axis_label:
        return False
    values = np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.array([])
    values = values[np.isfinite(values)]
    return bool(values.size) and bool(((values >= 0) & (values <= 1)).all())

_PAREN = re.compile(r"^(?P<head>.*?)\s*\((?P<inner>[^()]*)\)\s*$")
_ABOUT_INTERVAL = re.compile(r"interval|wilson|betrouwbaarheid|\bci\b", re.IGNORECASE)


def _split_interval(axis_label: str) -> tuple[str, str | None]:
    """Split the description of the whiskers off an axis label.

    An axis is labelled with the quantity and its unit; what the whiskers mean belongs in the
    legend. ``"Response rate (95% Wilson interval)"`` gives ``("Response rate (%)", "95% Wilson
    interval")``, ``"Share of websites (%, Wilson 95%)"`` gives ``("Share of websites (%)", "Wilson
    95% interval")``. A label without such a part comes back unchanged with ``None``.
    """
    m = _PAREN.match(axis_label)
    if m is None:
        return axis_label, None
    parts = [p.strip() for p in m.group("inner").split(",")]
    about = [p for p in parts if _ABOUT_INTERVAL.search(p)]
    if not about:
        return axis_label, None
    rest = [p for p in parts if p not in about]
    note = ", ".join(about)
    if not re.search(r"interval|\bci\b", note, re.IGNORECASE):
        note += " interval"
    unit = ", ".join(rest) if rest else "%"
    return f"{m.group('head')} ({unit})", note


_LEVEL = re.compile(r"\d+(?:[.,]\d+)?%")


def _interval_note(note: str | None, lang: str = "en") -> str | None:
    """The legend text of the whiskers in ``lang``: an English note (``"95% Wilson interval"``,
    ``"Wilson 95% interval"``) becomes ``"95%-BI (Wilson)"`` in Dutch (betrouwbaarheidsinterval);
    English, empty and already Dutch notes come back unchanged."""
    if not note or lang == "en" or re.search(r"\bBI\b|betrouwbaarheid", note):
        return note
    if not _ABOUT_INTERVAL.search(note):
        return label(note, lang)
    level = _LEVEL.search(note)
    text = f"{level.group(0).replace('.', ',')}-BI" if level else "Betrouwbaarheidsinterval"
    return text + (" (Wilson)" if re.search("wilson", note, re.IGNORECASE) else "")


class _CommaFormatter(ScalarFormatter):
    """Matplotlib's default tick numbers with a decimal comma (``2,5``), for Dutch figures."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return super().__call__(x, pos).replace(".", ",")


def _dutch_ticks(ax: plt.Axes, lang: str) -> None:
    """In Dutch (``lang="nl"``), give plain number axes of ``ax`` a decimal comma; percent and
    other custom tick formats (whole numbers) are left as they are."""
    if lang != "nl":
        return
    for axis in (ax.xaxis, ax.yaxis):
        if type(axis.get_major_formatter()) is ScalarFormatter:
            axis.set_major_formatter(_CommaFormatter())


def _interval_handle(note: str) -> Line2D:
    """A legend handle for the whiskers: a short dark line with end caps, labelled ``note``."""
    return Line2D([], [], color=WHISKER, linewidth=1.2, marker="|", markersize=8,
                  markeredgewidth=1.2, label=note)


def _legend_below(
    fig: Figure,
    ax: plt.Axes,
    *,
    handles: list | None = None,
    labels: list[str] | None = None,
    title: str | None = None,
) -> None:
    """Put the legend in a strip below the axes (reserved with ``tight_layout``), never on data."""
    if handles is None or labels is None:
        handles, labels = ax.get_legend_handles_labels()
    rows = -(-len(labels) // 5)
    lines = max((str(t).count("\n") + 1 for t in labels), default=1)
    mark = 0.2  # inches kept free below the legend for the demo mark
    strip = mark + 0.2 + 0.2 * rows * lines + (0.2 if title else 0.0)  # inches
    fig.tight_layout(rect=(0, strip / fig.get_figheight(), 1, 1))
    fig.legend(
        handles,
        labels,
        title=title,
        loc="lower center",
        bbox_to_anchor=(0.5, mark / fig.get_figheight()),
        ncol=min(len(labels), 5),
        frameon=False,
        fontsize=8,
        title_fontsize=9,
    )


def _legend_with_interval(fig: Figure, ax: plt.Axes, title: str | None, note: str | None) -> None:
    """Legend below the axes: the hue levels (when ``title`` is given) and the whiskers' meaning."""
    handles, labels = ax.get_legend_handles_labels() if title is not None else ([], [])
    if note:
        handles, labels = [*handles, _interval_handle(note)], [*labels, note]
    if handles:
        _legend_below(fig, ax, handles=handles, labels=labels, title=title)


def _finish(
    fig: Figure, ax: plt.Axes, title: str, xlabel: str, ylabel: str, lang: str = "en"
) -> Figure:
    """Title (left, bold) and axis labels; in Dutch, a label that is a known English phrase of
    :data:`LABELS` ("Kind of post") is translated (English labels are kept as given) and plain
    number ticks get a decimal comma."""
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    _dutch_ticks(ax, lang)
    ax.set_xlabel(label(xlabel, lang) if xlabel and lang != "en" else xlabel)
    ax.set_ylabel(label(ylabel, lang) if ylabel and lang != "en" else ylabel)
    fig.tight_layout()
    return fig


def _wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (words kept whole)."""
    return textwrap.fill(text, width=width, break_long_words=False) if len(text) > width else text


def _levels(series: pd.Series) -> list:
    """Distinct values in categorical order (if categorical) or order of first appearance."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.dropna())
        return [c for c in series.cat.categories if c in present]
    return list(pd.unique(series.dropna()))


def _value_text(value: float, percent: bool, lang: str = "en") -> str:
    """A value for a point label: ``85%`` for proportions, else up to one decimal (``22.5``;
    ``22,5`` in Dutch)."""
    if percent:
        return f"{value:.0%}"
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", ",") if lang == "nl" else text
