"""The collection's one figure theme: the colour-blind-safe palette, the demo mark and deterministic
PNG/SVG saving.

Imports nothing from helpers outside :mod:`helpers.present.viz`.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib.figure import Figure

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


def set_theme() -> None:
    """Apply the collection's one theme (seaborn whitegrid, Okabe-Ito, fixed SVG hash salt)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams["svg.hashsalt"] = SVG_HASHSALT
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = DPI
    plt.rcParams["figure.figsize"] = (8, 4.5)


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
