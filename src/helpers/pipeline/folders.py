"""The outputs folder: the run lock, temporary year folders, the atomic swap and kept failures.

Each year is written into a hidden sibling ``outputs/.<year>.tmp-<random>/`` and swapped into
``outputs/<year>/`` only when all its notebooks succeeded; a failed year is kept as
``outputs/.<year>.failed-<timestamp>/`` (the last :data:`KEEP_FAILED`). :func:`outputs_lock` keeps
two runs from removing each other's folders.

Must not import: anything from helpers but :mod:`helpers.core.errors`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers.core.errors import ParameterError

TMP_MARK, OLD_MARK, FAILED_MARK = ".tmp-", ".old-", ".failed-"
#: The runner's own hidden folders in outputs/: ``.<year>.tmp-*`` and ``.<year>.old-*``.
_RUNNER_DIR = re.compile(r"^\.(\d{4})(\.tmp-|\.old-)")


LOCK_NAME = ".roeptoeter.lock"


@contextmanager
def outputs_lock(outputs: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``outputs/`` for a run (POSIX ``flock``; a no-op elsewhere).

    Two runs at once would remove each other's temporary folders as stale; the second one is
    refused instead.

    Raises
    ------
    ParameterError
        When another run holds the lock.
    """
    outputs.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(outputs / LOCK_NAME, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ParameterError(
                f"another roeptoeter run is using {outputs}; wait for it to finish and run again"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def clean_stale(outputs: Path) -> list[Path]:
    """Tidy ``outputs/`` after a killed run; returns the folders removed or restored.

    Removes every ``.<year>.tmp-*`` folder (a run that never finished; never results). When a swap
    was interrupted after the old results were moved aside (``.<year>.old-*`` present and
    ``<year>`` missing) the old results are moved back; otherwise leftover ``.old-`` folders go.
    """
    outputs = Path(outputs)
    touched: list[Path] = []
    if not outputs.is_dir():
        return touched
    for path in sorted(outputs.iterdir()):
        match = _RUNNER_DIR.match(path.name)
        if not match or not path.is_dir():
            continue
        year, mark = match.group(1), match.group(2)
        if mark == TMP_MARK:
            shutil.rmtree(path, ignore_errors=True)
        elif not (outputs / year).exists():
            path.rename(outputs / year)
        else:
            shutil.rmtree(path, ignore_errors=True)
        touched.append(path)
    return touched


def new_tmp_dir(outputs: Path, year: int, copy_from: Path | None = None) -> Path:
    """Create ``outputs/.<year>.tmp-<random>/``, optionally as a copy of an existing year folder."""
    from helpers.core.io import shared_tmp_dir

    tmp = shared_tmp_dir(outputs, prefix=f".{year}{TMP_MARK}")
    if copy_from is not None and copy_from.is_dir():
        shutil.copytree(copy_from, tmp, dirs_exist_ok=True, symlinks=True)
    (tmp / "notebooks").mkdir(exist_ok=True)
    return tmp


def swap_into_place(tmp: Path, target: Path) -> None:
    """Replace ``target`` by ``tmp``: old folder renamed away, tmp renamed in, old deleted."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}{OLD_MARK}{os.urandom(4).hex()}")
        target.rename(old)
    tmp.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


#: Failed-run folders kept per year (the oldest beyond this are removed).
KEEP_FAILED = 3


def keep_failed(tmp: Path, year: int, notebooks: Iterable[str] = (), log: str = "") -> Path:
    """Keep what explains a failure of code in ``outputs/.<year>.failed-<UTC timestamp>/``.

    Only the failed notebooks (``notebooks/<name>.ipynb``, executed, with papermill's error banner),
    their kernels' logs (``logs/<name>.log``) and ``log.txt`` are kept, not a copy of the year; the
    temporary folder is removed, and only the last :data:`KEEP_FAILED` failed folders of the year
    stay (see :func:`prune_failed`).
    """
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    dest = tmp.with_name(f".{year}{FAILED_MARK}{stamp}")
    n = 1
    while dest.exists():
        n += 1
        dest = tmp.with_name(f".{year}{FAILED_MARK}{stamp}-{n}")
    (dest / "notebooks").mkdir(parents=True)
    for name in notebooks:
        src = tmp / "notebooks" / f"{name}.ipynb"
        if src.is_file():
            os.replace(src, dest / "notebooks" / src.name)
        kernel_log = tmp / "logs" / f"{name}.log"  # the kernel's stderr (helpers.pipeline.executor)
        if kernel_log.is_file():
            (dest / "logs").mkdir(exist_ok=True)
            os.replace(kernel_log, dest / "logs" / kernel_log.name)
    (dest / "log.txt").write_text(log, encoding="utf-8")
    shutil.rmtree(tmp, ignore_errors=True)
    prune_failed(dest.parent, year)
    return dest


def prune_failed(outputs: Path, year: int | str, keep: int = KEEP_FAILED) -> list[Path]:
    """Remove all but the newest ``keep`` ``.<year>.failed-*`` folders; returns those removed."""
    def order(path: Path) -> tuple[str, int]:
        stamp, _, n = path.name.split(FAILED_MARK, 1)[1].partition("-")
        return stamp, int(n) if n.isdigit() else 1

    folders = sorted((p for p in Path(outputs).glob(f".{year}{FAILED_MARK}*") if p.is_dir()),
                     key=order)
    gone = folders[: max(len(folders) - keep, 0)]
    for path in gone:
        shutil.rmtree(path, ignore_errors=True)
    return gone


#: Exception names that mean bad input found inside a kernel (the pre-flight missed it): the run
#: reports it as bad input (exit 2, no failed folder) instead of as a failure of code.
