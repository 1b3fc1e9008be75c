"""A starting survey codebook for an export, drafted from its column names and SPSS value labels only.

:func:`draft` (``roeptoeter codebook draft``) never reads a respondent's value; the researcher reviews
every line. Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

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
from helpers.core.errors import DataError
from helpers.core.survey_table import ITEM_PREFIX  # tidy-column prefix of each grid question's items


def export_header(path: Path) -> tuple[list[str], dict[str, dict[Any, str]]]:
    """An export's column names and SPSS value labels, without reading any respondent's value.

    ``.sav``: pyreadstat's metadata only; ``.csv``: the header line (UTF-8, ``;`` or ``,``);
    ``.xlsx``: the first row.

    Raises
    ------
    DataError
        When the file cannot be read or is of another type.
    """
    import csv

    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise DataError(str(path), "no such export file")
    if suffix == ".sav":
        import pyreadstat

        try:
            _, meta = pyreadstat.read_sav(path, metadataonly=True)
        except pyreadstat.ReadstatError as exc:
            raise DataError(str(path), f"cannot be read as an SPSS .sav file ({exc})") from None
        return list(meta.column_names), dict(meta.variable_value_labels)
    if suffix == ".csv":
        from helpers.core import io

        lines = io.read_utf8(path).splitlines()
        if not lines or not lines[0].strip():
            raise DataError(str(path), "empty file; expected a header row", row=None)
        head = lines[0]
        sep = ";" if head.count(";") > head.count(",") else ","
        return next(csv.reader([head], delimiter=sep)), {}
    if suffix == ".xlsx":
        import zipfile

        import pandas as pd
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            return [str(c) for c in pd.read_excel(path, nrows=0, engine="openpyxl").columns], {}
        except (zipfile.BadZipFile, InvalidFileException) as exc:
            raise DataError(str(path), f"cannot be read as an Excel .xlsx workbook ({exc})"
                            ) from None
    raise DataError(str(path), f"unsupported export type {suffix!r} (use .sav, .csv or .xlsx)")


def _split(col: str) -> tuple[str, str] | None:
    """``enthousiasme[college]`` / ``enth_college`` / ``Q1.SQ001`` -> (stem, sub), else None."""
    m = re.fullmatch(r"\s*([^\[\]_.]+)\s*[\[_.]\s*([^\[\]]+?)\s*\]?\s*", col)
    return (m.group(1), m.group(2)) if m else None


def _stems(q: dict[str, Any]) -> set[str]:
    """Squashed stems that name a grid question: its id, tidy prefix and export-name prefixes."""
    stems = {squash(q["id"]), squash(ITEM_PREFIX.get(q["id"], q["id"]))}
    heads: dict[str, set[str]] = {}  # export-name head -> items using it
    for it in q["items"]:
        for r in it["raw"]:
            parts = _split(str(r))
            if parts:
                heads.setdefault(squash(parts[0]), set()).add(it["key"])
    stems.update(h for h, keys in heads.items() if len(keys) > 1)  # shared by items: a stem
    return {s for s in stems if s}


def _item_names(q: dict[str, Any], it: dict[str, Any]) -> set[str]:
    """Squashed names an item goes by: its key, its label, both parts of its export names."""
    names = {squash(it["key"]), squash(str(it["nl"]).removeprefix("... "))}
    for r in it["raw"]:
        names.update(squash(p) for p in _split(str(r)) or ())
    return {n for n in names if n} - _stems(q)


def _match_item(cb: dict[str, Any], col: str) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """The grid question (and item, or None for a new item) an export column's name fits, if one
    question and at most one item fit."""
    parts = _split(col)
    if not parts:
        return None
    stem, sub = squash(parts[0]), squash(parts[1])
    if sub in ("other", "comment"):  # LimeSurvey's "other" and comment boxes hold free text
        return None
    grids = [q for q in cb["questions"] if "items" in q]
    by_stem = [q for q in grids if any(s[:4] == stem[:4] for s in _stems(q) if len(stem) >= 3)]
    hits = []
    for q in by_stem or grids:
        for it in q["items"]:
            names = _item_names(q, it)
            if sub in names or (len(sub) >= 3 and any(n.startswith(sub) for n in names)):
                hits.append((q, it))
    if len(hits) == 1:
        return hits[0]
    if not hits and len(by_stem) == 1:
        return by_stem[0], None
    return None


def _match_single(cb: dict[str, Any], col: str) -> dict[str, Any] | None:
    """A one-column question whose export names start like ``col`` (``verantw`` ->
    ``verantwoordelijkheid``), if exactly one fits."""
    key = squash(col)
    if len(key) < 4:
        return None
    hits = [q for q in cb["questions"] if "items" not in q and q["type"] != "id"
            and any(squash(r).startswith(key) or key.startswith(squash(r)) for r in q["raw"])]
    return hits[0] if len(hits) == 1 else None


def _label_notes(cb: dict[str, Any], q: dict[str, Any], labels: dict[Any, str]
                 ) -> tuple[dict[str, Any], list[str]]:
    """Recode proposals and notes from an item's SPSS value labels."""
    if q["type"] not in ("likert5", "single") or not labels:
        return {}, []
    ours = answer_codes(cb, q)
    keys = {c: _answer_key(cb, q, c) for c in ours}
    recode: dict[str, Any] = {}
    notes = []
    for code, label in sorted(labels.items(), key=lambda kv: float(kv[0])
                              if isinstance(kv[0], (int, float)) else 0.0):
        ck = code_key(code)
        fits = [c for c, names in ours.items() if label_key(label) in names]
        same = ck.lstrip("-").isdigit() and int(ck) in fits
        if same:
            continue
        if len(fits) == 1:
            recode[ck] = keys[fits[0]]
            notes.append(f"SAV label of {ck} is {label!r}: recoded to {keys[fits[0]]}")
        else:
            notes.append(f"TODO SAV label of {ck} is {label!r}, which names no answer of "
                         f"{q['id']}: add a recode ({ck}: <our code or key>) or an alias")
    return recode, notes


def _labels_note(col: str, labels: dict[Any, str]) -> list[str]:
    """The SPSS value labels of a column, copied for the reviewer (codebook text, not answers)."""
    if not labels:
        return []
    return [f"{col}: SAV labels {_flow({code_key(c): v for c, v in labels.items()})}"]


def _answer_key(cb: dict[str, Any], q: dict[str, Any], code: int) -> Any:
    if code in {int(m) for m in q.get("missing", [])}:
        return cb["missing"][code]["key"]
    if q["type"] == "single":
        return q["values"][code]["key"]
    return code


def _q(text: str) -> str:
    """A string as a double-quoted YAML scalar."""
    return json.dumps(str(text), ensure_ascii=False)


def _flow(value: Any) -> str:
    """A YAML flow rendering of a list or mapping, on one line."""
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000).strip()


def draft_text(export: Path, base: dict[str, Any]) -> str:
    """The text of a starting codebook for ``export`` (see :func:`draft`)."""
    export = Path(export)
    columns, spss = export_header(export)
    text_raw = {norm(r) for q in base["questions"] if q["type"] == "text" for r in q["raw"]}
    raw_of = {norm(r): (q, it) for q in base["questions"] for it in (q.get("items") or [q])
              for r in it.get("raw", [])}
    entries: dict[str, dict[str, Any]] = {}  # question id -> raw / items / recode / notes
    identifying: list[str] = []
    ignored: list[str] = []
    free_text: list[str] = []
    todo: list[str] = []

    def entry(q: dict[str, Any]) -> dict[str, Any]:
        return entries.setdefault(q["id"], {"raw": [], "items": [], "new": [], "recode": {},
                                            "notes": []})

    for col in columns:
        key = norm(col)
        labels = spss.get(col) or {}
        if key in raw_of and raw_of[key][0]["type"] != "text":
            q, it = raw_of[key]
            rec, notes = _label_notes(base, q, labels)
            if rec or notes or labels:
                e = entry(q)
                e["recode"].update(rec)
                e["notes"] += [*_labels_note(col, labels), *(f"{col}: {n}" for n in notes)]
            continue
        if key in text_raw:
            continue
        if key in {norm(c) for c in base["identifying"]} or squash(col) in KNOWN_IDENTIFYING:
            identifying.append(col)
            continue
        if key in {norm(c) for c in base["ignored"]} or squash(col) in KNOWN_IGNORED:
            ignored.append(col)
            continue
        parts = _split(col)
        if parts and squash(parts[1]) in ("other", "comment"):
            free_text.append(col)  # LimeSurvey's "other" / comment box of a question: free text
            continue
        grid = _match_item(base, col)
        single = None if grid else _match_single(base, col)
        if grid and grid[1] is not None:
            q, it = grid
            e = entry(q)
            e["items"].append((it["key"], col))
        elif grid:
            q = grid[0]
            e = entry(q)
            e["new"].append(col)
        elif single is not None:
            q = single
            if q["type"] == "text":
                free_text.append(col)
                continue
            e = entry(q)
            e["raw"].append(col)
        else:
            shown = {code_key(c): v for c, v in labels.items()}
            todo.append(_q(col) + (f"  (SAV labels: {_flow(shown)})" if labels else ""))
            continue
        rec, notes = _label_notes(base, q, labels)
        e["recode"].update(rec)
        e["notes"] += [*_labels_note(col, labels), *(f"{col}: {n}" for n in notes)]
    lines = [
        f"# Survey codebook DRAFT for {export.name}, written by `roeptoeter codebook draft` from the",
        "# export's column names and SPSS value labels only (no respondent's value was read).",
        "# REVIEW EVERY LINE before use: names were matched to the shipped codebook",
        "# (data/reference/survey_codebook.yaml) by their form, and recodes proposed from value labels.",
        "# Lines marked TODO need a decision. Save as codebook.yaml beside the export.",
        "version: 1",
        "questions:",
    ]
    order = [q["id"] for q in base["questions"]]
    for qid in sorted(entries, key=order.index):
        e = entries[qid]
        lines.append(f"  - id: {qid}")
        if e["raw"]:
            lines.append(f"    raw: [{', '.join(_q(r) for r in e['raw'])}]")
        if e["recode"]:
            lines.append(f"    recode: {_flow(e['recode'])}")
        if e["items"] or e["new"]:
            lines.append("    items:")
            for item_key, col in e["items"]:
                lines.append(f"      - {{key: {item_key}, raw: [{_q(col)}]}}")
            for col in e["new"]:
                lines.append(f"      # TODO {_q(col)} fits {qid} but no item of it: which item, or a "
                             "new one? Then:")
                lines.append(f"      # - {{key: <item key>, raw: [{_q(col)}], nl: ..., en: ...}}")
        lines += [f"    # {n}" for n in e["notes"]]
    if free_text:
        lines.append("  - id: free_text_of_export  # free-text columns: dropped on import, never read")
        lines.append("    type: text")
        lines.append(f"    raw: [{', '.join(_q(c) for c in free_text)}]")
    lines.append(f"identifying: [{', '.join(_q(c) for c in identifying)}]  # known identifying "
                 "names: dropped on import")
    lines.append(f"ignored: [{', '.join(_q(c) for c in ignored)}]  # administrative columns: "
                 "dropped on import")
    if todo:
        lines.append("# TODO unknown columns: map each to a question or item above, or list it under")
        lines.append("# identifying / ignored (free text: a question with type: text):")
        lines += [f"#   - {t}" for t in todo]
    return "\n".join(lines) + "\n"


def draft(export: Path, out: Path | None = None, *, force: bool = False,
          base: dict[str, Any] | None = None) -> Path:
    """Write a starting codebook for an export, for the researcher to review.

    Parameters
    ----------
    export : Path
        The export (``.sav``, ``.csv`` or ``.xlsx``). Only its column names and SPSS value labels
        are read; no respondent's value reaches the draft.
    out : Path, optional
        Where to write; default ``codebook.yaml`` beside the export.
    force : bool
        Overwrite an existing file (refused otherwise).
    base : dict, optional
        The shipped codebook (default :func:`helpers.analysis.survey.load_codebook`).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataError
        When the export cannot be read, or ``out`` exists and ``force`` is False.
    """
    from helpers.core import io
    from helpers.core.survey_table import load_codebook

    export = Path(export)
    out = Path(out) if out else export.parent / LOCAL_NAMES[0]
    text = draft_text(export, base or load_codebook())  # the export is checked first
    if out.exists() and not force:
        raise DataError(str(out), "exists already; review or move it, or pass --force to "
                        "overwrite it")
    with io.atomic_path(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out
