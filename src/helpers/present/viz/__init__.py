"""Figures: one seaborn theme, a colour-blind-safe palette, and deterministic PNG/SVG output.

Every figure function returns a matplotlib :class:`~matplotlib.figure.Figure` and saves nothing:
notebooks call ``run.save_figure(fig, name)``, which writes PNG and SVG byte-identical from run to
run and stamps a visible "demo data (synthetic)" mark on every figure made from demo data.

Titles are passed in by the caller and should state the finding ("Utrecht replies most: 85% of
its posts"), not the topic; the notebooks take them from :mod:`helpers.present.titles`, in the
figure's language. Axis labels carry units. ``lang`` (``"en"`` or ``"nl"``) picks the
language of the labels a function makes itself; :func:`label` translates known keys (platforms,
measures, size classes, survey groups, units) and returns anything else unchanged. In Dutch, an
English axis phrase of :data:`LABELS` and an English whisker note ("95% Wilson interval" ->
"95%-BI (Wilson)") are translated, and plain number ticks get a decimal comma.

The package holds one concern per module, and this ``__init__`` re-exports the public API, so
callers keep writing ``viz.ranked_bars(...)``:

- :mod:`.labels`: the known keys in English and Dutch, :func:`label`;
- :mod:`.theme`: palette, :func:`set_theme`, the demo mark, :func:`save_figure`;
- :mod:`.axes`: pieces the figure kinds share (percent axes, legends below, titles, wrapping);
- :mod:`.bars`: :func:`ranked_bars`, :func:`grouped_bars`, :func:`presence_bars`;
- :mod:`.likert`: :func:`likert_diverging`;
- :mod:`.distributions`: :func:`km_curves`, :func:`distribution`;
- :mod:`.trends`: :func:`line_trend`, :func:`small_multiples`;
- :mod:`.profile`: :func:`profile_strips`.

Must not import: anything from helpers outside this package (figures get their data passed in).
"""

from __future__ import annotations

import os
import sys

import matplotlib

if "ipykernel" not in sys.modules and "MPLBACKEND" not in os.environ:
    # Scripts and tests need no display; inside a Jupyter kernel the inline backend stays in
    # charge, so figures show under their cell.
    matplotlib.use("Agg")

from helpers.present.viz.bars import grouped_bars, presence_bars, ranked_bars  # noqa: E402
from helpers.present.viz.distributions import distribution, km_curves  # noqa: E402
from helpers.present.viz.labels import LABELS, LANGS, label  # noqa: E402
from helpers.present.viz.likert import likert_diverging  # noqa: E402
from helpers.present.viz.profile import profile_strips  # noqa: E402
from helpers.present.viz.theme import (  # noqa: E402
    ACCENT,
    BASE,
    DEMO_GID,
    DEMO_MARK,
    DPI,
    LINE_PALETTE,
    NEUTRAL,
    PALETTE,
    SVG_HASHSALT,
    WHISKER,
    WRAP,
    mark_demo,
    save_figure,
    set_theme,
)
from helpers.present.viz.trends import line_trend, small_multiples  # noqa: E402

__all__ = [
    "ACCENT", "BASE", "DEMO_GID", "DEMO_MARK", "DPI", "LABELS", "LANGS", "LINE_PALETTE", "NEUTRAL",
    "PALETTE", "SVG_HASHSALT", "WHISKER", "WRAP",
    "distribution", "grouped_bars", "km_curves", "label", "likert_diverging", "line_trend",
    "mark_demo", "presence_bars", "profile_strips", "ranked_bars", "save_figure", "set_theme",
    "small_multiples",
]
