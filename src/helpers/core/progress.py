"""Progress of long steps: bars while a step runs, and one line per finished step.

**Bars** (:func:`bar`) are tqdm's: a notebook widget when a Jupyter kernel has ipywidgets, else text on
stderr (which JupyterLab shows as the cell's progress output, updated in place). ``enabled=None``
shows one where someone watches: stderr is a terminal, or the code runs in a Jupyter kernel; under
pytest, in a pipe or a log file it stays silent.

**Lines**: a step that takes more than a few seconds (a source of ``01_collect``, ...) calls
:func:`report` with one short line, printed to the notebook's output with the prefix :data:`PREFIX`, so
JupyterLab shows it while the cell runs; the batch runner picks exactly these lines out of the
kernel's output (:class:`Forward`) and prints them in the terminal under ``<year> <notebook>``,
while everything else a kernel prints stays in the executed notebook and the kernel log.

A progress line holds counts, file counts and seconds only: never a value from the data (no survey
answer, no citizen's text). Imports nothing from helpers.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from typing import Any

#: What marks a progress line in a notebook's output.
PREFIX = "[progress] "


def report(text: str) -> None:
    """Print one progress line (``PREFIX`` + ``text``) to standard output, flushed at once."""
    print(f"{PREFIX}{text}", file=sys.stdout, flush=True)


def counted(n: int, unit: str) -> str:
    """``"83,000 tweets"`` / ``"1 file"``: a count with thousands separators and a plural ``s``."""
    return f"{n:,} {unit}{'' if n == 1 else 's'}"


class Forward:
    """A file-like sink for a kernel's stdout that passes on the progress lines only.

    Parameters
    ----------
    emit : callable
        Called with the text of each progress line (without :data:`PREFIX`).
    """

    def __init__(self, emit: Callable[[str], None]) -> None:
        self._emit = emit
        self._pending = ""

    def write(self, text: str) -> int:
        """Take a chunk of output; emit every complete progress line in it."""
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            if line.startswith(PREFIX):
                self._emit(line[len(PREFIX):].rstrip())
        return len(text)

    def flush(self) -> None:
        """Nothing is buffered but an unfinished line."""


def in_kernel() -> bool:
    """Whether the code runs in a Jupyter (IPython) kernel."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def wanted(enabled: bool | None) -> bool:
    """``enabled``, or when ``None``: stderr is a terminal or the code runs in a Jupyter kernel."""
    if enabled is not None:
        return bool(enabled)
    return bool(getattr(sys.stderr, "isatty", lambda: False)()) or in_kernel()


def bar(total: int | None, desc: str, unit: str, enabled: bool | None = None) -> Any:
    """A tqdm progress bar (disabled, but usable, when not :func:`wanted`).

    Parameters
    ----------
    total : int or None
        Number of items (None: unknown, a counter).
    desc, unit : str
        Label and unit of the bar, e.g. ``"web audit"``, ``"site"``.
    enabled : bool or None
        Show it; ``None``: see :func:`wanted`.
    """
    if in_kernel() and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm(total=total, desc=desc, unit=unit, disable=not wanted(enabled), file=sys.stderr,
                mininterval=0.5)
