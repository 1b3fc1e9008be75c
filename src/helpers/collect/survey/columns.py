"""Export columns onto tidy columns through the codebook, and the SPSS value labels checked against it.

Identifying, free-text and administrative columns are dropped here; every other unknown column is
bad input. Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from helpers.collect import codebook
from helpers.collect.issues import Issues
from helpers.core.errors import DataError


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
