"""The small pieces every finding sentence is made of: missing values, percentages, intervals,
platform names, the sentence for a figure that could not be computed, and :func:`show`, which
records a notebook's finding.

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

ALPHA = 0.05
#: Groups of the survey that stand for management (directors and middle management).
MANAGEMENT = ("directie", "middenmanagement")


def missing(value: Any) -> bool:
    """True for None, NaN, pandas NA/NaT and empty strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except (TypeError, ValueError):  # pandas NA raises on bool()
        return True


def pct(value: float, digits: int = 0) -> str:
    """A proportion (0-1) as a percentage: ``pct(0.2413, 1)`` = ``"24.1%"``."""
    return f"{100 * float(value):.{digits}f}%"


def ci(low: float, high: float, digits: int = 0, *, percent: bool = True, level: str = "95%") -> str:
    """An interval in words: ``"95% CI 20-25%"``; ``""`` when a bound is missing."""
    if missing(low) or missing(high):
        return ""
    if percent:
        return f"{level} CI {100 * float(low):.{digits}f}-{100 * float(high):.{digits}f}%"
    return f"{level} CI {float(low):.{digits}f}-{float(high):.{digits}f}"


#: Platform names as a reader writes them.
PLATFORM_NAMES = {"twitter": "Twitter", "facebook": "Facebook", "mastodon": "Mastodon",
                  "bluesky": "Bluesky"}


def platform_name(platform: str) -> str:
    """``"twitter"`` -> ``"Twitter"``; an unknown key is returned as it is."""
    return PLATFORM_NAMES.get(str(platform), str(platform))


def not_computed(what: str, reason: str = "") -> str:
    """The sentence for a figure that could not be computed."""
    why = reason or "the statistics it needs are missing for this year"
    return f"{what} could not be computed: {why}."


def note_or_na(value: Any, note: str, reason: str) -> str:
    """A record's note: ``note`` when ``value`` is defined, else ``"NA: <reason>"`` (a number that
    is NA says why)."""
    return f"NA: {reason}" if missing(value) else note


def significant(p: Any, alpha: float = ALPHA) -> bool:
    """True when ``p`` is a number below ``alpha``."""
    return not missing(p) and float(p) < alpha


def _hours(value: float) -> str:
    return f"{float(value):.1f} h"


def _n(value: Any) -> str:
    return f"{int(value):,}"


def _first_missing(stats: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        if missing(stats.get(key)):
            return key
    return None


def show(run: Any, text: str) -> Any:
    """Record a notebook's finding (``finding_<notebook>``, unit ``finding``) so the report can carry
    it, and return it as rendered Markdown for the notebook's output."""
    from IPython.display import Markdown

    run.record(f"finding_{run.notebook}", text, "finding",
               note="computed from this run's statistics (helpers.present.findings)")
    return Markdown(f"**Finding.** {text}")
