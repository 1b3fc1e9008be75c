"""Import survey exports (SPSS ``.sav``, CSV, Excel) into the tidy ``survey_responses`` table.

Reads every ``*.sav``, ``*.csv`` and ``*.xlsx`` in ``<folder>/survey/`` and maps it through the
codebook (``data/reference/survey_codebook.yaml``):

- Column names are matched case-insensitively against the codebook's ``raw`` names (spaces and
  hyphens read as underscores). Identifying columns (``identifying``: names, e-mail, IP address,
  telephone) and every free-text question (which can hold signatures) are dropped here and never
  reach the tidy table; administrative columns (``ignored``) are dropped too. Any other unknown
  column (e.g. an unknown group ``enth_wethouders``) is bad input: nothing unknown, possibly personal,
  passes through.
- Answers may be codes (SPSS, or CSV/Excel exported "as values") or their labels (Dutch or English,
  case-insensitive; CSV/Excel exported "as text"). SPSS files are read with ``user_missing=True``:
  pyreadstat's default turns user-missing codes (8 "weet niet", 9 "n.v.t.") into NaN, which would
  silently drop don't-know answers. Likert items keep 8 and 9 as codes (see :mod:`helpers.survey`).
- Multiple-choice options: 1/0, ja/nee, yes/no, true/false, or the option's label = chosen; an empty
  option is "not chosen" when the respondent answered another option of the question (as exports
  that write only the chosen labels do), and unanswered (NA) when all options are empty.
- The respondent id is pseudonymised: ``"R" + sha256(salt | year | export id)[:16]``. The salt comes
  from the environment variable ``ROEPTOETER_PSEUDONYM_SALT`` when set (use a secret salt for real
  data, and keep it to link waves), else the fixed project salt :data:`DEFAULT_SALT` (reproducible,
  but anyone with the export can recompute the mapping).
- ``gm_code`` accepts ``GM0344``, ``0344`` or ``344`` and is normalised to ``GM0344``.

Bad input - an answer outside the scale, an unknown column, a duplicate respondent id, a second
respondent for one municipality (when ``one_per_municipality``), a gm_code not valid that year, a
missing respondent id or municipality - raises :class:`~helpers.errors.DataError` naming file, row
(1-based data row, header not counted), column and rule; with ``on_bad="skip"`` the row (or unknown
column) is left out and reported in the skips table instead.
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
from openpyxl.utils.exceptions import InvalidFileException

from helpers import register
from helpers.collect.issues import Issues
from helpers.errors import DataError
from helpers.survey import COLUMNS, RESPONSES_SCHEMA, codebook_items, load_codebook

SALT_ENV = "ROEPTOETER_PSEUDONYM_SALT"
DEFAULT_SALT = "roeptoeter-survey-v1"
_TRUE = {"1", "1.0", "ja", "yes", "true", "waar", "x", "gekozen"}
_FALSE = {"0", "0.0", "nee", "no", "false", "onwaar", "niet gekozen"}


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


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


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
                raise DataError(str(path), f"cannot be read as an SPSS .sav file ({exc})") from None
            return df, dict(meta.variable_value_labels)
        if suffix == ".csv":
            from helpers import io

            text = io.read_utf8(path)
            if not text.strip():
                raise DataError(str(path), "empty file; expected a header row and one row per "
                                "respondent")
            df = pd.read_csv(_StringIO(text), dtype=str, keep_default_na=False, sep=None,
                             engine="python")
            return df, {}
        if suffix == ".xlsx":
            df = pd.read_excel(path, dtype=object, engine="openpyxl")
            return df, {}
    except (zipfile.BadZipFile, InvalidFileException) as exc:
        raise DataError(str(path), f"cannot be read as an Excel .xlsx workbook ({exc}); save it "
                        "again from Excel") from None
    except csv.Error as exc:
        raise DataError(str(path), f"cannot be read as CSV ({exc}); use ; or , as separator"
                        ) from None
    raise DataError(str(path), f"unsupported export type {suffix!r} (use .sav, .csv or .xlsx)")


def _blank(v: Any) -> bool:
    if v is None or v is pd.NA:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


def _label_lookup(item: pd.Series, cb: dict[str, Any]) -> dict[str, int]:
    """Lower-case label (nl, en, key) -> code, for an item with coded answers."""
    lookup: dict[str, int] = {}
    codes: dict[int, str] = item["codes"]
    q = next(q for q in cb["questions"] if q["id"] == item["question"])
    if item["type"] == "likert5":
        for c, v in cb["scales"][q["scale"]].items():
            lookup.update({v["nl"].lower(): int(c), v["en"].lower(): int(c)})
    elif item["type"] == "single":
        for c, v in q["values"].items():
            lookup.update({v["nl"].lower(): int(c), v["en"].lower(): int(c), v["key"]: int(c)})
    for m in q.get("missing", []):
        v = cb["missing"][int(m)]
        lookup.update({v["nl"].lower(): int(m), v["en"].lower(): int(m), v["key"]: int(m)})
    for c in codes:
        lookup[str(c)] = int(c)
    return lookup


def _code(v: Any, lookup: dict[str, int], allowed: set[int],
          spss_labels: dict[float, str]) -> int | None:
    """Answer code of one cell, or raise ValueError with the reason."""
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        f = float(v)
        if f.is_integer() and int(f) in allowed:
            return int(f)
        label = spss_labels.get(f)
        if label is not None and label.lower() in lookup:
            return lookup[label.lower()]
        raise ValueError(f"{v!r} is not an answer code of this question ({sorted(allowed)})")
    text = str(v).strip().lower()
    if text in lookup:
        return lookup[text]
    try:
        f = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"{v!r} is not an answer of this question") from None
    if f.is_integer() and int(f) in allowed:
        return int(f)
    raise ValueError(f"{v!r} is not an answer code of this question ({sorted(allowed)})")


def _chosen(v: Any, labels: set[str]) -> bool:
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        if float(v) in (0.0, 1.0):
            return bool(v)
        raise ValueError(f"{v!r} is not 0 (not chosen) or 1 (chosen)")
    if isinstance(v, bool):
        return v
    text = str(v).strip().lower()
    if text in _TRUE or text in labels:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{v!r} is not a chosen/not chosen answer (1/0, ja/nee, or the option label)")


def _map_columns(df: pd.DataFrame, path: Path, cb: dict[str, Any], items: pd.DataFrame,
                 bad: Issues) -> dict[str, str]:
    """Export column -> tidy column; drops identifying/text/ignored columns, flags unknown ones."""
    raw_to_col = {r: row["column"] for _, row in items.iterrows() for r in row["raw"]}
    text_raw = {_norm(r) for q in cb["questions"] if q["type"] == "text" for r in q["raw"]}
    drop = {_norm(c) for c in cb["identifying"] + cb["ignored"]} | text_raw
    mapping: dict[str, str] = {}
    for col in df.columns:
        key = _norm(col)
        if key in drop:
            continue
        if key not in raw_to_col:
            bad(path, "unknown column (not in the survey codebook; add it there, or to "
                "'identifying'/'ignored')", column=str(col))
            continue
        target = raw_to_col[key]
        if target in mapping.values():
            bad(path, f"two export columns map onto {target!r}", column=str(col))
            continue
        mapping[str(col)] = target
    for need in ("respondent_id", "gm_code"):
        if need not in mapping.values():
            raise DataError(str(path), f"required column {need!r} is missing "
                            f"(export names: {', '.join(items.set_index('column').at[need, 'raw'])})",
                            column=need)
    return mapping


def _convert_file(path: Path, year: int, cb: dict[str, Any], items: pd.DataFrame, bad: Issues,
                  salt: str | None) -> pd.DataFrame:
    """Tidy rows of one export (plus ``_file``, ``_row``, ``_orig_id`` bookkeeping columns)."""
    df, spss_labels = read_export(path)
    mapping = _map_columns(df, path, cb, items, bad)
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
            bad(path, f"{rec[inv['gm_code']]!r} is not a gemeente code (GM0000)", row=i,
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
                    val = _chosen(v, labels)
                    answered_any = True
                else:
                    codes: dict[int, str] = by_col.at[col, "codes"]
                    labels = spss_labels.get(inv[col], {})
                    c = _code(v, lookups[col], set(codes), labels)
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
        The tidy table, validated against :data:`helpers.survey.RESPONSES_SCHEMA`, sorted by
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
    cb = load_codebook()
    items = codebook_items(cb)
    bad = Issues(on_bad)
    parts = [_convert_file(p, year, cb, items, bad, salt) for p in files]
    data = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(
        len(p) for p in parts) else pd.DataFrame(columns=["_file", "_row", "_orig_id", *COLUMNS])
    data = _check_rows(data, year, bad, one_per_municipality)
    data["year"] = int(year)
    for col in COLUMNS:
        if col not in data.columns:
            data[col] = None
    out = data[list(COLUMNS)].sort_values(["gm_code", "respondent_id"]).reset_index(drop=True)
    out = RESPONSES_SCHEMA.validate(out)
    return out, bad.frame()


def _check_rows(data: pd.DataFrame, year: int, bad: Issues, one_per_municipality: bool
                ) -> pd.DataFrame:
    """Duplicate ids, invalid gm_codes, second respondents per municipality (in file order)."""
    keep = np.ones(len(data), dtype=bool)
    valid = register.codes(year)
    seen_ids: set[str] = set()
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
            bad(file, f"duplicate respondent id {rec['_orig_id']!r}", row=row,
                column=rec["_id_col"])
            keep[i] = False
            continue
        if one_per_municipality and rec["gm_code"] in seen_codes:
            bad(file, f"second respondent for {rec['gm_code']} (one per municipality expected; "
                f"first in {seen_codes[rec['gm_code']]})", row=row, column=rec["_gm_col"])
            keep[i] = False
            continue
        seen_ids.add(rec["respondent_id"])
        seen_codes[rec["gm_code"]] = f"{file.name} row {row}"
    return data[keep].reset_index(drop=True)
