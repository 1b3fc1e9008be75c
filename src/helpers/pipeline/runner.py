"""The batch runner: every notebook of the collection, for one or more years, atomically.

``roeptoeter run`` (see :mod:`helpers.cli`) calls :func:`run`. What it does, in order:

1. **Check everything before any kernel starts** (:func:`prepare`): the years have a register, the
   notebooks exist, every ``-p name=value`` is declared by a notebook of the run and fits the type of
   its default, the raw inputs exist when a notebook reads files. Bad input raises
   :class:`~helpers.core.errors.ParameterError` or :class:`~helpers.core.errors.DataError`; nothing is
   written.
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

The steps live in modules of one concern: :mod:`.plan` (1: project paths, order, checks, keys),
:mod:`.folders` (the lock, temporary folders, the swap, kept failures), :mod:`.execute` (3: the
thread pool over notebooks), :mod:`.finish` (4: records, manifest, report hooks) and :mod:`.trends`
(the trends notebook after the years). This module ties them together and re-exports their public
names (``runner.plan``, ``runner.Project``, ...). The notebook executor is injectable (``execute=``),
so the logic is tested without kernels.

Must not import: the command line.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from helpers.pipeline import params as prm
from helpers.pipeline.execute import (  # noqa: F401  (re-exported: runner.<name>)
    INPUT_ERRORS,
    Executor,
    execute_plan,
    failure_line,
    kernel_log_tail,
    say,
)
from helpers.pipeline.executor import NotebookFailure, WarmExecutor  # noqa: F401
from helpers.pipeline.finish import (  # noqa: F401
    Hooks,
    YearResult,
    collect_records,
    finish_year,
    write_records_table,
)
from helpers.pipeline.folders import (  # noqa: F401
    FAILED_MARK,
    KEEP_FAILED,
    LOCK_NAME,
    OLD_MARK,
    TMP_MARK,
    clean_stale,
    keep_failed,
    new_tmp_dir,
    outputs_lock,
    prune_failed,
    swap_into_place,
)
from helpers.pipeline.kernels import FIRST_KERNEL
from helpers.pipeline.plan import (  # noqa: F401
    DEFAULT_YEAR,
    Prepared,
    Project,
    check_choices,
    check_inputs,
    check_years,
    helpers_hashes,
    is_up_to_date,
    load_pipeline,
    plan,
    prepare,
    year_key,
)
from helpers.pipeline.trends import TRENDS, run_trends  # noqa: F401


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
            say(quiet, f"{c.year} ok: raw files of {', '.join(c.sources) or 'no source'} "
                 f"({c.files} files read, {c.skips} items skipped, {c.seconds:.1f} s)")
        else:
            say(quiet, f"{c.year} ok: parameters checked (source {c.source}; no raw files read)")
    return 0


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
        :class:`NotebookFailure` (default: warm kernels of :mod:`helpers.pipeline.executor`; tests inject
        fakes).
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
    stale = [y for y in prepared.years
             if force or not is_up_to_date(project.outputs / str(y), prepared.keys[y])]
    cores = os.cpu_count() or 1
    jobs = max(1, min(jobs or cores, cores))
    # the kernels start warming now, so the fork server's imports overlap the checks below
    with _executor(execute, prepared, jobs, quiet, prime=bool(stale)) as execute:
        preflight_inputs(prepared, stale)
        with outputs_lock(project.outputs):
            results = _run_locked(prepared, jobs=jobs, force=force, quiet=quiet, execute=execute,
                                  hooks=hooks)
            if not [r for r in results if r.status in ("failed", "bad-input")]:
                given = {k: v for nb in prepared.order for k, v in prepared.overrides[nb].items()}
                trends_status = run_trends(project, force=force, quiet=quiet, execute=execute,
                                           hooks=hooks, parameters=given)
                if trends_status:
                    return trends_status
    failed = [r for r in results if r.status == "failed"]
    took = time.monotonic() - t0
    if not failed and any(r.status == "bad-input" for r in results):
        return 2
    if failed:
        say(quiet, f"{len(failed)} of {len(prepared.years)} years failed ({took:.1f} s)")
        return 1
    if results:
        say(quiet, f"done in {took:.1f} s; results in {project.outputs}")
    return 0


@contextlib.contextmanager
def _executor(execute: Executor | None, prepared: Prepared, jobs: int,
              quiet: bool, *, prime: bool = False) -> Iterator[Executor]:
    """``execute``, or one warm-kernel executor for the whole run (the years and then trends), so
    that one fork server serves every kernel of the run; closed (every kernel stopped) at the end.

    With ``prime`` (a year will run) the first kernels start at once, in the background.
    """
    if execute is not None:
        yield execute
        return

    def progress(parameters: dict[str, Any], dest: Path, text: str) -> None:
        say(quiet, f"{parameters.get('year', '')} {Path(dest).stem}: {text}")

    budget = len(prepared.years) * len(prepared.order) + 1  # + the trends notebook
    # the first kernel runs the first notebook (01_collect) alone: forked before the figure libraries
    with WarmExecutor(jobs=jobs, budget=budget, progress=progress, first=FIRST_KERNEL) as warm:
        if prime:
            warm.prime(prepared.project.root)
        yield warm


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
            say(quiet, res.line(year, seed if isinstance(seed, int) else None))
        if not force and is_up_to_date(project.outputs / str(year), prepared.keys[year]):
            say(quiet, f"{year} up to date (skipped; --force to rerun)")
        else:
            todo.append(year)
    if not todo:
        return []
    say(
        quiet,
        f"running {len(prepared.order)} notebooks for {' '.join(map(str, todo))} "
        f"on {jobs} worker{'s' if jobs > 1 else ''}",
    )
    hooks = hooks if hooks is not None else Hooks.from_report()
    if hooks.warm_up is not None:  # while the kernels start: the report's own imports
        hooks.warm_up()
    results = execute_plan(prepared, todo, jobs=jobs, quiet=quiet, execute=execute, hooks=hooks)
    if hooks.write_index is not None:
        try:
            hooks.write_index(project.outputs)
        except Exception as exc:  # the year folders are in place; only the index page is stale
            print(f"WARNING index page not written: {type(exc).__name__}: {exc}", file=sys.stderr)
    return results


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
