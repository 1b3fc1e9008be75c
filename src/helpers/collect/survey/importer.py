"""The survey importer's :func:`load`: every export of ``survey/`` into the tidy ``survey_responses``
table, rows checked across files (duplicate ids, gemeente codes, one respondent per municipality).

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from helpers.collect import codebook
from helpers.collect.issues import Issues
from helpers.collect.survey.cells import (
    _blank,
    _chosen,
    _code,
    _id_text,
    _label_lookup,
    describe,
    normalise_gm_code,
    pseudonym,
)
from helpers.collect.survey.columns import _map_columns, check_value_labels
from helpers.collect.survey.exports import read_export
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
