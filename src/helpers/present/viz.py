"""Figures: one seaborn theme, a colour-blind-safe palette, and deterministic PNG/SVG output.

Every figure function returns a matplotlib :class:`~matplotlib.figure.Figure` and saves nothing:
notebooks call ``run.save_figure(fig, name)``, which writes PNG and SVG byte-identical from run to
run and stamps a visible "demo data (synthetic)" mark on every figure made from demo data.

Titles are passed in by the caller and should state the finding ("Utrecht replies most: 85% of
its posts"), not the topic. Axis labels carry units. ``lang`` (``"en"`` or ``"nl"``) picks the
language of the labels a function makes itself; :func:`label` translates known keys (platforms,
measures, size classes, survey groups, units) and returns anything else unchanged.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import matplotlib

if "ipykernel" not in sys.modules and "MPLBACKEND" not in os.environ:
    # Scripts and tests need no display; inside a Jupyter kernel the inline backend stays in
    # charge, so figures show under their cell.
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.colors import to_hex, to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import MaxNLocator, PercentFormatter  # noqa: E402

#: Okabe-Ito: distinguishable with every common form of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
#: Colour of ordinary bars, of highlighted bars, of interval whiskers and of neutral answers.
BASE, ACCENT, WHISKER, NEUTRAL = PALETTE[0], PALETTE[3], "#333333", "#BBBBBB"
#: Colours of lines and points on white: Okabe-Ito without its yellow (#F0E442), which is too light
#: to read on a white background.
LINE_PALETTE = [c for c in PALETTE if c != "#F0E442"]
#: Resolution of saved PNGs (dots per inch); the notebooks show figures at 100.
DPI = 200
#: Tick and legend labels longer than this (characters) are wrapped over more lines.
WRAP = 28
DEMO_MARK = {"en": "DEMO DATA (synthetic)", "nl": "DEMODATA (synthetisch)"}
#: Matplotlib ``gid`` of the demo mark: the SVG holds ``id="demo-mark"`` and the mark's text.
DEMO_GID = "demo-mark"
SVG_HASHSALT = "roeptoeter"
LANGS = ("en", "nl")

#: Known label keys in English and Dutch (platforms, measures, size classes, groups, units, axes).
LABELS: dict[str, dict[str, str]] = {
    # platforms
    "twitter": {"en": "Twitter", "nl": "Twitter"},
    "facebook": {"en": "Facebook", "nl": "Facebook"},
    "instagram": {"en": "Instagram", "nl": "Instagram"},
    "linkedin": {"en": "LinkedIn", "nl": "LinkedIn"},
    "youtube": {"en": "YouTube", "nl": "YouTube"},
    "mastodon": {"en": "Mastodon", "nl": "Mastodon"},
    "bluesky": {"en": "Bluesky", "nl": "Bluesky"},
    "website": {"en": "Website", "nl": "Website"},
    "platform": {"en": "Platform", "nl": "Platform"},
    # presence measures
    "has_account": {"en": "Has an account", "nl": "Heeft een account"},
    "has_corporate": {"en": "Has a corporate account", "nl": "Heeft een corporate account"},
    "active": {"en": "Active (posted in window)", "nl": "Actief (postte in periode)"},
    "measure": {"en": "Measure", "nl": "Maat"},
    # website measures (websites.item_shares / yearly_shares)
    "info_in_order": {"en": "Information in order", "nl": "Informatie op orde"},
    "any_eservice": {"en": "At least one e-service", "nl": "Minstens één e-dienst"},
    "item": {"en": "Item", "nl": "Onderdeel"},
    # kinds of own posts and the groups compared (03_interaction)
    "original": {"en": "Own posts", "nl": "Eigen berichten"},
    "repost": {"en": "Reposts", "nl": "Doorgestuurde berichten"},
    "reply": {"en": "Replies", "nl": "Antwoorden"},
    "kind": {"en": "Kind of post", "nl": "Soort bericht"},
    "top100": {"en": "100 largest municipalities", "nl": "100 grootste gemeenten"},
    "pooled": {"en": "Pooled over all posts", "nl": "Gepoold over alle berichten"},
    "megaphone_share": {"en": "Megaphone share (%)", "nl": "Roeptoetergehalte (%)"},
    # messages to the municipality vs about it (05_monitoring)
    "addressed": {"en": "Addressed to the municipality", "nl": "Gericht aan de gemeente"},
    "indirect": {"en": "Not addressed to it (indirect)", "nl": "Niet aan de gemeente gericht"},
    # days of the question (04_response_time)
    "weekday": {"en": "Asked on a weekday", "nl": "Gesteld op een werkdag"},
    "weekend": {"en": "Asked in the weekend", "nl": "Gesteld in het weekend"},
    # size classes (inhabitants on 1 January)
    "S": {"en": "Small (< 50,000)", "nl": "Klein (< 50.000)"},
    "M": {"en": "Medium (50,000-99,999)", "nl": "Middel (50.000-99.999)"},
    "L": {"en": "Large (>= 100,000)", "nl": "Groot (>= 100.000)"},
    "size_class": {"en": "Size class", "nl": "Grootteklasse"},
    # survey groups (Dutch terms kept: griffie = council clerk's office, KCC = contact centre)
    "college": {"en": "Executive (college)", "nl": "College van B&W"},
    "raad": {"en": "Council (raad)", "nl": "Gemeenteraad"},
    "griffie": {"en": "Council clerk (griffie)", "nl": "Griffie"},
    "directie": {"en": "Directors (directie)", "nl": "Directie"},
    "middenmanagement": {"en": "Middle management", "nl": "Middenmanagement"},
    "communicatie": {"en": "Communications", "nl": "Communicatie"},
    "kcc": {"en": "Contact centre (KCC)", "nl": "Klantcontactcentrum (KCC)"},
    "vakafdelingen": {"en": "Policy departments", "nl": "Vakafdelingen"},
    "group": {"en": "Group", "nl": "Groep"},
    # survey reasons
    "fear_of_workload": {"en": "Fear of workload", "nl": "Angst voor werkdruk"},
    "lack_of_affinity": {"en": "Lack of affinity", "nl": "Gebrek aan affiniteit"},
    "unfamiliarity": {"en": "Unfamiliarity", "nl": "Onbekendheid"},
    "reputation_risk": {"en": "Reputation risk", "nl": "Reputatierisico"},
    "no_budget": {"en": "No budget", "nl": "Geen budget"},
    # website e-services (websites.py)
    "eservice_bijstand_aanvragen": {"en": "Apply for social assistance online",
                                    "nl": "Bijstand online aanvragen"},
    "eservice_inkomenswijziging": {"en": "Report a change in income", "nl": "Inkomenswijziging doorgeven"},
    "eservice_werkzoekende": {"en": "Register as a job seeker", "nl": "Inschrijven als werkzoekende"},
    "eservice_werkgevers": {"en": "Online service for employers", "nl": "Online dienst voor werkgevers"},
    "eservice_schuldhulp": {"en": "Request debt assistance online", "nl": "Schuldhulp online aanvragen"},
    # policy themes of citizen messages (schemas.THEMES)
    "afval": {"en": "Waste", "nl": "Afval"},
    "verkeer": {"en": "Traffic and roads", "nl": "Verkeer"},
    "zorg": {"en": "Care and youth", "nl": "Zorg"},
    "werk_inkomen": {"en": "Work and income", "nl": "Werk en inkomen"},
    "veiligheid": {"en": "Public safety", "nl": "Veiligheid"},
    "evenementen": {"en": "Events and permits", "nl": "Evenementen"},
    "belastingen": {"en": "Local taxes", "nl": "Belastingen"},
    "overig": {"en": "Other", "nl": "Overig"},
    "theme": {"en": "Theme", "nl": "Thema"},
    # units and axes
    "year": {"en": "Year", "nl": "Jaar"},
    "proportion": {"en": "Share (%)", "nl": "Aandeel (%)"},
    "share": {"en": "Share (%)", "nl": "Aandeel (%)"},
    "percent": {"en": "Percent (%)", "nl": "Procent (%)"},
    "hours": {"en": "Hours", "nl": "Uren"},
    "business_hours": {"en": "Business hours", "nl": "Kantooruren"},
    "municipalities": {"en": "Municipalities", "nl": "Gemeenten"},
    "municipality": {"en": "Municipality", "nl": "Gemeente"},
    "count": {"en": "Count", "nl": "Aantal"},
    "frequency": {"en": "Number of municipalities", "nl": "Aantal gemeenten"},
    "interval": {"en": "Interval", "nl": "Interval"},
    "share_municipalities": {
        "en": "Share of municipalities (%)",
        "nl": "Aandeel gemeenten (%)",
    },
    "share_unanswered": {
        "en": "Share still unanswered (%)",
        "nl": "Aandeel nog onbeantwoord (%)",
    },
    "share_valid_answers": {
        "en": "Share of valid answers (%)",
        "nl": "Aandeel geldige antwoorden (%)",
    },
    "interaction_share": {"en": "Interaction share (%)", "nl": "Interactieaandeel (%)"},
    "response_time": {"en": "Response time (hours)", "nl": "Reactietijd (uren)"},
    "all": {"en": "All municipalities", "nl": "Alle gemeenten"},
    "reference": {"en": "Reference", "nl": "Referentie"},
    "published": {"en": "Published", "nl": "Gepubliceerd"},
    "computed": {"en": "Computed", "nl": "Berekend"},
}
#: English label text -> key, so that English phrases passed in by callers translate too.
_BY_ENGLISH = {v["en"].lower(): k for k, v in LABELS.items()}


# --- theme, labels, saving ------------------------------------------------------------------------
def set_theme() -> None:
    """Apply the collection's one theme (seaborn whitegrid, Okabe-Ito, fixed SVG hash salt)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams["svg.hashsalt"] = SVG_HASHSALT
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = DPI
    plt.rcParams["figure.figsize"] = (8, 4.5)


def label(key: object, lang: str = "en") -> str:
    """The ``lang`` label of a known key (``"twitter"``, ``"S"``, ``"middenmanagement"``...).

    Keys are matched exactly, then case-insensitively, then as the English label text (so
    ``label("Share still unanswered", "nl")`` gives the Dutch phrase). Unknown keys come back
    unchanged (as ``str``).
    """
    _check_lang(lang)
    text = str(key)
    entry = LABELS.get(text) or LABELS.get(text.lower())
    if entry is None and text.lower() in _BY_ENGLISH:
        entry = LABELS[_BY_ENGLISH[text.lower()]]
    return entry[lang] if entry else text


#: :func:`label` under a name that function parameters called ``label`` do not shadow.
_tr = label


def mark_demo(fig: Figure, lang: str = "en") -> None:
    """Stamp the demo-data mark on a figure (bottom right, red, bold); idempotent."""
    if any(t.get_gid() == DEMO_GID for t in fig.texts):
        return
    fig.text(
        0.995,
        0.005,
        DEMO_MARK[lang],
        ha="right",
        va="bottom",
        fontsize=9,
        color="#D55E00",
        fontweight="bold",
        gid=DEMO_GID,
    )


def save_figure(fig: Figure, stem: Path, *, demo: bool, lang: str = "en") -> list[Path]:
    """Save ``fig`` as ``<stem>.png`` (at :data:`DPI`) and ``<stem>.svg``, byte-identical run to run.

    The PNG carries no software tag, the SVG no date and a fixed hash salt for its element ids.

    Parameters
    ----------
    fig : Figure
        The figure to save.
    stem : Path
        Path without suffix (``figures/presence_by_platform``); parents are created.
    demo : bool
        True when the figure shows demo data: the demo mark is stamped on first.
    lang : str
        Language of the demo mark.

    Returns
    -------
    list of Path
        The two files written.
    """
    if demo:
        mark_demo(fig, lang)
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, metadata={"Software": None}, bbox_inches="tight", dpi=DPI)
    with plt.rc_context({"svg.hashsalt": SVG_HASHSALT}):
        fig.savefig(svg, metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return [png, svg]


# --- small internals ------------------------------------------------------------------------------
def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'nl', not {lang!r}")


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


def _interval_handle(note: str) -> Line2D:
    """A legend handle for the whiskers: a short dark line with end caps, labelled ``note``."""
    return Line2D([], [], color=WHISKER, linewidth=1.2, marker="|", markersize=8,
                  markeredgewidth=1.2, label=note)


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


def _blend(colour: str, towards: str, t: float) -> str:
    a, b = np.array(to_rgb(colour)), np.array(to_rgb(towards))
    return to_hex(a + (b - a) * t)


def _ramp(strong: str, k: int) -> list[str]:
    """``k`` shades from ``strong`` (first) to a light tint (last)."""
    if k <= 1:
        return [strong]
    return [_blend(strong, "#FFFFFF", 0.6 * i / (k - 1)) for i in range(k)]


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
    :data:`LABELS` ("Kind of post") is translated (English labels are kept as given)."""
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_xlabel(label(xlabel, lang) if xlabel and lang != "en" else xlabel)
    ax.set_ylabel(label(ylabel, lang) if ylabel and lang != "en" else ylabel)
    fig.tight_layout()
    return fig


# --- figure kinds ---------------------------------------------------------------------------------
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
    note = interval or note
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
    note = interval or note
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
    note = interval or note
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


def _capital(text: str) -> str:
    """``text`` with its first letter in upper case (answer labels of the codebook are lower case)."""
    return text[:1].upper() + text[1:]


def _wrap(text: str, width: int) -> str:
    """``text`` broken into lines of at most ``width`` characters (words kept whole)."""
    return textwrap.fill(text, width=width, break_long_words=False) if len(text) > width else text


def _levels(series: pd.Series) -> list:
    """Distinct values in categorical order (if categorical) or order of first appearance."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(series.dropna())
        return [c for c in series.cat.categories if c in present]
    return list(pd.unique(series.dropna()))


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
            ax.annotate(_value_text(yv[i], percent), (xv[i], yv[i]), textcoords="offset points",
                        xytext=(0, 6), ha="center", fontsize=8, color="#333333")
        ax.set_title(_wrap(label(level, lang), 34), loc="left", fontsize=9)
        _year_axis(ax, _floats(df[x]))
        if percent:
            ax.set_ylim(0, 1.1)
            _percent_axis(ax.yaxis)
        elif yv.size and np.nanmin(yv, initial=0.0) >= 0:
            ax.set_ylim(bottom=0, top=max(1.0, float(np.nanmax(yv, initial=0.0))) * 1.2)
    for ax in flat[len(levels):]:
        ax.remove()
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.supxlabel(xlabel, fontsize=10)
    fig.supylabel(ylabel, fontsize=10)
    fig.tight_layout()
    return fig


def _value_text(value: float, percent: bool) -> str:
    """A value for a point label: ``85%`` for proportions, else up to one decimal (``22.5``)."""
    if percent:
        return f"{value:.0%}"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


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
    fig, axes = plt.subplots(k, 1, figsize=(8, 0.32 * len(names) * k + 0.6 * k + 0.9), squeeze=False)
    none_text = {"en": "not measured for this municipality", "nl": "niet gemeten voor deze gemeente"}
    for ax, (col, axis_label) in zip(axes[:, 0], figures.items(), strict=False):
        values = pd.Series(_floats(df[col]), index=df.index)
        pct = (percent or {}).get(col)
        pct = _is_percent(pct, axis_label, values.to_numpy())
        mine = float(values.loc[highlight])
        for row, name in enumerate(names):
            vals = values[groups[name].reindex(df.index, fill_value=False).astype(bool)].dropna()
            y = len(names) - 1 - row
            offsets = ((np.arange(len(vals)) * 0.618034) % 1.0 - 0.5) * 0.5
            ax.scatter(vals.to_numpy(), y + offsets, s=10, color=NEUTRAL, alpha=0.8, linewidths=0,
                       zorder=2)
            if len(vals):
                ax.plot([vals.median()] * 2, [y - 0.35, y + 0.35], color=WHISKER, linewidth=2,
                        zorder=3)
            if np.isfinite(mine):
                ax.plot([mine], [y], marker="D", markersize=8, color=ACCENT, markeredgecolor="white",
                        linestyle="none", zorder=4, gid="highlight" if row == 0 else None)
        ax.set_yticks(range(len(names)), [_wrap(n, WRAP) for n in reversed(names)], fontsize=8)
        ax.set_ylim(-0.6, len(names) - 0.1)  # room for the label
        ax.set_xlabel(axis_label, fontsize=9)
        if pct:
            _percent_axis(ax.xaxis)
        elif values.dropna().size and (values.dropna() % 1 == 0).all():  # counts, scores: whole ticks
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if np.isfinite(mine):
            ax.annotate(f"{highlight_label}: {_value_text(mine, pct)}", (mine, len(names) - 1),
                        textcoords="offset points", xytext=(6, 6), fontsize=8, color=ACCENT,
                        fontweight="bold")
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
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    _legend_below(fig, axes[-1, 0], handles=handles, labels=[h.get_label() for h in handles])
    fig.subplots_adjust(top=1 - 0.45 / fig.get_figheight())
    return fig
