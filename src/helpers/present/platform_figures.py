"""The cross-platform figure (09_platforms): interaction share and median reply time per platform.

One row per platform, two panels: the pooled interaction share and the pooled Kaplan-Meier median
reply time with their 95% intervals (large markers, whiskers), and behind them each municipality
active on two or more platforms that qualifies for the measure (small grey dots, joined by a thin line
per municipality, so a reader sees whether the same municipality behaves differently per platform).
Uses the collection's theme, palette and labels through :mod:`helpers.present.viz`.

Imports nothing from :mod:`helpers.pipeline` or :mod:`helpers.cli`; from helpers only
:mod:`helpers.analysis.platforms` and :mod:`helpers.present.viz`.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import PercentFormatter

from helpers.analysis import platforms as pf
from helpers.present import viz
from helpers.present.viz.axes import _dutch_ticks

#: Most municipalities drawn per panel (the first by code); more would hide the pooled markers.
MAX_MUNICIPALITIES = 400
_TEXT = {
    "en": {"pooled": "All municipalities pooled (95% CI)", "muni": "One municipality on 2+ platforms",
           "hours": "Median time to first reply (hours, Kaplan-Meier)"},
    "nl": {"pooled": "Alle gemeenten samen (95%-BI)", "muni": "Eén gemeente op 2+ platforms",
           "hours": "Mediane tijd tot eerste antwoord (uren, Kaplan-Meier)"},
}


def _panel(ax: plt.Axes, table: pd.DataFrame, order: list[str], value: str, low: str, high: str,
           qualifies: str) -> None:
    """Municipality dots and lines, then the pooled markers with whiskers, on one axis."""
    ypos = {p: i for i, p in enumerate(order)}
    both = pf.multi_platform(table)
    both = both[both[qualifies].astype(bool) & both[value].notna()]
    both = both[both.groupby("gm_code")["platform"].transform("size") > 1]
    codes = sorted(both["gm_code"].unique())[:MAX_MUNICIPALITIES]
    both = both[both["gm_code"].isin(codes)]
    for _, part in both.groupby("gm_code", sort=True):
        ys = part["platform"].map(ypos).to_numpy(float)
        ax.plot(part[value].to_numpy(float), ys, color=viz.NEUTRAL, lw=0.5, alpha=0.35, zorder=1)
    if len(both):
        ax.scatter(both[value].to_numpy(float), both["platform"].map(ypos).to_numpy(float),
                   s=9, color="#888888", alpha=0.5, zorder=2, linewidths=0)
    pooled = pf.pooled(table).reindex(order)
    v = pooled[value].to_numpy(float)
    lo = pooled[low].to_numpy(float)
    hi = pooled[high].replace(np.inf, np.nan).to_numpy(float)  # an open upper limit: no whisker end
    y = np.arange(len(order), dtype=float)
    for i in range(len(order)):
        if np.isnan(v[i]):
            continue
        colour = viz.LINE_PALETTE[i % len(viz.LINE_PALETTE)]
        err = np.array([[max(v[i] - lo[i], 0.0) if not np.isnan(lo[i]) else 0.0],
                        [max(hi[i] - v[i], 0.0) if not np.isnan(hi[i]) else 0.0]])
        ax.errorbar([v[i]], [y[i]], xerr=err, fmt="D", ms=8, color=colour, ecolor=viz.WHISKER,
                    elinewidth=1.5, capsize=4, zorder=3)
    ax.set_yticks(y)
    ax.set_ylim(len(order) - 0.5, -0.5)


def platform_comparison(table: pd.DataFrame, *, title: str, lang: str = "en") -> Figure:
    """Interaction share and median reply time per platform, pooled and per municipality.

    Parameters
    ----------
    table : DataFrame
        From :func:`helpers.analysis.platforms.compare` (its ``scope``, ``platform``, ``gm_code``,
        interaction and Kaplan-Meier columns and the ``*_ranked`` flags).
    title : str
        States the finding (:func:`helpers.present.titles.title_platform_comparison`).
    lang : str
        ``"en"`` or ``"nl"``: axis labels, platform names and legend.

    Returns
    -------
    Figure
        Two panels sharing the platform axis: interaction share (%, 0-100) and the Kaplan-Meier
        median time to the first reply (hours, from 0). Pooled values are diamonds with 95% whiskers
        (an open upper limit has no whisker end); grey dots joined per municipality are the
        municipalities on two or more platforms that reach the minimum base (left) or the minimum
        questions (right). A platform without a value in a panel has an empty row there.
    """
    if lang not in viz.LANGS:
        raise ValueError(f"lang must be 'en' or 'nl', not {lang!r}")
    order = list(pf.pooled(table).index)
    text = _TEXT[lang]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 1.6 + 0.9 * max(len(order), 1)), sharey=True)
    _panel(left, table, order, "interaction_share", "interaction_low", "interaction_high",
           "interaction_ranked")
    _panel(right, table, order, "km_median_hours", "km_median_low", "km_median_high",
           "response_ranked")
    left.set_yticklabels([viz.label(p, lang) for p in order])
    left.set_xlim(0, 1)
    left.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    left.set_xlabel(viz.label("interaction_share", lang))
    right.set_xlim(left=0)
    _dutch_ticks(right, lang)  # hours: a decimal comma in Dutch
    right.set_xlabel(text["hours"])
    left.set_ylabel(viz.label("platform", lang))
    handles = [
        Line2D([], [], marker="D", color=viz.WHISKER, ls="-", lw=1.5, ms=7, label=text["pooled"]),
        Line2D([], [], marker="o", color="#888888", ls="-", lw=0.5, ms=4, label=text["muni"]),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=2, frameon=False, bbox_to_anchor=(0.5, -0.02))
    wrapped = textwrap.fill(title, 90)
    fig.suptitle(wrapped, x=0.01, ha="left", fontsize=12, fontweight="bold")
    top = 1 - 0.06 * (wrapped.count("\n") + 1) * 3 / (1.6 + 0.9 * max(len(order), 1))
    fig.tight_layout(rect=(0, 0.08, 1, top))
    return fig
