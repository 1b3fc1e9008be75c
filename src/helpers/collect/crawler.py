"""The polite website crawler: fetches municipal sites into the cache (:mod:`.webcache`).

:func:`crawl` visits each home page, follows internal links breadth-limited by ``max_depth`` and
``max_pages``, most promising work & income links first (the rule set's ``crawl_priority``);
honours robots.txt (and its Crawl-delay); identifies itself in the User-Agent; waits at least
``min_interval`` seconds between requests to one host; times out; retries HTTP 429 and 5xx,
timeouts and dropped connections under the collection's one retry policy (:mod:`.fetch` and
:mod:`.retry`: the server's Retry-After, else exponential backoff). Every response is written
(atomically) before its index line, so a rerun resumes without refetching what is cached; transient
failures are not indexed, so a rerun tries them again. No credentials are used: the session ignores
``.netrc`` and proxy settings of the environment unless a session is passed in.

Must not import the cache reader (:mod:`.webread`) or the analyses (:mod:`helpers.analysis.websites`).
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pandas as pd
import requests

from helpers.collect.fetch import (
    FetchFailed,
    FetchPolicy,
    RateLimiter,
    default_session,
    fetch,
    user_agent,
    utc_now,
)
from helpers.collect.webpage import PageTooDeep, parse_page
from helpers.core.progress import bar
from helpers.core.webcache import (
    INDEX_FILE,
    MAX_PAGE_BYTES,
    SITES_FILE,
    append_index,
    decode_page,
    index_entry,
    site_dir,
    write_body,
)
from helpers.core.webrules import Rules, link_priority, load_rules

SKIP_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".zip", ".jpg", ".jpeg",
    ".png", ".gif", ".svg", ".webp", ".mp3", ".mp4", ".avi", ".mov", ".ics", ".xml", ".rss",
    ".css", ".js", ".json",
)


def _read_index_for_resume(folder: Path) -> dict[str, dict[str, Any]]:
    """The cached entries of a site (url -> entry); a partial last line (interrupted write) is cut off."""
    path = folder / INDEX_FILE
    if not path.is_file():
        return {}
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        path.write_bytes(data)
    out: dict[str, dict[str, Any]] = {}
    for line in data.decode("utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            if entry.get("file") is None or (folder / entry["file"]).is_file():
                out[entry["url"]] = entry
    return out


def _site_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def is_internal(url: str, hosts: set[str]) -> bool:
    """Whether ``url`` is an http(s) page on one of the site's hosts (``www.`` ignored)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    if parts.path.lower().endswith(SKIP_EXTENSIONS):
        return False
    return _site_host(url) in hosts


@dataclass
class CrawlReport:
    """What a crawl did: per site pages fetched and taken from the cache, failures, robots skips."""

    fetched: int = 0
    cached: int = 0
    robots_skipped: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    per_site: dict[str, dict[str, int]] = field(default_factory=dict)


def _robots(
    gm: str, home: str, folder: Path, cache: dict[str, dict[str, Any]], session: requests.Session,
    policy: FetchPolicy, report: CrawlReport,
) -> urllib.robotparser.RobotFileParser:
    parts = urlsplit(home)
    url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    rp = urllib.robotparser.RobotFileParser(url)
    entry = cache.get(url)
    if entry is None:
        try:
            resp = fetch(session, url, policy)
        except FetchFailed as exc:
            report.failures.append((gm, url, str(exc)))
            rp.disallow_all = True  # robots.txt unreachable: do not crawl (conservative)
            return rp
        name = write_body(folder, url, resp.content, "robots") if resp.status_code == 200 else None
        entry = index_entry(url, status=resp.status_code, final_url=resp.url,
                            content_type=resp.headers.get("Content-Type", ""), file=name,
                            depth=None, kind="robots", fetched_at=policy.now())
        append_index(folder, entry)
        cache[url] = entry
        report.fetched += 1
    else:
        report.cached += 1
    status = int(entry["status"])
    if status == 200 and entry.get("file"):
        text = (folder / entry["file"]).read_bytes().decode("utf-8", errors="replace")
        rp.parse(text.splitlines())
    elif status in (401, 403):
        rp.disallow_all = True
    else:
        rp.allow_all = True
    return rp


def crawl_site(
    gm: str, home: str, dest: Path, *, session: requests.Session, policy: FetchPolicy,
    rules: Rules, max_pages: int = 40, max_depth: int = 3,
    report: CrawlReport | None = None, on_page: Callable[[], None] | None = None,
) -> CrawlReport:
    """Crawl one municipality's site into ``dest/web/<gm>/`` (see :func:`crawl`)."""
    report = report or CrawlReport()
    folder = site_dir(dest, gm)
    cache = _read_index_for_resume(folder)
    stats = {"fetched": 0, "cached": 0, "robots_skipped": 0, "failed": 0}
    rp = _robots(gm, home, folder, cache, session, policy, report)
    agent = session.headers.get("User-Agent", user_agent())
    delay = rp.crawl_delay(agent)
    if delay:
        host = (urlsplit(home).hostname or "").lower()
        policy.limiter.intervals[host] = max(float(delay), policy.limiter.min_interval)
    hosts = {_site_host(home)}
    start = urldefrag(home)[0]
    frontier: list[tuple[int, int, int, str]] = [(0, 0, 0, start)]
    seen = {start}
    seq, visited = 1, 0
    while frontier and visited < max_pages:
        _, depth, _, url = heapq.heappop(frontier)
        if not rp.can_fetch(agent, url):
            stats["robots_skipped"] += 1
            report.robots_skipped += 1
            continue
        entry = cache.get(url)
        if entry is None:
            try:
                resp = fetch(session, url, policy)
            except FetchFailed as exc:
                report.failures.append((gm, url, str(exc)))
                stats["failed"] += 1
                continue
            ctype = resp.headers.get("Content-Type", "")
            name = write_body(folder, url, resp.content) if resp.status_code == 200 else None
            entry = index_entry(url, status=resp.status_code, final_url=resp.url,
                                content_type=ctype, file=name, depth=depth, kind="page",
                                fetched_at=policy.now())
            append_index(folder, entry)
            cache[url] = entry
            report.fetched += 1
            stats["fetched"] += 1
        else:
            report.cached += 1
            stats["cached"] += 1
        visited += 1
        if on_page:
            on_page()
        if depth == 0:
            hosts.add(_site_host(entry["final_url"]))
        if int(entry["status"]) != 200 or not entry.get("file") or depth >= max_depth:
            continue
        if "html" not in str(entry.get("content_type", "html")).lower():
            continue
        html = decode_page((folder / entry["file"]).read_bytes(), entry.get("content_type", ""),
                           errors="replace")
        try:
            page = parse_page(entry["final_url"], html, rules, depth)
        except PageTooDeep as exc:  # cached, but its links cannot be followed
            report.failures.append((gm, url, f"{url}: {exc}; links not followed"))
            stats["failed"] += 1
            continue
        for href, text in page.all_links:
            link = urldefrag(href)[0]
            if link in seen or not is_internal(link, hosts):
                continue
            seen.add(link)
            prio = link_priority(link, text, rules)
            heapq.heappush(frontier, (-prio, depth + 1, seq, link))
            seq += 1
    report.per_site[gm] = stats
    return report


def write_sites(dest: Path, sites: pd.DataFrame) -> Path:
    """Write (or extend) ``dest/web/sites.csv``; rows already there are kept as they are."""
    path = Path(dest) / "web" / SITES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    new = sites[["gm_code", "url"]].astype(str)
    if path.is_file():
        old = pd.read_csv(path, dtype=str, keep_default_na=False)
        new = pd.concat([old, new[~new["gm_code"].isin(old["gm_code"])]], ignore_index=True)
    new = new.sort_values("gm_code").reset_index(drop=True)
    tmp = path.with_name(f".{SITES_FILE}.tmp")
    new.to_csv(tmp, index=False, lineterminator="\n")
    os.replace(tmp, path)
    return path


def crawl(
    sites: pd.DataFrame | Iterable[tuple[str, str]],
    dest: Path,
    *,
    rules: Rules | None = None,
    max_pages: int = 40,
    max_depth: int = 3,
    min_interval: float = 1.0,
    timeout: float | tuple[float, float] = (5.0, 20.0),
    max_retries: int = 4,
    backoff: float = 1.0,
    max_backoff: float = 60.0,
    max_retry_after: float = 120.0,
    session: requests.Session | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], dt.datetime] = utc_now,
    progress: bool = True,
    max_page_bytes: int = MAX_PAGE_BYTES,
) -> CrawlReport:
    """Crawl municipal websites into the cache under ``dest/web/`` (``dest`` = ``data/raw/<year>``).

    Parameters
    ----------
    sites : DataFrame with ``gm_code``, ``url`` or iterable of (gm_code, url)
        The home page of each municipality's site.
    dest : Path
        The year's raw folder; pages go to ``dest/web/<gm_code>/``, the list to ``dest/web/sites.csv``.
    rules : Rules, optional
        The audit rule set (crawl priority); default ``data/reference/website_rules.yaml``.
    max_pages, max_depth : int
        Per site: at most this many pages (cached ones included) and clicks from the home page.
    min_interval : float
        Seconds between the starts of two requests to one host (robots.txt Crawl-delay may raise it).
    timeout : float or (connect, read)
        Seconds before a request is abandoned (and retried).
    max_retries, backoff, max_backoff, max_retry_after : int, float
        Retry policy of :func:`fetch`.
    session : requests.Session, optional
        Default :func:`default_session` (User-Agent set, no credentials from the environment).
    clock, sleep, now : callables
        Monotonic seconds, sleeping, and the UTC wall clock for ``fetched_at``; injectable for tests.
    progress : bool
        Show a progress bar over sites (:func:`helpers.core.progress.bar`).
    max_page_bytes : int
        Per-page size cap in bytes (default 5 MB): a larger body's download is stopped and the
        page is listed among the failures with the cap; :func:`load` applies the same cap.

    Returns
    -------
    CrawlReport
        Counts of fetched and cached pages, robots.txt skips and failures (url, error).
    """
    rules = rules or load_rules()
    frame = sites if isinstance(sites, pd.DataFrame) else pd.DataFrame(
        list(sites), columns=["gm_code", "url"])
    write_sites(dest, frame)
    session = session or default_session()
    policy = FetchPolicy(RateLimiter(min_interval, clock, sleep), timeout, max_retries, backoff,
                         max_backoff, max_retry_after, now, max_page_bytes)
    report = CrawlReport()
    pbar = bar(len(frame), "websites", "site", progress)
    try:
        for gm, url in zip(frame["gm_code"], frame["url"], strict=True):
            crawl_site(str(gm), str(url), Path(dest), session=session, policy=policy, rules=rules,
                       max_pages=max_pages, max_depth=max_depth, report=report)
            pbar.update(1)
            pbar.set_postfix(fetched=report.fetched, cached=report.cached,
                            failed=len(report.failures))
    finally:
        pbar.close()
    return report


