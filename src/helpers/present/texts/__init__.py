"""The fixed text of the pages a reader opens (year report, trends page, profile pages, index), in
English and Dutch, one YAML catalog per page (``<page>.yaml`` beside this module).

A catalog maps a key to its text in every language of :data:`helpers.present.language.LANGS`::

    findings_intro:
      en: What each analysis found, worded from this run's statistics.
      nl: Wat elke analyse vond, verwoord vanuit de statistiek van deze run.

Texts may hold ``{name}`` fields, filled by :func:`text`. ``tests/test_texts.py`` checks that
every key has every language and that both languages use the same fields. Computed sentences
(findings, figure titles) are not here: they are built by :mod:`helpers.present.findings` from
the statistics, in the same two languages.

Must not import anything from helpers but :mod:`helpers.present.language`.
"""

from __future__ import annotations

import string
from functools import cache
from importlib import resources
from typing import Any

import yaml

from helpers.present.language import LANGS, check


@cache
def catalog(page: str) -> dict[str, dict[str, str]]:
    """The catalog of ``page`` (``"report"``, ``"profile"``, ``"trends"``, ``"index"``...):
    ``{key: {lang: text}}``. Raises ``FileNotFoundError`` for an unknown page."""
    source = resources.files(__package__).joinpath(f"{page}.yaml")
    data = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    return {str(k): {str(lang): str(t) for lang, t in v.items()} for k, v in data.items()}


def pages() -> list[str]:
    """The names of every catalog shipped with the package."""
    return sorted(p.name.removesuffix(".yaml") for p in resources.files(__package__).iterdir()
                  if p.name.endswith(".yaml"))


def text(page: str, key: str, lang: str = "en", **fields: Any) -> str:
    """The text ``key`` of ``page`` in ``lang``, with its ``{name}`` fields filled from ``fields``.

    Raises
    ------
    KeyError
        When the page has no such key (a typo must fail in the tests, not print a key).
    """
    entry = catalog(page)[key]
    return entry[check(lang)].format(**fields) if fields else entry[check(lang)]


def fields(template: str) -> set[str]:
    """The ``{name}`` fields of a text."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def problems(page: str) -> list[str]:
    """What is wrong with a catalog: a key without a language, or languages with other fields."""
    out = []
    for key, entry in catalog(page).items():
        missing = [lang for lang in LANGS if not entry.get(lang, "").strip()]
        if missing:
            out.append(f"{page}.yaml: {key}: no text in {', '.join(missing)}")
            continue
        names = {lang: fields(entry[lang]) for lang in LANGS}
        if len({frozenset(v) for v in names.values()}) > 1:
            out.append(f"{page}.yaml: {key}: the languages use different fields {names}")
    return out
