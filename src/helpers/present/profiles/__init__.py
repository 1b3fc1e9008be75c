"""Municipality profiles: one municipality's key figures against its peers.

A profile compares one municipality with three peer groups — the same size class, the same province,
and all municipalities of the year — on presence, interaction, response time, monitoring and the
website audit, and shows the change since the previous year through the register (a merged
municipality is compared with the sum of its predecessors).

:func:`key_figures` computes every municipality's figures once per year; the profile notebook only
selects from that table, so rendering 403 profiles does not recompute the year 403 times.

Survey answers are confidential per municipality: :func:`survey_peer_summary` gives aggregates of the
peer group *without* the municipality itself, and suppresses groups of fewer than
:data:`MIN_SURVEY_PEERS` respondents.

The package holds one concern per module, and this ``__init__`` re-exports the public API, so
callers keep writing ``profiles.key_figures(...)``:

- :mod:`.keyfigures`: :func:`key_figures` of a year, read back by :func:`load_key_figures`, and
  :func:`harmonized_key_figures` of several years on one register;
- :mod:`.peers`: the peer groups, :func:`comparison`, :func:`presence_row`,
  :func:`previous_year_change`, :func:`survey_peer_summary`;
- :mod:`.tables`: the page's text and tables for readers (Markdown, percentages with their base),
  in English or Dutch (fixed text from ``texts/profile.yaml``, numbers through
  :mod:`helpers.present.language`), and :func:`show_table`, which shows them with text left and
  numbers right;
- :mod:`.picture`: the profile's one figure, its title and the embedded image.

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli`.
"""

from __future__ import annotations

from helpers.present.profiles.keyfigures import (
    COUNT_COLUMNS,
    KEY_FIGURES,
    MIN_QUESTIONS,
    harmonized_key_figures,
    harmonized_summary,
    key_figures,
    load_key_figures,
)
from helpers.present.profiles.peers import (
    COMPARED,
    MIN_SURVEY_PEERS,
    comparison,
    own_survey_answers,
    peers,
    presence_row,
    previous_year_change,
    survey_peer_summary,
)
from helpers.present.profiles.picture import (
    METHODS_LINK,
    PICTURE,
    better_than_median,
    figure_html,
    peer_masks,
    picture_figures,
    picture_title,
    profile_figure,
)
from helpers.present.profiles.tables import (
    change_table,
    checklist_markdown,
    comparison_table,
    intro_markdown,
    not_collected_markdown,
    number_columns,
    page_text,
    presence_table,
    reading_markdown,
    show_table,
    sources_markdown,
    summary_markdown,
    survey_table,
    title_markdown,
)

__all__ = [
    "COMPARED", "COUNT_COLUMNS", "KEY_FIGURES", "METHODS_LINK", "MIN_QUESTIONS", "MIN_SURVEY_PEERS",
    "PICTURE",
    "better_than_median", "change_table", "checklist_markdown", "comparison", "comparison_table",
    "figure_html", "harmonized_key_figures", "harmonized_summary", "intro_markdown", "key_figures",
    "load_key_figures", "not_collected_markdown", "number_columns", "own_survey_answers", "page_text",
    "peer_masks", "peers", "picture_figures", "picture_title", "presence_row", "presence_table",
    "previous_year_change", "profile_figure", "reading_markdown", "show_table", "sources_markdown",
    "summary_markdown", "survey_peer_summary", "survey_table", "title_markdown",
]
