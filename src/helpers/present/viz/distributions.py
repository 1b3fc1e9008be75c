"""Distributions: Kaplan-Meier curves of the share still unanswered, and histograms of one value per
municipality with a reference line.

Imports nothing from helpers outside :mod:`helpers.present.viz`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers.present.viz.axes import _finish, _floats, _is_percent, _need, _percent_axis
from helpers.present.viz.labels import _check_lang, label
from helpers.present.viz.theme import ACCENT, BASE, PALETTE


def _thin_steps(frame: pd.DataFrame, columns: Sequence[str], tol: float = 0.002) -> pd.DataFrame:
    """Rows of a step curve that change something by at least ``tol`` (plus the first and last).

    A Kaplan-Meier curve over thousands of questions has one step per answer; steps smaller than
    ``tol`` (0.2 percentage points, under a pixel) are merged into the next kept step, so the SVG
    stays small. The drawn curve differs from the full one by less than ``tol`` everywhere.
    """
    if len(frame) <= 2:
        return frame
    values = frame[list(columns)].to_numpy(dtype=float)
    keep = [0]
    for i in range(1, len(frame) - 1):
        if np.nanmax(np.abs(values[i] - values[keep[-1]]), initial=0.0) >= tol:
            keep.append(i)
    keep.append(len(frame) - 1)
    return frame.iloc[keep]


def km_curves(
    curves: Mapping[str, pd.DataFrame],
    *,
    title: str,
    xlabel: str,
    ylabel: str = "share_unanswered",
    lang: str = "en",
) -> Figure:
    """Kaplan-Meier step curves of the share of questions still unanswered, with interval bands.

    Parameters
    ----------
    curves : dict of label -> DataFrame
        Each frame has ``time`` (in the unit named by ``xlabel``), ``surv`` (0-1) and optionally
        ``low``/``high`` (pointwise interval of ``surv``).
    xlabel : str
        Time axis label with its unit ("Hours since the question (clock time)").
    ylabel : str
        Survival axis label; translated when it is a known key or phrase (default "Share still
        unanswered (%)").

    Returns
    -------
    Figure
        One step line per curve, a shaded band where ``low``/``high`` are given; y in percent.
        Steps smaller than 0.2 percentage points are merged (:func:`_thin_steps`) to keep the
        SVG small.
    """
    _check_lang(lang)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for i, (name, frame) in enumerate(curves.items()):
        _need(frame, ["time", "surv"], f"km_curves[{name!r}]")
        data = frame.sort_values("time", kind="mergesort")
        bands = "low" in data.columns and "high" in data.columns
        data = _thin_steps(data, ["surv", "low", "high"] if bands else ["surv"])
        t, s = _floats(data["time"]), _floats(data["surv"])
        colour = PALETTE[i % len(PALETTE)]
        ax.step(t, s, where="post", color=colour, linewidth=1.8, label=label(name, lang))
        if bands:
            ax.fill_between(
                t,
                _floats(data["low"]),
                _floats(data["high"]),
                step="post",
                color=colour,
                alpha=0.18,
                linewidth=0,
            )
    ax.set_ylim(0, 1.02)
    ax.set_xlim(left=0)
    _percent_axis(ax.yaxis)
    if len(curves) > 1:
        ax.legend(frameon=False)
    return _finish(fig, ax, title, xlabel, label(ylabel, lang), lang)


def distribution(
    values: Sequence[float] | pd.Series | np.ndarray,
    *,
    title: str,
    xlabel: str,
    bins: int | Sequence[float] = 20,
    ref: float | None = None,
    ref_label: str | None = None,
    lang: str = "en",
    ylabel: str | None = None,
    percent: bool | None = None,
) -> Figure:
    """Histogram of values (missing values left out), with an optional vertical reference line.

    Parameters
    ----------
    values : array-like
        The values (e.g. one interaction share per municipality).
    xlabel : str
        Value axis label with its unit.
    bins : int or edges
        Histogram bins.
    ref, ref_label : float and str, optional
        Position and legend text of a reference line (e.g. the published figure); a known key
        (``"pooled"``, ``"published"``) is translated.
    ylabel : str, optional
        Count axis label; default "Number of municipalities".
    percent : bool, optional
        Format the value axis as a percentage of 1. Default: when ``xlabel`` contains "%" and all
        values lie in 0-1.

    Returns
    -------
    Figure
        One axes with the histogram bars (and one vertical line when ``ref`` is given).
    """
    _check_lang(lang)
    data = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    data = data[~np.isnan(data)]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.hist(data, bins=bins, color=BASE, edgecolor="white")
    if ref is not None:
        ax.axvline(
            ref,
            color=ACCENT,
            linewidth=2,
            linestyle="--",
            label=label(ref_label, lang) if ref_label else label("reference", lang),
        )
        ax.legend(frameon=False)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if _is_percent(percent, xlabel, data):
        _percent_axis(ax.xaxis)
    return _finish(fig, ax, title, xlabel, label(ylabel or "frequency", lang), lang)
