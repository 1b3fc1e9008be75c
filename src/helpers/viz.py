"""Figures: one seaborn theme, a colour-blind-safe palette, and deterministic PNG/SVG output.

Every figure made from demo data carries a visible "demo data (synthetic)" mark.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed; JupyterLab still shows figures inline via the backend
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

#: Okabe-Ito: distinguishable with every common form of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
DEMO_MARK = {"en": "DEMO DATA (synthetic)", "nl": "DEMODATA (synthetisch)"}


def set_theme() -> None:
    """Apply the collection's one theme (seaborn whitegrid, Okabe-Ito, fixed SVG hash salt)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams["svg.hashsalt"] = "roeptoeter"
    plt.rcParams["figure.dpi"] = 100
    plt.rcParams["savefig.dpi"] = 100
    plt.rcParams["figure.figsize"] = (8, 4.5)


def mark_demo(fig: plt.Figure, lang: str = "en") -> None:
    """Stamp the demo-data mark on a figure (bottom right, red, always visible)."""
    fig.text(
        0.995, 0.005, DEMO_MARK[lang], ha="right", va="bottom", fontsize=9, color="#D55E00",
        fontweight="bold",
    )


def save_figure(fig: plt.Figure, stem: Path, *, demo: bool, lang: str = "en") -> list[Path]:
    """Save ``fig`` as ``<stem>.png`` and ``<stem>.svg``, byte-identical from run to run.

    Returns
    -------
    list of Path
        The two files written.
    """
    if demo:
        mark_demo(fig, lang)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    fig.savefig(png, metadata={"Software": None}, bbox_inches="tight")
    with plt.rc_context({"svg.hashsalt": "roeptoeter"}):
        fig.savefig(svg, metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return [png, svg]
