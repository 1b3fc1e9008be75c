"""Findings computed, not written: one sentence builder per notebook finding.

Each function takes the statistics a notebook computed (numbers, not the notebook's globals) and
returns Markdown whose wording follows the numbers: the direction of a difference, its size with an
interval, and the test with its p-value (:func:`helpers.analysis.stats.format_p`) when a claim rests
on it. A difference whose test is not significant at ``alpha`` is worded as "no clear difference".
Missing statistics (NA/NaN/None, e.g. a platform not collected for the year) give a sentence saying
the figure could not be computed and why, instead of an error.

Every percentage names its base ("of 12,253 questions", "of 9,272 answered questions").

Every sentence builder takes ``lang`` (``"en"``, the default, or ``"nl"``) and writes the whole
sentence in that language, its numbers through :mod:`helpers.present.language` (``24,1%``,
``4.118``, ``22,5 uur``, ``95%-BI``); the branching on the statistics is shared, so the Dutch
wording follows the data as the English does (sneller / langzamer, grotere / kleinere). Reasons for
a missing statistic are built here from structured arguments (``presence(not_collected=[...])``),
not passed in as English text.

The package holds one concern per module, and this ``__init__`` re-exports the public API, so
notebooks keep writing ``findings.presence(...)``:

- :mod:`.wording`: missing values, percentages, intervals, :func:`show`;
- :mod:`.collected`: :func:`collection` (01) and :func:`replication` (08);
- :mod:`.social`: :func:`presence` (02), :func:`interaction` (03), :func:`monitoring` (05);
- :mod:`.replies`: :func:`response_time` (04);
- :mod:`.attitudes`: :func:`survey` (06) and :func:`websites` (07).

Must not import: :mod:`helpers.pipeline` or :mod:`helpers.cli` (statistics are passed in).
"""

from __future__ import annotations

from helpers.present.findings.attitudes import survey, websites
from helpers.present.findings.collected import (
    SOURCE_NAMES,
    collection,
    replication,
    source_name,
    table_name,
)
from helpers.present.findings.replies import response_time
from helpers.present.findings.social import interaction, monitoring, presence
from helpers.present.findings.wording import (
    ALPHA,
    MANAGEMENT,
    PLATFORM_NAMES,
    ci,
    decimal,
    fixed,
    missing,
    not_collected_reason,
    not_computed,
    note_or_na,
    pct,
    platform_name,
    show,
    signed,
    significant,
)

__all__ = [
    "ALPHA", "MANAGEMENT", "PLATFORM_NAMES", "SOURCE_NAMES",
    "ci", "collection", "decimal", "fixed", "interaction", "missing", "monitoring",
    "not_collected_reason", "not_computed", "note_or_na", "pct", "platform_name", "presence",
    "replication", "response_time", "show", "signed", "significant", "source_name", "survey",
    "table_name", "websites",
]
