"""The trends notebook across every year that has results, run after the years of a run.

Must not import: the command line.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from collections.abc import Mapping
from typing import Any

from helpers.pipeline import manifest as mf
from helpers.pipeline.execute import Executor, failure_line, failure_log, say
from helpers.pipeline.executor import NotebookFailure, WarmExecutor
from helpers.pipeline.finish import Hooks
from helpers.pipeline.folders import TMP_MARK, keep_failed, swap_into_place
from helpers.pipeline.params import notebook_defaults
from helpers.pipeline.plan import Project, helpers_hashes, is_up_to_date

TRENDS = "trends"


def run_trends(
    project: Project,
    *,
    force: bool = False,
    quiet: bool = False,
    execute: Executor | None = None,
    hooks: Hooks | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> int:
    """Run ``notebooks/trends.ipynb`` over every year that has results, into ``outputs/trends/``.

    Atomic like a year (temporary sibling folder, swapped in on success) and skipped when the
    notebook, the helpers, its parameters and every year's manifest are unchanged. Does nothing
    when the project has no trends notebook or no year has results yet.

    ``parameters`` are the run's ``-p`` values; the trends notebook receives those it declares
    (``lang``: a Dutch run gives a Dutch trends page).

    Returns
    -------
    int
        0 on success, skip or nothing to do; 1 when the notebook failed (earlier trends kept).
    """
    nb = project.notebooks / f"{TRENDS}.ipynb"
    manifests = sorted(p for p in project.outputs.glob("[0-9][0-9][0-9][0-9]/manifest.json"))
    if not nb.is_file() or not manifests:
        return 0
    declared = notebook_defaults(nb)
    given = {k: v for k, v in (parameters or {}).items() if k in declared and k != "run_dir"}
    key = mf.sha256_bytes(json.dumps({
        "notebook": mf.notebook_source_hash(nb),
        "parameters": given,
        "helpers": helpers_hashes(),
        "years": {p.parent.name: mf.sha256_file(p) for p in manifests},
    }, sort_keys=True).encode())
    target = project.outputs / TRENDS
    if not force and is_up_to_date(target, key):
        say(quiet, "trends up to date (skipped)")
        return 0
    for stale in project.outputs.glob(f".{TRENDS}{TMP_MARK}*"):
        shutil.rmtree(stale, ignore_errors=True)
    from helpers.core.io import shared_tmp_dir

    tmp = shared_tmp_dir(project.outputs, prefix=f".{TRENDS}{TMP_MARK}")
    (tmp / "notebooks").mkdir()
    dest = tmp / "notebooks" / nb.name
    t0 = time.monotonic()
    say(quiet, f"trends ({', '.join(p.parent.name for p in manifests)}) ...")
    try:
        if execute is None:
            with WarmExecutor(jobs=1, budget=1) as warm:
                warm(nb, dest, {**given, "run_dir": str(tmp)}, project.root)
        else:
            execute(nb, dest, {**given, "run_dir": str(tmp)}, project.root)
    except NotebookFailure as failure:
        kept = keep_failed(tmp, TRENDS, [TRENDS], failure_log([(TRENDS, failure)]))  # type: ignore[arg-type]
        print(failure_line(TRENDS, TRENDS, failure, kept / "notebooks" / nb.name),  # type: ignore[arg-type]
              file=sys.stderr)
        return 1
    mf.write_manifest(tmp, mf.build_trends_manifest(
        key=key, year_manifests={p.parent.name: p for p in manifests},
        env=mf.environment(project.root), duration_s=round(time.monotonic() - t0, 1)))
    swap_into_place(tmp, target)
    say(quiet, f"trends ok -> {target}")
    hooks = hooks if hooks is not None else Hooks.from_report()
    if hooks.write_index is not None:
        hooks.write_index(project.outputs)
    return 0
