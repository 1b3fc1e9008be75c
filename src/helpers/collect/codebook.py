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
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import yaml

from helpers.core.errors import DataError
from helpers.core.survey_table import ITEM_PREFIX  # tidy-column prefix of each grid question's items

LOCAL_NAMES = ("codebook.yaml", "codebook.yml")
#: Column names that identify a person, known without a codebook entry (compared by :func:`squash`).
KNOWN_IDENTIFYING = (
    "naam", "name", "voornaam", "achternaam", "firstname", "lastname", "fullname", "email",
    "emailadres", "emailaddress", "ip", "ipaddr", "ipaddress", "ipadres", "token", "refurl",
    "referer", "referrer", "telefoon", "telefoonnummer", "phone", "phonenumber", "mobiel",
    "adres", "address", "postcode", "zipcode", "useragent",
)
#: Administrative columns of survey platforms (LimeSurvey, SurveyMonkey, Qualtrics) that carry no
#: answer and no personal data (compared by :func:`squash`).
KNOWN_IGNORED = (
    "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "interviewtime",
    "startdatum", "einddatum", "enddate", "status", "collectorid", "progress", "finished",
    "durationinseconds", "recordeddate",
)
_TOP_KEYS = {"version", "questions", "identifying", "ignored"}
_QUESTION_KEYS = {"id", "type", "raw", "recode", "aliases", "items", "nl", "en", "column"}
_ITEM_KEYS = {"key", "column", "raw", "recode", "aliases", "nl", "en"}


def squash(name: Any) -> str:
    """A column name reduced to lower-case letters and digits (``"E-mail adres"`` -> ``emailadres``)."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def norm(name: Any) -> str:
    """A column name as matched against ``raw``: lower case, spaces and hyphens read as ``_``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def label_key(text: Any) -> str:
    """A label as compared with codebook labels: lower case, runs of white space as one space."""
    return re.sub(r"\s+", " ", str(text).strip().lower())


def code_key(value: Any) -> str:
    """An export code as a recode key: ``9``, ``9.0`` and ``"9"`` -> ``"9"``; text lower case."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = label_key(value)
    return text.split(".")[0] if re.fullmatch(r"-?\d+\.0+", text) else text


def local_codebook(survey_dir: Path) -> Path | None:
    """The codebook beside the export (``codebook.yaml`` or ``codebook.yml``), or None."""
    for name in LOCAL_NAMES:
        path = Path(survey_dir) / name
        if path.is_file():
            return path
    return None


def read_local(path: Path) -> dict[str, Any]:
    """Read a local codebook's YAML (an empty file is an empty codebook).

    Raises
    ------
    DataError
        When the file is not YAML or not a mapping.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataError(str(path), f"not a readable YAML codebook ({type(exc).__name__})",
                        row=mark.line + 1 if mark is not None else None) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataError(str(path), "a survey codebook is a YAML mapping (questions:, identifying:, "
                        "ignored:)")
    return data


def answer_codes(cb: dict[str, Any], q: dict[str, Any]) -> dict[int, set[str]]:
    """Our answer code -> the labels that name it (nl, en, key, aliases; compared by
    :func:`label_key`) of a likert5 or single question, missing codes included."""
    out: dict[int, set[str]] = {}
    if q["type"] == "likert5":
        for c, v in cb["scales"][q["scale"]].items():
            out[int(c)] = {label_key(v["nl"]), label_key(v["en"])}
    elif q["type"] == "single":
        for c, v in q["values"].items():
            out[int(c)] = {label_key(v["nl"]), label_key(v["en"]), label_key(v["key"])}
    for m in q.get("missing", []):
        v = cb["missing"][int(m)]
        out[int(m)] = {label_key(v["nl"]), label_key(v["en"]), label_key(v["key"])}
    for c, names in (q.get("aliases") or {}).items():
        out.setdefault(int(c), set()).update(label_key(n) for n in _as_list(names))
    return out


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _resolve_target(cb: dict[str, Any], q: dict[str, Any], target: Any, where: str,
                    path: str) -> int:
    """Our code of a recode target: a code, or an answer key / label of the question."""
    codes = answer_codes(cb, q)
    if isinstance(target, bool) or not isinstance(target, (int, str)):
        raise DataError(path, f"recode target of {where} must be an answer code or key",
                        column=where)
    if isinstance(target, int):
        if target in codes:
            return target
    else:
        hits = [c for c, names in codes.items() if label_key(target) in names]
        if len(hits) == 1:
            return hits[0]
    raise DataError(path, f"recode target {target!r} of {where} is not an answer of question "
                    f"{q['id']!r} (codes {sorted(codes)})", column=where)


def _recode(cb: dict[str, Any], q: dict[str, Any], spec: Any, where: str, path: str
            ) -> dict[str, int]:
    if q["type"] not in ("likert5", "single"):
        raise DataError(path, f"recode is for coded questions (likert5, single), not the {q['type']}"
                        f" question {q['id']!r}", column=where)
    if not isinstance(spec, dict):
        raise DataError(path, f"recode of {where} must be a mapping export code -> our code",
                        column=where)
    return {code_key(k): _resolve_target(cb, q, v, where, path) for k, v in spec.items()}


def _check_keys(found: dict[str, Any], allowed: set[str], where: str, path: str) -> None:
    extra = sorted(set(found) - allowed)
    if extra:
        raise DataError(path, f"unknown field(s) {', '.join(extra)} in {where} (allowed: "
                        f"{', '.join(sorted(allowed))})", column=where)


def _raw_list(value: Any, where: str, path: str) -> list[str]:
    names = _as_list(value)
    if not names or not all(isinstance(n, (str, int)) for n in names):
        raise DataError(path, f"raw of {where} must be a column name or a list of them",
                        column=where)
    return [str(n) for n in names]


def merge(base: dict[str, Any], local: dict[str, Any], path: str = "codebook.yaml"
          ) -> dict[str, Any]:
    """The shipped codebook ``base`` extended and overridden by a local codebook ``local``.

    Parameters
    ----------
    base : dict
        The shipped codebook (:func:`helpers.analysis.survey.load_codebook`).
    local : dict
        The local codebook's content (layout in the module docstring).
    path : str
        The local codebook's file, for messages.

    Returns
    -------
    dict
        A new codebook: raw names of the local codebook first (and removed from every other place
        of the shipped one), ``recode`` as ``{export code key: our code}`` on questions and items,
        extra items appended to their question, identifying and ignored lists united.

    Raises
    ------
    DataError
        Naming the local codebook and the entry, for unknown fields, a new non-text question, an
        extra item without ``key``/``raw``, or a recode target that is not an answer.
    """
    _check_keys(local, _TOP_KEYS, "the codebook", path)
    cb = copy.deepcopy(base)
    by_id = {q["id"]: q for q in cb["questions"]}
    claimed: set[str] = set()  # raw names the local codebook maps (they win)
    updates: list[tuple[dict[str, Any], list[str]]] = []
    for i, lq in enumerate(local.get("questions") or []):
        where = f"questions[{i}]"
        if not isinstance(lq, dict) or "id" not in lq:
            raise DataError(path, f"{where} needs an id (a question of the shipped codebook)",
                            column=where)
        where = f"questions[{lq['id']}]"
        _check_keys(lq, _QUESTION_KEYS, where, path)
        q = by_id.get(lq["id"])
        if q is None:
            if lq.get("type") != "text" or "raw" not in lq:
                raise DataError(path, f"question {lq['id']!r} is not in the shipped codebook; a "
                                "local codebook can map columns, recode answers, add items to a "
                                f"grid question ({', '.join(ITEM_PREFIX)}) and add free-text "
                                "questions (type: text, with raw), not new coded questions",
                                column=where)
            q = {"id": lq["id"], "type": "text", "raw": [],
                 "nl": lq.get("nl", lq["id"]), "en": lq.get("en", lq["id"])}
            cb["questions"].append(q)
            by_id[q["id"]] = q
        if lq.get("type", q["type"]) != q["type"]:
            raise DataError(path, f"question {q['id']!r} has type {q['type']!r}; a local codebook "
                            "cannot change it", column=where)
        for key in ("nl", "en"):
            if key in lq:
                q[key] = str(lq[key])
        if "aliases" in lq:
            q["aliases"] = {**(q.get("aliases") or {}),
                            **{int(c): _as_list(v) for c, v in lq["aliases"].items()}}
        if "raw" in lq:
            if "items" in q:
                raise DataError(path, f"question {q['id']!r} is a grid: give raw per item",
                                column=where)
            raw = _raw_list(lq["raw"], where, path)
            updates.append((q, raw))
            claimed.update(norm(r) for r in raw)
        if "recode" in lq:
            q["recode"] = {**(q.get("recode") or {}), **_recode(cb, q, lq["recode"], where, path)}
        for j, li in enumerate(lq.get("items") or []):
            iwhere = f"{where}.items[{j}]"
            if not isinstance(li, dict) or "key" not in li:
                raise DataError(path, f"{iwhere} needs a key (an item of {q['id']!r} or a new one)",
                                column=iwhere)
            iwhere = f"{where}.items[{li['key']}]"
            _check_keys(li, _ITEM_KEYS, iwhere, path)
            if "items" not in q:
                raise DataError(path, f"question {q['id']!r} has no items", column=iwhere)
            item = next((it for it in q["items"] if it["key"] == li["key"]), None)
            if item is None:
                if "raw" not in li:
                    raise DataError(path, f"the new item {li['key']!r} needs raw (its export "
                                    "column)", column=iwhere)
                if not re.fullmatch(r"[a-z][a-z0-9_]*", str(li["key"])):
                    raise DataError(path, f"item key {li['key']!r} must be lower-case letters, "
                                    "digits and _", column=iwhere)
                item = {"column": f"{ITEM_PREFIX[q['id']]}_{li['key']}", "key": str(li["key"]),
                        "raw": [], "nl": li.get("nl", li["key"]), "en": li.get("en", li["key"]),
                        "extra": True}
                q["items"].append(item)
            if li.get("column", item["column"]) != item["column"]:
                raise DataError(path, f"the tidy column of item {li['key']!r} is "
                                f"{item['column']!r}; it cannot be renamed", column=iwhere)
            for key in ("nl", "en"):
                if key in li:
                    item[key] = str(li[key])
            if "raw" in li:
                raw = _raw_list(li["raw"], iwhere, path)
                updates.append((item, raw))
                claimed.update(norm(r) for r in raw)
            if "aliases" in li:
                item["aliases"] = {**(item.get("aliases") or {}),
                                   **{int(c): _as_list(v) for c, v in li["aliases"].items()}}
            if "recode" in li:
                item["recode"] = {**(item.get("recode") or {}),
                                  **_recode(cb, q, li["recode"], iwhere, path)}
    for key in ("identifying", "ignored"):
        extra = local.get(key) or []
        if not isinstance(extra, list):
            raise DataError(path, f"{key} must be a list of column names", column=key)
        claimed.update(norm(r) for r in extra)
    # a raw name of the local codebook wins: remove it from every other place of the shipped one
    for q in cb["questions"]:
        for holder in q.get("items") or [q]:
            if "raw" in holder:
                holder["raw"] = [r for r in holder["raw"] if norm(r) not in claimed]
    for key in ("identifying", "ignored"):
        cb[key] = [r for r in cb.get(key, []) if norm(r) not in claimed]
    for holder, raw in updates:
        holder["raw"] = raw + holder["raw"]
    for key in ("identifying", "ignored"):
        cb[key] = cb[key] + [str(r) for r in local.get(key) or []]
    _check_unique(cb, path)
    return cb


def _check_unique(cb: dict[str, Any], path: str) -> None:
    """Every raw name maps to one place (local codebooks can list a name twice by mistake)."""
    seen: dict[str, str] = {}
    places: list[tuple[str, list[str]]] = []
    for q in cb["questions"]:
        for holder in q.get("items") or [q]:
            places.append((holder.get("column", q["id"]), holder.get("raw", [])))
    places += [("identifying", cb["identifying"]), ("ignored", cb["ignored"])]
    for place, raw in places:
        for r in raw:
            key = norm(r)
            if key in seen and seen[key] != place:
                raise DataError(path, f"export column {r!r} is mapped twice ({seen[key]} and "
                                f"{place})", column=r)
            seen[key] = place


def for_export(survey_dir: Path, base: dict[str, Any]) -> tuple[dict[str, Any], Path | None]:
    """The codebook of the exports in ``survey_dir``: ``base`` merged with the local codebook.

    Returns
    -------
    codebook : dict
        The merged codebook (``base`` itself when there is no local codebook).
    path : Path or None
        The local codebook read, if any.
    """
    path = local_codebook(survey_dir)
    if path is None:
        return base, None
    return merge(base, read_local(path), str(path)), path


def is_identifying(name: str, cb: dict[str, Any]) -> bool:
    """True for a column the codebook lists as identifying, or a :data:`KNOWN_IDENTIFYING` name."""
    return (norm(name) in {norm(c) for c in cb.get("identifying", [])}
            or squash(name) in KNOWN_IDENTIFYING)


def is_ignored(name: str, cb: dict[str, Any]) -> bool:
    """True for a column the codebook lists as ignored, or a :data:`KNOWN_IGNORED` name."""
    return (norm(name) in {norm(c) for c in cb.get("ignored", [])}
            or squash(name) in KNOWN_IGNORED)


# --- drafting a codebook for an export ----------------------------------------------------------


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
