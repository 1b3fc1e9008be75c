"""Execute notebooks on warm kernels: one executor for the runner and the profiles.

Starting a ``python3`` kernel and importing pandas, matplotlib, statsmodels and the helpers costs a few
seconds of CPU per notebook, most of the runner's overhead (issue 16). This module keeps a small
pool of **warm kernels**: a kernel is started, and the project's heavy modules (:data:`PRELOAD`) are
imported in it by a silent execution that leaves no name behind, while the previous notebook runs.

* Every notebook of the runner gets a **fresh kernel process**: a warm kernel is used once and then
  shut down (``max_uses=1``, the default). Modules are already in ``sys.modules``; the namespace is
  the empty one of a new kernel (the preload runs inside a function and is not stored in history, so
  ``In``/``Out`` and the execution counter start as in a new kernel).
* The profiles renderer (:mod:`helpers.pipeline.render`) runs the same small notebook 403 times; a new process
  per page would cost more than the whole target. There a kernel serves several pages
  (``max_uses > 1``) and its namespace is cleared between them (``%reset -f``, figures closed).
* Execution is papermill's: parameters injected with
  :func:`papermill.parameterize.parameterize_notebook`, cells run by papermill's nbclient subclass
  (cell metadata, status), and a failing cell gets papermill's error banner at the top and the anchor
  before the cell (:func:`mark_failure`); the runner sees :class:`NotebookFailure`.
* Kernels talk over **IPC** (Unix sockets in a private temporary folder, mode 0700): no TCP port to
  race for. Each kernel's stdout and stderr go to a log file, copied after the notebook to
  ``logs/<notebook>.log`` beside the run's ``notebooks/`` folder (:func:`default_log_path`), so
  ``[IPKernelApp]`` messages never reach the terminal.
* :meth:`KernelPool.close` shuts down every kernel, also warm ones never used; kernels left by a
  killed process stop by themselves (ipykernel polls its parent, ``JPY_PARENT_PID``).
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

KERNEL = "python3"

#: Modules imported in a warm kernel before it is handed out (a missing one is skipped). What the
#: helpers import at module level; ``statsmodels.api`` (about 1.3 CPU s) is left to the few notebooks
#: that use it: a module preloaded for a notebook that does not need it is CPU lost on 2 cores.
PRELOAD: tuple[str, ...] = (
    "numpy", "pandas", "pyarrow", "scipy.stats", "matplotlib", "matplotlib.pyplot", "seaborn",
    "pandera", "IPython.display",
    "helpers", "helpers.core.paths", "helpers.core.io", "helpers.core.schemas", "helpers.pipeline.context",
    "helpers.analysis.stats", "helpers.analysis.metrics", "helpers.analysis.responsetime",
    "helpers.analysis.survey", "helpers.analysis.websites", "helpers.collect", "helpers.demo",
    "helpers.pipeline.sources", "helpers.present.viz", "helpers.present.report", "helpers.present.profiles",
)

#: Run silently in a warm kernel: imports inside a function, so no user name is left behind. The
#: imported objects are then frozen out of the cyclic garbage collector (``gc.freeze``): a full
#: collection (``%reset``, or Python's own) no longer walks the ~million objects of the libraries.
PRELOAD_CODE = """\
def __roeptoeter_preload(names):
    import gc
    import importlib
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    gc.collect()
    gc.freeze()
__roeptoeter_preload({names!r})
del __roeptoeter_preload
"""

#: Kernel option keeping IPython's history in memory (as nbclient does): no SQLite file in the home
#: folder to write the notebooks' code to, or to lock between parallel kernels.
HISTORY_IN_MEMORY = "--HistoryManager.hist_file=:memory:"

#: Clears a reused kernel's namespace between two notebooks (``max_uses > 1``).
RESET_CODE = """\
%reset -f
import sys as _sys
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
del _sys
"""


#: Environment variable choosing how kernels start: ``fork`` (default where ``os.fork`` exists: from
#: one preloaded fork server per pool) or ``spawn`` (a new interpreter per kernel, preloaded after it
#: starts).
KERNELS_ENV = "ROEPTOETER_KERNELS"


def forks_by_default() -> bool:
    """Whether kernel pools fork kernels from a preloaded server (see :data:`KERNELS_ENV`)."""
    return hasattr(os, "fork") and os.environ.get(KERNELS_ENV, "fork") != "spawn"


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


class KernelStartError(RuntimeError):
    """A kernel that did not start or did not finish its preload."""


def default_log_path(dest: Path) -> Path:
    """Kernel log of an executed notebook: ``<run>/logs/<name>.log`` for ``<run>/notebooks/<name>.ipynb``."""
    dest = Path(dest)
    return dest.parent.parent / "logs" / f"{dest.stem}.log"


# --- warm kernels ---------------------------------------------------------------------------------
@dataclass
class WarmKernel:
    """A started, preloaded kernel of a :class:`KernelPool`.

    Attributes
    ----------
    km : jupyter_client.KernelManager
        Its manager (IPC transport); ``km.client()`` gives an asynchronous client, as nbclient wants.
    log : Path
        The file receiving the kernel process's stdout and stderr.
    number : int
        Serial number in its pool (1, 2, ...).
    uses : int
        Notebooks executed on it so far.
    """

    km: Any
    log: Path
    number: int
    uses: int = 0

    def execute_silently(self, code: str, timeout: float, *, wait_ready: bool = True) -> None:
        """Run ``code`` without output, history or execution count; raise on an error reply.

        ``wait_ready`` first waits until the kernel answers (after a start).
        """
        from jupyter_client.blocking import BlockingKernelClient

        kc = BlockingKernelClient(**self.km.get_connection_info(session=True), parent=self.km)
        kc.start_channels(iopub=wait_ready, stdin=False, hb=False, control=False)
        try:
            if wait_ready:
                kc.wait_for_ready(timeout=timeout)
            msg_id = kc.execute(code, silent=True, store_history=False)
            reply = kc.get_shell_msg(timeout=timeout)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = kc.get_shell_msg(timeout=timeout)
            content = reply["content"]
            if content.get("status") != "ok":
                raise KernelStartError(f"{content.get('ename')}: {content.get('evalue')}")
        finally:
            kc.stop_channels()

    def shutdown(self) -> None:
        """Stop the kernel process at once and remove its connection and socket files."""
        with contextlib.suppress(Exception):  # a kernel that is already gone
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        with contextlib.suppress(Exception):
            self.km.cleanup_resources()

    def log_text(self) -> str:
        """What the kernel process wrote to stdout and stderr so far."""
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""


@dataclass
class KernelPool:
    """Keep up to ``size`` preloaded kernels ready, started in the background.

    Parameters
    ----------
    root : Path
        Working directory of the kernels; ``ROEPTOETER_ROOT`` is set to it in their environment.
    size : int
        Warm kernels kept ready beyond the ones in use (usually the number of parallel notebooks).
    budget : int or None
        Kernels to start at most over the pool's life (e.g. the number of notebooks of a run), so
        that no kernel is warmed for nothing at the end; ``None``: no limit.
    preload : sequence of str
        Modules imported in every kernel before it is handed out.
    env : mapping, optional
        Extra environment variables for the kernels.
    start_timeout_s : float
        Seconds a kernel may take to start and preload.
    stagger_s : float
        Minimum seconds between two kernel starts.

    Use as a context manager, or call :meth:`close`: every kernel is shut down, warm or in use.
    """

    root: Path
    size: int = 1
    budget: int | None = None
    preload: Sequence[str] = PRELOAD
    env: Mapping[str, str] = field(default_factory=dict)
    start_timeout_s: float = 120.0
    stagger_s: float = 0.0
    fork: bool = field(default_factory=lambda: forks_by_default())
    _ready: deque = field(default_factory=deque, init=False, repr=False)
    _kernels: dict = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _started: int = field(default=0, init=False, repr=False)
    _last_start: float = field(default=0.0, init=False, repr=False)
    _closed: bool = field(default=False, init=False, repr=False)
    _server: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        self.size = max(1, int(self.size))
        # IPC sockets and connection files: a private folder (0700), short path (socket path limit)
        self._dir = Path(tempfile.mkdtemp(prefix="roeptoeter-kernels-"))
        self._threads = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="warm-kernel")
        self._server_lock = threading.Lock()

    # -- public --
    def take(self) -> WarmKernel:
        """A warm kernel (waits for one; starts one when none is on its way).

        Raises
        ------
        KernelStartError
            When the kernel did not start or its preload failed (the caller may try again).
        RuntimeError
            After :meth:`close`.

        A kernel asked for when the budget is spent is still started (a retry), just not warmed
        ahead.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("kernel pool is closed")
            if not self._ready:
                self._submit_locked(force=True)
            future = self._ready.popleft()
            self._fill_locked()
        return future.result()

    def release(self, kernel: WarmKernel, *, reuse: bool = False) -> None:
        """Give a kernel back: shut down, or (``reuse``) keep it for the caller's next notebook.

        With ``reuse`` the namespace is cleared (:data:`RESET_CODE`); the caller keeps the kernel.
        """
        if reuse and not self._closed:
            kernel.execute_silently(RESET_CODE, self.start_timeout_s, wait_ready=False)
            return
        kernel.shutdown()
        with self._lock:
            self._kernels.pop(kernel.number, None)

    def close(self) -> None:
        """Shut down every kernel of the pool (warm, starting or in use) and remove its folder."""
        with self._lock:
            self._closed = True
            pending = list(self._ready)
            self._ready.clear()
            kernels = list(self._kernels.values())
            self._kernels.clear()
        for future in pending:
            future.cancel()  # not started yet; a start under way stops its kernel when it sees close
        self._threads.shutdown(wait=False, cancel_futures=True)
        for kernel in kernels:
            kernel.shutdown()
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def started(self) -> int:
        """Kernels started so far."""
        return self._started

    # -- internals --
    def _fill_locked(self) -> None:
        while len(self._ready) < self.size and self._may_start_locked():
            self._submit_locked()

    def _may_start_locked(self) -> bool:
        return not self._closed and (self.budget is None or self._started < self.budget)

    def _submit_locked(self, force: bool = False) -> None:
        if not force and not self._may_start_locked():
            return
        self._started += 1
        number = self._started
        future: Future = self._threads.submit(self._start, number)
        self._ready.append(future)

    def _stagger(self) -> None:
        with self._lock:
            wait_s = self._last_start + self.stagger_s - time.monotonic()
            self._last_start = max(time.monotonic(), self._last_start + self.stagger_s)
        if wait_s > 0:
            time.sleep(wait_s)

    def _env(self) -> dict[str, str]:
        return {**os.environ, **self.env, "ROEPTOETER_ROOT": str(self.root)}

    def _fork_server(self) -> Any:
        """The pool's fork server, started on first use (see :mod:`helpers.pipeline.forkserver`)."""
        from helpers.pipeline.forkserver import ForkServer, ForkServerError

        with self._server_lock:
            if self._server is None:
                try:
                    self._server = ForkServer(self._dir, self.preload, self._env(), self.root,
                                              self.start_timeout_s)
                except ForkServerError as exc:
                    raise KernelStartError(f"kernel did not start: {exc}") from exc
            return self._server

    def _start(self, number: int) -> WarmKernel:
        from helpers.pipeline.forkserver import forked_manager_class

        self._stagger()
        log = self._dir / f"kernel-{number}.log"
        km = forked_manager_class()(
            kernel_name=KERNEL,
            transport="ipc",
            ip=str(self._dir / f"k{number}"),
            connection_file=str(self._dir / f"kernel-{number}.json"),
            client_class="jupyter_client.asynchronous.AsyncKernelClient",
        )
        kernel = WarmKernel(km=km, log=log, number=number)
        env = self._env()
        with open(log, "ab") as fh:
            try:
                if self.fork:
                    km.fork_server, km.kernel_log = self._fork_server(), str(log)
                km.start_kernel(cwd=str(self.root), env=env, stdout=fh, stderr=fh,
                                extra_arguments=[HISTORY_IN_MEMORY])
            except Exception as exc:
                kernel.shutdown()
                raise KernelStartError(f"kernel did not start: {type(exc).__name__}: {exc}") from exc
        with self._lock:
            self._kernels[number] = kernel
        try:
            kernel.execute_silently(PRELOAD_CODE.format(names=tuple(self.preload)), self.start_timeout_s)
        except Exception as exc:
            kernel.shutdown()
            raise KernelStartError(
                f"kernel did not get ready: {type(exc).__name__}: {exc}") from exc
        with self._lock:
            closed = self._closed
        if closed:  # closed while this kernel was starting
            kernel.shutdown()
            raise KernelStartError("kernel pool closed")
        return kernel


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
           timeout: float | None = None) -> nbformat.NotebookNode:
    """Execute ``nb`` on ``kernel`` with papermill's nbclient subclass; returns the executed notebook.

    A failing cell stops execution and is recorded in the notebook (papermill's semantics), it does
    not raise; see :func:`find_failure`. With ``output_path`` the notebook is saved as it runs.

    Raises
    ------
    Exception
        When the kernel dies or does not answer (not a cell's error).
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NotebookExecutionManager

    nb_man = NotebookExecutionManager(nb, output_path=str(output_path) if output_path else None,
                                      progress_bar=False, log_output=False)
    nb_man.notebook_start()
    client = PapermillNotebookClient(nb_man, km=kernel.km, kernel_name=KERNEL, timeout=timeout,
                                     startup_timeout=60, log_output=False)
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

    A kernel that did not start, or died during the notebook (any error that is not a cell's), is
    replaced and the notebook tried once more. Call :meth:`close` (or use ``with``) at the end.
    """

    jobs: int = 1
    budget: int | None = None
    log_path: Any = default_log_path
    preload: Sequence[str] = PRELOAD
    _pools: dict[Path, KernelPool] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def pool(self, root: Path) -> KernelPool:
        """The kernel pool of project ``root`` (created on first use)."""
        root = Path(root).resolve()
        with self._lock:
            if root not in self._pools:
                self._pools[root] = KernelPool(root, size=self.jobs, budget=self.budget,
                                               preload=self.preload)
            return self._pools[root]

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
                nb = run_on(kernel, copy.deepcopy(template), output_path=dest)
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

    def _keep_log(self, kernel: WarmKernel, dest: Path) -> None:
        path = Path(self.log_path(dest))
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(kernel.log_text())

    def close(self) -> None:
        """Shut down every kernel (also warm ones never used)."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def __enter__(self) -> WarmExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
