"""Which inputs a year reads: the researcher's raw files or the demo, and which sources.

Kept outside :mod:`helpers.collect` so that the runner can resolve a year before any kernel starts
without importing pandas.

One rule, used by the data-collection notebook (so that JupyterLab with the defaults does what the
runner does) and by the runner (which prints it as the first line of a year and puts it in the
up-to-date key):

- ``source="auto"`` (the default): the raw files under ``data/raw/<year>/`` (or ``input_dir``) when
  at least one source is present there, else the synthetic demo.
- ``source="files"``: the raw files; none present is bad input.
- ``source="demo"``: the demo, whatever ``data/raw/<year>/`` holds.

A source is *present* when its folder (``twitter/``, ``facebook/``, ``mastodon/``, ``bluesky/``,
``survey/``, ``web/``) holds at least one visible file (hidden files and folders such as
``.ipynb_checkpoints/`` do not count, see :func:`helpers.core.paths.is_hidden`). A raw folder that holds
files but no source (exports put beside the source folders instead of in them) is bad input with
``source="auto"``, not a reason to fall back on the demo. ``sources=""`` means
the sources present (for the demo: those it writes for the year, :func:`helpers.demo.sources_for`:
twitter, facebook, survey, web up to 2023, facebook, mastodon, bluesky, survey, web later); a list names
them, and asking for a source of the raw files that is not present is bad input naming its folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from helpers.core.errors import DataError, ParameterError
from helpers.core.paths import is_hidden, project_root
from helpers.demo import sources_for as demo_sources

#: Every source the collection can read, in the order they are listed.
ALL_SOURCES = ("twitter", "facebook", "mastodon", "bluesky", "survey", "web")
#: The sources of the 2014 study (what the demo writes up to 2023; later years:
#: :func:`helpers.demo.sources_for`).
DEMO_SOURCES = ("twitter", "facebook", "survey", "web")
#: Values of the ``source`` parameter.
SOURCE_CHOICES = ("auto", "demo", "files")


@dataclass(frozen=True)
class Resolution:
    """Where a year's inputs come from.

    Attributes
    ----------
    kind : {"files", "demo"}
        The researcher's raw files, or the synthetic demo.
    path : Path
        The raw folder looked at (``data/raw/<year>/`` or ``input_dir``), also for the demo.
    sources : tuple of str
        The sources to read, in :data:`ALL_SOURCES` order.
    present : tuple of str
        The sources present in ``path`` (empty when none).
    root : Path or None
        The project root the paths are shown relative to.
    unread : tuple of str
        Visible entries of ``path`` that no importer reads (not ``accounts.csv`` nor a source
        folder), e.g. ``tweets/`` or ``export.jsonl`` put beside the source folders; named in
        :meth:`line` so that nothing is ignored without a word.
    """

    kind: str
    path: Path
    sources: tuple[str, ...]
    present: tuple[str, ...]
    root: Path | None = None
    unread: tuple[str, ...] = ()

    @property
    def not_collected(self) -> tuple[str, ...]:
        """The study's sources (:data:`DEMO_SOURCES` plus any read) that are not read this year
        (absent, or present but left out of ``sources``): the analyses of these have no data."""
        pool = [s for s in ALL_SOURCES if s in DEMO_SOURCES or s in self.sources]
        return tuple(s for s in pool if s not in self.sources)

    def as_key(self) -> dict[str, object]:
        """A JSON-able description for the up-to-date key and the provenance."""
        return {"kind": self.kind, "path": _rel(self.path, self.root),
                "sources": list(self.sources)}

    def line(self, year: int, seed: int | None = None) -> str:
        """The line that opens a year's run, e.g.
        ``2016: raw data from data/raw/2016/ (sources found: twitter, survey; not collected:
        facebook, web)`` or ``2014: DEMO DATA (synthetic, seed 1): no raw inputs in
        data/raw/2014/``."""
        where = _rel(self.path, self.root) + "/"
        if self.kind == "files":
            study = [s for s in ALL_SOURCES if s in DEMO_SOURCES or s in self.present]
            absent = ", ".join(s for s in study if s not in self.present) or "none"
            text = f"{year}: raw data from {where} (sources found: {', '.join(self.present)}"
            if self.sources != self.present:
                text += f"; reading only: {', '.join(self.sources)}, as asked"
            text += f"; not collected: {absent}"
            if self.unread:
                text += f"; not read: {', '.join(self.unread)}"
            return text + ")"
        seed_text = f", seed {seed}" if seed is not None else ""
        why = (f"raw inputs in {where} ({', '.join(self.present)}) not used: asked for "
               "source=demo" if self.present else f"no raw inputs in {where}")
        return f"{year}: DEMO DATA (synthetic{seed_text}): {why}"


def _rel(path: Path, root: Path | None = None) -> str:
    path = Path(path)
    try:
        return path.resolve().relative_to(Path(root or project_root()).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _folder(year: int, input_dir: str | Path, root: Path) -> Path:
    """``input_dir`` (relative to ``root``) or ``<root>/data/raw/<year>``; refuses paths outside."""
    if not input_dir:
        return root / "data" / "raw" / str(int(year))
    given = Path(input_dir)
    folder = (given if given.is_absolute() else root / given).resolve()
    if folder != root and root not in folder.parents:
        raise ParameterError(f"parameter input_dir={str(input_dir)!r} points outside the project "
                             f"({root}); put the raw exports under data/raw/ and give that path")
    return folder


#: Files of a raw folder that belong to it without being a source (``accounts.draft.csv`` and the
#: responses under ``accounts-draft/`` are written by ``roeptoeter accounts draft``).
KNOWN_FILES = ("accounts.csv", "demo.json", "SYNTHETIC.txt", "accounts.draft.csv", "accounts-draft")


def unread_entries(folder: Path) -> tuple[str, ...]:
    """Visible top-level entries of ``folder`` that are neither a source folder nor a known file
    (folders with a trailing ``/``), sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        return ()
    out = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith(".") or p.name == "__pycache__" or p.name in KNOWN_FILES:
            continue
        if p.is_dir() and p.name in ALL_SOURCES:
            continue
        out.append(p.name + ("/" if p.is_dir() else ""))
    return tuple(out)


def _has_visible_file(folder: Path) -> bool:
    """True when ``folder`` holds a visible file at any depth (stops at the first one)."""
    if not folder.is_dir():
        return False
    for top, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not is_hidden(Path(top) / d, folder))
        if any(not is_hidden(Path(top) / f, folder) for f in files):
            return True
    return False


def present_sources(folder: Path) -> tuple[str, ...]:
    """The sources with at least one visible file in their folder under ``folder``."""
    folder = Path(folder)
    return tuple(s for s in ALL_SOURCES if _has_visible_file(folder / s))


def parse_sources(sources: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``"twitter, survey"`` (or a sequence) -> ``("twitter", "survey")``; unknown names raise.

    Raises
    ------
    ParameterError
        Naming every unknown source and the choices.
    """
    items = sources.split(",") if isinstance(sources, str) else list(sources)
    names = tuple(dict.fromkeys(s.strip().lower() for s in items if s.strip()))
    unknown = [s for s in names if s not in ALL_SOURCES]
    if unknown:
        raise ParameterError(f"parameter sources: unknown source {', '.join(unknown)}; choose from "
                             f"{', '.join(ALL_SOURCES)} (or leave it empty for those present)")
    return names


def resolve(year: int, source: str = "auto", sources: str | tuple[str, ...] = "",
            input_dir: str | Path = "", root: Path | None = None) -> Resolution:
    """Decide what a year reads (the rule in the module docstring).

    Parameters
    ----------
    year : int
        The study year.
    source : {"auto", "demo", "files"}
        Raw files when present (auto), always the demo, or always the raw files.
    sources : str or sequence of str
        Comma-separated source names; empty means the sources present (demo: those of the year).
    input_dir : str or Path
        The raw folder; empty means ``data/raw/<year>/``. Must lie inside the project.
    root : Path, optional
        The project root (default :func:`helpers.core.paths.project_root`).

    Returns
    -------
    Resolution

    Raises
    ------
    ParameterError
        An unknown ``source`` or source name, or ``input_dir`` outside the project.
    DataError
        ``source="files"`` with no source present, or a source asked for that is not present
        (naming its folder).
    """
    if source not in SOURCE_CHOICES:
        raise ParameterError(f"parameter source={source!r}: choose one of "
                             f"{', '.join(SOURCE_CHOICES)}")
    asked = parse_sources(sources)
    root = Path(root or project_root()).resolve()
    folder = _folder(year, input_dir, root)
    present = present_sources(folder)
    unread = unread_entries(folder)
    if source == "auto" and not present and unread:
        shown = ", ".join(unread[:5]) + (f" and {len(unread) - 5} more" if len(unread) > 5 else "")
        rel = _rel(folder, root) + "/"
        raise DataError(rel, f"{rel} holds {shown} but no source folder with files; put each "
                        f"export in its source folder ({', '.join(s + '/' for s in ALL_SOURCES)}; "
                        "see README, 'Rerunning for a new year'), or run the demo with "
                        "-p source=demo")
    kind = source if source != "auto" else ("files" if present else "demo")
    if kind == "demo":
        offered = demo_sources(year)  # the demo's sources differ by era (no Twitter after 2023)
        chosen = asked or offered
        extra = [s for s in chosen if s not in offered]
        if extra:
            raise ParameterError(f"parameter sources: the demo has no {', '.join(extra)} data for "
                                 f"{year}; choose from {', '.join(offered)} or put raw exports in "
                                 f"{_rel(folder, root)}/")
        return Resolution("demo", folder, tuple(s for s in ALL_SOURCES if s in chosen), present,
                          root, unread)
    rel = _rel(folder, root) + "/"
    if not present:
        what = "does not exist" if not folder.is_dir() else "holds no source folder with files"
        raise DataError(rel, f"missing input data: {rel} {what} but source='files' was asked "
                        f"for; put the raw exports in {rel}<source>/ (see README, 'Rerunning for "
                        "a new year') or run on the demo data (-p source=demo)")
    if not asked:
        return Resolution("files", folder, present, present, root, unread)
    for name in asked:
        if name not in present:
            sub = f"{rel}{name}/"
            state = "is missing" if not (folder / name).is_dir() else "holds no files"
            raise DataError(sub, f"source {name!r} was asked for but {sub} {state}; add the "
                            f"exported files or leave {name!r} out of sources (present: "
                            f"{', '.join(present)})")
    return Resolution("files", folder, tuple(s for s in ALL_SOURCES if s in asked), present, root,
                      unread)


__all__ = ["ALL_SOURCES", "DEMO_SOURCES", "SOURCE_CHOICES", "Resolution", "parse_sources",
           "present_sources", "resolve", "unread_entries"]
