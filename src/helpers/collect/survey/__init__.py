"""Import survey exports (SPSS ``.sav``, CSV, Excel) into the tidy ``survey_responses`` table.

Reads every ``*.sav``, ``*.csv`` and ``*.xlsx`` in ``<folder>/survey/`` and maps it through the
codebook: the shipped ``data/reference/survey_codebook.yaml``, extended and overridden by a
``codebook.yaml`` beside the export when there is one (:mod:`helpers.collect.codebook`: column
mapping, value recoding, extra items of a grid question, identifying and ignored columns).

- Column names are matched case-insensitively against the codebook's ``raw`` names (spaces and
  hyphens read as underscores). Identifying columns (the codebook's ``identifying`` and the names
  known out of the box: ``ipaddr``, ``email``, ``naam``, ``token``, ``refurl``, ...) and every
  free-text question (which can hold signatures) are dropped here and never reach the tidy table;
  administrative columns (``ignored``, and LimeSurvey's ``submitdate``, ``lastpage``, ``seed``, ...)
  are dropped too. Every other unknown column is bad input (all of them named in one message):
  nothing unknown, possibly personal, passes through.
- Answers may be codes (SPSS, or CSV/Excel exported "as values") or their labels (Dutch or English,
  case-insensitive, or the codebook's ``aliases``; CSV/Excel exported "as text"), recoded first by
  the codebook's ``recode`` (export code -> our code, e.g. 9 -> 8 "weet niet"). SPSS files are read
  with ``user_missing=True``: pyreadstat's default turns user-missing codes (8 "weet niet", 9
  "n.v.t.") into NaN, which would silently drop don't-know answers. Likert items keep 8 and 9 as
  codes (see :mod:`helpers.analysis.survey`). SPSS value labels are checked against the codebook: a label
  that names another answer than the code is mapped to is bad input naming the item, the code and
  both labels.
- Multiple-choice options: 1/0, Y (LimeSurvey), ja/nee, yes/no, true/false, or the option's label =
  chosen; an empty option is "not chosen" when the respondent answered another option of the
  question (as exports that write only the chosen labels do), and unanswered (NA) when all options
  are empty.
- The respondent id is pseudonymised: ``"R" + sha256(salt | year | export id)[:16]``. The salt comes
  from the environment variable ``ROEPTOETER_PSEUDONYM_SALT`` when set (use a secret salt for real
  data, and keep it to link waves), else the fixed project salt :data:`DEFAULT_SALT` (reproducible,
  but anyone with the export can recompute the mapping).
- ``gm_code`` accepts ``GM0344``, ``0344`` or ``344`` and is normalised to ``GM0344``.
- The tidy table carries the codebook it was imported with in ``DataFrame.attrs`` (kept in the
  Parquet file), so that the analyses read scale membership from it
  (:func:`helpers.analysis.survey.codebook_of`).

Bad input - an answer outside the scale, unknown columns, a duplicate respondent id, a second
respondent for one municipality (when ``one_per_municipality``), a gm_code not valid that year, a
missing respondent id or municipality - raises :class:`~helpers.core.errors.DataError` naming file, row
(1-based data row, header not counted), column and rule; with ``on_bad="skip"`` the row (or unknown
column) is left out and reported in the skips table instead. A cell can hold a name, an e-mail or
an IP address typed by a respondent, so no message quotes a cell or a respondent id: it describes
the value (:func:`describe`: type and length; "not an answer code of item X"). Only normalised
gemeente codes (``GM`` + 4 digits) and codebook text (labels, column names) are quoted.

Modules: :mod:`.cells` (one cell: answer codes, chosen options, pseudonyms, gemeente codes, and how
a value is described without quoting it), :mod:`.exports` (reading a ``.sav``/``.csv``/``.xlsx``
export as it is), :mod:`.columns` (export columns onto tidy columns; SPSS value labels checked),
:mod:`.importer` (:func:`load`: the rows, checked across files). This package re-exports their
public API.

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from helpers.collect.survey.cells import DEFAULT_SALT, SALT_ENV, describe, normalise_gm_code, pseudonym
from helpers.collect.survey.columns import check_value_labels
from helpers.collect.survey.exports import read_export
from helpers.collect.survey.importer import load

__all__ = [
    "DEFAULT_SALT",
    "SALT_ENV",
    "check_value_labels",
    "describe",
    "load",
    "normalise_gm_code",
    "pseudonym",
    "read_export",
]
