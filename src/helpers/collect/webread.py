"""The website cache reader: turns ``web/`` (crawled or demo) into the tidy ``website_audit`` table.

:func:`load` checks ``web/sites.csv`` (:func:`read_sites`) and every site's ``index.jsonl``
(:func:`read_index`), decodes the cached pages, parses them (:mod:`.webpage`) and applies the rule
set (:mod:`.webaudit`). Sites are read in parallel by a pool of worker processes, in chunks; the
rows, the skips and the first error (``on_bad="error"``) come out in the order of ``sites.csv``
and the table is sorted by ``gm_code``, so the result never depends on the scheduling. Must not
import the crawler or the analyses (:mod:`helpers.analysis.websites`).
"""

from __future__ import annotations

import functools
import gc
import json
import math
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.collect import csvfile
from helpers.collect.issues import Issues, describe_value, guarded_loader, iso_problem
from helpers.collect.webaudit import audit_frame, audit_site
from helpers.collect.webpage import PageTooDeep, ParsedPage, parse_page
from helpers.core import register
from helpers.core.errors import DataError, describe_exception
from helpers.core.progress import bar
from helpers.core.webcache import (
    INDEX_FILE,
    MAX_PAGE_BYTES,
    SITES_FILE,
    charset,
    decode_page,
    site_dir,
)
from helpers.core.webrules import Rules, load_rules

#: Fewer sites than this are read in the calling process (a pool costs more than it saves).
MIN_PARALLEL_SITES = 16
#: Chunks per worker: small enough for a steady progress bar and an even load, large enough to
#: keep the cost of sending work to the workers small.
CHUNKS_PER_WORKER = 4


def default_workers() -> int:
    """The cores this process may use (``os.sched_getaffinity`` where available)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


def read_sites(folder: Path, year: int, skips: Issues) -> pd.DataFrame:
    """``web/sites.csv`` checked: columns gm_code,url; http(s) URLs; codes valid in ``year``; no
    duplicates."""
    path = Path(folder) / "web" / SITES_FILE
    if not path.is_file():
        raise DataError(str(path), "sites.csv is missing; it lists the sites crawled (gm_code,url)")
    header, records = csvfile.read_records(path, skips,
                                           empty_rule="empty file; expected a header gm_code,url")
    for col in ("gm_code", "url"):
        if col not in header:
            raise DataError(str(path), f"missing column {col!r} (expected gm_code,url)", column=col)
    rows = [n for n, _ in records]
    sites = pd.DataFrame([f for _, f in records], columns=header, dtype=str)
    sites = sites.loc[:, ~sites.columns.duplicated()].reset_index(drop=True)
    sites["gm_code"] = sites["gm_code"].str.strip()
    keep = pd.Series(True, index=sites.index)
    valid = register.codes(year)
    if skips.on_bad == "error" and not sites["gm_code"].isin(valid).all():
        bad = int((~sites["gm_code"].isin(valid)).to_numpy().argmax())
        try:
            register.check_codes(sites["gm_code"].iloc[[bad]], year, file=str(path))
        except DataError as exc:
            raise DataError(str(path), exc.rule, row=rows[bad], column="gm_code") from None
    for i, (code, url) in enumerate(zip(sites["gm_code"], sites["url"], strict=True)):
        if code not in valid:
            skips.bad(path, f"gm_code {describe_value(code)} is not a municipality on 1 January "
                      f"{year}", row=rows[i], column="gm_code")
            keep[i] = False
        elif not str(url).startswith(("http://", "https://")):
            skips.bad(path, f"url {describe_value(url)} is not an http(s) URL", row=rows[i],
                      column="url")
            keep[i] = False
    dup = sites["gm_code"].duplicated() & keep
    for i in dup[dup].index:
        skips.bad(path, f"duplicate gm_code {sites['gm_code'][i]!r}; one site per municipality",
                  row=rows[int(i)], column="gm_code")
        keep[i] = False
    return sites[keep].reset_index(drop=True)


def read_index(folder: Path, skips: Issues) -> list[dict[str, Any]]:
    """A site's ``index.jsonl``, each line checked (JSON object with the required fields)."""
    path = folder / INDEX_FILE
    out: list[dict[str, Any]] = []
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as exc:
        skips.bad(path, f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
        return out
    except OSError as exc:
        skips.bad(path, describe_exception(exc))
        return out
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as exc:
            skips.bad(path, f"not a JSON object ({exc.msg}); truncated line?", row=n)
            continue
        except RecursionError as exc:
            skips.bad(path, describe_exception(exc), row=n)
            continue
        if not isinstance(entry, dict):
            skips.bad(path, "not a JSON object", row=n)
            continue
        missing = [f for f in ("url", "status", "file", "kind", "fetched_at") if f not in entry]
        if missing:
            skips.bad(path, f"missing field {missing[0]!r}", row=n, column=missing[0])
            continue
        problem = _entry_problem(entry)
        if problem is not None:
            skips.bad(path, problem[1], row=n, column=problem[0])
            continue
        fetched = str(entry["fetched_at"])
        when = iso_problem(fetched)
        if when is not None and "timezone" in when:
            skips.bad(path, "fetched_at has no time zone (write UTC, e.g. +00:00)", row=n,
                      column="fetched_at")
            continue
        if when is not None:
            skips.bad(path, f"fetched_at {describe_value(fetched)} {when}", row=n,
                      column="fetched_at")
            continue
        entry["_fetched"] = pd.Timestamp(fetched)
        if entry["_fetched"] > pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1):
            skips.bad(path, f"fetched_at {describe_value(fetched)} is in the future", row=n,
                      column="fetched_at")
            continue
        entry["_row"] = n
        out.append(entry)
    return out


def _entry_problem(entry: dict[str, Any]) -> tuple[str, str] | None:
    """``(field, rule)`` for an index entry whose fields have the wrong type, else ``None``."""
    status = entry["status"]
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        return "status", "status must be an HTTP status code (an integer 100-599)"
    if entry["file"] is not None and not isinstance(entry["file"], str):
        return "file", "file must be a file name (text) or null"
    for name in ("url", "kind", "fetched_at"):
        if not isinstance(entry[name], str):
            return name, f"{name} must be text"
    for name in ("final_url", "content_type"):
        if entry.get(name) is not None and not isinstance(entry[name], str):
            return name, f"{name} must be text or null"
    depth = entry.get("depth")
    if depth is not None and (isinstance(depth, bool) or not isinstance(depth, int) or depth < 0):
        return "depth", "depth must be a whole number of clicks (0 or more) or null"
    return None


def cached_file(sdir: Path, name: str, resolved: Path | None = None) -> Path | None:
    """The cache file ``name`` of a site folder, or ``None`` when it would lie outside the folder.

    Only a plain file name is allowed: no folder part, no ``..``, no absolute path, and after
    resolving symbolic links the file must still be inside ``sdir`` (so ``../../secret.html``,
    ``/proc/self/environ`` or a symlink out of the cache are refused). ``resolved`` is
    ``sdir.resolve()`` when the caller has it already.
    """
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        return None
    path = sdir / name
    try:
        inside = path.resolve().is_relative_to(resolved or sdir.resolve())
    except (OSError, RuntimeError, ValueError):
        return None
    return path if inside else None


def audit_cached_site(
    folder: Path, gm: str, website: str, year: int, rules: Rules, skips: Issues,
    max_page_bytes: int = MAX_PAGE_BYTES,
) -> dict[str, Any] | None:
    """The audit row of one cached site, or None when it cannot be audited (reported as a skip).

    A page file must be a plain file name inside ``web/<gm>/`` (:func:`cached_file`) and at most
    ``max_page_bytes`` long; other pages are reported and left out.
    """
    sdir = site_dir(folder, gm)
    index = sdir / INDEX_FILE
    if not index.is_file():
        skips.bad(index, f"site {website} of {gm} is listed in sites.csv but has no crawl index")
        return None
    try:
        resolved: Path | None = sdir.resolve()
    except (OSError, RuntimeError):
        resolved = None
    pages: list[ParsedPage] = []
    times: list[pd.Timestamp] = []
    for entry in read_index(sdir, skips):
        if entry["kind"] != "page" or int(entry["status"]) != 200 or not entry["file"]:
            continue
        if "html" not in str(entry.get("content_type") or "text/html").lower():
            continue
        body_path = cached_file(sdir, str(entry["file"]), resolved)
        if body_path is None:
            skips.bad(index, f"page file path leaves the site's cache folder web/{gm}/ (only a "
                      "file name in that folder is allowed; no '..', absolute path or link out)",
                      row=entry["_row"], column="file")
            continue
        if not body_path.is_file():
            skips.bad(index, f"page file {describe_value(entry['file'])} is missing",
                      row=entry["_row"], column="file")
            continue
        size = body_path.stat().st_size
        if size > max_page_bytes:
            skips.bad(body_path, f"page of {size:,} bytes is over the per-page cap of "
                      f"{max_page_bytes:,} bytes (max_page_bytes); not audited",
                      row=entry["_row"], column="file")
            continue
        try:
            body = body_path.read_bytes()
        except OSError as exc:
            skips.bad(body_path, describe_exception(exc), row=entry["_row"], column="file")
            continue
        try:
            html = decode_page(body, str(entry.get("content_type") or ""))
        except (UnicodeDecodeError, LookupError) as exc:
            name = charset(str(entry.get("content_type") or ""), body)
            skips.bad(body_path, f"page cannot be decoded as {name} ({exc})")
            continue
        url = str(entry.get("final_url") or entry["url"])
        try:
            pages.append(parse_page(url, html, rules, int(entry.get("depth") or 0), all_links=False))
        except PageTooDeep as exc:
            skips.bad(body_path, f"{exc}; not audited", row=entry["_row"], column="file")
            continue
        times.append(entry["_fetched"])
    if not pages:
        skips.bad(index, f"no page of {website} was fetched with HTTP 200; site not audited")
        return None
    row: dict[str, Any] = {"year": int(year), "gm_code": gm, "website": website,
                           "checked_on": min(times).tz_convert("UTC").tz_localize(None).normalize()}
    row.update(audit_site(pages, rules))
    return row


def _audit_sites(folder: str, year: int, sites: Sequence[tuple[str, str]], on_bad: str,
                 max_page_bytes: int) -> list[tuple[dict[str, Any] | None, list[dict[str, Any]],
                                                    tuple[str, str, int | None, str | None] | None]]:
    """Audit a chunk of sites (in a worker process or in the caller).

    Returns, per site in order: the audit row (or None), the skips recorded, and the bad input
    that stopped it (``file, rule, row, column`` of a :class:`DataError`, only with
    ``on_bad="error"``; the chunk stops there, as a sequential read would).
    """
    rules = load_rules()
    out: list[tuple[dict[str, Any] | None, list[dict[str, Any]],
                    tuple[str, str, int | None, str | None] | None]] = []
    for gm, url in sites:
        skips = Issues(on_bad)
        try:
            row = audit_cached_site(Path(folder), gm, url, year, rules, skips, max_page_bytes)
        except DataError as exc:
            out.append((None, skips.rows, (exc.file, exc.rule, exc.row, exc.column)))
            break
        out.append((row, skips.rows, None))
    return out


def _pool_context() -> Any:
    """Worker processes by ``fork`` where the platform has it (they start in milliseconds with the
    parser and rules already imported), else the platform's default start method."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def audit_sites(folder: Path, year: int, sites: Sequence[tuple[str, str]], skips: Issues,
                max_page_bytes: int = MAX_PAGE_BYTES, *, workers: int | None = None,
                progress: bool | None = None) -> list[dict[str, Any]]:
    """The audit rows of ``sites`` (``(gm_code, url)`` pairs), read by ``workers`` processes.

    Rows and skips come in the order of ``sites``; in error mode the first bad input in that
    order is raised, whatever the order in which the workers finish.
    """
    workers = max(int(workers or default_workers()), 1)
    size = max(math.ceil(len(sites) / (workers * CHUNKS_PER_WORKER)), 1)
    chunks = [list(sites[i:i + size]) for i in range(0, len(sites), size)]
    task = functools.partial(_audit_sites, str(folder), int(year), on_bad=skips.on_bad,
                             max_page_bytes=int(max_page_bytes))
    rows: list[dict[str, Any]] = []
    with bar(len(sites), "web audit", "site", progress) as pbar:
        if workers == 1 or len(sites) < MIN_PARALLEL_SITES:
            results = (task(chunk) for chunk in chunks)
            pool = None
        else:
            # The workers are forked at the first submit; frozen objects of the caller stay out of
            # their garbage collections, so its memory is shared, not copied page by page.
            gc.freeze()
            try:
                pool = ProcessPoolExecutor(max_workers=min(workers, len(chunks)),
                                           mp_context=_pool_context())
                futures = [pool.submit(task, chunk) for chunk in chunks]
            finally:
                gc.unfreeze()
            results = (f.result() for f in futures)
        try:
            for result in results:  # in the order of the chunks, whatever finished first
                for row, skipped, error in result:
                    skips.rows.extend(skipped)
                    if error is not None:
                        file, rule, at_row, column = error
                        raise DataError(file, rule, row=at_row, column=column)
                    if row is not None:
                        rows.append(row)
                pbar.update(len(result))
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
    return rows


def web_root(folder: Path) -> Path:
    """The folder holding ``web/``: ``folder`` itself, or its parent when ``folder`` is the ``web/``
    folder (has ``sites.csv`` but no ``web/sites.csv``), as :func:`helpers.collect.collect` passes."""
    folder = Path(folder)
    if not (folder / "web" / SITES_FILE).is_file() and (folder / SITES_FILE).is_file():
        return folder.parent
    return folder


@guarded_loader
def load(folder: Path, year: int, on_bad: str = "error", max_page_bytes: int = MAX_PAGE_BYTES,
         *, workers: int | None = None, progress: bool | None = None,
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a website cache (``folder/web/``) and apply the audit rules.

    Parameters
    ----------
    folder : Path
        The year's raw folder (``data/raw/<year>`` or a demo folder) holding ``web/``; the ``web/``
        folder itself is accepted too (see :func:`web_root`).
    year : int
        The study year (codes in sites.csv must be valid on 1 January of it).
    on_bad : {"error", "skip"}
        Bad input raises :class:`~helpers.core.errors.DataError` (``"error"``), or is left out and listed
        in the skips table (``"skip"``).
    max_page_bytes : int
        Per-page size cap in bytes (default 5 MB); a larger cached page is reported, not audited.
    workers : int, optional
        Worker processes reading the sites (default: the cores available; 1: no pool).
    progress : bool, optional
        Show a progress bar over sites (default: on a terminal or in a Jupyter kernel).

    Returns
    -------
    (audit, skips) : tuple of DataFrame
        ``audit``: the ``website_audit`` table (validated, sorted by ``gm_code``); ``skips``:
        ``file``, ``row``, ``column``, ``rule`` of everything left out, in the order of sites.csv.
    """
    from helpers.core import io

    folder = web_root(folder)
    skips = Issues(on_bad)
    sites = read_sites(folder, year, skips)
    pairs = list(zip(sites["gm_code"], sites["url"], strict=True))
    rows = audit_sites(Path(folder), year, pairs, skips, max_page_bytes, workers=workers,
                       progress=progress)
    audit = audit_frame(rows)
    audit = io.validate(audit, "website_audit", file=Path(folder) / "web")
    return audit, skips.frame()
