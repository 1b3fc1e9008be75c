"""English left in a Dutch page: the tests of the Dutch option look for English function words.

A Dutch page may still hold proper names that contain English (``GemeenteBuzz``, file names such
as ``records.csv``), but none of these words, which have no Dutch homograph.
"""

from __future__ import annotations

import re
from collections import Counter

#: English words that never occur in Dutch text (short function words and frequent report words);
#: not "of", "is", "was" or "website", which are Dutch words too.
ENGLISH = frozenset({
    "the", "and", "with", "which", "were", "from", "are", "this", "that", "these", "those", "not",
    "by", "for", "to", "questions", "answered", "share", "municipalities", "municipality", "figure",
    "figures", "year", "years", "median", "mean", "within", "hours", "response", "replies", "reply",
    "survey", "found", "between", "than", "more", "less", "most", "least", "only", "every", "each",
    "all", "none", "could", "computed",
})
WORD = re.compile(r"[A-Za-z]+")


def visible_text(page: str) -> str:
    """The text a reader sees on an HTML page: text nodes and image alt texts, without styles or
    scripts, entities decoded, runs of white space as one space."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.hidden, self.parts = 0, []

        def handle_starttag(self, tag, attrs) -> None:
            self.hidden += tag in ("script", "style")
            if tag == "img":
                self.parts.append(dict(attrs).get("alt") or "")

        def handle_endtag(self, tag) -> None:
            self.hidden -= tag in ("script", "style")

        def handle_data(self, data) -> None:
            if not self.hidden:
                self.parts.append(data)

    parser = Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def english_words(text: str, allowed: tuple[str, ...] = ()) -> Counter:
    """The English words of :data:`ENGLISH` in ``text`` with their counts, after removing the
    ``allowed`` phrases (names and file names a Dutch page may carry)."""
    for phrase in allowed:
        text = text.replace(phrase, " ")
    return Counter(w.lower() for w in WORD.findall(text) if w.lower() in ENGLISH)
