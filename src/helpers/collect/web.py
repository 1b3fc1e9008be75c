"""Municipal websites: a polite crawler that caches pages as received, and the loader of that cache.

Cache layout (under ``<folder>/web/``, normally ``data/raw/<year>/web/``; the demo generator writes the
same layout)::

    web/sites.csv                  gm_code,url  (the sites to audit, one per municipality)
    web/<gm_code>/index.jsonl      one JSON object per URL fetched (see INDEX_FIELDS)
    web/<gm_code>/<key>.html       the body exactly as received (key = first 16 hex of sha1(url))
    web/<gm_code>/<key>.txt        robots.txt, as received

An index line: ``url`` (requested), ``final_url`` (after redirects), ``status`` (HTTP status),
``content_type`` (the Content-Type header), ``file`` (body file name in the same folder, or null when
the body was not kept: non-200 responses), ``depth`` (clicks from the home page, null for
robots.txt), ``kind`` (``page`` or ``robots``), ``fetched_at`` (ISO 8601, UTC).

The crawler (:func:`crawl`) visits each home page, follows internal links breadth-limited by
``max_depth`` and ``max_pages``, most promising work & income links first (the rule set's
``crawl_priority``); honours robots.txt (and its Crawl-delay); identifies itself in the User-Agent;
waits at least ``min_interval`` seconds between requests to one host; times out; retries HTTP 429
and 5xx, timeouts and dropped connections with exponential backoff (honouring Retry-After). Every
response is written (atomically) before its index line, so a rerun resumes without refetching what
is cached; transient failures are not indexed, so a rerun tries them again. No credentials are used:
the session ignores ``.netrc`` and proxy settings of the environment unless a session is passed in.

:func:`load` turns a cache into the ``website_audit`` table with :mod:`helpers.analysis.websites`.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
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

from helpers.analysis import websites
from helpers.collect import csvfile
from helpers.collect.issues import Issues, describe_value, guarded_loader, iso_problem
from helpers.core import register
from helpers.core.errors import DataError, describe_exception

SITES_FILE = "sites.csv"
INDEX_FILE = "index.jsonl"
INDEX_FIELDS = ("url", "final_url", "status", "content_type", "file", "depth", "kind", "fetched_at")
#: Environment variable with the research contact (URL or e-mail) put in the User-Agent.
CONTACT_ENV = "ROEPTOETER_CONTACT"
#: Used in the User-Agent when ROEPTOETER_CONTACT is not set; set it for real crawls.
PROJECT_URL = "https://github.com/roeptoeter/roeptoeter"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: Default per-page size cap in bytes (5 MB): a larger body is not downloaded by the crawler and
#: not audited by the loader (reported with the cap). A single 58 MB page once took 560 s and 4.5 GB.
MAX_PAGE_BYTES = 5_000_000
SKIP_EXTENSIONS = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".zip", ".jpg", ".jpeg",
    ".png", ".gif", ".svg", ".webp", ".mp3", ".mp4", ".avi", ".mov", ".ics", ".xml", ".rss",
    ".css", ".js", ".json",
)


def user_agent() -> str:
    """``roeptoeter/<version> (+<contact>)``; the contact comes from ``$ROEPTOETER_CONTACT``."""
    from helpers import __version__

    contact = os.environ.get(CONTACT_ENV, "").strip() or PROJECT_URL
    return f"roeptoeter/{__version__} (+{contact})"


def page_key(url: str) -> str:
    """The cache file stem of ``url``: the first 16 hex digits of its SHA-1."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def site_dir(folder: Path, gm_code: str) -> Path:
    """``<folder>/web/<gm_code>/``."""
    return Path(folder) / "web" / gm_code


def utc_now() -> dt.datetime:
    """The current time in UTC (the default ``now`` of the crawler)."""
    return dt.datetime.now(dt.UTC)


def index_entry(
    url: str, *, status: int, content_type: str, file: str | None, depth: int | None, kind: str,
    fetched_at: dt.datetime, final_url: str | None = None,
) -> dict[str, Any]:
    """One index line as a dict (fields in :data:`INDEX_FIELDS` order)."""
    return {
        "url": url,
        "final_url": final_url or url,
        "status": int(status),
        "content_type": content_type,
        "file": file,
        "depth": depth,
        "kind": kind,
        "fetched_at": fetched_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }


def write_body(folder: Path, url: str, body: bytes, kind: str = "page") -> str:
    """Write a response body atomically into a site folder; returns the file name."""
    name = page_key(url) + (".txt" if kind == "robots" else ".html")
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.tmp"
    tmp.write_bytes(body)
    os.replace(tmp, folder / name)
    return name


def append_index(folder: Path, entry: dict[str, Any]) -> None:
    """Append one line to ``index.jsonl`` and flush it to disk."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / INDEX_FILE, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


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


# --------------------------------------------------------------------------------------------
# Politeness: rate limit and retries
# --------------------------------------------------------------------------------------------
@dataclass
class RateLimiter:
    """At least ``min_interval`` seconds between two requests to one host.

    The interval counts from the later of the previous request's start (:meth:`wait`) and its end
    (:meth:`done`), so it also holds at the server whatever delays a request on its way there (a
    loaded machine, a slow network): the next request leaves only after the previous answer came.
    ``clock`` (seconds, monotonic) and ``sleep`` are injectable so tests can use a fake clock.
    ``intervals`` overrides the interval per host (robots.txt Crawl-delay).
    """

    min_interval: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    last: dict[str, float] = field(default_factory=dict)
    intervals: dict[str, float] = field(default_factory=dict)

    def wait(self, host: str) -> float:
        """Block until ``host`` may be contacted again; returns the seconds waited."""
        gap = self.intervals.get(host, self.min_interval)
        waited = 0.0
        if host in self.last:
            due = self.last[host] + gap - self.clock()
            if due > 0:
                self.sleep(due)
                waited = due
        self.last[host] = self.clock()
        return waited

    def done(self, host: str) -> None:
        """Mark the end of a request to ``host``: the next one waits ``min_interval`` from now."""
        self.last[host] = self.clock()


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)


@dataclass
class FetchPolicy:
    """How the crawler fetches: timeouts (s), retries, backoff (s) and the rate limiter."""

    limiter: RateLimiter
    timeout: float | tuple[float, float] = (5.0, 20.0)
    max_retries: int = 4
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_retry_after: float = 120.0
    now: Callable[[], dt.datetime] = utc_now
    max_bytes: int = MAX_PAGE_BYTES


class FetchFailed(Exception):
    """A URL that could not be fetched after all retries (transient failure; not cached)."""


class PageTooLarge(FetchFailed):
    """A response body larger than the per-page cap: its download was stopped, nothing is cached."""


def _read_capped(resp: requests.Response, url: str, max_bytes: int) -> None:
    """Read a streamed body into ``resp`` (so ``resp.content`` works), stopping past ``max_bytes``.

    Raises
    ------
    PageTooLarge
        When Content-Length announces, or the body delivers, more than ``max_bytes``.
    """
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        resp.close()
        raise PageTooLarge(f"{url}: page of {int(declared):,} bytes is over the per-page cap of "
                           f"{max_bytes:,} bytes (max_page_bytes); not downloaded")
    chunks, size = [], 0
    for chunk in resp.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > max_bytes:
            resp.close()
            raise PageTooLarge(f"{url}: page is over the per-page cap of {max_bytes:,} bytes "
                               "(max_page_bytes); download stopped, nothing cached")
        chunks.append(chunk)
    resp._content = b"".join(chunks)  # noqa: SLF001 - requests' documented cache of the body


def fetch(session: requests.Session, url: str, policy: FetchPolicy) -> requests.Response:
    """GET ``url`` politely: rate limit per host, timeout, retries with exponential backoff.

    Retries on HTTP 429 and 5xx (500, 502, 503, 504), timeouts and dropped connections, up to
    ``max_retries`` times; waits ``backoff * 2**attempt`` seconds (capped at ``max_backoff``), or the
    server's Retry-After when that is longer (capped at ``max_retry_after``).

    The body is streamed and read at most up to ``policy.max_bytes`` (the per-page cap).

    Raises
    ------
    PageTooLarge
        When the body is larger than ``policy.max_bytes`` (not retried).
    FetchFailed
        When every attempt failed; the message holds the last error.
    """
    host = (urlsplit(url).hostname or "").lower()
    last_error = ""
    for attempt in range(policy.max_retries + 1):
        policy.limiter.wait(host)
        wait = min(policy.backoff * 2**attempt, policy.max_backoff)
        try:
            resp = session.get(url, timeout=policy.timeout, allow_redirects=True, stream=True)
            if resp.status_code not in RETRY_STATUS:
                _read_capped(resp, url, policy.max_bytes)
        except (requests.Timeout, requests.ConnectionError,
                requests.exceptions.ChunkedEncodingError) as exc:
            last_error = f"{type(exc).__name__}: {exc}"
        else:
            policy.limiter.done(host)
            if resp.status_code not in RETRY_STATUS:
                return resp
            last_error = f"HTTP {resp.status_code}"
            after = retry_after_seconds(resp.headers.get("Retry-After"), policy.now())
            if after is not None:
                wait = max(wait, min(after, policy.max_retry_after))
            resp.close()
        if attempt < policy.max_retries:
            policy.limiter.sleep(wait)
    raise FetchFailed(f"{url}: {last_error} after {policy.max_retries + 1} attempts")


def default_session() -> requests.Session:
    """A session with the crawler's User-Agent that ignores ``.netrc`` credentials and env proxies."""
    s = requests.Session()
    s.trust_env = False
    s.headers.update({"User-Agent": user_agent(), "Accept": "text/html,*/*;q=0.5",
                      "Accept-Language": "nl,en;q=0.5"})
    return s


# --------------------------------------------------------------------------------------------
# Crawling
# --------------------------------------------------------------------------------------------
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
    rules: websites.Rules, max_pages: int = 40, max_depth: int = 3,
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
        page = websites.parse_page(entry["final_url"], html, rules, depth)
        for href, text in page.all_links:
            link = urldefrag(href)[0]
            if link in seen or not is_internal(link, hosts):
                continue
            seen.add(link)
            prio = websites.link_priority(link, text, rules)
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
    rules: websites.Rules | None = None,
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
        Show a tqdm progress bar over sites.
    max_page_bytes : int
        Per-page size cap in bytes (default 5 MB): a larger body's download is stopped and the
        page is listed among the failures with the cap; :func:`load` applies the same cap.

    Returns
    -------
    CrawlReport
        Counts of fetched and cached pages, robots.txt skips and failures (url, error).
    """
    from tqdm.auto import tqdm

    rules = rules or websites.load_rules()
    frame = sites if isinstance(sites, pd.DataFrame) else pd.DataFrame(
        list(sites), columns=["gm_code", "url"])
    write_sites(dest, frame)
    session = session or default_session()
    policy = FetchPolicy(RateLimiter(min_interval, clock, sleep), timeout, max_retries, backoff,
                         max_backoff, max_retry_after, now, max_page_bytes)
    report = CrawlReport()
    bar = tqdm(total=len(frame), desc="websites", unit="site", disable=not progress)
    try:
        for gm, url in zip(frame["gm_code"], frame["url"], strict=True):
            crawl_site(str(gm), str(url), Path(dest), session=session, policy=policy, rules=rules,
                       max_pages=max_pages, max_depth=max_depth, report=report)
            bar.update(1)
            bar.set_postfix(fetched=report.fetched, cached=report.cached,
                            failed=len(report.failures))
    finally:
        bar.close()
    return report


# --------------------------------------------------------------------------------------------
# Loading the cache into the audit table
# --------------------------------------------------------------------------------------------
def _charset(content_type: str, body: bytes) -> str:
    ct = content_type.lower()
    if "charset=" in ct:
        return ct.split("charset=", 1)[1].split(";")[0].strip().strip("\"'") or "utf-8"
    head = body[:2048].decode("ascii", errors="ignore").lower()
    pos = head.find("charset=")
    if pos >= 0:
        tail = head[pos + 8:].lstrip("\"' ")
        name = "".join(c for c in tail[:40] if c.isalnum() or c in "-_")
        if name:
            return name
    return "utf-8"


def decode_page(body: bytes, content_type: str = "", errors: str = "strict") -> str:
    """Decode a cached body with the charset of its Content-Type, else its ``<meta charset>``, else
    UTF-8. ``errors="strict"`` raises ``UnicodeDecodeError`` (or ``LookupError`` for an unknown
    charset)."""
    charset = _charset(content_type or "", body)
    try:
        return body.decode(charset, errors=errors)
    except LookupError:
        if errors != "strict":
            return body.decode("utf-8", errors=errors)
        raise


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


def cached_file(sdir: Path, name: str) -> Path | None:
    """The cache file ``name`` of a site folder, or ``None`` when it would lie outside the folder.

    Only a plain file name is allowed: no folder part, no ``..``, no absolute path, and after
    resolving symbolic links the file must still be inside ``sdir`` (so ``../../secret.html``,
    ``/proc/self/environ`` or a symlink out of the cache are refused).
    """
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        return None
    path = sdir / name
    try:
        inside = path.resolve().is_relative_to(sdir.resolve())
    except (OSError, RuntimeError, ValueError):
        return None
    return path if inside else None


def audit_cached_site(
    folder: Path, gm: str, website: str, year: int, rules: websites.Rules, skips: Issues,
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
    pages: list[websites.ParsedPage] = []
    times: list[pd.Timestamp] = []
    for entry in read_index(sdir, skips):
        if entry["kind"] != "page" or int(entry["status"]) != 200 or not entry["file"]:
            continue
        if "html" not in str(entry.get("content_type") or "text/html").lower():
            continue
        body_path = cached_file(sdir, str(entry["file"]))
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
            charset = _charset(str(entry.get("content_type") or ""), body)
            skips.bad(body_path, f"page cannot be decoded as {charset} ({exc})")
            continue
        url = str(entry.get("final_url") or entry["url"])
        pages.append(websites.parse_page(url, html, rules, int(entry.get("depth") or 0)))
        times.append(entry["_fetched"])
    if not pages:
        skips.bad(index, f"no page of {website} was fetched with HTTP 200; site not audited")
        return None
    row: dict[str, Any] = {"year": int(year), "gm_code": gm, "website": website,
                           "checked_on": min(times).tz_convert("UTC").tz_localize(None).normalize()}
    row.update(websites.audit_site(pages, rules))
    return row


def web_root(folder: Path) -> Path:
    """The folder holding ``web/``: ``folder`` itself, or its parent when ``folder`` is the ``web/``
    folder (has ``sites.csv`` but no ``web/sites.csv``), as :func:`helpers.collect.collect` passes."""
    folder = Path(folder)
    if not (folder / "web" / SITES_FILE).is_file() and (folder / SITES_FILE).is_file():
        return folder.parent
    return folder


@guarded_loader
def load(folder: Path, year: int, on_bad: str = "error",
         max_page_bytes: int = MAX_PAGE_BYTES) -> tuple[pd.DataFrame, pd.DataFrame]:
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

    Returns
    -------
    (audit, skips) : tuple of DataFrame
        ``audit``: the ``website_audit`` table (validated); ``skips``: ``file``, ``row``,
        ``column``, ``rule`` of everything left out.
    """
    from helpers.core import io

    folder = web_root(folder)
    skips = Issues(on_bad)
    rules = websites.load_rules()
    sites = read_sites(folder, year, skips)
    rows = []
    for gm, url in zip(sites["gm_code"], sites["url"], strict=True):
        row = audit_cached_site(Path(folder), gm, url, year, rules, skips, max_page_bytes)
        if row is not None:
            rows.append(row)
    audit = websites.audit_frame(rows)
    audit = io.validate(audit, "website_audit", file=Path(folder) / "web")
    return audit, skips.frame()
