"""Planning a run: the project's paths, the notebook order, the checked parameters and up-to-date keys.

Everything here happens before any kernel starts and writes nothing (:func:`prepare`): the years have
a register, the notebooks exist, every ``-p name=value`` is declared by a notebook of the run and
fits the type of its default, the raw inputs exist when a notebook reads files. The order comes from
``notebooks/pipeline.yaml`` through :class:`graphlib.TopologicalSorter`. Bad input raises
:class:`~helpers.core.errors.ParameterError` or :class:`~helpers.core.errors.DataError`.

Must not import: the executor, the report or the command line.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Any

import yaml

from helpers.core.errors import ParameterError
from helpers.pipeline import manifest as mf
from helpers.pipeline import params as prm
from helpers.pipeline.sources import Resolution, resolve

#: The study year of the 2014 GemeenteBuzz / Socialmediameetlat.nl study: what a bare run runs.
DEFAULT_YEAR = 2014


@dataclass(frozen=True)
class Project:
    """Where the runner reads and writes; every path absolute.

    Attributes
    ----------
    root : Path
        Project root: kernels start here and get ``ROEPTOETER_ROOT`` pointing at it.
    notebooks : Path
        Folder of the ``<name>.ipynb`` files.
    pipeline : Path
        The pipeline file (``{notebooks: {name: [deps]}}``).
    outputs : Path
        Where the year folders go.
    """

    root: Path
    notebooks: Path
    pipeline: Path
    outputs: Path

    @classmethod
    def at(
        cls,
        root: Path | None = None,
        *,
        notebooks: Path | None = None,
        pipeline: Path | None = None,
        outputs: Path | None = None,
    ) -> Project:
        """The project at ``root`` (default: :func:`helpers.core.paths.project_root`), with overrides."""
        if root is None:
            from helpers.core.paths import project_root

            root = project_root()
        root = Path(root).resolve()
        nb_dir = Path(notebooks).resolve() if notebooks else root / "notebooks"
        return cls(
            root=root,
            notebooks=nb_dir,
            pipeline=Path(pipeline).resolve() if pipeline else nb_dir / "pipeline.yaml",
            outputs=Path(outputs).resolve() if outputs else root / "outputs",
        )

    def notebook(self, name: str) -> Path:
        """Path of notebook ``name``."""
        return self.notebooks / f"{name}.ipynb"


def load_pipeline(path: Path) -> dict[str, list[str]]:
    """Read the pipeline file: ``{notebook: [dependencies]}`` in file order.

    Accepts a top-level ``notebooks:`` mapping (the project's layout) or a bare mapping.

    Raises
    ------
    ParameterError
        When the file is missing, not a mapping, names an unknown dependency or has a cycle.
    """
    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"pipeline file {path} is missing; it lists the notebooks in run order")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if isinstance(data, dict) and isinstance(data.get("notebooks"), dict):
        data = data["notebooks"]
    if not isinstance(data, dict):
        raise ParameterError(f"pipeline file {path}: expected a mapping notebook -> [dependencies]")
    pipeline = {str(k): [str(d) for d in (v or [])] for k, v in data.items()}
    for name, deps in pipeline.items():
        for dep in deps:
            if dep not in pipeline:
                raise ParameterError(
                    f"pipeline file {path}: {name} depends on {dep}, which is not in the pipeline"
                )
    plan(pipeline)  # raises on a cycle
    return pipeline


def plan(pipeline: Mapping[str, Sequence[str]], selection: Iterable[str] | None = None) -> list[str]:
    """Notebooks to run, in a dependency order that keeps the pipeline file's order otherwise.

    Parameters
    ----------
    pipeline : mapping
        ``{notebook: [dependencies]}``.
    selection : iterable of str, optional
        Run only these plus everything they depend on (transitively). ``None``: all notebooks.

    Raises
    ------
    ParameterError
        For a selected name that is not in the pipeline, or a dependency cycle.
    """
    names = list(pipeline)
    if selection is None:
        wanted = set(names)
    else:
        selection = list(selection)
        unknown = [s for s in selection if s not in pipeline]
        if unknown:
            from helpers.core.errors import shorten

            raise ParameterError(
                f"unknown notebook {shorten(unknown)}: the pipeline has {', '.join(names)} "
                "(see `roeptoeter list`)"
            )
        wanted, stack = set(), list(selection)
        while stack:
            name = stack.pop()
            if name not in wanted:
                wanted.add(name)
                stack.extend(pipeline[name])
    sorter = TopologicalSorter({n: pipeline[n] for n in names if n in wanted})
    try:
        sorter.prepare()
    except CycleError as exc:
        stuck = sorted(set(exc.args[1]))
        raise ParameterError(f"dependency cycle among notebooks {', '.join(stuck)}") from None
    position = {n: i for i, n in enumerate(names)}
    ready = [(position[n], n) for n in sorter.get_ready()]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:  # of the notebooks ready to run, always the first in the pipeline file
        _, name = heapq.heappop(ready)
        order.append(name)
        sorter.done(name)
        for n in sorter.get_ready():
            heapq.heappush(ready, (position[n], n))
    return order


def critical_first(order: Sequence[str], deps: Mapping[str, Sequence[str]],
                   seconds: Mapping[str, float]) -> list[str]:
    """``order`` re-sorted so that, among notebooks ready at the same time, the one heading the
    longest chain of expected work comes first (critical-path scheduling).

    Parameters
    ----------
    order : sequence of str
        Notebooks in a valid run order (every notebook after its dependencies).
    deps : mapping
        Notebook -> the notebooks it reads from.
    seconds : mapping
        Expected duration of each notebook in seconds (a year's previous run); missing ones count 0.

    Returns
    -------
    list of str
        Still a valid run order: a notebook's chain includes all that depend on it, so it always
        outranks them. With no durations it is ``order`` itself (the sort is stable).
    """
    chain: dict[str, float] = {}
    for nb in reversed(order):  # dependants come later in ``order``: their chains are known
        after = [chain[m] for m in order if nb in deps.get(m, ()) and m in chain]
        chain[nb] = float(seconds.get(nb, 0.0)) + max(after, default=0.0)
    return sorted(order, key=lambda nb: -chain[nb])


def check_years(years: Iterable[int | str] | None) -> list[int]:
    """The distinct years of a run, sorted; ``None`` or empty gives ``[DEFAULT_YEAR]``.

    Raises
    ------
    ParameterError
        For a year that is not an integer or has no municipality register.
    """
    from helpers.core.years import FIRST_YEAR, LAST_YEAR

    out: set[int] = set()
    for y in years or [DEFAULT_YEAR]:
        try:
            year = int(y)
        except (TypeError, ValueError):
            raise ParameterError(f"year {y!r} is not a year; give e.g. --year 2014") from None
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ParameterError(
                f"no register for year {year}: the municipality register covers {FIRST_YEAR}-"
                f"{LAST_YEAR}; choose a year in that range"
            )
        out.add(year)
    return sorted(out)


def check_choices(
    parameters: Mapping[str, Mapping[str, Any]],
    year: int = DEFAULT_YEAR,
    defaults: Mapping[str, Mapping[str, Any]] | None = None,
    root: Path | None = None,
) -> None:
    """Raise for every parameter outside its allowed values and for a raw folder that resolves
    outside the project (see :mod:`helpers.pipeline.preflight`).

    Raises
    ------
    ParameterError, DataError
        For a single problem.
    helpers.core.errors.BadInput
        For several (one line each).
    """
    from helpers.pipeline import preflight

    problems = preflight.parameter_problems(parameters, int(year), defaults)
    collect_params = next((p for p in parameters.values() if "source" in p), None)
    if root is not None and collect_params is not None:
        problems.extend(preflight.folder_problems(Path(root), int(year), collect_params))
    preflight.raise_problems([preflight.Checked(year=int(year), source="-", problems=problems)])


def check_inputs(root: Path, year: int,
                 parameters: Mapping[str, Mapping[str, Any]]) -> dict[str, Resolution]:
    """What each notebook with a ``source`` parameter reads (:func:`helpers.pipeline.sources.resolve`).

    Returns
    -------
    dict
        Notebook -> :class:`~helpers.pipeline.sources.Resolution` (raw files or demo, and which sources).

    Raises
    ------
    ParameterError
        An unknown source or ``input_dir`` outside the project.
    DataError
        Raw files asked for (``source=files`` or a named source) that are not there, naming the
        folder and the fix.
    """
    return {
        nb: resolve(year, str(p.get("source") or "auto"), str(p.get("sources") or ""),
                    str(p.get("input_dir") or ""), root=Path(root))
        for nb, p in parameters.items() if "source" in p
    }


def year_key(
    year: int,
    root: Path,
    notebook_hashes: Mapping[str, str],
    helper_hashes: Mapping[str, str],
    lock_hash: str | None,
    reference_hashes: Mapping[str, str],
    parameters: Mapping[str, Mapping[str, Any]],
    inputs: Mapping[str, Resolution] | None = None,
) -> str:
    """The up-to-date key of ``year``: the shared hashes plus ``data/raw/<year>/`` and parameters.

    ``inputs`` (from :func:`check_inputs`) adds what each notebook reads (raw files or demo, which
    sources) and the files of a raw folder other than ``data/raw/<year>/`` (``input_dir``).
    """
    raw = mf.tree_hashes(Path(root) / "data" / "raw" / str(year))
    params = {k: dict(v) for k, v in parameters.items()}
    for nb, res in (inputs or {}).items():
        params.setdefault(nb, {})["__inputs__"] = res.as_key()
        if res.kind == "files" and res.path != Path(root).resolve() / "data" / "raw" / str(year):
            raw.update({f"{res.as_key()['path']}/{k}": v for k, v in mf.tree_hashes(res.path).items()})
    return mf.up_to_date_key(
        notebook_hashes, helper_hashes, lock_hash, reference_hashes, raw, params
    )


def is_up_to_date(year_dir: Path, key: str) -> bool:
    """True when ``year_dir/manifest.json`` says status ``ok`` with the same key."""
    manifest = mf.read_manifest(year_dir)
    return bool(manifest) and manifest.get("status") == "ok" and manifest.get("key") == key


@dataclass(frozen=True)
class Prepared:
    """A checked run: what to execute for which years, with which parameters and keys."""

    project: Project
    years: list[int]
    order: list[str]
    deps: dict[str, list[str]]
    subset: bool
    defaults: dict[str, dict[str, Any]]
    overrides: dict[str, dict[str, Any]]
    effective: dict[int, dict[str, dict[str, Any]]]
    keys: dict[int, str]
    inputs: dict[int, dict[str, Resolution]] = field(default_factory=dict)


def helpers_hashes() -> dict[str, str]:
    """``{relative path: sha256}`` of the ``.py`` files of the imported ``helpers`` package (all layers)."""
    import helpers

    pkg = Path(helpers.__file__).resolve().parent
    return mf.tree_hashes(pkg, "**/*.py")


def prepare(
    project: Project,
    years: Iterable[int | str] | None = None,
    notebooks: Iterable[str] | None = None,
    params: Iterable[str] = (),
) -> Prepared:
    """Check a run completely and compute its up-to-date keys; writes nothing.

    Parameters
    ----------
    project : Project
        Paths of the project.
    years : iterable, optional
        Study years (default ``[2014]``).
    notebooks : iterable of str, optional
        Run these plus their dependencies (default: all).
    params : iterable of str
        ``-p`` arguments, ``name=value``.

    Raises
    ------
    ParameterError, DataError
        On bad input (see :mod:`helpers.cli` for the list).
    """
    year_list = check_years(years)
    given = [prm.parse_param(p) for p in params]
    pipeline = load_pipeline(project.pipeline)
    selection = list(notebooks) if notebooks else None
    order = plan(pipeline, selection)
    missing = [n for n in order if not project.notebook(n).is_file()]
    if missing:
        raise ParameterError(
            f"notebook file {project.notebook(missing[0])} is missing (listed in "
            f"{project.pipeline.name}); restore it or remove it from the pipeline"
        )
    defaults = {n: prm.notebook_defaults(project.notebook(n)) for n in order}
    overrides = prm.resolve(defaults, given)
    effective = {y: prm.effective(defaults, overrides, y) for y in year_list}
    inputs: dict[int, dict[str, Resolution]] = {}
    for y in year_list:
        check_choices(effective[y], y, defaults, project.root)
        inputs[y] = check_inputs(project.root, y, effective[y])
    nb_hashes = {n: mf.notebook_source_hash(project.notebook(n)) for n in order}
    lock = project.root / mf.LOCK_FILE
    lock_hash = mf.sha256_file(lock) if lock.is_file() else None
    ref = mf.tree_hashes(project.root / "data" / "reference")
    helper = helpers_hashes()
    keys = {
        y: year_key(y, project.root, nb_hashes, helper, lock_hash, ref, effective[y], inputs[y])
        for y in year_list
    }
    return Prepared(
        project=project,
        years=year_list,
        order=order,
        deps={n: list(pipeline[n]) for n in order},
        subset=len(order) < len(pipeline),
        defaults=defaults,
        overrides=overrides,
        effective=effective,
        keys=keys,
        inputs=inputs,
    )
