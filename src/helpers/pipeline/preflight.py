"""The pre-flight check: every parameter and every raw input of a run, checked before any kernel.

``roeptoeter check`` runs it on its own; ``roeptoeter run`` runs it first (see
:func:`helpers.pipeline.runner.run`). It works in the driver process and writes nothing:

- **Parameters** (:func:`parameter_problems`): every parameter with a fixed set of values
  (:data:`CHOICES`: ``source``, ``on_bad_input``, ``lang``, ``platform``, ``adjust``; the comma list
  ``sources``), every number with a range (:data:`RANGES`), and the dates ``window_start`` /
  ``window_end`` (ISO ``YYYY-MM-DD``, real dates, start not after end), each by name.
- **The raw folder** (:func:`folder_problems`): ``data/raw/<year>/`` (or ``input_dir``) and every
  file in it must resolve, symbolic links followed, inside the project or the given input folder.
- **The raw inputs** (:func:`input_problems`): when the run reads files (``source=files``, or
  ``auto`` with files present), the same importers that ``01_collect`` runs
  (:func:`helpers.collect.collect`) read every file, without writing anything. For the demo source
  only the parameters are checked (the generator's output is known to be good).

Every problem is one line naming the file (or parameter), the row, the column and the rule;
:class:`~helpers.core.errors.BadInput` collects them (the first ten, then ``"... and K more"``).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers.core.errors import PARSE_ERRORS, BadInput, DataError, ParameterError, describe_exception

#: Social platforms an analysis can be run for (``platform``); ``""`` means all and ``"auto"`` the first
#: collected (:func:`helpers.analysis.platforms.choose`), where the notebook's default says so.
SOCIAL_PLATFORMS = ("twitter", "facebook", "mastodon", "bluesky")
#: Parameters whose value must be one of a few words, checked by name in every notebook.
CHOICES: dict[str, tuple[str, ...]] = {
    "on_bad_input": ("error", "skip"),
    "source": ("auto", "demo", "files"),
    "lang": ("en", "nl"),
    "platform": SOCIAL_PLATFORMS,
    "adjust": ("holm", "fdr_bh", "bonferroni"),
}
#: Comma-separated lists whose items must come from a fixed set (empty: the sources present).
LIST_CHOICES: dict[str, tuple[str, ...]] = {
    "sources": ("twitter", "facebook", "mastodon", "bluesky", "survey", "web"),
}
#: Numbers with a range: name -> (low, high, low inclusive, high inclusive, what it is).
RANGES: dict[str, tuple[float, float, bool, bool, str]] = {
    "alpha": (0.0, 1.0, False, False, "a significance level between 0 and 1"),
    "min_base": (1, float("inf"), True, True, "a count of at least 1"),
    "min_questions": (1, float("inf"), True, True, "a count of at least 1"),
    "top": (1, float("inf"), True, True, "a count of at least 1"),
    "demo_sample": (0, float("inf"), True, True, "0 (all) or a number of municipalities"),
    "demo_scale": (0.0, 1000.0, False, True, "a volume multiplier above 0"),
    "seed": (0, 2**32 - 1, True, True, "a seed between 0 and 4294967295"),
    "max_page_bytes": (1, float("inf"), True, True, "a page size cap of at least 1 byte"),
}
DATES = ("window_start", "window_end")


def _where(notebooks: list[str]) -> str:
    return f"notebook{'s' if len(notebooks) > 1 else ''} {', '.join(notebooks)}"


def _by_value(effective: Mapping[str, Mapping[str, Any]], name: str) -> dict[Any, list[str]]:
    """``{value: [notebooks]}`` of parameter ``name`` over the notebooks that declare it."""
    out: dict[Any, list[str]] = {}
    for nb, p in effective.items():
        if name in p:
            value = p[name]
            key = tuple(value) if isinstance(value, list) else value
            out.setdefault(key, []).append(nb)
    return out


def parameter_problems(effective: Mapping[str, Mapping[str, Any]], year: int,
                       defaults: Mapping[str, Mapping[str, Any]] | None = None) -> list[Exception]:
    """Every problem with the parameter values of one year's run, one :class:`ParameterError` each.

    Parameters
    ----------
    effective : mapping
        ``{notebook: {name: value}}``, the values each notebook runs with.
    year : int
        The study year (for the default observation window).
    defaults : mapping, optional
        The notebooks' own defaults: a parameter whose default is ``""`` may stay empty (e.g.
        ``platform=""`` in 05_monitoring means all platforms).

    Returns
    -------
    list of ParameterError
        Empty when every value is allowed.
    """
    defaults = defaults or {}
    problems: list[Exception] = []
    for name, allowed in CHOICES.items():
        for value, nbs in _by_value(effective, name).items():
            if name == "platform" and value == "auto":  # only where the default is "auto" (03, 04)
                nbs = [nb for nb in nbs if defaults.get(nb, {}).get(name, None) != "auto"]
                if not nbs:
                    continue
            empty_ok = all(defaults.get(nb, {}).get(name, None) == "" for nb in nbs)
            if value in allowed or (value == "" and empty_ok):
                continue
            choices = ", ".join(allowed) + (', or "" (all)' if empty_ok else "")
            problems.append(ParameterError(
                f"parameter {name}={value!r} ({_where(nbs)}): not an allowed value; choose one "
                f"of {choices}"))
    for name, allowed in LIST_CHOICES.items():
        for value, nbs in _by_value(effective, name).items():
            items = [s.strip() for s in str(value).split(",") if s.strip()]
            unknown = [s for s in items if s not in allowed]
            if unknown:
                problems.append(ParameterError(
                    f"parameter {name}={value!r} ({_where(nbs)}): unknown "
                    f"{'entry' if len(unknown) == 1 else 'entries'} {', '.join(map(repr, unknown))}; "
                    f"choose from {', '.join(allowed)} (comma-separated; empty: the sources "
                    "present)"))
    for name, (lo, hi, lo_in, hi_in, what) in RANGES.items():
        for value, nbs in _by_value(effective, name).items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue  # the type was checked against the default already
            ok = (lo <= value if lo_in else lo < value) and (value <= hi if hi_in else value < hi)
            if not ok:
                problems.append(ParameterError(
                    f"parameter {name}={value!r} ({_where(nbs)}): out of range; give {what}"))
    problems.extend(_window_problems(effective, year))
    problems.extend(_platform_source_problems(effective, defaults))
    return problems


def _window_problems(effective: Mapping[str, Mapping[str, Any]], year: int) -> list[Exception]:
    problems: list[Exception] = []
    for nb, p in effective.items():
        if not any(d in p for d in DATES):
            continue
        dates: dict[str, dt.date | None] = {}
        for name in DATES:
            text = str(p.get(name) or "").strip()
            dates[name] = None
            if not text:
                continue
            try:
                if len(text) != 10:
                    raise ValueError(text)
                dates[name] = dt.date.fromisoformat(text)
            except ValueError:
                problems.append(ParameterError(
                    f"parameter {name}={text!r} (notebook {nb}): not a real date in ISO form "
                    "YYYY-MM-DD (e.g. 2014-04-01); leave it empty for the edition's window"))
        start, end = dates["window_start"], dates["window_end"]
        if start is None and end is None:
            continue
        if start is None or end is None:
            from helpers.core.window import window_for

            default_start, default_end = window_for(int(year))
            start, end = start or default_start, end or default_end
        if start > end:
            problems.append(ParameterError(
                f"parameters window_start={start.isoformat()} and window_end={end.isoformat()} "
                f"(notebook {nb}): the window starts after it ends; give window_start <= "
                "window_end"))
    return problems


def _platform_source_problems(effective: Mapping[str, Mapping[str, Any]],
                              defaults: Mapping[str, Mapping[str, Any]]) -> list[Exception]:
    """A ``platform`` given with ``-p`` that is not among the run's explicitly chosen ``sources``.

    A notebook's default platform is left alone: with a subset of sources the notebook says
    "not collected" (issue 13) instead of failing.
    """
    chosen: set[str] = set()
    for p in effective.values():
        if str(p.get("sources") or "").strip():
            chosen |= {s.strip() for s in str(p["sources"]).split(",") if s.strip()}
    if not chosen:
        return []
    problems: list[Exception] = []
    for value, nbs in _by_value(effective, "platform").items():
        explicit = [nb for nb in nbs if defaults.get(nb, {}).get("platform") != value]
        if value in SOCIAL_PLATFORMS and value not in chosen and explicit:
            problems.append(ParameterError(
                f"parameter platform={value!r} ({_where(nbs)}): {value} is not among the sources "
                f"collected ({', '.join(sorted(chosen))}); add it to sources or choose another "
                "platform"))
    return problems


# --- the raw folder ----------------------------------------------------------------------------
def _hidden(path: Path, base: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(base).parts)


def raw_folder(root: Path, year: int, p: Mapping[str, Any]) -> Path:
    """The raw folder a notebook reads: its ``input_dir`` (relative to the root), else
    ``data/raw/<year>/`` (not resolved)."""
    given = str(p.get("input_dir") or "")
    if given:
        return Path(given) if Path(given).is_absolute() else Path(root) / given
    return Path(root) / "data" / "raw" / str(year)


def has_raw_files(folder: Path) -> bool:
    """Whether ``folder`` holds any input file (hidden files and folders do not count)."""
    if not folder.is_dir():
        return False
    return any(f.is_file() and not _hidden(f, folder) for f in folder.rglob("*"))


def reads_files(root: Path, year: int, p: Mapping[str, Any]) -> bool:
    """Whether a notebook with parameters ``p`` reads raw files: ``source=files``, or ``auto``
    (helper of issue 13) when the raw folder holds input files."""
    source = p.get("source")
    if source == "files":
        return True
    return source == "auto" and has_raw_files(raw_folder(root, year, p))


def folder_problems(root: Path, year: int, p: Mapping[str, Any]) -> list[Exception]:
    """The raw folder and every file in it must resolve inside the project (or ``input_dir``).

    A ``data/raw/<year>`` that is a symbolic link to a folder outside the project is refused, and so
    is a file inside it that links out. Returns one :class:`DataError` per problem.
    """
    root = Path(root).resolve()
    folder = raw_folder(root, year, p)
    if not folder.exists() and not folder.is_symlink():
        return []
    rel = os.path.relpath(folder, root)
    try:
        real = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        return [DataError(rel, "the raw folder is a broken or looping symbolic link; point it at "
                          "a folder inside the project")]
    if not real.is_relative_to(root):
        return [DataError(rel, f"the raw folder resolves (symbolic links followed) to {real}, "
                          f"outside the project {root}; copy the exports into the project instead "
                          "of linking to them")]
    outside: list[str] = []
    for path in sorted(real.rglob("*")):
        if not path.is_symlink():
            continue
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            outside.append(path.relative_to(real).as_posix())
            continue
        if not (target.is_relative_to(root) or target.is_relative_to(real)):
            outside.append(path.relative_to(real).as_posix())
    if outside:
        from helpers.core.errors import shorten

        return [DataError(rel, f"{len(outside)} file(s) are symbolic links that resolve outside "
                          f"the project ({shorten(outside, 5)}); copy the files in instead")]
    return []


# --- the raw inputs --------------------------------------------------------------------------
@dataclass
class Checked:
    """What the pre-flight read for one year (for the ``check`` command's summary)."""

    year: int
    source: str
    sources: tuple[str, ...] = ()
    files: int = 0
    skips: int = 0
    seconds: float = 0.0
    problems: list[Exception] = field(default_factory=list)


def present_sources(folder: Path) -> tuple[str, ...]:
    """The sources with a folder under ``folder`` (what ``sources=""`` means)."""
    from helpers.collect import SOURCES

    return tuple(s for s in SOURCES if (folder / s).is_dir())


def input_problems(root: Path, year: int, p: Mapping[str, Any], *, folder: Path | None = None,
                   sources: tuple[str, ...] | None = None) -> Checked:
    """Run the importers of ``01_collect`` over the year's raw files, writing nothing.

    Parameters
    ----------
    root : Path
        Project root.
    year : int
        Study year.
    p : mapping
        The effective parameters of the data-collection notebook.
    folder, sources : optional
        The raw folder and the sources to read, when already resolved (the runner's source
        resolution); default from ``p`` (``input_dir`` or ``data/raw/<year>/``; ``sources``, or
        the sources present when empty).

    Returns
    -------
    Checked
        With ``problems``: the importer's :class:`DataError` (error mode stops at the first), or a
        :class:`DataError` for an exception the importers did not map (never a traceback).
    """
    from helpers.collect import collect

    t0 = time.monotonic()
    folder = Path(folder) if folder is not None else raw_folder(root, year, p)
    listed = [s.strip() for s in str(p.get("sources") or "").split(",") if s.strip()]
    sources = tuple(sources) if sources is not None else (tuple(listed) or present_sources(folder))
    out = Checked(year=year, source="files", sources=sources)
    window = (p.get("window_start") or None, p.get("window_end") or None)
    try:
        collected = collect(int(year), folder, sources=sources,
                            window=None if window == (None, None) else _window(window, year),
                            on_bad=str(p.get("on_bad_input") or "error"),
                            max_page_bytes=int(p.get("max_page_bytes") or 0) or None)
        out.files, out.skips = len(collected.inputs), len(collected.skips)
    except DataError as exc:
        out.problems.append(exc)
    except PARSE_ERRORS as exc:
        out.problems.append(DataError(os.path.relpath(folder, root), describe_exception(exc)))
    out.seconds = time.monotonic() - t0
    return out


def _window(window: tuple[Any, Any], year: int) -> tuple[dt.date, dt.date]:
    from helpers.core.window import window_for

    default = window_for(int(year))
    start = dt.date.fromisoformat(window[0]) if window[0] else default[0]
    end = dt.date.fromisoformat(window[1]) if window[1] else default[1]
    return start, end


def check_year(root: Path, year: int, effective: Mapping[str, Mapping[str, Any]],
               defaults: Mapping[str, Mapping[str, Any]] | None = None,
               *, read_inputs: bool = True, resolution: Any = None) -> Checked:
    """Every check of one year: parameters, the raw folder, and (when read) the raw inputs.

    ``resolution`` is the runner's decision of what the year reads, when it has one (an object with
    ``kind`` ``"files"``/``"demo"``, ``path`` and ``sources``, as
    :func:`helpers.pipeline.sources.resolve` returns); without it ``source``/``sources``/``input_dir`` are
    interpreted here (``auto``: raw files when the folder holds any).
    """
    problems = parameter_problems(effective, year, defaults)
    collect_params = next((p for p in effective.values() if "source" in p), None)
    if collect_params is None:
        return Checked(year=year, source="-", problems=problems)
    problems.extend(folder_problems(root, year, collect_params))
    if resolution is not None:
        files = getattr(resolution, "kind", None) == "files"
    else:
        files = reads_files(root, year, collect_params)
    if not files:
        return Checked(year=year, source="demo", problems=problems)
    if problems or not read_inputs:
        return Checked(year=year, source="files", problems=problems)
    if resolution is not None:
        checked = input_problems(root, year, collect_params, folder=Path(resolution.path),
                                 sources=tuple(resolution.sources))
    else:
        checked = input_problems(root, year, collect_params)
    checked.problems[:0] = problems
    return checked


def raise_problems(checked: list[Checked], limit: int = 10) -> None:
    """Raise :class:`BadInput` with every problem of ``checked`` (one line each), if any."""
    problems = [p for c in checked for p in c.problems]
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise BadInput(problems, limit=limit)
