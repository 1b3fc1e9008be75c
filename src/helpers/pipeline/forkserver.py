"""Kernels forked from one preloaded process: the project's imports paid once per run, not per notebook.

A new ``python3`` kernel must import pandas, matplotlib, seaborn, scipy, pandera and the helpers again:
about 4-5 CPU seconds per notebook, most of the runner's overhead on 2 cores (issue 16). A **fork
server** is started once per kernel pool. It imports those modules
(:data:`helpers.pipeline.executor.PRELOAD`), freezes them out of the garbage collector, and then,
for each kernel asked for, forks a child that becomes an ordinary ipykernel (``IPKernelApp``) on the
connection file the kernel manager wrote. The child is a **new process with an empty namespace**,
exactly as a freshly started kernel; only the imported modules are shared, copy-on-write.

* The fork server starts no thread and no ZMQ context before forking (both are unsafe across
  ``fork``); each child makes its own.
* The child starts a new session (its own process group), sends stdout/stderr to the kernel's log file,
  and polls its parent like any kernel (``JPY_PARENT_PID``): when the fork server goes, its kernels go.
* The fork server polls *its* parent, the runner: when the runner is killed (even ``SIGKILL``), the fork
  server removes the pool's private socket folder and exits, and the kernels follow.
* Ended kernels are reaped by the server at once (``waitpid``), so their CPU time is counted in the
  runner's children like that of any kernel.
* :class:`ForkedProcess` gives jupyter_client's provisioner the ``Popen``-like handle it expects for a
  process that is not the caller's child (``poll`` by signal 0, ``kill`` by process group).

* The server forks its first kernel before it imports the modules listed after ``--later``: the
  first notebook of a run does not wait for what only later ones use.

Run as ``python -m helpers.pipeline.forkserver SOCKET MODULE... [--later MODULE...]``. Imports
nothing from helpers at module level (the server imports the preload list itself); must not import
:mod:`helpers.cli`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

#: Seconds between two checks, in the server, that the runner is still there: a killed runner's
#: server (and with it its kernels, :func:`_die_with_parent`) is gone before a new run can start.
PARENT_POLL_S = 0.2
#: ``prctl`` option asking Linux to send a signal when the parent ends (``<sys/prctl.h>``).
PR_SET_PDEATHSIG = 1
#: The matplotlib backend a kernel uses (what ipykernel sets when MPLBACKEND is empty).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: Separates, on the server's command line, the modules to import before listening from those to
#: import after the first fork.
LATER = "--later"
#: What ``IPKernelApp.initialize`` imports in a new kernel beyond ``ipykernel.kernelapp`` (the
#: debugger with debugpy's vendored pydevd, IPython's pieces, tornado's queues; with pyplot, the
#: inline backend of :data:`KERNEL_INIT_PYPLOT`): about 0.1 s and 140 modules, imported once by the
#: server instead of in every forked kernel. None starts a thread.
KERNEL_INIT: tuple[str, ...] = (
    "ipykernel.ipkernel", "ipykernel.debugger", "IPython.core.completerlib", "IPython.core.debugger",
    "IPython.core.oinspect", "IPython.core.pylabtools", "IPython.extensions.storemagic",
    "tornado.platform.asyncio", "tornado.queues", "tornado.locks", "sqlite3", "PIL.features",
    "faulthandler",
)
#: Of those, what only a server that imported ``matplotlib.pyplot`` imports (the inline backend):
#: a kernel forked before pyplot imports its backend itself when its notebook imports pyplot, and
#: the backend then hooks into that kernel's shell as it does in any kernel.
KERNEL_INIT_PYPLOT: tuple[str, ...] = (
    "matplotlib_inline.backend_inline", "matplotlib.backends.backend_agg",
)


# --- the client side (in the runner) ----------------------------------------------------------------
class ForkServerError(RuntimeError):
    """The fork server did not start, or did not fork a kernel."""


class ForkServer:
    """A running fork server (one per kernel pool).

    Parameters
    ----------
    folder : Path
        The pool's private folder (mode 0700); the server's socket and log are made in it, and the
        server removes it when the runner dies.
    preload : sequence of str
        Modules the server imports before forking (a missing one is skipped).
    env : mapping
        The kernels' environment (the server's, inherited by every child).
    cwd : Path
        The kernels' working directory.
    start_timeout_s : float
        Seconds the server may take to import and listen.
    later : sequence of str
        Modules the server imports right after forking its first kernel (that kernel does without
        them; every later one has them).
    wait : bool
        Return only once the server listens (default); with False, call :meth:`wait_listening`
        before :meth:`spawn`.
    """

    def __init__(self, folder: Path, preload: Any, env: dict[str, str], cwd: Path,
                 start_timeout_s: float = 120.0, later: Any = (), wait: bool = True) -> None:
        self.folder = Path(folder)
        self.socket_path = self.folder / "forkserver.sock"
        self.log = self.folder / "forkserver.log"
        env = {**env, "MPLBACKEND": env.get("MPLBACKEND") or INLINE_BACKEND}
        with open(self.log, "ab") as fh:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "helpers.pipeline.forkserver", str(self.socket_path),
                 *list(preload), *([LATER, *later] if later else [])],
                cwd=str(cwd), env=env, stdin=subprocess.DEVNULL, stdout=fh, stderr=fh,
                start_new_session=True,  # a Ctrl-C in the terminal is the runner's to handle
            )
        if wait:
            self.wait_listening(start_timeout_s)

    def wait_listening(self, timeout_s: float) -> None:
        """Return once the server listens.

        Raises
        ------
        ForkServerError
            When the server exited first (also when it was closed meanwhile), or after
            ``timeout_s`` seconds (then it is stopped).
        """
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ForkServerError(f"fork server exited with {self.process.returncode}: "
                                      f"{self._log_tail()}")
            if self.socket_path.exists():
                return
            time.sleep(0.02)
        self.close()
        raise ForkServerError(f"fork server did not listen within {timeout_s:.0f} s")

    def _log_tail(self, lines: int = 5) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return " | ".join(text.strip().splitlines()[-lines:])

    def spawn(self, argv: list[str], log: Path, timeout_s: float = 30.0) -> int:
        """Fork a kernel running ``ipykernel_launcher argv`` (e.g. ``-f conn.json``); its pid.

        The kernel's stdout and stderr go to ``log`` (appended).
        """
        request = json.dumps({"argv": list(argv), "log": str(log)}).encode() + b"\n"
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout_s)
                sock.connect(str(self.socket_path))
                sock.sendall(request)
                answer = sock.makefile("rb").readline()
        except OSError as exc:
            raise ForkServerError(f"fork server did not answer: {type(exc).__name__}: {exc}; "
                                  f"{self._log_tail()}") from exc
        try:
            return int(json.loads(answer)["pid"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ForkServerError(f"fork server gave no pid; {self._log_tail()}") from exc

    def close(self) -> None:
        """Stop the server (its kernels stop by themselves when their parent is gone)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class ForkedProcess:
    """A ``Popen``-like handle of a forked kernel, which is the fork server's child, not ours.

    The kernel leads its own process group (``setsid`` after the fork), so signals go to the group.
    Its exit status is not visible here; an ended kernel reports 0.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self.stdin = self.stdout = self.stderr = None

    def poll(self) -> int | None:
        """None while the kernel runs; 0 once it has ended (also as a zombie nobody reaps yet)."""
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
            except PermissionError:  # the pid was reused by another user's process
                self.returncode = 0
            else:
                if _is_zombie(self.pid):
                    self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the kernel has ended (polling every 50 ms)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0)
            time.sleep(0.05)
        return int(self.returncode or 0)

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _is_zombie(pid: int) -> bool:
    """True when ``pid`` has ended but was not reaped (its parent, the fork server, is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:stat.rfind(")") + 3] == "Z"


def forked_manager_class() -> type:
    """A ``jupyter_client`` KernelManager whose kernels come from a :class:`ForkServer`.

    Set ``fork_server`` and ``kernel_log`` on an instance before ``start_kernel``; without a fork
    server it starts kernels as usual. ``_async_launch_kernel`` is the documented override point
    ("override in a subclass to launch kernel subprocesses differently").
    """
    from jupyter_client.manager import KernelManager
    from traitlets import Any as AnyTrait

    class ForkedKernelManager(KernelManager):
        fork_server = AnyTrait(None)
        kernel_log = AnyTrait(None)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            if self.fork_server is None:
                await super()._async_launch_kernel(kernel_cmd, **kw)
                return
            argv = kernel_cmd[kernel_cmd.index("ipykernel_launcher") + 1:]
            pid = self.fork_server.spawn(argv, Path(self.kernel_log))
            prov = self.provisioner
            prov.process = ForkedProcess(pid)
            prov.pid = prov.pgid = pid
            prov.cwd = kw.get("cwd")
            self._reconcile_connection_info(prov.connection_info)

    return ForkedKernelManager


# --- the server side (a process of its own) ---------------------------------------------------------
def _preload(names: list[str]) -> None:
    """Import ``names`` (a missing or failing one is skipped), the kernel application and what it
    imports when a kernel starts (:data:`KERNEL_INIT`); then freeze every object so far out of the
    garbage collector, so that the forked kernels never walk or touch them (copy-on-write)."""
    import gc
    import importlib

    for name in names:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    import ipykernel.kernelapp  # noqa: F401  (the children's kernel application)

    for name in KERNEL_INIT + (KERNEL_INIT_PYPLOT if "matplotlib.pyplot" in sys.modules else ()):
        with contextlib.suppress(Exception):
            importlib.import_module(name)

    gc.collect()
    gc.freeze()


def _become_kernel(argv: list[str], log: str, server: int) -> None:
    """In the forked child: turn into an ipykernel on ``argv`` (never returns)."""
    code = 1
    try:
        _die_with_parent(server)
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # subprocesses of notebooks need waitpid
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.environ["JPY_PARENT_PID"] = str(server)
        # The trait's default was read from the environment when the server imported ipykernel;
        # give the parent explicitly, so the kernel's parent poller watches the fork server.
        argv = [*argv, f"--IPKernelApp.parent_handle={server}"]
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(argv)
        _enable_inline_figures()
        # the kernel's own objects join the server's frozen ones: a page's garbage collection
        # (``%reset`` runs one) then walks only what the notebooks made
        gc.freeze()
        app.start()
        code = 0
    except BaseException:  # noqa: BLE001  (report anything, then leave without the server's cleanup)
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _die_with_parent(server: int) -> None:
    """On Linux, have the kernel killed the moment the fork server ends (``PR_SET_PDEATHSIG``).

    ipykernel's own parent poller notices a gone parent only within a second; meanwhile the
    notebook of a killed run could still write into the run's temporary folder after a new run
    removed it. The server forks from its only thread, so the signal is tied to the server's life.
    Elsewhere the poller remains the way kernels end.
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != server:  # the server (pid ``server``) ended before the request took effect
        os._exit(1)


def _enable_inline_figures() -> None:
    """Hook the inline backend into the new shell, as importing it inside a kernel does.

    pyplot was imported in the server, before any shell existed, so the backend's own integration
    (display figures at the end of a cell) found no shell then.
    """
    if "matplotlib.pyplot" not in sys.modules:
        return
    with contextlib.suppress(Exception):
        from matplotlib_inline import backend_inline

        backend_inline._enable_matplotlib_integration()


def _reap(*_: object) -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def serve(socket_path: str, preload: list[str], later: list[str] | None = None) -> None:
    """Preload, listen on ``socket_path`` and fork a kernel per request until the runner is gone;
    import ``later`` right after the first fork."""
    runner, server_pid = os.getppid(), os.getpid()
    folder = Path(socket_path).parent
    # Ended kernels are reaped at once (so they do not linger as zombies that look alive), and
    # reaped by waitpid rather than SIG_IGN so their CPU time counts in this process's children.
    signal.signal(signal.SIGCHLD, _reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _preload(preload)
    tmp = socket_path + ".tmp"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(tmp)
    server.listen(16)
    os.replace(tmp, socket_path)  # appears only when listening
    server.settimeout(PARENT_POLL_S)
    while True:
        if os.getppid() != runner:  # the runner is gone (killed): clean up and go
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
            return
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        with conn:
            conn.settimeout(10)
            request = json.loads(conn.makefile("rb").readline())
            pid = os.fork()
            if pid == 0:
                server.close()
                conn.close()
                _become_kernel(request["argv"], request["log"], server_pid)
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")
        if later:  # while the first kernel runs its notebook
            _preload(later)
            later = None


def _arguments(argv: list[str]) -> tuple[str, list[str], list[str]]:
    """``SOCKET MODULE... [--later MODULE...]`` as (socket, preload, later)."""
    modules = argv[1:]
    cut = modules.index(LATER) if LATER in modules else len(modules)
    return argv[0], modules[:cut], modules[cut + 1:]


if __name__ == "__main__":
    serve(*_arguments(sys.argv[1:]))
