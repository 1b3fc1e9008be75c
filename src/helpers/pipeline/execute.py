"""Executing a planned run: notebooks on a thread pool, years swapped in or kept as failures.

:func:`execute_plan` runs the notebooks of each year whose dependencies are done, on ``jobs``
threads, with the warm-kernel executor (:mod:`helpers.pipeline.executor`) unless one is injected
(tests inject fakes). A year whose notebooks all succeeded is finished (:mod:`.finish`) and swapped
into place (:mod:`.folders`); otherwise one ``FAILED ...`` line per failure.

Must not import: the command line.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from helpers.pipeline import manifest as mf
from helpers.pipeline.executor import NotebookFailure, WarmExecutor
from helpers.pipeline.finish import Hooks, YearResult, _iso, _now, _Year, finish_year
from helpers.pipeline.folders import keep_failed, new_tmp_dir, swap_into_place
from helpers.pipeline.plan import Prepared, critical_first

INPUT_ERRORS = frozenset({"DataError", "ParameterError", "BadInput"})
#: Seconds between two wake-ups of the main thread while notebooks run (so Ctrl-C is seen at once).
SIGNAL_POLL_S = 0.25
#: A notebook executor: ``(src, dest, parameters, root) -> None``, raising NotebookFailure.
Executor = Callable[[Path, Path, dict[str, Any], Path], None]


def say(quiet: bool, text: str) -> None:
    """Print a progress line unless ``quiet``."""
    if not quiet:
        print(text, flush=True)


def failure_line(year: int, notebook: str, failure: NotebookFailure, path: Path | str) -> str:
    """The one line printed per failure (first line of the message only)."""
    cell = "-" if failure.cell is None else str(failure.cell)
    evalue = (failure.evalue or "").strip().splitlines()
    return (
        f"FAILED {year} {notebook} cell {cell}: {failure.ename}: {evalue[0] if evalue else ''} "
        f"(see {path})"
    )


#: Lines of a failed notebook's kernel log shown in the terminal (the whole log is in the folder).
KERNEL_LOG_LINES = 5


def kernel_log_tail(path: Path, lines: int = KERNEL_LOG_LINES, width: int = 160) -> list[str]:
    """The last ``lines`` non-empty lines of a failed notebook's kernel log, for the terminal.

    A kernel's stdout and stderr go to ``logs/<notebook>.log``, never to the terminal, unless its
    notebook fails: then the end of it (library warnings, a crash of the kernel) is shown under the
    ``FAILED`` line, each line cut to ``width`` characters, with the log's path. Empty when the log
    is missing or empty.
    """
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    kept = [line.rstrip() for line in text.splitlines() if line.strip()][-lines:]
    if not kept:
        return []
    cut = [line if len(line) <= width else line[: width - 1] + "…" for line in kept]
    return [f"  kernel log ({path}):"] + [f"    {line}" for line in cut]


def failure_log(failures: Sequence[tuple[str, NotebookFailure]]) -> str:
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


def _schedule(prepared: Prepared, year: int) -> list[str]:
    """The year's notebooks in the order they are started when several are ready: the longest
    chain of work first, by the durations of the year's previous run (:func:`critical_first`)."""
    previous = mf.read_manifest(prepared.project.outputs / str(year)) or {}
    seconds = {nb: float(info.get("duration_s") or 0.0)
               for nb, info in (previous.get("notebooks") or {}).items() if isinstance(info, dict)}
    return critical_first(prepared.order, prepared.deps, seconds)


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
        def progress(parameters: dict[str, Any], dest: Path, text: str) -> None:
            say(quiet, f"{parameters.get('year', '')} {Path(dest).stem}: {text}")

        with WarmExecutor(jobs=jobs, budget=len(years) * len(prepared.order),
                          progress=progress) as warm:
            return execute_plan(prepared, years, jobs=jobs, quiet=quiet, execute=warm, hooks=hooks)
    project = prepared.project
    hooks = hooks if hooks is not None else Hooks.from_report()
    env = mf.environment(project.root)
    states = {y: _Year(year=y, pending=_schedule(prepared, y)) for y in years}
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
                               failure_log(state.failures))
            lines = []
            for nb, failure in state.failures:
                failed_nb = dest / "notebooks" / f"{nb}.ipynb"
                lines.append(failure_line(year, nb, failure, failed_nb if failed_nb.exists() else dest))
                print(lines[-1], file=sys.stderr, flush=True)
                for text in kernel_log_tail(dest / "logs" / f"{nb}.log"):
                    print(text, file=sys.stderr, flush=True)
            results[year] = YearResult(year, "failed", dest, tuple(lines))
            return
        swap_into_place(state.tmp, target)
        took = time.monotonic() - state.started
        say(quiet, f"{year} ok -> {target} ({len(state.times)} notebooks, {took:.1f} s)")
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
                    say(quiet, f"{state.year} {nb} ...")
                    running[pool.submit(task, state.year, nb, state.tmp)] = (state.year, nb)

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="roeptoeter") as pool:
        try:
            submit_ready(pool)
            while running:
                # A timed wait: a Ctrl-C that the system delivers to another thread (a library's
                # background thread) is only acted on when the main thread wakes up.
                finished, _ = wait(list(running), timeout=SIGNAL_POLL_S, return_when=FIRST_COMPLETED)
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
                        say(quiet, f"{year} {nb} ok ({took:.1f} s)")
                    else:
                        failure = error if isinstance(error, NotebookFailure) else NotebookFailure(
                            None, type(error).__name__, str(error))
                        state.failures.append((nb, failure))
                        state.pending.clear()
                        say(quiet, f"{year} {nb} failed ({took:.1f} s)")
                    if not state.running and (state.failures or not state.pending):
                        close(state)
                submit_ready(pool)
        except BaseException:  # Ctrl-C (or a bug): stop the kernels now, not after their notebooks
            stop = getattr(execute, "close", None)
            if stop is not None:
                stop()
            pool.shutdown(wait=False, cancel_futures=True)
            raise

    return [results[y] for y in sorted(results)]
