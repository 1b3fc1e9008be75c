"""Progress bars of the collectors and importers: in the terminal on stderr, in JupyterLab as output.

:func:`bar` is tqdm's: a notebook widget when a Jupyter kernel has ipywidgets, else text on stderr
(which JupyterLab shows as the cell's progress output, updated in place). ``enabled=None`` shows it
where someone watches: stderr is a terminal, or the code runs in a Jupyter kernel (JupyterLab or
papermill); under pytest, in a pipe or a log file it stays silent. Must not import other modules of
:mod:`helpers.collect` or pandas.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any


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
