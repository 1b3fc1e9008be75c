"""The municipality profile pages' HTML: one profile around its nbconvert body, and the sortable
index of a year's profiles (``roeptoeter profiles`` writes both; :mod:`helpers.pipeline.render`
executes the notebooks).

Both in English or Dutch: the index's text from ``texts/profile.yaml``, its numbers through
:mod:`helpers.present.language`.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`; from the package only :mod:`.pages`.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from helpers.present import language, templating, texts
from helpers.present.report.pages import demo_banner

#: The font of the profile pages and of their index (one family on every page a reader opens).
PROFILE_FONT = "system-ui,sans-serif"
#: The columns of the profiles index (key figures); their headers are ``index_<column>`` in
#: ``texts/profile.yaml``.
INDEX_COLUMNS = ["name", "province", "size_class", "interaction_share", "km_median", "answer_rate",
                 "info_score", "eservice_score"]
#: Index columns holding proportions (0-1), shown as percentages and sorted by the value.
PERCENT_COLUMNS = {"interaction_share", "answer_rate"}
#: Size classes in their order, so that sorting the index by size puts small before large.
SIZE_ORDER = {"S": 1, "M": 2, "L": 3}


def page_title(gm_code: str, year: int, lang: str = "en") -> str:
    """The ``<title>`` of a profile page: ``"Municipality profile GM0344, 2014"`` (en),
    ``"Gemeenteprofiel GM0344, 2014"`` (nl)."""
    return texts.text("profile", "page_title", lang, gm_code=gm_code, year=year)


def profile_page(body: str, title: str, lang: str = "en") -> str:
    """A stand-alone HTML page around an exported notebook body (nbconvert's ``basic`` template).

    Parameters
    ----------
    body : str
        The HTML nbconvert exported (code hidden); put in as it is.
    title : str
        The page title (escaped).
    lang : str
        The page's language (``en`` or ``nl``), its ``<html lang>``.

    Returns
    -------
    str
        The page: inline CSS, no scripts.
    """
    # nbconvert's exported body is HTML it escaped itself: safe, not to be escaped again.
    return templating.render("profile.html.j2", title=title, body=Markup(body), font=PROFILE_FONT,
                             lang=language.check(lang))


def _cell(key: str, value: Any, lang: str = "en") -> dict[str, str]:
    """One key figure as the index's cell: ``key`` sorts (``data-v``, machine-readable), ``text`` is
    shown in ``lang`` (``"20%"``, ``"4,5"`` in Dutch; a size class by its name)."""
    from pandas import isna

    if isna(value):  # NA: not collected (or not measured)
        key_text = text = ""
    elif key in PERCENT_COLUMNS:  # proportions 0-1 shown as percentages, sorted by the value
        key_text, text = f"{value:.4f}", language.percent(value, 0, lang)
    elif key == "size_class":  # the class by its name, sorted small to large
        from helpers.present.viz import label

        key_text, text = str(SIZE_ORDER.get(str(value), value)), label(str(value), lang)
    elif isinstance(value, float):  # English as it always was (no thousands separator)
        key_text = f"{value:.1f}"
        text = key_text if lang == "en" else language.number(value, 1, lang)
    else:
        key_text = text = str(value)
    return {"key": key_text, "text": text}


def profiles_index_page(kf: Any, year: int, demo: bool, lang: str = "en") -> str:
    """``profiles/index.html``: every municipality in a table sorted by clicking a column header.

    Parameters
    ----------
    kf : DataFrame
        Key figures (:func:`helpers.present.profiles.key_figures`): ``gm_code`` and the columns of
        :data:`INDEX_COLUMNS`.
    year : int
        The study year (title).
    demo : bool
        Open with the demo-data banner.
    lang : str
        The page's language (``en`` or ``nl``): headers, text and numbers.

    Returns
    -------
    str
        The page (inline CSS and a small sorting script), rows sorted by name.
    """
    rows = []
    for r in kf.sort_values("name").itertuples(index=False):
        rows.append({"gm_code": str(r.gm_code), "name": str(r.name),
                     "cells": [_cell(key, getattr(r, key), lang) for key in INDEX_COLUMNS[1:]]})
    # The banner is rendered (and escaped) by the same templates: safe HTML.
    banner = Markup(demo_banner(lang)) if demo else ""

    def say(key: str, **fields: Any) -> str:
        return texts.text("profile", key, lang, **fields)

    return templating.render(
        "profiles_index.html.j2", lang=language.check(lang), banner=banner, rows=rows,
        title=say("index_title", year=year), intro=say("index_intro", n=language.count(len(rows), lang)),
        all_years=say("index_all_years"), headers=[say(f"index_{c}") for c in INDEX_COLUMNS],
        font=PROFILE_FONT)
