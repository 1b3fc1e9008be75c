"""The small pieces every finding sentence is made of: missing values, percentages, intervals,
platform names, the sentence for a figure that could not be computed, and :func:`show`, which
records a notebook's finding.

Every piece takes ``lang`` (``"en"`` or ``"nl"``) and writes its numbers through
:mod:`helpers.present.language` (``24.1%`` / ``24,1%``, ``4,118`` / ``4.118``).

Imports nothing from helpers.pipeline; from helpers.present nothing outside this package but
:mod:`helpers.present.language`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from helpers.present import language
from helpers.present.language import pick

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


def fixed(value: Any, digits: int = 1, lang: str = "en") -> str:
    """A number with ``digits`` decimals: ``"1234.5"`` in English (no thousands separator, as the
    English findings always wrote it), ``"1.234,5"`` in Dutch (:func:`helpers.present.language.number`)."""
    if language.check(lang) == "en":
        return f"{float(value):.{digits}f}"
    return language.number(value, digits, lang)


def pct(value: float, digits: int = 0, lang: str = "en") -> str:
    """A proportion (0-1) as a percentage: ``pct(0.2413, 1)`` = ``"24.1%"``, ``"24,1%"`` in Dutch
    (:func:`helpers.present.language.percent`)."""
    return language.percent(value, digits, lang)


def ci(low: float, high: float, digits: int = 0, *, percent: bool = True, level: str = "95%",
       lang: str = "en") -> str:
    """An interval in words: ``"95% CI 20-25%"`` (en), ``"95%-BI 20-25%"`` (nl); ``""`` when a
    bound is missing (:func:`helpers.present.language.interval`)."""
    if missing(low) or missing(high):
        return ""
    return language.interval(low, high, digits, lang, as_percent=percent, level=level)


def decimal(value: Any, digits: int = 2, lang: str = "en") -> str:
    """A statistic with ``digits`` decimals (odds ratio, rho, W, chi2): ``"1.25"`` / ``"1,25"``."""
    return fixed(value, digits, lang)


def signed(value: Any, digits: int = 0, lang: str = "en") -> str:
    """A difference with its sign: ``"+12"``, ``"-3"``; ``"+1,5"`` in Dutch."""
    text = f"{float(value):+.{digits}f}"
    return text[0] + fixed(abs(float(text)), digits, lang)


#: Platform names as a reader writes them.
PLATFORM_NAMES = {"twitter": "Twitter", "facebook": "Facebook", "mastodon": "Mastodon",
                  "bluesky": "Bluesky"}


#: Platform names that differ in Dutch (the pooled row of the monitoring table).
_PLATFORM_NAMES_NL = {"all platforms": "alle platforms"}


def platform_name(platform: str, lang: str = "en") -> str:
    """``"twitter"`` -> ``"Twitter"``; an unknown key is returned as it is."""
    key = str(platform)
    if language.check(lang) == "nl" and key in _PLATFORM_NAMES_NL:
        return _PLATFORM_NAMES_NL[key]
    return PLATFORM_NAMES.get(key, key)


def not_computed(what: str, reason: str = "", lang: str = "en") -> str:
    """The sentence for a figure that could not be computed; ``what`` and ``reason`` are in
    ``lang``."""
    why = reason or pick(lang, "the statistics it needs are missing for this year",
                         "de statistieken die ervoor nodig zijn ontbreken voor dit jaar")
    return pick(lang, f"{what} could not be computed: {why}.", f"{what} kon niet worden berekend: {why}.")


def not_collected_reason(not_collected: Sequence[str], year: int, lang: str = "en") -> str:
    """Why a platform's figures are missing: ``"Facebook not collected for 2013"`` /
    ``"Facebook niet verzameld voor 2013"``; ``""`` when every platform was collected."""
    if not not_collected:
        return ""
    names = language.join([platform_name(p, lang) for p in not_collected], lang)
    return pick(lang, f"{names} not collected for {year}", f"{names} niet verzameld voor {year}")


def note_or_na(value: Any, note: str, reason: str) -> str:
    """A record's note: ``note`` when ``value`` is defined, else ``"NA: <reason>"`` (a number that
    is NA says why)."""
    return f"NA: {reason}" if missing(value) else note


def significant(p: Any, alpha: float = ALPHA) -> bool:
    """True when ``p`` is a number below ``alpha``."""
    return not missing(p) and float(p) < alpha


def _hours(value: float, lang: str = "en") -> str:
    """Hours with one decimal: ``"22.5 h"`` / ``"22,5 uur"``."""
    return f"{fixed(value, 1, lang)} {pick(lang, 'h', 'uur')}"


def _n(value: Any, lang: str = "en") -> str:
    """A count: ``"4,118"`` / ``"4.118"``."""
    return language.count(int(value), lang)


def _first_missing(stats: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        if missing(stats.get(key)):
            return key
    return None


def show(run: Any, text: str) -> Any:
    """Record a notebook's finding (``finding_<notebook>``, unit ``finding``) so the report can carry
    it, and return it as rendered Markdown for the notebook's output, led by "**Finding.**" or
    "**Bevinding.**" in the run's language (``run.lang``, English when the run has none)."""
    from IPython.display import Markdown

    run.record(f"finding_{run.notebook}", text, "finding",
               note="computed from this run's statistics (helpers.present.findings)")
    lead = pick(getattr(run, "lang", "en"), "Finding", "Bevinding")
    return Markdown(f"**{lead}.** {text}")
