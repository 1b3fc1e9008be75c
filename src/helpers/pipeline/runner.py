"""The batch runner: every notebook of the collection, for one or more years, atomically.

``roeptoeter run`` (see :mod:`helpers.cli`) calls :func:`run`. What it does, in order:

1. **Check everything before any kernel starts** (:func:`prepare`): the years have a register, the
   notebooks exist, every ``-p name=value`` is declared by a notebook of the run and fits the type of
   its default, the raw inputs exist when a notebook reads files. Bad input raises
   :class:`~helpers.core.errors.ParameterError` or :class:`~helpers.core.errors.DataError`; nothing is written.
2. **Skip what is up to date**: a year whose ``manifest.json`` has status ``ok`` and the same
   up-to-date key (:func:`helpers.pipeline.manifest.up_to_date_key`) is skipped unless ``force``.
3. **Execute** with papermill's semantics on warm kernels (:mod:`helpers.pipeline.executor`: a fresh,
   preloaded kernel per notebook) from this one process, on a thread pool of ``jobs`` workers, over years
   and over notebooks whose dependencies (``notebooks/pipeline.yaml``) are done. Each year writes into
   a temporary sibling folder ``outputs/.<year>.tmp-<random>/``.
4. **Replace atomically**: only when every notebook of a year succeeded are ``manifest.json`` and
   ``tables/records.csv`` written and the folder swapped into ``outputs/<year>/``. On failure the old
   results stay untouched and the temporary folder becomes ``outputs/.<year>.failed-<timestamp>/``,
   holding the executed notebook with papermill's error banner; one ``FAILED ...`` line per failure.

Module functions are small and pure where they can be (:func:`load_pipeline`, :func:`plan`,
:func:`check_years`, :func:`year_key`, :func:`failure_line`), so the logic is tested without kernels;
the notebook executor is injectable (``execute=``) for the same reason.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from helpers.core.errors import ParameterError
from helpers.pipeline import manifest as mf
from helpers.pipeline import params as prm
from helpers.pipeline.executor import NotebookFailure, WarmExecutor
from helpers.pipeline.sources import Resolution, resolve

#: The study year of the 2014 GemeenteBuzz / Socialmediameetlat.nl study: what a bare run runs.
DEFAULT_YEAR = 2014
KERNEL = "python3"
#: Seconds between two kernel starts (many kernels started at once can clash on ZMQ ports).
STAGGER_S = 0.25
TMP_MARK, OLD_MARK, FAILED_MARK = ".tmp-", ".old-", ".failed-"
#: The runner's own hidden folders in outputs/: ``.<year>.tmp-*`` and ``.<year>.old-*``.
_RUNNER_DIR = re.compile(r"^\.(\d{4})(\.tmp-|\.old-)")


# --- the project ------------------------------------------------------------------------------
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


# --- pure planning ------------------------------------------------------------------------------
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
    order: list[str] = []
    done: set[str] = set()
    while len(order) < len(wanted):
        ready = [n for n in names if n in wanted and n not in done and set(pipeline[n]) <= done]
        if not ready:
            stuck = sorted(wanted - done)
            raise ParameterError(f"dependency cycle among notebooks {', '.join(stuck)}")
        order.append(ready[0])
        done.add(ready[0])
    return order


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
    """Resolve what each notebook with a ``source`` parameter reads (:func:`helpers.pipeline.sources.resolve`).

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
    """``{relative path: sha256}`` of the ``.py`` files of the imported ``helpers`` package."""
    pkg = Path(__file__).resolve().parent
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


# --- folders ------------------------------------------------------------------------------------
LOCK_NAME = ".roeptoeter.lock"


@contextmanager
def outputs_lock(outputs: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``outputs/`` for a run (POSIX ``flock``; a no-op elsewhere).

    Two runs at once would remove each other's temporary folders as stale; the second one is
    refused instead.

    Raises
    ------
    ParameterError
        When another run holds the lock.
    """
    outputs.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(outputs / LOCK_NAME, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ParameterError(
                f"another roeptoeter run is using {outputs}; wait for it to finish and run again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def clean_stale(outputs: Path) -> list[Path]:
    """Tidy ``outputs/`` after a killed run; returns the folders removed or restored.

    Removes every ``.<year>.tmp-*`` folder (a run that never finished; never results). When a swap
    was interrupted after the old results were moved aside (``.<year>.old-*`` present and
    ``<year>`` missing) the old results are moved back; otherwise leftover ``.old-`` folders go.
    """
    outputs = Path(outputs)
    touched: list[Path] = []
    if not outputs.is_dir():
        return touched
    for path in sorted(outputs.iterdir()):
        match = _RUNNER_DIR.match(path.name)
        if not match or not path.is_dir():
            continue
        year, mark = match.group(1), match.group(2)
        if mark == TMP_MARK:
            shutil.rmtree(path, ignore_errors=True)
        elif not (outputs / year).exists():
            path.rename(outputs / year)
        else:
            shutil.rmtree(path, ignore_errors=True)
        touched.append(path)
    return touched


def new_tmp_dir(outputs: Path, year: int, copy_from: Path | None = None) -> Path:
    """Create ``outputs/.<year>.tmp-<random>/``, optionally as a copy of an existing year folder."""
    from helpers.core.io import shared_tmp_dir

    tmp = shared_tmp_dir(outputs, prefix=f".{year}{TMP_MARK}")
    if copy_from is not None and copy_from.is_dir():
        shutil.copytree(copy_from, tmp, dirs_exist_ok=True, symlinks=True)
    (tmp / "notebooks").mkdir(exist_ok=True)
    return tmp


def swap_into_place(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp``: old folder renamed away, tmp renamed in, old deleted."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}{OLD_MARK}{os.urandom(4).hex()}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


#: Failed-run folders kept per year (the oldest beyond this are removed).
KEEP_FAILED = 3


def keep_failed(tmp: Path, year: int, notebooks: Iterable[str] = (), log: str = "") -> Path:
    """Keep what explains a failure of code in ``outputs/.<year>.failed-<UTC timestamp>/``.

    Only the failed notebooks (``notebooks/<name>.ipynb``, executed, with papermill's error banner),
    their kernels' logs (``logs/<name>.log``) and ``log.txt`` are kept, not a copy of the year; the
    temporary folder is removed, and only the last :data:`KEEP_FAILED` failed folders of the year
    stay (see :func:`prune_failed`).
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    dest = tmp.with_name(f".{year}{FAILED_MARK}{stamp}")
    n = 1
    while dest.exists():
        n += 1
        dest = tmp.with_name(f".{year}{FAILED_MARK}{stamp}-{n}")
    (dest / "notebooks").mkdir(parents=True)
    for name in notebooks:
        src = tmp / "notebooks" / f"{name}.ipynb"
        if src.is_file():
            os.replace(src, dest / "notebooks" / src.name)
        kernel_log = tmp / "logs" / f"{name}.log"  # the kernel's stderr (helpers.pipeline.executor)
        if kernel_log.is_file():
            (dest / "logs").mkdir(exist_ok=True)
            os.replace(kernel_log, dest / "logs" / kernel_log.name)
    (dest / "log.txt").write_text(log, encoding="utf-8")
    shutil.rmtree(tmp, ignore_errors=True)
    prune_failed(dest.parent, year)
    return dest


def prune_failed(outputs: Path, year: int | str, keep: int = KEEP_FAILED) -> list[Path]:
    """Remove all but the newest ``keep`` ``.<year>.failed-*`` folders; returns those removed."""
    def order(path: Path) -> tuple[str, int]:
        stamp, _, n = path.name.split(FAILED_MARK, 1)[1].partition("-")
        return stamp, int(n) if n.isdigit() else 1

    folders = sorted((p for p in Path(outputs).glob(f".{year}{FAILED_MARK}*") if p.is_dir()),
                     key=order)
    gone = folders[: max(len(folders) - keep, 0)]
    for path in gone:
        shutil.rmtree(path, ignore_errors=True)
    return gone


#: Exception names that mean bad input found inside a kernel (the pre-flight missed it): the run
#: reports it as bad input (exit 2, no failed folder) instead of as a failure of code.
INPUT_ERRORS = frozenset({"DataError", "ParameterError", "BadInput"})


# --- execution ----------------------------------------------------------------------------------
# NotebookFailure lives with the executor; re-exported here (``runner.NotebookFailure``).


def failure_line(year: int, notebook: str, failure: NotebookFailure, path: Path | str) -> str:
    """The one line printed per failure (first line of the message only)."""
    cell = "-" if failure.cell is None else str(failure.cell)
    evalue = (failure.evalue or "").strip().splitlines()
    return (
        f"FAILED {year} {notebook} cell {cell}: {failure.ename}: {evalue[0] if evalue else ''} "
        f"(see {path})"
    )


Executor = Callable[[Path, Path, dict[str, Any], Path], None]


def _kernel_manager_class(extra_env: Mapping[str, str]) -> type:
    """A kernel manager that adds ``extra_env`` to the kernel's environment (no global state)."""
    from jupyter_client.manager import AsyncKernelManager

    class RunnerKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            env = dict(kw.pop("env", None) or os.environ)
            env.update(extra_env)
            kw.setdefault("transport_encryption", "auto")  # CurveZMQ when the kernel offers it
            return await super()._async_pre_start_kernel(env=env, **kw)

    return RunnerKernelManager


@dataclass
class PapermillExecutor:
    """Runs one notebook with ``papermill.execute_notebook`` in this process.

    The kernel is ``python3`` of the current environment, started in the project root with
    ``ROEPTOETER_ROOT`` set to it. Kernel starts are staggered by ``stagger_s`` seconds; a notebook
    whose kernel did not start (any error that is not a cell's) is tried once more.
    """

    stagger_s: float = STAGGER_S
    start_timeout_s: float = 60
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _last_start: float = field(default=0.0, repr=False)

    def _stagger(self) -> None:
        with self._lock:
            wait_s = self._last_start + self.stagger_s - time.monotonic()
            if wait_s > 0:
                time.sleep(wait_s)
            self._last_start = time.monotonic()

    def __call__(self, src: Path, dest: Path, parameters: dict[str, Any], root: Path) -> None:
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        km_class = _kernel_manager_class({"ROEPTOETER_ROOT": str(root)})
        for attempt in (1, 2):
            self._stagger()
            try:
                pm.execute_notebook(
                    str(src),
                    str(dest),
                    parameters=parameters,
                    kernel_name=KERNEL,
                    progress_bar=False,
                    log_output=False,
                    start_timeout=int(self.start_timeout_s),
                    resources={"metadata": {"path": str(root)}},
                    kernel_manager_class=km_class,
                )
                return
            except PapermillExecutionError as exc:
                raise NotebookFailure(exc.exec_count, exc.ename, str(exc.evalue)) from None
            except Exception as exc:  # kernel start, ZMQ or I/O trouble: retry once
                if attempt == 2:
                    raise NotebookFailure(None, type(exc).__name__, str(exc)) from None


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
    """

    finalize_year: Callable[[Path, int], Any] | None = None
    write_index: Callable[[Path], Any] | None = None

    @classmethod
    def from_report(cls) -> Hooks:
        """The hooks of :mod:`helpers.present.report` when that module exists (each ``None`` if absent)."""
        return cls(
            _optional("helpers.present.report", "finalize_year"), _optional("helpers.present.report", "write_index")
        )


def collect_records(folder: Path) -> list[dict[str, Any]]:
    """Every record of a year folder (``records/*.json``), sorted by notebook and name."""
    rows: list[dict[str, Any]] = []
    for path in sorted((Path(folder) / "records").glob("*.json")):
        rows.extend(json.loads(path.read_text(encoding="utf-8")))
    return sorted(rows, key=lambda r: (str(r.get("notebook")), str(r.get("name"))))


def write_records_table(folder: Path) -> Path:
    """Write ``tables/records.csv`` from the year's records (via :func:`helpers.pipeline.context.read_records`)."""
    from helpers.pipeline.context import read_records

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


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(text, flush=True)


def _failure_log(failures: Sequence[tuple[str, NotebookFailure]]) -> str:
    """``log.txt`` of a failed-run folder: per failure the notebook, cell and error."""
    return "".join(f"{nb} cell {'-' if f.cell is None else f.cell}: {f.ename}: {f.evalue}\n"
                   for nb, f in failures)


def _input_failure(state: _Year) -> YearResult:
    """Bad input met inside a kernel: one line per problem, nothing kept (the inputs, not the
    code, are at fault; the executed notebook might show the bad values)."""
    assert state.tmp is not None
    shutil.rmtree(state.tmp, ignore_errors=True)
    lines = []
    for _, failure in state.failures:
        text = (failure.evalue or "").strip().splitlines()
        lines.append(f"roeptoeter: error: {text[0] if text else failure.ename}")
        print(lines[-1], file=sys.stderr, flush=True)
    return YearResult(state.year, "bad-input", state.tmp, tuple(lines))


def preflight_inputs(prepared: Prepared, years: Iterable[int]) -> list[Any]:
    """Check the raw inputs of ``years`` with the importers, before any kernel (writes nothing).

    Returns
    -------
    list of helpers.pipeline.preflight.Checked
        One per year: the source, the files read, the skips and the seconds it took.

    Raises
    ------
    DataError, ParameterError, helpers.core.errors.BadInput
        On bad input (one line per problem).
    """
    from helpers.pipeline import preflight

    resolved = getattr(prepared, "inputs", None) or {}  # the source resolution, when present
    checked = []
    for y in years:
        resolution = next(iter((resolved.get(y) or {}).values()), None)
        checked.append(preflight.check_year(prepared.project.root, y, prepared.effective[y],
                                            prepared.defaults, resolution=resolution))
    preflight.raise_problems(checked)
    return checked


def check(
    years: Iterable[int | str] | None = None,
    notebooks: Iterable[str] | None = None,
    params: Iterable[str] = (),
    *,
    quiet: bool = False,
    project: Project | None = None,
) -> int:
    """The ``roeptoeter check`` command: every parameter and raw input, no kernel, nothing written.

    Returns
    -------
    int
        0 when everything can be used (a summary line per year is printed).

    Raises
    ------
    DataError, ParameterError, helpers.core.errors.BadInput
        On bad input.
    """
    project = project or Project.at()
    prepared = prepare(project, years, notebooks, params)
    for c in preflight_inputs(prepared, prepared.years):
        if c.source == "files":
            _say(quiet, f"{c.year} ok: raw files of {', '.join(c.sources) or 'no source'} "
                 f"({c.files} files read, {c.skips} items skipped, {c.seconds:.1f} s)")
        else:
            _say(quiet, f"{c.year} ok: parameters checked (source {c.source}; no raw files read)")
    return 0


def execute_plan(
    prepared: Prepared,
    years: Sequence[int],
    *,
    jobs: int,
    quiet: bool = False,
    execute: Executor | None = None,
    hooks: Hooks | None = None,
) -> list[YearResult]:
    """Run the prepared notebooks for ``years`` on ``jobs`` threads; swap or keep each year.

    Returns one :class:`YearResult` per year, in year order. Failure lines go to stderr.
    """
    if execute is None:  # warm kernels for this plan; every kernel is shut down at its end
        with WarmExecutor(jobs=jobs, budget=len(years) * len(prepared.order)) as warm:
            return execute_plan(prepared, years, jobs=jobs, quiet=quiet, execute=warm, hooks=hooks)
    project = prepared.project
    hooks = hooks if hooks is not None else Hooks.from_report()
    env = mf.environment(project.root)
    states = {y: _Year(year=y, pending=list(prepared.order)) for y in years}
    results: dict[int, YearResult] = {}
    running: dict[Future, tuple[int, str]] = {}

    def task(year: int, nb: str, tmp: Path) -> tuple[dt.datetime, dt.datetime, Exception | None]:
        params = dict(prepared.overrides.get(nb, {}))
        declared = prepared.defaults[nb]
        if "year" in declared:
            params["year"] = year
        if "run_dir" in declared:
            params["run_dir"] = str(tmp)
        start = _now()
        try:
            execute(project.notebook(nb), tmp / "notebooks" / f"{nb}.ipynb", params, project.root)
            return start, _now(), None
        except NotebookFailure as exc:
            return start, _now(), exc
        except Exception as exc:  # an executor bug still fails only this notebook
            return start, _now(), NotebookFailure(None, type(exc).__name__, str(exc))

    def close(state: _Year) -> None:
        year, target = state.year, project.outputs / str(state.year)
        assert state.tmp is not None
        if not state.failures:
            try:
                finish_year(prepared, state, env, hooks)
            except Exception as exc:
                state.failures.append(("finalize", NotebookFailure(None, type(exc).__name__, str(exc))))
        if state.failures and all(f.ename in INPUT_ERRORS for _, f in state.failures):
            results[year] = _input_failure(state)
            return
        if state.failures:
            dest = keep_failed(state.tmp, year, [nb for nb, _ in state.failures],
                               _failure_log(state.failures))
            lines = []
            for nb, failure in state.failures:
                failed_nb = dest / "notebooks" / f"{nb}.ipynb"
                lines.append(failure_line(year, nb, failure, failed_nb if failed_nb.exists() else dest))
                print(lines[-1], file=sys.stderr, flush=True)
            results[year] = YearResult(year, "failed", dest, tuple(lines))
            return
        swap_into_place(state.tmp, target)
        took = time.monotonic() - state.started
        _say(quiet, f"{year} ok -> {target} ({len(state.times)} notebooks, {took:.1f} s)")
        results[year] = YearResult(year, "ok", target)

    def submit_ready(pool: ThreadPoolExecutor) -> None:
        for state in states.values():
            if state.failures:
                continue
            for nb in list(state.pending):
                if len(running) >= jobs:
                    return
                if set(prepared.deps[nb]) <= state.done:
                    if state.tmp is None:
                        copy = project.outputs / str(state.year) if prepared.subset else None
                        state.tmp = new_tmp_dir(project.outputs, state.year, copy)
                        state.started = time.monotonic()
                    state.pending.remove(nb)
                    state.running.add(nb)
                    _say(quiet, f"{state.year} {nb} ...")
                    running[pool.submit(task, state.year, nb, state.tmp)] = (state.year, nb)

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="roeptoeter") as pool:
        submit_ready(pool)
        while running:
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for fut in finished:
                year, nb = running.pop(fut)
                state = states[year]
                start, end, error = fut.result()
                state.running.discard(nb)
                took = (end - start).total_seconds()
                state.times[nb] = {
                    "start": _iso(start),
                    "end": _iso(end),
                    "duration_s": round(took, 3),
                    "status": "failed" if error else "ok",
                }
                if error is None:
                    state.done.add(nb)
                    _say(quiet, f"{year} {nb} ok ({took:.1f} s)")
                else:
                    failure = error if isinstance(error, NotebookFailure) else NotebookFailure(
                        None, type(error).__name__, str(error))
                    state.failures.append((nb, failure))
                    state.pending.clear()
                    _say(quiet, f"{year} {nb} failed ({took:.1f} s)")
                if not state.running and (state.failures or not state.pending):
                    close(state)
            submit_ready(pool)
    return [results[y] for y in sorted(results)]


def run(
    years: Iterable[int | str] | None = None,
    notebooks: Iterable[str] | None = None,
    params: Iterable[str] = (),
    *,
    jobs: int | None = None,
    force: bool = False,
    quiet: bool = False,
    project: Project | None = None,
    execute: Executor | None = None,
    hooks: Hooks | None = None,
) -> int:
    """Run the collection; the body of ``roeptoeter run``.

    Parameters
    ----------
    years : iterable, optional
        Study years (default 2014).
    notebooks : iterable of str, optional
        Only these notebooks and their dependencies; the year's other results are kept.
    params : iterable of str
        ``name=value`` parameter overrides.
    jobs : int, optional
        Parallel notebooks (default and maximum: the number of cores).
    force : bool
        Rerun years that are up to date.
    quiet : bool
        Print only failures.
    project : Project, optional
        Paths (default: :meth:`Project.at` of the project root).
    execute : callable, optional
        Notebook executor ``(src, dest, parameters, root) -> None`` raising
        :class:`NotebookFailure` (default :class:`PapermillExecutor`; tests inject fakes).
    hooks : Hooks, optional
        Report hooks (default :meth:`Hooks.from_report`; ``Hooks()`` calls none).

    Returns
    -------
    int
        0 when every year succeeded or was up to date, 1 when a notebook failed.

    Raises
    ------
    ParameterError, DataError
        On bad input, before anything is written.
    """
    t0 = time.monotonic()
    project = project or Project.at()
    prepared = prepare(project, years, notebooks, params)
    preflight_inputs(prepared, [
        y for y in prepared.years
        if force or not is_up_to_date(project.outputs / str(y), prepared.keys[y])])
    cores = os.cpu_count() or 1
    jobs = max(1, min(jobs or cores, cores))
    with outputs_lock(project.outputs):
        results = _run_locked(prepared, jobs=jobs, force=force, quiet=quiet, execute=execute,
                              hooks=hooks)
        if not [r for r in results if r.status in ("failed", "bad-input")]:
            trends_status = run_trends(project, force=force, quiet=quiet, execute=execute, hooks=hooks)
            if trends_status:
                return trends_status
    failed = [r for r in results if r.status == "failed"]
    took = time.monotonic() - t0
    if not failed and any(r.status == "bad-input" for r in results):
        return 2
    if failed:
        _say(quiet, f"{len(failed)} of {len(prepared.years)} years failed ({took:.1f} s)")
        return 1
    if results:
        _say(quiet, f"done in {took:.1f} s; results in {project.outputs}")
    return 0


def _run_locked(
    prepared: Prepared,
    *,
    jobs: int,
    force: bool,
    quiet: bool,
    execute: Executor | None,
    hooks: Hooks | None,
) -> list[YearResult]:
    """Clean stale folders, skip up-to-date years, execute the rest (the lock is held)."""
    project = prepared.project
    clean_stale(project.outputs)
    todo: list[int] = []
    for year in prepared.years:
        for nb, res in prepared.inputs.get(year, {}).items():
            seed = prepared.effective[year].get(nb, {}).get("seed")
            _say(quiet, res.line(year, seed if isinstance(seed, int) else None))
        if not force and is_up_to_date(project.outputs / str(year), prepared.keys[year]):
            _say(quiet, f"{year} up to date (skipped; --force to rerun)")
        else:
            todo.append(year)
    if not todo:
        return []
    _say(
        quiet,
        f"running {len(prepared.order)} notebooks for {' '.join(map(str, todo))} "
        f"on {jobs} worker{'s' if jobs > 1 else ''}",
    )
    hooks = hooks if hooks is not None else Hooks.from_report()
    results = execute_plan(prepared, todo, jobs=jobs, quiet=quiet, execute=execute, hooks=hooks)
    if hooks.write_index is not None:
        try:
            hooks.write_index(project.outputs)
        except Exception as exc:  # the year folders are in place; only the index page is stale
            print(f"WARNING index page not written: {type(exc).__name__}: {exc}", file=sys.stderr)
    return results


TRENDS = "trends"


def run_trends(
    project: Project,
    *,
    force: bool = False,
    quiet: bool = False,
    execute: Executor | None = None,
    hooks: Hooks | None = None,
) -> int:
    """Run ``notebooks/trends.ipynb`` over every year that has results, into ``outputs/trends/``.

    Atomic like a year (temporary sibling folder, swapped in on success) and skipped when the
    notebook, the helpers and every year's manifest are unchanged. Does nothing when the project has
    no trends notebook or no year has results yet.

    Returns
    -------
    int
        0 on success, skip or nothing to do; 1 when the notebook failed (earlier trends kept).
    """
    nb = project.notebooks / f"{TRENDS}.ipynb"
    manifests = sorted(p for p in project.outputs.glob("[0-9][0-9][0-9][0-9]/manifest.json"))
    if not nb.is_file() or not manifests:
        return 0
    key = mf.sha256_bytes(json.dumps({
        "notebook": mf.notebook_source_hash(nb),
        "helpers": helpers_hashes(),
        "years": {p.parent.name: mf.sha256_file(p) for p in manifests},
    }, sort_keys=True).encode())
    target = project.outputs / TRENDS
    if not force and is_up_to_date(target, key):
        _say(quiet, "trends up to date (skipped)")
        return 0
    for stale in project.outputs.glob(f".{TRENDS}{TMP_MARK}*"):
        shutil.rmtree(stale, ignore_errors=True)
    from helpers.core.io import shared_tmp_dir

    tmp = shared_tmp_dir(project.outputs, prefix=f".{TRENDS}{TMP_MARK}")
    (tmp / "notebooks").mkdir()
    dest = tmp / "notebooks" / nb.name
    t0 = time.monotonic()
    _say(quiet, f"trends ({', '.join(p.parent.name for p in manifests)}) ...")
    try:
        if execute is None:
            with WarmExecutor(jobs=1, budget=1) as warm:
                warm(nb, dest, {"run_dir": str(tmp)}, project.root)
        else:
            execute(nb, dest, {"run_dir": str(tmp)}, project.root)
    except NotebookFailure as failure:
        kept = keep_failed(tmp, TRENDS, [TRENDS], _failure_log([(TRENDS, failure)]))  # type: ignore[arg-type]
        print(failure_line(TRENDS, TRENDS, failure, kept / "notebooks" / nb.name),  # type: ignore[arg-type]
              file=sys.stderr)
        return 1
    mf.write_manifest(tmp, mf.build_trends_manifest(
        key=key, year_manifests={p.parent.name: p for p in manifests},
        env=mf.environment(project.root), duration_s=round(time.monotonic() - t0, 1)))
    swap_into_place(tmp, target)
    _say(quiet, f"trends ok -> {target}")
    hooks = hooks if hooks is not None else Hooks.from_report()
    if hooks.write_index is not None:
        hooks.write_index(project.outputs)
    return 0


def describe(project: Project | None = None) -> list[dict[str, Any]]:
    """The notebooks, with dependencies, parameter defaults and descriptions (``roeptoeter list``).

    Returns
    -------
    list of dict
        One entry per notebook: the pipeline in run order (``pipeline`` True), then the
        notebooks beside it that exist (``trends``, ``profile``; ``pipeline`` False, ``how`` says
        how they are run). Each has ``notebook``, ``depends_on``, ``exists``, ``parameters``
        (name -> default) and ``help`` (name -> the comment beside the parameter, or ``""``).
    """
    from helpers.pipeline.notebook_params import STANDALONE, parameter_help

    project = project or Project.at()
    pipeline = load_pipeline(project.pipeline)
    entries = [(name, list(pipeline[name]), True, "") for name in plan(pipeline)]
    entries += [(name, [], False, how) for name, how in STANDALONE.items()
                if name not in pipeline and project.notebook(name).is_file()]
    out = []
    for name, deps, in_pipeline, how in entries:
        path = project.notebook(name)
        exists = path.is_file()
        out.append(
            {
                "notebook": name,
                "depends_on": deps,
                "exists": exists,
                "pipeline": in_pipeline,
                "how": how,
                "parameters": prm.notebook_defaults(path) if exists else {},
                "help": parameter_help(path) if exists else {},
            }
        )
    return out
