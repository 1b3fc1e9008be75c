"""The survey codebook of one export: the shipped codebook, extended by a codebook beside the export.

A survey export rarely uses the shipped column names and codes. A researcher puts a
``codebook.yaml`` (or ``codebook.yml``) beside the export in ``data/raw/<year>/survey/``; it extends
or overrides ``data/reference/survey_codebook.yaml``:

- **column mapping**: ``raw`` names of a question or of a grid item (``enthousiasme[college]`` ->
  the enthusiasm item ``college``). A raw name given here wins over the same name elsewhere in the
  shipped codebook;
- **value recoding**: ``recode`` on a question or an item, export code (or label) -> our code or
  answer key (``{9: dont_know}``, ``{3: other}``, ``{A1: 1}``); ``aliases`` adds the export's own
  wording of our answers (``{6: ["anders, namelijk"]}``) so that labels can be read and SPSS value
  labels checked;
- **extra items of a grid question** (a third monitoring item, another group): an item with a new
  ``key``; its tidy column is ``<prefix>_<key>`` (``monitor_``, ``enth_``, ``integration_``,
  ``reason_``) and every analysis of the question's scale uses it;
- **free-text questions** (``type: text``): dropped on import, like every free text;
- **identifying** and **ignored** columns (dropped on import).

The column names of :data:`KNOWN_IDENTIFYING` (``ipaddr``, ``email``, ``naam``, ``token``,
``refurl``, ...) are identifying out of the box, matched case-insensitively with punctuation and
spaces ignored (``E-mail`` = ``email``, ``IP Address`` = ``ipaddress``); LimeSurvey's administrative
columns (:data:`KNOWN_IGNORED`: ``submitdate``, ``lastpage``, ``startlanguage``, ``seed``, ...) are
ignored out of the box.

:func:`draft` writes a starting codebook for an export from its column names and SPSS value labels
only (never a respondent's value), for the researcher to review.

Modules: :mod:`.names` (how column names, labels and codes are compared; the names known out of
the box), :mod:`.local` (reading a local codebook and merging it into the shipped one),
:mod:`.drafting` (a starting codebook for an export). This package re-exports their public API.

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline (helpers.core only).
"""

from helpers.collect.codebook.drafting import draft, draft_text, export_header
from helpers.collect.codebook.local import (
    for_export,
    is_identifying,
    is_ignored,
    local_codebook,
    merge,
    read_local,
)
from helpers.collect.codebook.names import (
    KNOWN_IDENTIFYING,
    KNOWN_IGNORED,
    LOCAL_NAMES,
    answer_codes,
    code_key,
    label_key,
    norm,
    squash,
)

__all__ = [
    "KNOWN_IDENTIFYING",
    "KNOWN_IGNORED",
    "LOCAL_NAMES",
    "answer_codes",
    "code_key",
    "draft",
    "draft_text",
    "export_header",
    "for_export",
    "is_identifying",
    "is_ignored",
    "label_key",
    "local_codebook",
    "merge",
    "norm",
    "read_local",
    "squash",
]
