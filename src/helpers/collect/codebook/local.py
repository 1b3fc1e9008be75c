"""A local survey codebook beside an export: read it, and merge it into the shipped codebook.

The layout of a local codebook is in :mod:`helpers.collect.codebook`. Imports nothing from
helpers.analysis, helpers.present or helpers.pipeline (helpers.core and the codebook's names only).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from helpers.collect.codebook.names import (
    KNOWN_IDENTIFYING,
    KNOWN_IGNORED,
    LOCAL_NAMES,
    _as_list,
    answer_codes,
    code_key,
    label_key,
    norm,
    squash,
)
from helpers.core.errors import DataError
from helpers.core.survey_table import ITEM_PREFIX  # tidy-column prefix of each grid question's items

_TOP_KEYS = {"version", "questions", "identifying", "ignored"}
_QUESTION_KEYS = {"id", "type", "raw", "recode", "aliases", "items", "nl", "en", "column"}
_ITEM_KEYS = {"key", "column", "raw", "recode", "aliases", "nl", "en"}


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
