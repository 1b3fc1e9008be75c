"""The two languages of every page, finding and figure title: English (``"en"``) and Dutch
(``"nl"``), and numbers written the way a reader of that language writes them.

Dutch writes a decimal comma and a thousands dot (``24,1%``, ``4.118``), English the reverse
(``24.1%``, ``4,118``). Every sentence and table a reader sees formats its numbers through this
module, so a Dutch page never mixes the two.

Imports nothing from helpers (the analysis layer's p-value formatter is imported lazily by
:func:`p_value`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

#: The languages of the collection; the first is the default.
LANGS = ("en", "nl")


def check(lang: str) -> str:
    """``lang`` when it is one of :data:`LANGS`; raises ``ValueError`` otherwise."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'en' or 'nl', not {lang!r}")
    return lang


def pick(lang: str, en: str, nl: str) -> str:
    """``en`` or ``nl``, by ``lang`` (checked): the one way a sentence chooses its language."""
    return en if check(lang) == "en" else nl


def missing(value: Any) -> bool:
    """True for ``None``, NaN and anything that is not a number (a value no number can be written for)."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def number(value: Any, digits: int = 1, lang: str = "en") -> str:
    """A number with ``digits`` decimals and thousands separators: ``number(1234.5, 1, "nl")`` =
    ``"1.234,5"``; ``"–"`` when missing."""
    if missing(value):
        return "–"
    text = f"{float(value):,.{max(int(digits), 0)}f}"
    if check(lang) == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def count(value: Any, lang: str = "en") -> str:
    """A count as a whole number: ``count(4118, "nl")`` = ``"4.118"``."""
    return number(value, 0, lang)


def percent(share: Any, digits: int = 0, lang: str = "en") -> str:
    """A proportion (0-1) as a percentage: ``percent(0.2413, 1, "nl")`` = ``"24,1%"``."""
    return "–" if missing(share) else f"{number(100 * float(share), digits, lang)}%"


def hours(value: Any, digits: int = 1, lang: str = "en") -> str:
    """Hours with their unit: ``"22.5 h"`` (en), ``"22,5 uur"`` (nl)."""
    return "–" if missing(value) else f"{number(value, digits, lang)} {pick(lang, 'h', 'uur')}"


def interval(low: Any, high: Any, digits: int = 0, lang: str = "en", *, as_percent: bool = True,
             level: str = "95%") -> str:
    """A confidence interval in words: ``"95% CI 20-25%"`` (en), ``"95%-BI 20-25%"`` (nl,
    betrouwbaarheidsinterval); ``""`` when a bound is missing."""
    if missing(low) or missing(high):
        return ""
    scale = 100.0 if as_percent else 1.0
    lo, hi = number(scale * float(low), digits, lang), number(scale * float(high), digits, lang)
    unit = "%" if as_percent else ""
    return pick(lang, f"{level} CI {lo}-{hi}{unit}", f"{level}-BI {lo}-{hi}{unit}")


def p_value(p: Any, lang: str = "en") -> str:
    """A p-value for people (:func:`helpers.analysis.stats.format_p`) with the decimal mark of
    ``lang``: ``"p = 0,034"`` in Dutch; never ``p = 0``."""
    from helpers.analysis.stats import format_p

    text = format_p(p)
    if check(lang) == "nl":
        text = text.replace("p not computed", "p niet berekend").replace(".", ",")
    return text


def join(items: Sequence[str], lang: str = "en") -> str:
    """Items in a sentence: ``"a, b and c"`` (en), ``"a, b en c"`` (nl); ``""`` for none."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {pick(lang, 'and', 'en')} {items[-1]}"
