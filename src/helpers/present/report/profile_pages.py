"""The municipality profile pages' HTML: one profile around its nbconvert body, and the sortable
index of a year's profiles (``roeptoeter profiles`` writes both; :mod:`helpers.pipeline.render`
executes the notebooks).

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`; from the package only :mod:`.pages`.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from helpers.present import templating
from helpers.present.report.pages import demo_banner

#: The font of the profile pages and of their index (one family on every page a reader opens).
PROFILE_FONT = "system-ui,sans-serif"
#: The columns of the profiles index: key figure -> header.
INDEX_COLUMNS = [("name", "Municipality"), ("province", "Province"), ("size_class", "Size"),
                 ("interaction_share", "Interaction share (%)"), ("km_median", "Median reply (h)"),
                 ("answer_rate", "Answer rate (%)"), ("info_score", "W&I info (of 6)"),
                 ("eservice_score", "E-services (of 5)")]
#: Index columns holding proportions (0-1), shown as percentages and sorted by the value.
PERCENT_COLUMNS = {"interaction_share", "answer_rate"}


def profile_page(body: str, title: str) -> str:
    """A stand-alone HTML page around an exported notebook body (nbconvert's ``basic`` template).

    Parameters
    ----------
    body : str
        The HTML nbconvert exported (code hidden); put in as it is.
    title : str
        The page title (escaped).

    Returns
    -------
    str
        The page: inline CSS, no scripts.
    """
    # nbconvert's exported body is HTML it escaped itself: safe, not to be escaped again.
    return templating.render("profile.html.j2", title=title, body=Markup(body), font=PROFILE_FONT)


def _cell(key: str, value: Any) -> dict[str, str]:
    """One key figure as the index's cell: ``key`` sorts (``data-v``), ``text`` is shown."""
    from pandas import isna

    if isna(value):  # NA: not collected (or not measured)
        key_text = text = ""
    elif key in PERCENT_COLUMNS:  # proportions 0-1 shown as percentages, sorted by the value
        key_text, text = f"{value:.4f}", f"{value:.0%}"
    else:
        key_text = text = f"{value:.1f}" if isinstance(value, float) else str(value)
    return {"key": key_text, "text": text}


def profiles_index_page(kf: Any, year: int, demo: bool) -> str:
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

    Returns
    -------
    str
        The page (inline CSS and a small sorting script), rows sorted by name.
    """
    rows = []
    for r in kf.sort_values("name").itertuples(index=False):
        rows.append({"gm_code": str(r.gm_code), "name": str(r.name),
                     "cells": [_cell(key, getattr(r, key)) for key, _ in INDEX_COLUMNS[1:]]})
    # The banner is rendered (and escaped) by the same templates: safe HTML.
    banner = Markup(demo_banner()) if demo else ""
    return templating.render("profiles_index.html.j2", year=year, banner=banner, rows=rows,
                             headers=[t for _, t in INDEX_COLUMNS], font=PROFILE_FONT)
