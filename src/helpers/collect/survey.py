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
  Parquet file), so that the analyses read scale membership from it (:func:`helpers.analysis.survey.codebook_of`).

Bad input - an answer outside the scale, unknown columns, a duplicate respondent id, a second
respondent for one municipality (when ``one_per_municipality``), a gm_code not valid that year, a
missing respondent id or municipality - raises :class:`~helpers.core.errors.DataError` naming file, row
(1-based data row, header not counted), column and rule; with ``on_bad="skip"`` the row (or unknown
column) is left out and reported in the skips table instead. A cell can hold a name, an e-mail or
an IP address typed by a respondent, so no message quotes a cell or a respondent id: it describes
the value (:func:`describe`: type and length; "not an answer code of item X"). Only normalised
gemeente codes (``GM`` + 4 digits) and codebook text (labels, column names) are quoted.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import zipfile
from io import StringIO as _StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from openpyxl.utils.exceptions import InvalidFileException

from helpers.collect import codebook
from helpers.collect.issues import Issues
from helpers.core import register
from helpers.core.errors import DataError
from helpers.core.survey_table import (
    CODEBOOK_ATTR,
    COLUMNS,
    RESPONSES_SCHEMA,
    check_codebook,
    codebook_items,
    load_codebook,
)

SALT_ENV = "ROEPTOETER_PSEUDONYM_SALT"
DEFAULT_SALT = "roeptoeter-survey-v1"
# "Y" is LimeSurvey's code of a chosen multiple-choice option (exported "as answer codes")
_TRUE = {"1", "1.0", "ja", "yes", "y", "true", "waar", "x", "gekozen", "selected", "geselecteerd"}
_FALSE = {"0", "0.0", "nee", "no", "n", "false", "onwaar", "niet gekozen", "not selected",
          "niet geselecteerd"}


def pseudonym(year: int, original_id: Any, salt: str | None = None) -> str:
    """Pseudonymous respondent id: ``"R"`` + the first 16 hex digits of a salted SHA-256.

    The salt is ``salt``, else ``$ROEPTOETER_PSEUDONYM_SALT``, else :data:`DEFAULT_SALT`.
    """
    salt = salt if salt is not None else os.environ.get(SALT_ENV) or DEFAULT_SALT
    text = _id_text(original_id)
    digest = hashlib.sha256(f"{salt}|{int(year)}|{text}".encode()).hexdigest()
    return "R" + digest[:16]


def _id_text(value: Any) -> str:
    """An export id as text; integral numbers without ``.0`` (SPSS stores ids as doubles)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text.split(".")[0] if re.fullmatch(r"\d+\.0+", text) else text


def normalise_gm_code(value: Any) -> str | None:
    """``GM0344``, ``gm0344``, ``0344``, ``344`` or 344.0 -> ``GM0344``; None when not a code."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = _id_text(value).upper().removeprefix("GM")
    return f"GM{int(text):04d}" if text.isdigit() and len(text) <= 4 else None


def read_export(path: Path) -> tuple[pd.DataFrame, dict[str, dict[float, str]]]:
    """Read one export as it is: values as stored, plus SPSS value labels (empty for CSV/Excel).

    CSV: UTF-8 (with or without BOM), separator detected (``,`` or ``;``), every cell read as text.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".sav":
            import pyreadstat

            try:
                df, meta = pyreadstat.read_sav(path, user_missing=True)
            except pyreadstat.ReadstatError as exc:
                raise DataError(str(path), "cannot be read as an SPSS .sav file "
                                f"({_first_line(exc)})") from None
            return df, dict(meta.variable_value_labels)
        if suffix == ".csv":
            from helpers.core import io

            text = io.read_utf8(path)
            if not text.strip():
                raise DataError(str(path), "empty file; expected a header row and one row per "
                                "respondent")
            try:
                df = pd.read_csv(_StringIO(text), dtype=str, keep_default_na=False, sep=None,
                                 engine="python")
            except pd.errors.ParserError as exc:  # its message names a line, never a value
                raise DataError(str(path), f"cannot be read as CSV ({_first_line(exc)}); every row "
                                "needs the header's number of fields, quotes closed") from None
            return df, {}
        if suffix == ".xlsx":
            try:
                df = pd.read_excel(path, dtype=object, engine="openpyxl")
            except (ValueError, KeyError, TypeError, IndexError) as exc:  # a damaged workbook
                raise DataError(str(path), "cannot be read as an Excel .xlsx workbook "
                                f"({type(exc).__name__}); save it again from Excel") from None
            return df, {}
    except PermissionError:
        raise DataError(str(path), "cannot be read (permission denied); make the export readable"
                        ) from None
    except (zipfile.BadZipFile, InvalidFileException) as exc:
        raise DataError(str(path), f"cannot be read as an Excel .xlsx workbook ({exc}); save it "
                        "again from Excel") from None
    except csv.Error as exc:
        raise DataError(str(path), f"cannot be read as CSV ({_first_line(exc)}); use ; or , as "
                        "separator") from None
    raise DataError(str(path), f"unsupported export type {suffix!r} (use .sav, .csv or .xlsx)")


def _first_line(exc: Exception) -> str:
    """A parser's message, first line only, with anything quoted replaced (it may be a value)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"'[^']*'|\"[^\"]*\"", "<value>", text)


def _blank(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


def describe(v: Any) -> str:
    """What a cell holds, without quoting it: its type and length (never the value itself).

    A survey cell can hold a name, an e-mail address or an IP address typed by a respondent, so
    messages, skips and logs describe the value instead of showing it.
    """
    if isinstance(v, (bool, np.bool_)):
        return "a true/false value"
    if isinstance(v, (int, np.integer)) or (isinstance(v, (float, np.floating))
                                            and float(v).is_integer()):
        return "a whole number"
    if isinstance(v, (float, np.floating)):
        return "a decimal number"
    if isinstance(v, str):
        text = v.strip()
        size = f"{len(text)} character{'s' if len(text) != 1 else ''}"
        try:
            float(text.replace(",", "."))
            return f"a number written as text ({size})"
        except ValueError:
            return f"text of {size}"
    return f"a value of type {type(v).__name__}"


def _label_lookup(item: pd.Series, cb: dict[str, Any]) -> dict[str, int]:
    """Lower-case label (nl, en, key, aliases) -> code, for an item with coded answers."""
    q = next(q for q in cb["questions"] if q["id"] == item["question"])
    lookup: dict[str, int] = {}
    for c, names in codebook.answer_codes(cb, q).items():
        lookup.update(dict.fromkeys(names, int(c)))
    for c, names in item["aliases"].items():
        lookup.update({codebook.label_key(n): int(c) for n in names})
    for c in item["codes"]:
        lookup[str(c)] = int(c)
    return lookup


def _code(v: Any, lookup: dict[str, int], allowed: set[int], spss_labels: dict[float, str],
          recode: dict[str, int], item: str) -> int:
    """Answer code of one cell (after the codebook's recoding), or raise ValueError with a reason
    that describes the value without quoting it."""
    codes = ", ".join(str(c) for c in sorted(allowed))
    key = codebook.code_key(v)
    if key in recode:
        return recode[key]
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        f = float(v)
        if f.is_integer() and int(f) in allowed:
            return int(f)
        label = spss_labels.get(f)
        if label is not None and codebook.label_key(label) in lookup:
            return lookup[codebook.label_key(label)]
        raise ValueError(f"{describe(v)} that is not an answer code of item {item} "
                         f"(codes {codes})")
    text = codebook.label_key(v)
    if text in lookup:
        return lookup[text]
    try:
        f = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{describe(v)} where an answer code or label of item {item} is "
                         f"expected (codes {codes})") from None
    if f.is_integer() and int(f) in allowed:
        return int(f)
    raise ValueError(f"{describe(v)} that is not an answer code of item {item} (codes {codes})")


def _chosen(v: Any, labels: set[str], item: str) -> bool:
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        if float(v) in (0.0, 1.0):
            return bool(v)
        raise ValueError(f"{describe(v)} that is not 0 (not chosen) or 1 (chosen) for option "
                         f"{item}")
    if isinstance(v, bool):
        return v
    text = str(v).strip().lower()
    if text in _TRUE or text in labels:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{describe(v)} that is not a chosen/not chosen answer of option {item} "
                     "(1/0, Y, ja/nee, or the option label)")


def _shorten(names: list[str], limit: int = 20) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _map_columns(df: pd.DataFrame, path: Path, cb: dict[str, Any], items: pd.DataFrame,
                 bad: Issues) -> dict[str, str]:
    """Export column -> tidy column; drops identifying/text/ignored columns, flags unknown ones.

    Order of precedence: the codebook's ``identifying`` list, then the items' ``raw`` names, then
    free-text questions and the ``ignored`` list, then the names known out of the box
    (:data:`helpers.collect.codebook.KNOWN_IDENTIFYING`, ``KNOWN_IGNORED``). Every other column is
    unknown: all of them are named in one message (error mode), or each is a skip.
    """
    norm = codebook.norm
    raw_to_col = {norm(r): row["column"] for _, row in items.iterrows() for r in row["raw"]}
    text_raw = {norm(r) for q in cb["questions"] if q["type"] == "text" for r in q["raw"]}
    identifying = {norm(c) for c in cb["identifying"]}
    ignored = {norm(c) for c in cb["ignored"]} | text_raw
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for col in df.columns:
        key = norm(col)
        if key in identifying:
            continue
        if key not in raw_to_col:
            if not (key in ignored or codebook.is_identifying(str(col), cb)
                    or codebook.is_ignored(str(col), cb)):
                unknown.append(str(col))
            continue
        target = raw_to_col[key]
        if target in mapping.values():
            bad(path, f"two export columns map onto {target!r}", column=str(col))
            continue
        mapping[str(col)] = target
    if unknown:
        hint = ("not in the survey codebook; map them in survey/codebook.yaml beside the export, or "
                "list them there under 'identifying' or 'ignored' (`roeptoeter codebook draft` "
                "writes a starting codebook)")
        if bad.on_bad == "error":
            noun = "unknown column" if len(unknown) == 1 else f"{len(unknown)} unknown columns"
            raise DataError(str(path), f"{noun} ({hint}): {_shorten(unknown)}",
                            column=unknown[0])
        for col in unknown:
            bad(path, f"unknown column ({hint})", column=col)
    for need in ("respondent_id", "gm_code"):
        if need not in mapping.values():
            raise DataError(str(path), f"required column {need!r} is missing "
                            f"(export names: {', '.join(items.set_index('column').at[need, 'raw'])})",
                            column=need)
    return mapping


def check_value_labels(path: Path, mapping: dict[str, str], spss_labels: dict[str, dict],
                       cb: dict[str, Any], items: pd.DataFrame, bad: Issues) -> set[str]:
    """Check the SPSS value labels of coded columns against the codebook's mapping.

    For each labelled code of a likert5 or single column, the code the codebook maps it to (after
    ``recode``) must carry that label (nl, en, key or an alias, case-insensitive; a label that is
    just the code, such as LimeSurvey's "3", also agrees). A label that names another answer (SAV:
    3 = "anders"; codebook: 3 = management) or no answer of the item is bad input naming the item,
    the code and both labels (labels are codebook text, not respondents' answers). Codes the
    codebook does not map are not checked (a value with such a code is an error on its own).

    Returns
    -------
    set of str
        Export columns to leave out (skip mode: a column whose labels contradict the codebook).
    """
    by_col = items.set_index("column", drop=False)
    dropped: set[str] = set()
    for export_col, col in mapping.items():
        labels = spss_labels.get(export_col) or {}
        item = by_col.loc[col]
        if not labels or item["type"] not in ("likert5", "single"):
            continue
        q = next(q for q in cb["questions"] if q["id"] == item["question"])
        ours = codebook.answer_codes(cb, q)
        for c, names in item["aliases"].items():
            ours.setdefault(int(c), set()).update(codebook.label_key(n) for n in names)
        for code, label in sorted(labels.items(), key=lambda kv: str(kv[0])):
            key = codebook.code_key(code)
            target = item["recode"].get(key)
            if target is None:
                try:
                    target = int(float(code))
                except (TypeError, ValueError):
                    continue
                if float(code) != target or target not in ours:
                    continue
            text = codebook.label_key(label)
            if text in ours[target] or text in (key, str(target)):  # or just the code ("3")
                continue
            named = item["codes"].get(target)
            cb_label = _codebook_label(cb, q, target)
            other = sorted(c for c, names in ours.items() if text in names)
            what = (f"which is the codebook's answer {other[0]} ({item['codes'].get(other[0])})"
                    if other else "which names no answer of the item")
            bad(path, f"the SPSS value label of code {key} of item {col} is {label!r} ({what}), "
                f"but the codebook maps code {key} to {cb_label!r} ({named}); add a recode for "
                f"{key} to survey/codebook.yaml (or an alias, if the label means the same answer)",
                column=export_col)
            dropped.add(export_col)
            break
    return dropped


def _codebook_label(cb: dict[str, Any], q: dict[str, Any], code: int) -> str:
    """The codebook's Dutch label of our ``code`` of question ``q``."""
    if code in {int(m) for m in q.get("missing", [])}:
        return str(cb["missing"][int(code)]["nl"])
    if q["type"] == "likert5":
        return str(cb["scales"][q["scale"]][code]["nl"])
    return str(q["values"][code]["nl"])


def _convert_file(path: Path, year: int, cb: dict[str, Any], items: pd.DataFrame, bad: Issues,
                  salt: str | None) -> pd.DataFrame:
    """Tidy rows of one export (plus ``_file``, ``_row``, ``_orig_id`` bookkeeping columns)."""
    df, spss_labels = read_export(path)
    mapping = _map_columns(df, path, cb, items, bad)
    for export_col in check_value_labels(path, mapping, spss_labels, cb, items, bad):
        del mapping[export_col]
    by_col = items.set_index("column", drop=False)
    inv = {v: k for k, v in mapping.items()}
    reason_cols = [c for c in by_col.index if by_col.at[c, "type"] == "multi"]
    lookups = {c: _label_lookup(by_col.loc[c], cb)
               for c in by_col.index if by_col.at[c, "type"] in ("likert5", "single")}
    rows = []
    for i, rec in enumerate(df.to_dict("records"), start=1):
        out: dict[str, Any] = {"_file": str(path), "_row": i, "_id_col": inv["respondent_id"],
                               "_gm_col": inv["gm_code"]}
        ok = True
        raw_id = rec[inv["respondent_id"]]
        code = normalise_gm_code(rec[inv["gm_code"]])
        if _blank(raw_id):
            bad(path, "respondent id is empty", row=i, column=inv["respondent_id"])
            continue
        if code is None:
            what = ("empty" if _blank(rec[inv["gm_code"]])
                    else describe(rec[inv["gm_code"]]))
            bad(path, f"gemeente code is {what}, not a gemeente code (GM0000, 0000 or 0)", row=i,
                column=inv["gm_code"])
            continue
        out["_orig_id"] = _id_text(raw_id)
        out["respondent_id"] = pseudonym(year, raw_id, salt)
        out["gm_code"] = code
        answered_any = False
        multi: dict[str, bool | None] = {}
        for col in by_col.index:
            if col in ("respondent_id", "gm_code", "year") or col not in inv:
                continue
            v = rec[inv[col]]
            kind = by_col.at[col, "type"]
            try:
                if _blank(v):
                    val = None
                elif kind == "multi":
                    labels = {by_col.at[col, "nl"].lower(), by_col.at[col, "en"].lower(),
                              str(by_col.at[col, "key"])}
                    val = _chosen(v, labels, col)
                    answered_any = True
                else:
                    codes: dict[int, str] = by_col.at[col, "codes"]
                    labels = spss_labels.get(inv[col], {})
                    c = _code(v, lookups[col], set(codes), labels, by_col.at[col, "recode"], col)
                    val = codes[c] if kind == "single" else c
            except ValueError as exc:
                bad(path, f"answer outside the scale: {exc}", row=i, column=inv[col])
                ok = False
                break
            if kind == "multi":
                multi[col] = val
            else:
                out[col] = val
        if not ok:
            continue
        for col in reason_cols:
            if col in inv:
                val = multi.get(col)
                out[col] = (False if val is None else val) if answered_any else None
        rows.append(out)
    return pd.DataFrame(rows)


def load(folder: Path, year: int, on_bad: str = "error", *, one_per_municipality: bool = True,
         salt: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Import every survey export in ``folder/survey/`` into the tidy ``survey_responses`` table.

    Parameters
    ----------
    folder : Path
        The year's raw folder (``data/raw/<year>/`` or a demo dataset folder) holding ``survey/``;
        the ``survey/`` folder itself is accepted too.
    year : int
        The survey year; gm_codes must be valid on 1 January of it.
    on_bad : {"error", "skip"}
        ``"error"``: the first bad input raises DataError. ``"skip"``: bad rows (and unknown
        columns) are left out and listed in the second return value.
    one_per_municipality : bool
        The GemeenteBuzz design: one respondent per municipality; a second one is bad input.
    salt : str, optional
        Pseudonymisation salt; default from ``$ROEPTOETER_PSEUDONYM_SALT`` or the project salt.

    Returns
    -------
    responses : DataFrame
        The tidy table, validated against :data:`helpers.analysis.survey.RESPONSES_SCHEMA`, sorted by
        gm_code and respondent_id. No identifying column, no free text.
    skips : DataFrame
        ``file``, ``row`` (Int64, NA for a whole column), ``column``, ``rule``: what was left out.

    Raises
    ------
    DataError
        On bad input with ``on_bad="error"``, and always when there is no export, a required
        column is missing, or a file cannot be read.
    """
    src = Path(folder) / "survey"
    if not src.is_dir() and Path(folder).name == "survey":
        src = Path(folder)  # called with the survey folder itself (as helpers.collect.collect does)
    files = sorted(p for p in src.glob("*") if p.suffix.lower() in (".sav", ".csv", ".xlsx")
                   and not p.name.startswith((".", "~$")))
    if not files:
        raise DataError(str(src), "no survey export (*.sav, *.csv, *.xlsx) in this folder")
    cb, local = codebook.for_export(src, load_codebook())
    if local is not None:
        try:
            check_codebook(cb, str(local))
        except ValueError as exc:
            raise DataError(str(local), str(exc).removeprefix(f"{local}: ")) from None
    items = codebook_items(cb)
    bad = Issues(on_bad)
    parts = [_convert_file(p, year, cb, items, bad, salt) for p in files]
    data = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(
        len(p) for p in parts) else pd.DataFrame(columns=["_file", "_row", "_orig_id", *COLUMNS])
    data = _check_rows(data, year, bad, one_per_municipality)
    data["year"] = int(year)
    columns = [*COLUMNS, *(c for c in items["column"] if c not in COLUMNS)]  # extras follow
    for col in columns:
        if col not in data.columns:
            data[col] = None
    out = data[columns].sort_values(["gm_code", "respondent_id"]).reset_index(drop=True)
    out = RESPONSES_SCHEMA.validate(out)
    out.attrs[CODEBOOK_ATTR] = yaml.safe_dump(cb, sort_keys=False, allow_unicode=True)
    return out, bad.frame()


def _check_rows(data: pd.DataFrame, year: int, bad: Issues, one_per_municipality: bool
                ) -> pd.DataFrame:
    """Duplicate ids, invalid gm_codes, second respondents per municipality (in file order)."""
    keep = np.ones(len(data), dtype=bool)
    valid = register.codes(year)
    seen_ids: dict[str, str] = {}  # pseudonym -> where it was first seen
    seen_codes: dict[str, str] = {}
    for i, rec in enumerate(data.to_dict("records")):
        file, row = Path(rec["_file"]), int(rec["_row"])
        if rec["gm_code"] not in valid:
            if bad.on_bad == "error":
                # the register's own message, with the successor code when there is one
                try:
                    register.check_codes(pd.Series([rec["gm_code"]]), year, file=str(file))
                except DataError as exc:
                    raise DataError(str(file), exc.rule, row=row, column=rec["_gm_col"]) from None
            bad(file, f"gm_code {rec['gm_code']!r} is not a municipality on 1 January {year}",
                row=row, column=rec["_gm_col"])
            keep[i] = False
            continue
        if rec["respondent_id"] in seen_ids:
            first = seen_ids[rec["respondent_id"]]
            bad(file, f"duplicate respondent id (the same id as {first}; ids are not quoted: they "
                "can be tokens or e-mail addresses)", row=row, column=rec["_id_col"])
            keep[i] = False
            continue
        if one_per_municipality and rec["gm_code"] in seen_codes:
            bad(file, f"second respondent for {rec['gm_code']} (one per municipality expected; "
                f"first in {seen_codes[rec['gm_code']]})", row=row, column=rec["_gm_col"])
            keep[i] = False
            continue
        seen_ids[rec["respondent_id"]] = f"{file.name} row {row}"
        seen_codes[rec["gm_code"]] = f"{file.name} row {row}"
    return data[keep].reset_index(drop=True)
