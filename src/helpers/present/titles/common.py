"""Small pieces the title modules share: the size classes in a word, a percentage, and
:func:`helpers.present.language.missing`.

Must not import anything from helpers but :mod:`helpers.present.language`.
"""

from __future__ import annotations

from typing import Any

from helpers.present.language import check, missing, percent  # noqa: F401  (missing: for the titles)

#: A size class in one word, for a title (the English titles name the class by its letter).
SIZE_WORDS: dict[str, dict[str, str]] = {
    "S": {"en": "S", "nl": "klein"},
    "M": {"en": "M", "nl": "middel"},
    "L": {"en": "L", "nl": "groot"},
}


def size_word(size_class: Any, lang: str = "en") -> str:
    """``"L"`` (en) or ``"groot"`` (nl) for size class ``"L"``; an unknown class unchanged."""
    entry = SIZE_WORDS.get(str(size_class))
    return entry[check(lang)] if entry else str(size_class)


def pct(share: Any, lang: str = "en") -> str:
    """A proportion (0-1) as a whole percentage: ``"24%"``; ``"–"`` when missing."""
    return percent(share, 0, lang)
