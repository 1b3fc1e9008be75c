"""Diverging stacked bars of ordered (Likert) answers, centred on the neutral category.

Imports nothing from helpers outside :mod:`helpers.present.viz`.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import to_hex, to_rgb
from matplotlib.figure import Figure

from helpers.present.viz.axes import _finish, _legend_below, _wrap
from helpers.present.viz.labels import _check_lang, label
from helpers.present.viz.theme import NEUTRAL, PALETTE, WRAP


def _blend(colour: str, towards: str, t: float) -> str:
    a, b = np.array(to_rgb(colour)), np.array(to_rgb(towards))
    return to_hex(a + (b - a) * t)


def _ramp(strong: str, k: int) -> list[str]:
    """``k`` shades from ``strong`` (first) to a light tint (last)."""
    if k <= 1:
        return [strong]
    return [_blend(strong, "#FFFFFF", 0.6 * i / (k - 1)) for i in range(k)]


def _capital(text: str) -> str:
    """``text`` with its first letter in upper case (answer labels of the codebook are lower case)."""
    return text[:1].upper() + text[1:]


def likert_diverging(
    shares: pd.DataFrame,
    *,
    title: str,
    neutral: str | None,
    negative: Sequence[str],
    positive: Sequence[str],
    n: pd.Series | None = None,
    lang: str = "en",
    xlabel: str | None = None,
) -> Figure:
    """Diverging stacked bars of ordered answers, centred on the middle of the neutral category.

    Parameters
    ----------
    shares : DataFrame
        Index = items (groups, statements), in the order to show from top to bottom; columns =
        answer categories; values = shares (0-1) of the valid answers of each item.
    neutral : str or None
        The middle category (half drawn left, half right of zero), or None for an even scale.
    negative, positive : list of str
        Categories left and right of the centre, each listed from the most extreme to the mildest
        (``["strongly disagree", "disagree"]``, ``["strongly agree", "agree"]``).
    n : Series, optional
        Base (number of valid answers) per item, printed at the right.
    xlabel : str, optional
        Axis label; default "Share of valid answers (%)".

    Returns
    -------
    Figure
        One bar segment per item and category; x axis in percent, negative to the left.
    """
    _check_lang(lang)
    categories = list(negative) + ([neutral] if neutral is not None else []) + list(positive)
    missing = [c for c in categories if c not in shares.columns]
    if missing:
        raise KeyError(f"likert_diverging: categories {missing} not in shares columns")
    data = shares[categories].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    neg_colours = _ramp(PALETTE[3], len(negative))  # vermillion -> light
    pos_colours = _ramp(PALETTE[0], len(positive))  # blue -> light
    # Left to right: strongest ... mildest negative, neutral, mildest ... strongest positive.
    order = list(negative) + ([neutral] if neutral is not None else []) + list(positive)[::-1]
    colours = dict(zip(negative, neg_colours, strict=True))
    colours.update(dict(zip(positive, pos_colours, strict=True)))
    if neutral is not None:
        colours[neutral] = NEUTRAL
    items = list(data.index)
    pos = np.arange(len(items))[::-1]  # first item on top
    left = -data[list(negative)].sum(axis=1).to_numpy()
    if neutral is not None:
        left = left - data[neutral].to_numpy() / 2
    fig, ax = plt.subplots(figsize=(9, max(2.8, 0.42 * len(items) + 1.8)))
    start = left.copy()
    for cat in order:
        width = data[cat].to_numpy()
        ax.barh(
            pos,
            width,
            left=start,
            color=colours[cat],
            height=0.7,
            label=label(cat, lang),
            edgecolor="white",
            linewidth=0.5,
        )
        start = start + width
    ax.axvline(0, color="#555555", linewidth=1)
    reach = float(max(np.abs(left).max(initial=0.0), (left + data.sum(axis=1).to_numpy()).max(initial=0.0)))
    reach = max(reach, 0.1) * 1.08
    ax.set_xlim(-reach, reach * (1.18 if n is not None else 1.0))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: f"{abs(v) * 100:.0f}%"))
    ax.set_yticks(pos, [_wrap(label(i, lang), WRAP) for i in items])
    if n is not None:
        bases = pd.Series(n).reindex(items)
        for y, base in zip(pos, bases, strict=True):
            text = "" if pd.isna(base) else f"n={int(base)}"
            ax.text(reach * 1.02, y, text, va="center", ha="left", fontsize=8, color="#555555")
    handles, labels_ = ax.get_legend_handles_labels()
    wanted = [label(c, lang) for c in order]
    by_label = dict(zip(labels_, handles, strict=True))
    handles_ = [by_label[w] for w in wanted]
    wanted = [_wrap(_capital(w), 18) for w in wanted]
    ax.grid(axis="y", visible=False)
    _finish(fig, ax, title, xlabel or label("share_valid_answers", lang), "", lang)
    _legend_below(fig, ax, handles=handles_, labels=wanted)
    return fig
