"""Execute notebooks on warm kernels: the one notebook executor of the runner and the profiles.

* Every notebook of the runner gets a **fresh kernel process** from a :class:`~.kernels.KernelPool`
  (preloaded, by default forked from one fork server): used once and then shut down. The profiles
  renderer (:mod:`helpers.pipeline.render`) runs the same small notebook 403 times and reuses a
  kernel for several pages, clearing its namespace between them.
* Execution is papermill's: parameters injected with
  :func:`papermill.parameterize.parameterize_notebook`, cells run by papermill's nbclient subclass
  (cell metadata, status), and a failing cell gets papermill's error banner at the top and the anchor
  before the cell (:func:`mark_failure`); the runner sees :class:`NotebookFailure`.
* Each kernel's stdout and stderr are copied after the notebook to ``logs/<notebook>.log`` beside the
  run's ``notebooks/`` folder (:func:`default_log_path`), so ``[IPKernelApp]`` messages never reach
  the terminal.

Must not import: the runner, the report or the command line.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from helpers.core.progress import Forward
from helpers.pipeline.kernels import (  # noqa: F401  (re-exported: executor.<name>)
    HISTORY_IN_MEMORY,
    KERNEL,
    KERNELS_ENV,
    PRELOAD,
    PRELOAD_CODE,
    RESET_CODE,
    KernelPool,
    KernelStartError,
    WarmKernel,
    forks_by_default,
)


class NotebookFailure(Exception):
    """A notebook that did not run to the end.

    Attributes
    ----------
    cell : int or None
        Execution count of the failing cell (``In [n]`` in the executed notebook); ``None`` when no
        cell failed (e.g. the kernel did not start).
    ename, evalue : str
        Exception name and message.
    """

    def __init__(self, cell: int | None, ename: str, evalue: str) -> None:
        super().__init__(f"{ename}: {evalue}")
        self.cell, self.ename, self.evalue = cell, ename, evalue


def default_log_path(dest: Path) -> Path:
    """Kernel log of an executed notebook: ``<run>/logs/<name>.log`` for ``<run>/notebooks/<name>.ipynb``."""
    dest = Path(dest)
    return dest.parent.parent / "logs" / f"{dest.stem}.log"


# --- executing one notebook ------------------------------------------------------------------------
@dataclass(frozen=True)
class CellError:
    """The first error output of an executed notebook (as papermill finds it)."""

    cell_index: int
    exec_count: int | None
    ename: str
    evalue: str


def find_failure(nb: nbformat.NotebookNode) -> CellError | None:
    """The first cell error of ``nb`` (``SystemExit`` with code 0 or empty is not one), or None."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs") or []:
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "SystemExit" and output.get("evalue") in ("", "0"):
                continue
            return CellError(index, cell.get("execution_count"), str(output.get("ename")),
                             str(output.get("evalue")))
    return None


def mark_failure(nb: nbformat.NotebookNode, failure: CellError) -> nbformat.NotebookNode:
    """``nb`` with papermill's error banner on top and its anchor before the failing cell."""
    from papermill.execute import ERROR_ANCHOR_MSG, ERROR_MARKER_TAG, ERROR_MESSAGE_TEMPLATE

    banner = nbformat.v4.new_markdown_cell(ERROR_MESSAGE_TEMPLATE % str(failure.exec_count))
    banner.metadata["tags"] = [ERROR_MARKER_TAG]
    anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
    anchor.metadata["tags"] = [ERROR_MARKER_TAG]
    nb = nbformat.v4.upgrade(nb)
    nb.cells.insert(failure.cell_index, anchor)
    nb.cells.insert(0, banner)
    return nb


def parameterize(nb: nbformat.NotebookNode, parameters: Mapping[str, Any]) -> nbformat.NotebookNode:
    """A copy of ``nb`` with ``parameters`` injected as papermill does (after the ``parameters`` cell).

    Every cell gets the ``tags`` list papermill expects; the injected cell gets the fixed id
    ``injected-parameters`` (papermill's is random, and pages must not differ by it).
    """
    from papermill.parameterize import parameterize_notebook

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    if parameters:
        nb = parameterize_notebook(nb, dict(parameters), kernel_name=KERNEL, language="python")
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
    return nb


def run_on(kernel: WarmKernel, nb: nbformat.NotebookNode, *, output_path: Path | None = None,
           timeout: float | None = None, stdout: Any = None) -> nbformat.NotebookNode:
    """Execute ``nb`` on ``kernel`` with papermill's nbclient subclass (connected by
    :class:`helpers.pipeline.client.WarmClient`); returns the executed notebook.

    A failing cell stops execution and is recorded in the notebook (papermill's semantics), it does
    not raise; see :func:`find_failure`. With ``output_path`` the notebook is saved as it runs; with
    ``stdout`` (a file-like object) the cells' standard output is also written there as it comes.

    Raises
    ------
    Exception
        When the kernel dies or does not answer (not a cell's error).
    """
    from papermill.engines import NotebookExecutionManager

    from helpers.pipeline.client import WarmClient

    nb_man = NotebookExecutionManager(nb, output_path=str(output_path) if output_path else None,
                                      progress_bar=False, log_output=False)
    nb_man.notebook_start()
    client = WarmClient(nb_man, km=kernel.km, kernel_name=KERNEL, timeout=timeout,
                        startup_timeout=60, log_output=False, stdout_file=stdout)
    try:
        client.execute()
    finally:
        if client.kc is not None:
            with contextlib.suppress(Exception):
                client.kc.stop_channels()
        nb_man.notebook_complete()
    kernel.uses += 1
    return nb_man.nb


@dataclass
class WarmExecutor:
    """The runner's notebook executor ``(src, dest, parameters, root) -> None`` on warm kernels.

    Parameters
    ----------
    jobs : int
        Notebooks run at the same time; as many warm kernels are kept ready.
    budget : int or None
        Notebooks this executor will run at most (no kernel is warmed beyond it).
    log_path : callable
        Where a notebook's kernel log goes, from the output notebook's path
        (default :func:`default_log_path`).
    preload : sequence of str
        Modules imported in every kernel before use.
    progress : callable, optional
        ``(parameters, dest, text)``: called with each progress line a notebook prints
        (:mod:`helpers.core.progress`) while it runs.
    first : collection of str, optional
        What the fork server imports before it forks the first kernel (:class:`KernelPool`);
        ``None``: everything.

    A kernel that did not start, or died during the notebook (any error that is not a cell's), is
    replaced and the notebook tried once more. Call :meth:`close` (or use ``with``) at the end.
    """

    jobs: int = 1
    budget: int | None = None
    log_path: Any = default_log_path
    preload: Sequence[str] = PRELOAD
    progress: Any = None
    first: Collection[str] | None = None
    _pools: dict[Path, KernelPool] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _closed: bool = field(default=False, init=False, repr=False)

    def pool(self, root: Path) -> KernelPool:
        """The kernel pool of project ``root`` (created on first use).

        Raises
        ------
        RuntimeError
            After :meth:`close` (an interrupted run starts no new kernel).
        """
        root = Path(root).resolve()
        with self._lock:
            if self._closed:
                raise RuntimeError("executor is closed")
            if root not in self._pools:
                self._pools[root] = KernelPool(root, size=self.jobs, budget=self.budget,
                                               preload=self.preload, first=self.first)
            return self._pools[root]

    def prime(self, root: Path) -> None:
        """Start the kernels of project ``root`` now, in the background (:meth:`KernelPool.prime`)."""
        self.pool(root).prime()

    def __call__(self, src: Path, dest: Path, parameters: dict[str, Any], root: Path) -> None:
        """Execute notebook ``src`` with ``parameters`` into ``dest`` on a fresh warm kernel.

        Raises
        ------
        NotebookFailure
            A cell failed (``dest`` holds the notebook with papermill's banner), or the kernel did
            not start or died twice.
        """
        from papermill.execute import prepare_notebook_metadata, remove_error_markers
        from papermill.iorw import load_notebook_node, write_ipynb

        src, dest = Path(src), Path(dest)
        template = load_notebook_node(str(src))
        template = parameterize(template, parameters)
        template = prepare_notebook_metadata(template, str(src), str(dest))
        template = remove_error_markers(template)
        pool = self.pool(root)
        Path(self.log_path(dest)).unlink(missing_ok=True)  # an earlier run's log (a subset run's copy)
        for attempt in (1, 2):
            kernel = None
            try:
                kernel = pool.take()
                # saved once at the end, not after every cell as papermill does (a whole
                # notebook's JSON per cell, ~1 s a year); progress shows through ``progress``
                nb = run_on(kernel, copy.deepcopy(template), stdout=self._forward(parameters, dest))
            except Exception as exc:  # kernel start, ZMQ or a dead kernel: retry once
                if attempt == 2:
                    raise NotebookFailure(None, type(exc).__name__, str(exc)) from None
                continue
            finally:
                if kernel is not None:
                    pool.release(kernel)
                    self._keep_log(kernel, dest)
            failure = find_failure(nb)
            if failure is not None:
                write_ipynb(mark_failure(nb, failure), str(dest))
                raise NotebookFailure(failure.exec_count, failure.ename, failure.evalue)
            write_ipynb(nb, str(dest))
            return

    def _forward(self, parameters: dict[str, Any], dest: Path) -> Forward | None:
        if self.progress is None:
            return None
        progress = self.progress
        return Forward(lambda text: progress(parameters, dest, text))

    def _keep_log(self, kernel: WarmKernel, dest: Path) -> None:
        path = Path(self.log_path(dest))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(kernel.log_text())

    def close(self) -> None:
        """Shut down every kernel (also warm ones never used)."""
        with self._lock:
            self._closed = True
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def __enter__(self) -> WarmExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
