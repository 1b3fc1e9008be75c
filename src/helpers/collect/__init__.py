"""Collection: turn one year's raw inputs into the tidy tables that every analysis notebook reads.

The inputs folder (``data/raw/<year>/`` for real data, ``data/raw/demo/<year>-s<seed>.../`` for the
demo) holds::

    accounts.csv         the research team's account list (see :mod:`.accounts`)
    twitter/             twarc2 JSON Lines and/or personal-archive tweets.js (see :mod:`.twitter`)
    facebook/            page exports posts.csv and comments.csv (see :mod:`.facebook`)
    survey/              the survey export (read by helpers.collect.survey)
    web/                 the crawler's cached pages (read by helpers.collect.web)

:func:`collect` reads the sources asked for, inside an observation window, and returns a
:class:`Collected`; :func:`write_collected` writes the tables (schema-checked, atomically) and a
``provenance.json`` that says whether the data is synthetic and which input files (by SHA-256) were
read.

Bad input (``on_bad``): with ``"error"`` the first problem raises :class:`helpers.core.errors.DataError`
naming file, row, column and rule; with ``"skip"`` the offending item is left out and reported as
one row of :attr:`Collected.skips` (``file, row, column, rule``). Nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.collect.issues import SKIP_COLUMNS, Issues
from helpers.core import io, progress
from helpers.core.errors import DataError
from helpers.core.paths import project_root, visible_files
from helpers.core.records import SOCIAL, SOURCES
from helpers.core.window import Window, window_bounds, window_for

#: What the data-collection notebook reads by default (the sources of the 2014 study and the demo).
DEFAULT_SOURCES = ("twitter", "facebook", "survey", "web")


@dataclass
class Collected:
    """What :func:`collect` read.

    Attributes
    ----------
    tables : dict
        Tidy table name -> DataFrame (``accounts``, ``posts``, ``citizen_messages``,
        ``survey_responses``, ``website_audit``; those of the sources asked for).
    skips : DataFrame
        Every skipped or ignored item: ``file``, ``row``, ``column``, ``rule``.
    inputs : dict
        Path of every input file read (relative to the project root when inside it) -> SHA-256.
    demo : bool
        True when the inputs are the synthetic demo dataset.
    year, window, sources, meta
        The arguments, and the demo dataset's ``demo.json`` (empty for real data).
    files : DataFrame
        One row per input file read: ``file`` (as in :attr:`inputs`), ``source``, ``read`` and
        ``kept`` (items read from it and kept in a tidy table; ``<NA>`` where the importer does
        not count per file). See :func:`file_table`.
    """

    tables: dict[str, pd.DataFrame]
    skips: pd.DataFrame
    inputs: dict[str, str]
    demo: bool
    year: int
    window: tuple[dt.date, dt.date]
    sources: tuple[str, ...]
    meta: dict[str, Any] = field(default_factory=dict)
    files: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["file", "source", "read", "kept"]))


def relpath(path: Path) -> str:
    """``path`` relative to the project root when inside it, else absolute (POSIX form)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(project_root()).as_posix()
    except ValueError:
        return path.as_posix()


def _hash_tree(folder: Path) -> dict[str, str]:
    """SHA-256 of every visible file under ``folder`` (hidden ones skipped as by the up-to-date key),
    keyed by its path from the project root as :func:`relpath` gives it for ``folder`` (the root
    is looked up and the folder resolved once, not once per file)."""
    folder = Path(folder)
    prefix = relpath(folder)
    return {f"{prefix}/{Path(p).relative_to(folder).as_posix()}": io.sha256(p)
            for p in visible_files(folder)}


def _parse_window(window: Any, year: int) -> tuple[dt.date, dt.date]:
    return window_for(year) if window is None else Window.parse(window).dates()


def collect(
    year: int,
    inputs: Path,
    *,
    sources: tuple[str, ...] | list[str] = DEFAULT_SOURCES,
    window: tuple[Any, Any] | None = None,
    on_bad: str = "error",
    max_page_bytes: int | None = None,
    progress_lines: bool | None = None,
) -> Collected:
    """Read one year's raw inputs into tidy tables.

    Parameters
    ----------
    year : int
        The study year; gemeente codes must be valid in its register.
    inputs : Path
        The inputs folder (layout in the module docstring).
    sources : sequence of str
        Any of ``twitter``, ``facebook``, ``mastodon``, ``bluesky``, ``survey``, ``web``.
    window : (date, date), optional
        Inclusive local dates (Europe/Amsterdam) of the observation window; default
        :func:`window_for`. Items outside it are bad input (see ``on_bad``).
    on_bad : {"error", "skip"}
        Raise on the first bad item, or skip and report every bad item.
    max_page_bytes : int, optional
        Per-page size cap of the web cache (default :data:`helpers.collect.web.MAX_PAGE_BYTES`,
        5 MB); a larger cached page is reported with the cap and not audited.
    progress_lines : bool or None
        Print one progress line per source read (:mod:`helpers.core.progress`); ``None``: only
        inside a Jupyter kernel (JupyterLab, or a notebook the runner executes and whose progress it
        forwards), not in the command line's pre-flight check or a plain script.

    Returns
    -------
    Collected

    Raises
    ------
    DataError
        Missing inputs for a source asked for, or (``on_bad="error"``) the first bad item.
    """
    from helpers.collect import accounts as accounts_mod
    from helpers.collect import bluesky, facebook, mastodon, twitter

    inputs = Path(inputs)
    say = progress.in_kernel() if progress_lines is None else bool(progress_lines)
    sources = tuple(s.strip() for s in sources if s.strip())
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        raise ValueError(f"unknown sources {unknown}; choose from {', '.join(SOURCES)}")
    if not inputs.is_dir():
        raise DataError(str(inputs), "the inputs folder does not exist")
    win = _parse_window(window, int(year))
    lo, hi = window_bounds(win)
    issues = Issues(on_bad)
    hashes: dict[str, str] = {}
    meta_path = inputs / "demo.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    demo = bool(meta.get("synthetic")) or (inputs / "SYNTHETIC.txt").is_file()
    for extra in (meta_path, inputs / "SYNTHETIC.txt"):
        if extra.is_file():
            hashes[relpath(extra)] = io.sha256(extra)
    tables: dict[str, pd.DataFrame] = {}
    counts: dict[str, dict[str, Any]] = {}  # relpath -> source, read, kept (see Collected.files)
    social = [s for s in sources if s in SOCIAL]
    api_skips: list[pd.DataFrame] = []
    if social:
        acc_file = inputs / "accounts.csv"
        if not acc_file.is_file():
            raise DataError(str(acc_file), "the account list accounts.csv is missing; it is needed "
                            f"for {', '.join(social)}")
        accounts = accounts_mod.load(acc_file, int(year), issues)
        hashes[relpath(acc_file)] = io.sha256(acc_file)
        tables["accounts"] = accounts
        posts, messages = [], []
        for name, module in (("twitter", twitter), ("facebook", facebook)):
            if name not in social:
                continue
            folder = inputs / name
            if not folder.is_dir():
                raise DataError(str(folder), f"source folder {name}/ is missing; add the exported "
                                f"files or leave {name!r} out of sources")
            stats: dict[str, dict[str, int]] = {}
            started = time.perf_counter()
            if module is twitter:
                p, m, read = twitter.load(folder, accounts, (lo, hi), issues, stats=stats)
            else:
                p, m, read = module.load(folder, accounts, (lo, hi), issues)
            posts.append(p)
            messages.append(m)
            _report(say, name, started, files=len(read), posts=len(p), messages=len(m))
            hashes.update({relpath(f): io.sha256(f) for f in read})
            for f in read:
                counts[relpath(f)] = {"source": name, **stats.get(str(f), {})}
        for name, module in (("mastodon", mastodon), ("bluesky", bluesky)):
            if name not in social:
                continue
            folder = inputs / name  # stored by helpers.collect.<name>.collect(); a missing one errs
            started = time.perf_counter()
            p, m, skipped = module.load(folder, accounts, int(year), win, on_bad)
            posts.append(p)
            messages.append(m)
            if len(skipped):
                api_skips.append(pd.DataFrame(skipped).reindex(columns=SKIP_COLUMNS))
            hashed = {relpath(f): io.sha256(f) for f in visible_files(folder, "**/*.json")
                      if f.name != "index.json"}
            hashes.update(hashed)
            counts.update({f: {"source": name} for f in hashed})
            _report(say, name, started, files=len(hashed), posts=len(p), messages=len(m))
        tables["posts"] = pd.concat(posts, ignore_index=True) if posts else twitter.empty_posts()
        tables["citizen_messages"] = (pd.concat(messages, ignore_index=True) if messages
                                      else twitter.empty_messages())
    skip_frames = [issues.frame(), *(api_skips if social else [])]
    for name, table in (("survey", "survey_responses"), ("web", "website_audit")):
        if name not in sources:
            continue
        folder = inputs / name
        if not folder.is_dir():
            raise DataError(str(folder), f"source folder {name}/ is missing; add the files or leave "
                            f"{name!r} out of sources")
        import importlib

        loader = importlib.import_module(f"helpers.collect.{name}")
        extra = {"max_page_bytes": max_page_bytes} if name == "web" and max_page_bytes else {}
        started = time.perf_counter()
        df, skipped = loader.load(folder, int(year), on_bad, **extra)
        tables[table] = df
        if skipped is not None and len(skipped):
            skip_frames.append(pd.DataFrame(skipped).reindex(columns=SKIP_COLUMNS))
        tree = _hash_tree(folder)
        hashes.update(tree)
        counts.update({f: {"source": name} for f in tree})
        _report(say, name, started, files=len(tree), **({"answers": len(df)} if name == "survey"
                                                    else {"sites": len(df)}))
    skips = pd.concat([f for f in skip_frames if len(f)] or [skip_frames[0]], ignore_index=True)
    if social:
        counts[relpath(acc_file)] = {"source": "accounts", "read": pd.NA,
                                     "kept": len(tables["accounts"])}
    files = pd.DataFrame([{"file": f, **c} for f, c in sorted(counts.items())],
                         columns=["file", "source", "read", "kept"])
    files[["read", "kept"]] = files[["read", "kept"]].astype("Int64")
    return Collected(tables=tables, skips=skips, inputs=dict(sorted(hashes.items())), demo=demo,
                     year=int(year), window=win, sources=sources, meta=meta, files=files)


_PARENTHESIS = re.compile(r"\s*\([^()]*\)")
_NUMBERS = re.compile(r"(?<![A-Za-z_])\d(?:[\d:.,+\-TZ ]*\d)?")


def reason_of(rule: str) -> str:
    """A skip rule without its particulars, to group skips by reason.

    Parenthesised details are dropped and numbers (ids, times, dates) become ``#``: ``"duplicate
    of a tweet already read (tweet 1007, ...)"`` -> ``"duplicate of a tweet already read"``.
    """
    return _NUMBERS.sub("#", _PARENTHESIS.sub("", str(rule))).strip()


def file_table(collected: Collected, top: int = 3, collapse: int = 20) -> pd.DataFrame:
    """Per input file: items read, kept and skipped, and the most frequent reasons for skips.

    Parameters
    ----------
    collected : Collected
        What :func:`collect` read.
    top : int
        How many reasons to list per file (most frequent first, ties by text).
    collapse : int
        A source with more than this many files that have no per-file counts and no skips (the
        web cache's pages, Mastodon/Bluesky response pages) is shown as one row,
        ``<folder>/ (<n> files)``.

    Returns
    -------
    DataFrame
        ``file`` (relative to the project root), ``source``, ``read``, ``kept``, ``skipped``
        (Int64 counts of items; ``read`` and ``kept`` are ``<NA>`` where the importer does not count
        per file), and ``reasons`` (``"reason (n); ..."``; skips of the file grouped with
        :func:`reason_of`). ``skipped`` is ``read - kept`` where both are known (an item reported
        with an unknown field is kept), else the number of skip rows of the file. Files that only
        appear in the skips (e.g. a file that is not an export) are listed too, with ``read`` NA.
    """
    files = collected.files.copy()
    skips = collected.skips.copy()
    skips["file"] = [relpath(Path(f)) if f and Path(f).is_absolute() else (f or "(no file)")
                     for f in skips["file"].fillna("").astype(str)]
    extra = sorted(set(skips["file"]) - set(files["file"]))
    if extra:
        files = pd.concat([files, pd.DataFrame({"file": extra, "source": pd.NA, "read": pd.NA,
                                                "kept": pd.NA})], ignore_index=True)
    quiet = files["read"].isna() & ~files["file"].isin(set(skips["file"]))
    many = files[quiet].groupby("source")["file"].transform("size") > collapse
    if many.any():
        folded = files[quiet][many]
        summary = [{"file": f"{os.path.commonpath(list(g['file']))}/ ({len(g)} files)",
                    "source": src, "read": pd.NA, "kept": pd.NA}
                   for src, g in folded.groupby("source", sort=True)]
        files = pd.concat([files.drop(index=folded.index), pd.DataFrame(summary)],
                          ignore_index=True)
    rows = []
    for rec in files.to_dict("records"):
        mine = skips.loc[skips["file"] == rec["file"], "rule"].map(reason_of)
        read, kept = rec["read"], rec["kept"]
        skipped = (int(read) - int(kept)) if not (pd.isna(read) or pd.isna(kept)) else len(mine)
        counts = mine.value_counts()
        order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        source = rec["source"]
        if pd.isna(source):
            parts = Path(rec["file"]).parts
            source = next((p for p in parts if p in SOURCES), "accounts"
                          if Path(rec["file"]).name == "accounts.csv" else "-")
        rows.append({"file": rec["file"], "source": source, "read": read, "kept": kept,
                     "skipped": skipped, "reasons": "; ".join(f"{r} ({n})" for r, n in order)})
    out = pd.DataFrame(rows, columns=["file", "source", "read", "kept", "skipped", "reasons"])
    for col in ("read", "kept", "skipped"):
        out[col] = out[col].astype("Int64")
    return out.sort_values(["source", "file"], kind="stable").reset_index(drop=True)


def _report(say: bool, source: str, started: float, **counts: int) -> None:
    """One progress line for a source read (files and items counted, seconds; no data values)."""
    if not say:
        return
    units = {"files": "file", "posts": "own post", "messages": "citizen message",
             "answers": "survey answer", "sites": "audited site"}
    what = ", ".join(progress.counted(n, units[k]) for k, n in counts.items())
    progress.report(f"{source}: {what} ({time.perf_counter() - started:.1f} s)")


def municipalities_for(collected: Collected) -> pd.DataFrame:
    """The register of the year, limited to the demo sample (``demo.json`` names its municipalities)."""
    from helpers.core import register

    munis = register.municipalities(collected.year)
    chosen = collected.meta.get("municipalities") if collected.demo else None
    if chosen:
        munis = munis[munis["gm_code"].isin(chosen)].reset_index(drop=True)
    return munis


def _synthetic_marker(sources: tuple[str, ...] | list[str]) -> str:
    """Where the demo's files say they are synthetic, for the sources read."""
    marker = "SYNTHETIC.txt, demo.json 'synthetic': true, __twarc.synthetic, CSV column 'synthetic'"
    if {"mastodon", "bluesky"} & set(sources):
        marker += ", 'synthetic': true in every stored Mastodon/Bluesky response"
    return marker


def write_collected(collected: Collected, out_dir: Path,
                    provenance_extra: dict[str, Any] | None = None) -> list[Path]:
    """Write every table of ``collected`` plus ``municipalities`` and ``data/provenance.json``.

    Tables go to ``<out_dir>/data/<name>.parquet`` via :func:`helpers.core.io.write_table` (validated,
    atomic); skips to ``<out_dir>/data/skips.csv``. Returns the paths written.
    """
    out_dir = Path(out_dir)
    paths = [io.write_table(municipalities_for(collected), "municipalities", out_dir)]
    for name, df in collected.tables.items():
        frame = df
        if name == "accounts" and "year" not in frame.columns:
            frame = frame.assign(year=collected.year)
        paths.append(io.write_table(frame, name, out_dir))
    skips_path = out_dir / "data" / "skips.csv"
    with io.atomic_path(skips_path) as tmp:
        collected.skips.to_csv(tmp, index=False, lineterminator="\n")
    paths.append(skips_path)
    prov = {
        "demo": collected.demo,
        "seed": collected.meta.get("seed"),
        "year": collected.year,
        "sources": list(collected.sources),
        "window": [collected.window[0].isoformat(), collected.window[1].isoformat()],
        "inputs": collected.inputs,
        "skips": int(len(collected.skips)),
        "synthetic_marker": _synthetic_marker(collected.sources) if collected.demo else None,
    }
    if collected.demo:
        prov["demo_args"] = collected.meta
    prov.update(provenance_extra or {})
    path = out_dir / "data" / "provenance.json"
    with io.atomic_path(path) as tmp:
        tmp.write_text(json.dumps(prov, indent=1, ensure_ascii=False, default=str) + "\n",
                       encoding="utf-8")
    paths.append(path)
    return paths
