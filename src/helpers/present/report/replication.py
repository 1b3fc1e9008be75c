"""Published figures beside this run's recorded values: the replication table.

:func:`replication_table` puts every published figure of a year (``data/reference/published.yaml``)
beside the value this run recorded under the same name, with the difference and a verdict
(:func:`compare`); the value parsers here (``_text``, ``_number``, ``_flag``) are shared by the
report's other modules.

Must not import: :mod:`helpers.pipeline`, :mod:`helpers.cli` or another module of
:mod:`helpers.present.report` (the lowest module of the package).
"""

from __future__ import annotations

import contextlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers.core import io
from helpers.core.errors import DataError
from helpers.core.paths import reference_dir

PUBLISHED = "published.yaml"
KINDS = ("number", "code", "flag", "rank")
REPLICATION_COLUMNS = [
    "source",
    "year",
    "figure",
    "published",
    "computed",
    "difference",
    "unit",
    "tolerance",
    "within_tolerance",
]


_TRUE = {"true", "1", "yes", "ja"}
_FALSE = {"false", "0", "no", "nee", ""}


def load_published(path: Path | None = None) -> pd.DataFrame:
    """The published figures: ``source, year, figure, published, unit, tolerance, kind``.

    Raises
    ------
    DataError
        When an entry lacks a field, has an unknown ``kind`` or a non-numeric tolerance (the row is the
        1-based position in the ``figures`` list).
    """
    path = Path(path) if path is not None else reference_dir() / PUBLISHED
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = doc.get("figures")
    if not isinstance(entries, list):
        raise DataError(str(path), "must hold a list under 'figures'", column="figures")
    need = ("source", "year", "figure", "published", "unit", "tolerance", "kind")
    for i, entry in enumerate(entries, start=1):
        for key in need:
            if not isinstance(entry, dict) or key not in entry:
                raise DataError(str(path), f"every figure needs '{key}'", row=i, column=key)
        if entry["kind"] not in KINDS:
            raise DataError(str(path), f"kind must be one of {', '.join(KINDS)}", row=i, column="kind")
        if not isinstance(entry["tolerance"], int | float) or isinstance(entry["tolerance"], bool):
            raise DataError(str(path), "tolerance must be a number", row=i, column="tolerance")
    return pd.DataFrame(entries, columns=list(need))


def _text(value: Any) -> str | None:
    """A value as table text: numbers with 6 significant digits, booleans lower-case."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:.6g}"
    if isinstance(value, list | tuple | set):
        return ";".join(str(v) for v in value)
    return str(value)


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value)):
        return bool(value)
    if isinstance(value, str):
        v = value.strip().lower()
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
    return None


def _items(value: Any) -> frozenset[str]:
    """A rank figure as a set: ``"a;b"``, ``["a", "b"]`` or a JSON list give {"a", "b"}."""
    if isinstance(value, str) and value.strip().startswith("["):
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if isinstance(value, list | tuple | set | frozenset):
        parts = [str(v) for v in value]
    else:
        parts = str(value).split(";")
    return frozenset(p.strip().lower() for p in parts if p.strip())


def compare(kind: str, published: Any, computed: Any, tolerance: float) -> tuple[float, bool]:
    """``(difference, within_tolerance)`` of one published figure and this run's value.

    ``number``: difference = computed - published, within when ``|difference| <= tolerance``;
    ``code``: equal gemeente codes (case-insensitive); ``flag``: the computed truth value equals the
    published one; ``rank``: the same set of items (order inside the set does not matter). The
    difference is NaN for every kind but ``number``; a missing value is never within tolerance.
    """
    nan = float("nan")
    if computed is None or (isinstance(computed, float) and math.isnan(computed)):
        return nan, False
    if kind == "number":
        c, p = _number(computed), _number(published)
        if c is None or p is None:
            return nan, False
        diff = c - p
        return diff, abs(diff) <= tolerance + 1e-9
    if kind == "code":
        return nan, str(computed).strip().upper() == str(published).strip().upper()
    if kind == "flag":
        c = _flag(computed)
        return nan, c is not None and c == _flag(published)
    if kind == "rank":
        return nan, _items(computed) == _items(published)
    raise ValueError(f"unknown kind {kind!r}")


def replication_table(year: int, records: pd.DataFrame, published_path: Path | None = None) -> pd.DataFrame:
    """Every published figure of ``year`` beside this run's recorded value.

    Parameters
    ----------
    year : int
        The study year; only published figures of that year are listed (none for other years).
    records : DataFrame
        The year's records (:func:`helpers.read_records`): ``name`` and ``value`` at least. A figure's
        id is the record name; when a name was recorded twice the last one counts.
    published_path : Path, optional
        Another ``published.yaml`` (tests).

    Returns
    -------
    DataFrame
        ``source, year, figure, published, computed, difference, unit, tolerance,
        within_tolerance``: ``published``/``computed`` as text (numbers to 6 significant digits,
        ``computed`` empty when nothing was recorded), ``difference`` = computed - published for
        numbers (NaN otherwise), ``within_tolerance`` bool (False when the record is missing).
    """
    published = load_published(published_path)
    published = published[published["year"] == int(year)]
    values: dict[str, Any] = {}
    if len(records):
        for name, value in zip(records["name"], records["value"], strict=True):
            values[str(name)] = value
    rows = []
    for entry in published.itertuples(index=False):
        computed = values.get(entry.figure)
        diff, ok = compare(entry.kind, entry.published, computed, float(entry.tolerance))
        rows.append(
            {
                "source": entry.source,
                "year": int(entry.year),
                "figure": entry.figure,
                "published": _text(entry.published),
                "computed": _text(computed),
                "difference": diff,
                "unit": entry.unit,
                "tolerance": float(entry.tolerance),
                "within_tolerance": bool(ok),
            }
        )
    out = pd.DataFrame(rows, columns=REPLICATION_COLUMNS)
    return out.astype(
        {
            "source": "str",
            "year": "int64",
            "figure": "str",
            "published": "str",
            "computed": "str",
            "difference": "float64",
            "unit": "str",
            "tolerance": "float64",
            "within_tolerance": "bool",
        }
    )


def write_replication(folder: Path, table: pd.DataFrame) -> list[Path]:
    """Write ``tables/replication.csv`` and ``.parquet`` the way ``Run.save_table`` does."""
    return io.write_csv_parquet(table, Path(folder) / "tables" / "replication")
