"""Runner overhead: one year's collection through the batch runner versus the same code as scripts.

Measures, for one year (wall-clock seconds):

(a) the whole collection through the runner (``helpers.pipeline.runner.run``, in this process, ``--force``)
    with ``--jobs 1`` and ``--jobs 2``;
(b) the same notebooks converted to scripts (nbconvert's ``--to script`` exporter, with the year and
    a ``run_dir`` injected after the parameters cell) executed one after another in ONE new Python
    process: the year's notebooks, then the trends notebook, which the runner runs after the years
    (:mod:`helpers.pipeline.trends`). Until 2026-11-30 the floor left the trends notebook out, so
    its 2 s counted as runner overhead; the year's notebooks alone are still printed beside it.

Each runner figure is printed with its ratio to the scripts floor and its target (issue 16:
``--jobs 1`` at most 1.3 times the floor, ``--jobs 2`` at most 0.8 times), and ``MISSED`` where it
misses. By default kernels are forked from one preloaded fork server
(:mod:`helpers.pipeline.forkserver`); ``--spawn`` adds the same runs with warm kernels started as new
interpreters (the executor before the fork server). The load average is printed before and after:
on a shared machine the figures vary a lot.

Usage::

    python benchmarks/runner_overhead.py [--year 2014] [--jobs 1 2] [--root PATH] [-p NAME=VALUE]
                                         [--notebooks NAME ...] [--no-report-hooks] [--spawn]

``--root`` points at another project root (e.g. a copy holding the toy notebooks of
``tests/fixtures/runner``); papermill is imported before timing, so (a) measures kernels and
execution, not the import. The runner replaces ``outputs/<year>/`` as a normal run would; the
scripts write to a temporary folder that is deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DRIVER = """\
import json
import runpy
import sys
import time

from IPython.display import display  # notebooks call display(); a plain script has no builtin

took = {}
for path in sys.argv[1:]:
    t0 = time.perf_counter()
    runpy.run_path(path, init_globals={"display": display}, run_name="__main__")
    took[path] = time.perf_counter() - t0
print("SECONDS " + json.dumps(took))
"""


def to_script(
    src: Path, dest: Path, year: int, run_dir: Path, overrides: dict | None = None
) -> Path:
    """Write ``src`` as a Python script with ``year``, ``run_dir`` and the checked ``-p`` values
    injected after its parameters cell (as papermill would)."""
    import nbformat
    from nbconvert import PythonExporter

    nb = nbformat.read(src, as_version=4)
    from helpers.pipeline.params import notebook_defaults

    declared = notebook_defaults(src)
    injected = []
    if "year" in declared:
        injected.append(f"year = {int(year)}")
    if "run_dir" in declared:
        injected.append(f"run_dir = {str(run_dir)!r}")
    injected += [f"{k} = {v!r}" for k, v in (overrides or {}).items()]
    index = next(
        (i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), -1
    )
    nb.cells.insert(index + 1, nbformat.v4.new_code_cell("\n".join(injected)))
    body, _ = PythonExporter().from_notebook_node(nb)
    dest.write_text(body, encoding="utf-8")
    return dest


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its waited-for children (kernels, scripts).

    On a loaded machine the wall time depends on the other processes; the CPU time is what a run
    costs, whatever the load.
    """
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


#: Target ratio of the runner's wall time to the scripts floor, by ``--jobs`` (issue 16).
TARGETS = {1: 1.3, 2: 0.8}


def time_runner(
    root: Path, year: int, jobs: int, notebooks: list[str] | None, hooks: bool, params: list[str],
) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and exit code of one forced run of ``year`` through the runner.
    """
    from helpers.pipeline import runner

    project = runner.Project.at(root)
    t0, c0 = time.perf_counter(), cpu_seconds()
    rc = runner.run(
        [year], notebooks, params, jobs=jobs, force=True, quiet=True, project=project,
        hooks=None if hooks else runner.Hooks(),
    )
    return time.perf_counter() - t0, cpu_seconds() - c0, rc


def verdict(took: float, floor: float, jobs: int | None) -> str:
    """``ratio x floor, target <= t: met|MISSED`` (empty without a target or a floor)."""
    if jobs not in TARGETS or floor <= 0:
        return ""
    ratio, target = took / floor, TARGETS[jobs]
    return f"{ratio:4.2f}x floor, target <= {target}x: {'met' if ratio <= target else 'MISSED'}"


@dataclass(frozen=True)
class Floor:
    """The scripts floor: wall seconds of all scripts (``took``) and of the year's notebooks alone
    (``year``), CPU seconds and the exit code."""

    took: float
    year: float
    cpu: float
    rc: int


def time_scripts(root: Path, year: int, notebooks: list[str] | None, params: list[str]) -> Floor:
    """The notebooks the runner runs for ``year`` as scripts, one after another in one Python
    process: the year's, then the trends notebook (with the run's parameters it declares), as
    the runner does."""
    from helpers.pipeline import runner
    from helpers.pipeline.params import notebook_defaults

    project = runner.Project.at(root)
    prepared = runner.prepare(project, [year], notebooks, params)
    order = prepared.order
    work = Path(tempfile.mkdtemp(prefix="roeptoeter-bench-"))
    run_dir = Path(tempfile.mkdtemp(prefix=f".{year}.tmp-bench-", dir=project.outputs))
    trends_dir = Path(tempfile.mkdtemp(prefix=f".{runner.TRENDS}.tmp-bench-", dir=project.outputs))
    try:
        scripts = [
            to_script(project.notebook(n), work / f"{n}.py", year, run_dir, prepared.overrides[n])
            for n in order
        ]
        trends = project.notebook(runner.TRENDS)
        if trends.is_file():  # the runner runs it after the years
            given = {k: v for n in order for k, v in prepared.overrides[n].items()}
            declared = notebook_defaults(trends)
            scripts.append(to_script(trends, work / f"{runner.TRENDS}.py", year, trends_dir,
                                     {k: v for k, v in given.items() if k in declared}))
        (work / "driver.py").write_text(DRIVER, encoding="utf-8")
        env = dict(os.environ, ROEPTOETER_ROOT=str(project.root), MPLBACKEND="Agg")
        t0, c0 = time.perf_counter(), cpu_seconds()
        proc = subprocess.run(
            [sys.executable, str(work / "driver.py"), *map(str, scripts)],
            cwd=project.root, env=env, capture_output=True, text=True,
        )
        took, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
        per_script = next((json.loads(line.split(" ", 1)[1]) for line in proc.stdout.splitlines()
                           if line.startswith("SECONDS ")), {})
        trends_s = per_script.get(str(work / f"{runner.TRENDS}.py"), 0.0)
        return Floor(took, took - trends_s, cpu, proc.returncode)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(run_dir, ignore_errors=True)
        shutil.rmtree(trends_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Run the measurements and print the table; non-zero when a run failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2014)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--root", type=Path, default=None, help="project root (default: this one)")
    parser.add_argument("--notebooks", nargs="+", default=None)
    parser.add_argument("-p", dest="params", action="append", default=[], metavar="NAME=VALUE",
                        help="notebook parameter, as for roeptoeter run (repeatable)")
    parser.add_argument("--no-report-hooks", action="store_true",
                        help="skip helpers.present.report's pages (for toy notebooks without a report)")
    parser.add_argument("--spawn", action="store_true",
                        help="also time warm kernels started as new interpreters (ROEPTOETER_KERNELS="
                             "spawn) instead of forked from the preloaded fork server")
    args = parser.parse_args(argv)
    from helpers.core.paths import project_root

    root = (args.root or project_root()).resolve()
    os.environ["ROEPTOETER_ROOT"] = str(root)  # this process and its kernels use that root
    import jupyter_client  # noqa: F401  (imported before timing, like papermill)
    import nbclient  # noqa: F401
    import papermill  # noqa: F401

    from helpers.pipeline import runner
    from helpers.pipeline.executor import KERNELS_ENV

    n = len(runner.plan(runner.load_pipeline(runner.Project.at(root).pipeline), args.notebooks))
    load_before = os.getloadavg()
    rows: list[tuple[str, float, float, int, int | None]] = []
    modes = ["fork"] + (["spawn"] if args.spawn else [])
    labels = {"fork": " (kernels forked, preloaded)", "spawn": " (warm kernels, spawned)"}
    for mode in modes:
        os.environ[KERNELS_ENV] = "spawn" if mode == "spawn" else "fork"
        for jobs in args.jobs:
            took, cpu, rc = time_runner(
                root, args.year, jobs, args.notebooks, not args.no_report_hooks, args.params
            )
            rows.append((f"runner --jobs {jobs} --force{labels[mode]}", took, cpu, rc, jobs))
    os.environ.pop(KERNELS_ENV, None)
    scripts = time_scripts(root, args.year, args.notebooks, args.params)
    floor = scripts.took
    rows.append(("scripts (nbconvert --to script), one process", floor, scripts.cpu, scripts.rc, None))
    load_after = os.getloadavg()
    print(f"\nrunner overhead: year {args.year}, {n} notebooks, {os.cpu_count()} cores, root {root}")
    print(f"load average (1, 5, 15 min) before {', '.join(f'{x:.1f}' for x in load_before)}; "
          f"after {', '.join(f'{x:.1f}' for x in load_after)}")
    print(f"{'method':<56}{'wall s':>8}{'CPU s':>8}  {'status':<7} wall vs the scripts floor")
    for name, took, cpu, rc, jobs in rows:
        status = "ok" if rc == 0 else f"exit {rc}"
        print(f"{name:<56}{took:>8.1f}{cpu:>8.1f}  {status:<7} {verdict(took, floor, jobs)}".rstrip())
    if scripts.year < floor:
        print(f"  of which the year's notebooks {scripts.year:.1f} s, the trends notebook "
              f"{floor - scripts.year:.1f} s. Against the year's notebooks alone (the floor before "
              f"2026-11-30): " + "; ".join(
                  f"--jobs {jobs} {took / scripts.year:4.2f}x" for name, took, _, _, jobs in rows
                  if jobs is not None and name.endswith("(kernels forked, preloaded)")))
    return 0 if all(rc == 0 for _, _, _, rc, _ in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
