"""Warm kernels: a pool of started, preloaded ``python3`` kernels, handed out one notebook at a time.

Starting a kernel and importing pandas, matplotlib, seaborn and the helpers costs a few CPU seconds.
A :class:`KernelPool` starts kernels ahead, while the previous notebook runs, with the project's heavy
modules (:data:`PRELOAD`) already imported: by default forked from one preloaded fork server
(:mod:`helpers.pipeline.forkserver`), so the imports are paid once per pool; with
``ROEPTOETER_KERNELS=spawn`` as new interpreters that import after they start.

* A kernel is a new process with an empty namespace (the preload runs inside a function and is not
  stored in history). A pool for the profiles reuses a kernel for several pages and clears its
  namespace between them (:data:`RESET_CODE`).
* Kernels talk over IPC (Unix sockets in a private temporary folder, mode 0700): no TCP port to race
  for. Each kernel's stdout and stderr go to a log file in that folder.
* :meth:`KernelPool.close` shuts down every kernel, warm or in use, and the fork server.

Must not import: the runner, the report or the command line.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    "helpers.pipeline.warmup",
)

#: Longest single wait, in seconds, for a kernel's answer between two looks at whether its pool
#: was closed or the kernel ended meanwhile.
READY_STEP_S = 0.25

#: Imported as well by the fork server of a pool with the default :data:`PRELOAD`: what only some
#: notebooks use (statsmodels' models, the holiday calendar, the importers' parsers, the report's
#: templates). A fork server imports them once for every kernel of the run, so a notebook that needs
#: them no longer pays for the import; a spawned kernel would pay for each of them every time.
FORK_PRELOAD: tuple[str, ...] = (
    "statsmodels.api", "statsmodels.duration.hazard_regression", "statsmodels.duration.survfunc",
    "statsmodels.miscmodels.ordinal_model", "statsmodels.stats.multitest",
    "statsmodels.stats.proportion", "statsmodels.stats.contingency_tables", "holidays",
    "jinja2", "orjson", "lxml.html", "pyreadstat", "tqdm.auto",
    "helpers.analysis.platforms", "helpers.present.findings", "helpers.present.platform_figures",
    "helpers.present.platform_findings", "helpers.present.platform_trends",
    "helpers.collect.twitter", "helpers.collect.facebook", "helpers.collect.web",
    "helpers.collect.survey", "helpers.collect.mastodon", "helpers.collect.bluesky",
)

#: Of :data:`PRELOAD` and :data:`FORK_PRELOAD`, what the runner's fork server imports before it
#: forks its first kernel (``KernelPool(first=...)``): what the first notebook of a run
#: (``01_collect``, which draws nothing) uses. The rest (matplotlib, seaborn, scipy, statsmodels, the
#: analyses and figures: about 0.8 s) is imported right after that fork, while the first notebook
#: runs; every later kernel has it. A first kernel that gets another notebook imports what it needs
#: itself, as a spawned kernel does.
FIRST_KERNEL: frozenset[str] = frozenset({
    "numpy", "pandas", "pyarrow", "pandera", "IPython.display", "helpers", "helpers.core.paths",
    "helpers.core.io", "helpers.core.schemas", "helpers.pipeline.context", "helpers.collect",
    "helpers.demo", "helpers.pipeline.sources", "helpers.present.report", "helpers.pipeline.warmup",
    "holidays", "jinja2", "orjson", "lxml.html", "pyreadstat", "tqdm.auto",
    "helpers.present.findings", "helpers.collect.twitter", "helpers.collect.facebook",
    "helpers.collect.web", "helpers.collect.survey", "helpers.collect.mastodon",
    "helpers.collect.bluesky",
})

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

#: Run silently in a forked kernel before it is handed out: the modules came with the fork (and were
#: frozen out of the garbage collector by the server and the kernel), so this only shows that the
#: kernel answers.
FORKED_READY_CODE = "pass"

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


class KernelStartError(RuntimeError):
    """A kernel that did not start or did not finish its preload."""


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

    def execute_silently(self, code: str, timeout: float, *, stop: Any = None) -> None:
        """Run ``code`` without output, history or execution count; raise on an error reply.

        The request is sent at once, also to a kernel that is still starting: ZeroMQ queues it
        until the kernel listens. The reply is awaited in steps of at most :data:`READY_STEP_S`
        seconds; between two steps the wait ends early when ``stop`` (a callable) says so (the
        pool was closed meanwhile) or the kernel process has ended.

        Raises
        ------
        KernelStartError
            On an error reply, a dead kernel, ``stop``, or no reply within ``timeout`` seconds.
        """
        from queue import Empty

        from jupyter_client.blocking import BlockingKernelClient

        kc = BlockingKernelClient(**self.km.get_connection_info(session=True), parent=self.km)
        kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
        try:
            msg_id = kc.execute(code, silent=True, store_history=False)
            deadline = time.monotonic() + timeout
            while True:
                left = deadline - time.monotonic()
                try:
                    reply = kc.get_shell_msg(timeout=max(min(READY_STEP_S, left), 0.01))
                except Empty:
                    if stop is not None and stop():
                        raise KernelStartError("kernel pool closed") from None
                    if not self.km.is_alive():
                        raise KernelStartError("the kernel ended before it answered") from None
                    if left <= 0:
                        raise KernelStartError(f"no answer within {timeout:g} s") from None
                    continue
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            content = reply["content"]
            if content.get("status") != "ok":
                raise KernelStartError(f"{content.get('ename')}: {content.get('evalue')}")
        finally:
            kc.stop_channels()

    def shutdown(self) -> None:
        """Stop the kernel process at once and remove its connection and socket files.

        The process is killed by a signal first (no message to the kernel, nothing to wait for), so
        that a notebook running on it in another thread ends now, also when the run is interrupted;
        then the manager tidies up.
        """
        with contextlib.suppress(Exception):
            process = getattr(self.km.provisioner, "process", None)
            if process is not None:
                process.kill()
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
    first : collection of str, optional
        For a pool whose first kernel runs one known notebook (the runner's: ``01_collect``,
        :data:`FIRST_KERNEL`): of the server's modules, those it imports before forking that
        kernel; the others it imports right after, and every later kernel has them. The first
        kernel imports what else it needs itself, unfrozen, so a pool that reuses its kernels for
        many notebooks (the profiles) leaves this ``None``: everything before the first fork.
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
    first: Collection[str] | None = None
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
        """A warm kernel: the first of those on their way to get ready (waits for one; starts one
        when none is on its way).

        Raises
        ------
        KernelStartError
            When the kernel did not start or its preload failed (the caller may try again).
        RuntimeError
            After :meth:`close`.

        A kernel asked for when the budget is spent is still started (a retry), just not warmed
        ahead. Kernels need not get ready in the order they were started: with ``first`` the fork
        server forks its first kernel before most of its imports, so whichever start asked first is
        ready first.
        """
        while True:
            with self._lock:
                if self._closed:
                    raise RuntimeError("kernel pool is closed")
                if not self._ready:
                    self._submit_locked(force=True)
                self._fill_locked()
                waiting = list(self._ready)
            done, _ = wait(waiting, return_when=FIRST_COMPLETED)
            with self._lock:
                future = next((f for f in self._ready if f in done), None)
                if future is None:  # another caller took them meanwhile
                    continue
                self._ready.remove(future)
                self._fill_locked()
            return future.result()

    def prime(self) -> None:
        """Start warming ``size`` kernels now (and with them the fork server), in the background.

        A caller that knows it will ask for kernels calls this first, then does its own preparation
        while the fork server imports (about 2 s); :meth:`take` would otherwise start them only when
        the first notebook is due.
        """
        with self._lock:
            if not self._closed:
                self._fill_locked()

    def release(self, kernel: WarmKernel, *, reuse: bool = False) -> None:
        """Give a kernel back: shut down, or (``reuse``) keep it for the caller's next notebook.

        With ``reuse`` the namespace is cleared (:data:`RESET_CODE`); the caller keeps the kernel.
        """
        if reuse and not self._closed:
            kernel.execute_silently(RESET_CODE, self.start_timeout_s)
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
        """The pool's fork server, started on first use (see :mod:`helpers.pipeline.forkserver`).

        The server is known to the pool from the moment its process starts, so that :meth:`close`
        stops it also while it is still importing; a pool closed meanwhile starts none.
        """
        from helpers.pipeline.forkserver import ForkServer, ForkServerError

        with self._server_lock:
            with self._lock:
                if self._closed:
                    raise KernelStartError("kernel pool closed")
                server = self._server
            if server is not None:
                return server
            preload = tuple(self.preload) + (FORK_PRELOAD if tuple(self.preload) == PRELOAD else ())
            later: tuple[str, ...] = ()
            if self.first is not None:
                preload, later = (tuple(m for m in preload if m in self.first),
                                  tuple(m for m in preload if m not in self.first))
            try:
                server = ForkServer(self._dir, preload, self._env(), self.root,
                                    self.start_timeout_s, later=later, wait=False)
            except (ForkServerError, OSError) as exc:
                raise KernelStartError(f"kernel did not start: {exc}") from exc
            with self._lock:
                closed = self._closed
                if not closed:
                    self._server = server
            try:
                if closed:
                    raise ForkServerError("kernel pool closed")
                server.wait_listening(self.start_timeout_s)
            except ForkServerError as exc:
                server.close()
                with self._lock:
                    if self._server is server:
                        self._server = None  # the next start tries a new server
                raise KernelStartError(f"kernel did not start: {exc}") from exc
            return server

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
            # a forked kernel has what its server had imported when it forked (all of the preload,
            # or for the first one :data:`FIRST_KERNEL`); it only has to answer
            code = FORKED_READY_CODE if self.fork else PRELOAD_CODE.format(names=tuple(self.preload))
            kernel.execute_silently(code, self.start_timeout_s, stop=lambda: self._closed)
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
