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

Bad input (``on_bad``): with ``"error"`` the first problem raises :class:`helpers.errors.DataError`
naming file, row, column and rule; with ``"skip"`` the offending item is left out and reported as
one row of :attr:`Collected.skips` (``file, row, column, rule``). Nothing is dropped silently.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from helpers import io
from helpers.collect.http import window_bounds
from helpers.collect.issues import SKIP_COLUMNS, Issues
from helpers.errors import DataError
from helpers.paths import project_root, reference_dir

SOURCES = ("twitter", "facebook", "mastodon", "bluesky", "survey", "web")
#: What the data-collection notebook reads by default (the sources of the 2014 study and the demo).
DEFAULT_SOURCES = ("twitter", "facebook", "survey", "web")
#: Sources read with the account list (social platforms).
SOCIAL = ("twitter", "facebook", "mastodon", "bluesky")


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
    """

    tables: dict[str, pd.DataFrame]
    skips: pd.DataFrame
    inputs: dict[str, str]
    demo: bool
    year: int
    window: tuple[dt.date, dt.date]
    sources: tuple[str, ...]
    meta: dict[str, Any] = field(default_factory=dict)


def window_for(year: int) -> tuple[dt.date, dt.date]:
    """The observation window of ``year`` (inclusive local dates) from ``published.yaml``.

    2013: October; 2014 and 2015: the second quarter; any other year: its second quarter.
    """
    spec = yaml.safe_load((reference_dir() / "published.yaml").read_text(encoding="utf-8"))
    windows = spec["windows"]
    w = windows.get(int(year)) or windows.get(str(year))
    if w:
        return dt.date.fromisoformat(str(w["start"])), dt.date.fromisoformat(str(w["end"]))
    q = int(windows.get("default", {}).get("quarter", 2))
    start = dt.date(int(year), 3 * q - 2, 1)
    end = (dt.date(int(year) + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1))
    return start, end


def relpath(path: Path) -> str:
    """``path`` relative to the project root when inside it, else absolute (POSIX form)."""
    path = Path(path).resolve()
    try:
        return path.relative_to(project_root()).as_posix()
    except ValueError:
        return path.as_posix()


def _hash_tree(folder: Path) -> dict[str, str]:
    return {relpath(p): io.sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _parse_window(window: Any, year: int) -> tuple[dt.date, dt.date]:
    if window is None:
        return window_for(year)
    start, end = window
    start = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
    end = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end))
    return start, end


def collect(
    year: int,
    inputs: Path,
    *,
    sources: tuple[str, ...] | list[str] = DEFAULT_SOURCES,
    window: tuple[Any, Any] | None = None,
    on_bad: str = "error",
    max_page_bytes: int | None = None,
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
            p, m, read = module.load(folder, accounts, (lo, hi), issues)
            posts.append(p)
            messages.append(m)
            hashes.update({relpath(f): io.sha256(f) for f in read})
        for name, module in (("mastodon", mastodon), ("bluesky", bluesky)):
            if name not in social:
                continue
            folder = inputs / name  # stored by helpers.collect.<name>.collect(); a missing one errs
            p, m, skipped = module.load(folder, accounts, int(year), win, on_bad)
            posts.append(p)
            messages.append(m)
            if len(skipped):
                api_skips.append(pd.DataFrame(skipped).reindex(columns=SKIP_COLUMNS))
            hashes.update({relpath(f): io.sha256(f) for f in sorted(folder.rglob("*.json"))
                           if f.name != "index.json"})
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
        df, skipped = loader.load(folder, int(year), on_bad, **extra)
        tables[table] = df
        if skipped is not None and len(skipped):
            skip_frames.append(pd.DataFrame(skipped).reindex(columns=SKIP_COLUMNS))
        hashes.update(_hash_tree(folder))
    skips = pd.concat([f for f in skip_frames if len(f)] or [skip_frames[0]], ignore_index=True)
    return Collected(tables=tables, skips=skips, inputs=dict(sorted(hashes.items())), demo=demo,
                     year=int(year), window=win, sources=sources, meta=meta)


def municipalities_for(collected: Collected) -> pd.DataFrame:
    """The register of the year, limited to the demo sample when the inputs are a demo sample."""
    from helpers import register

    munis = register.municipalities(collected.year)
    sample = int(collected.meta.get("sample", 0) or 0)
    if collected.demo and sample:
        from helpers.demo import select_municipalities

        chosen = select_municipalities(collected.year, int(collected.meta["seed"]), sample)
        munis = munis[munis["gm_code"].isin(chosen["gm_code"])].reset_index(drop=True)
    return munis


def write_collected(collected: Collected, out_dir: Path,
                    provenance_extra: dict[str, Any] | None = None) -> list[Path]:
    """Write every table of ``collected`` plus ``municipalities`` and ``data/provenance.json``.

    Tables go to ``<out_dir>/data/<name>.parquet`` via :func:`helpers.io.write_table` (validated,
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
        "synthetic_marker": ("SYNTHETIC.txt, demo.json 'synthetic': true, __twarc.synthetic, "
                             "CSV column 'synthetic'") if collected.demo else None,
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
