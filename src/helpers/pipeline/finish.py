"""A successful year's last steps: the records table, the manifest and the report hooks.

Must not import: the executor; the report module is looked up lazily (:meth:`Hooks.from_report`),
so that a project without it still runs.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.pipeline import manifest as mf
from helpers.pipeline.executor import NotebookFailure
from helpers.pipeline.plan import Prepared


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class _Year:
    """Book-keeping of one year during a run."""

    year: int
    pending: list[str]
    tmp: Path | None = None
    running: set[str] = field(default_factory=set)
    done: set[str] = field(default_factory=set)
    failures: list[tuple[str, NotebookFailure]] = field(default_factory=list)
    times: dict[str, dict[str, Any]] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class YearResult:
    """Outcome of one year: ``status`` is ``ok``, ``skipped`` or ``failed``; ``path`` its folder."""

    year: int
    status: str
    path: Path
    failures: tuple[str, ...] = ()


def _optional(module: str, name: str) -> Callable[..., Any] | None:
    """``module.name`` if that module exists and has it (imported lazily), else ``None``."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    return getattr(mod, name, None)


@dataclass(frozen=True)
class Hooks:
    """What the runner calls besides notebooks (normally from :mod:`helpers.present.report`).

    Attributes
    ----------
    finalize_year : callable or None
        ``(tmp_dir, year)``: add report pages to a successful year's folder before it is swapped in;
        an exception fails the year.
    write_index : callable or None
        ``(outputs_dir)``: rewrite the index page after the run.
    warm_up : callable or None
        ``()``: called once before the first notebook, while the kernels start: the imports and
        template compilation that ``finalize_year`` would otherwise do after the last notebook.
    """

    finalize_year: Callable[[Path, int], Any] | None = None
    write_index: Callable[[Path], Any] | None = None
    warm_up: Callable[[], Any] | None = None

    @classmethod
    def from_report(cls) -> Hooks:
        """The hooks of :mod:`helpers.present.report` when it exists (each ``None`` if absent)."""
        report = "helpers.present.report"
        return cls(_optional(report, "finalize_year"), _optional(report, "write_index"),
                   _optional(report, "warm_up"))


def collect_records(folder: Path) -> list[dict[str, Any]]:
    """Every record of a year folder (``records/*.json``), sorted by notebook and name."""
    rows: list[dict[str, Any]] = []
    for path in sorted((Path(folder) / "records").glob("*.json")):
        rows.extend(json.loads(path.read_text(encoding="utf-8")))
    return sorted(rows, key=lambda r: (str(r.get("notebook")), str(r.get("name"))))


def write_records_table(folder: Path) -> Path:
    """Write ``tables/records.csv`` from the year's records (:func:`helpers.core.records.read_records`)."""
    from helpers.core.records import read_records

    table = read_records(folder).sort_values(["notebook", "name"], kind="stable")
    path = Path(folder) / "tables" / "records.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, lineterminator="\n")
    return path


def finish_year(
    prepared: Prepared, state: _Year, env: Mapping[str, Any], hooks: Hooks
) -> None:
    """Write the manifest and records table into a successful year's temporary folder, then let
    ``hooks.finalize_year`` add its pages."""
    assert state.tmp is not None
    year = state.year
    parameters = dict(prepared.effective[year])
    notebooks = dict(state.times)
    previous = mf.read_manifest(state.tmp) if prepared.subset else None
    if previous and previous.get("status") == "ok":
        for nb, info in previous.get("notebooks", {}).items():
            notebooks.setdefault(nb, info)
        for nb, p in previous.get("parameters", {}).items():
            parameters.setdefault(nb, p)
    provenance = state.tmp / "data" / "provenance.json"
    inputs: dict[str, str] = {}
    if provenance.is_file():
        inputs = dict(json.loads(provenance.read_text(encoding="utf-8")).get("inputs", {}))
    write_records_table(state.tmp)
    manifest = mf.build_manifest(
        year=year,
        key=prepared.keys[year],
        status="ok",
        parameters=parameters,
        notebooks=notebooks,
        env=env,
        inputs=inputs,
        records=collect_records(state.tmp),
    )
    mf.write_manifest(state.tmp, manifest)
    if hooks.finalize_year is not None:
        hooks.finalize_year(state.tmp, year)
