"""Progress lines of long steps: live in JupyterLab, and in the terminal under the batch runner.

A step that takes more than a few seconds (a source of ``01_collect``, ...) calls :func:`report`
with one short line. The line is printed to the notebook's output with the prefix :data:`PREFIX`, so
JupyterLab shows it while the cell runs; the batch runner picks exactly these lines out of the
kernel's output (:class:`Forward`) and prints them in the terminal under ``<year> <notebook>``,
while everything else a kernel prints stays in the executed notebook and the kernel log.

A progress line holds counts, file counts and seconds only: never a value from the data (no survey
answer, no citizen's text). Imports nothing from helpers.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

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
