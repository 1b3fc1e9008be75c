"""Polite HTTP for the website crawler: User-Agent, per-host rate limit, timeouts, size cap, retries.

:func:`fetch` GETs one URL: it waits for the host's turn (:class:`RateLimiter`), streams the body
up to the per-page cap, and retries HTTP 429 and 5xx, timeouts and dropped connections under the
collection's one retry policy (:mod:`helpers.collect.retry`). :func:`default_session` identifies the
crawler (``$ROEPTOETER_CONTACT`` in the User-Agent) and uses no credentials of the environment.
Must not import the crawler, the cache reader, pandas or the analyses.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from helpers.collect.retry import RETRY_STATUS, RetryPolicy, call_with_retries
from helpers.core.webcache import MAX_PAGE_BYTES

#: Environment variable with the research contact (URL or e-mail) put in the User-Agent.
CONTACT_ENV = "ROEPTOETER_CONTACT"
#: Used in the User-Agent when ROEPTOETER_CONTACT is not set; set it for real crawls.
PROJECT_URL = "https://github.com/roeptoeter/roeptoeter"


def user_agent() -> str:
    """``roeptoeter/<version> (+<contact>)``; the contact comes from ``$ROEPTOETER_CONTACT``."""
    from helpers import __version__

    contact = os.environ.get(CONTACT_ENV, "").strip() or PROJECT_URL
    return f"roeptoeter/{__version__} (+{contact})"



def utc_now() -> dt.datetime:
    """The current time in UTC (the default ``now`` of the crawler)."""
    return dt.datetime.now(dt.UTC)



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

    def retry_policy(self) -> RetryPolicy:
        """The crawler's settings of the collection's retry policy (:mod:`helpers.collect.retry`)."""
        return RetryPolicy(max_attempts=self.max_retries + 1, backoff=self.backoff,
                           max_backoff=self.max_backoff, max_server_wait=self.max_retry_after)


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


class _RetryStatus(Exception):
    """A response with a status of :data:`~helpers.collect.retry.RETRY_STATUS` (to be retried)."""

    def __init__(self, status: int, headers: Mapping[str, str]) -> None:
        super().__init__(f"HTTP {status}")
        self.headers = dict(headers)


_NETWORK_ERRORS = (requests.Timeout, requests.ConnectionError,
                   requests.exceptions.ChunkedEncodingError)


def _classify(exc: BaseException) -> tuple[bool, Mapping[str, str] | None]:
    if isinstance(exc, _RetryStatus):
        return True, exc.headers
    return isinstance(exc, _NETWORK_ERRORS), None


def fetch(session: requests.Session, url: str, policy: FetchPolicy) -> requests.Response:
    """GET ``url`` politely: rate limit per host, timeout, retries (:mod:`helpers.collect.retry`).

    Retries on HTTP 429 and 5xx (500, 502, 503, 504), timeouts and dropped connections, up to
    ``max_retries`` times; waits the server's Retry-After (capped at ``max_retry_after``), else
    ``backoff * 2**n`` seconds before retry ``n + 1`` (capped at ``max_backoff``). Every attempt
    also waits for the per-host rate limit.

    The body is streamed and read at most up to ``policy.max_bytes`` (the per-page cap).

    Raises
    ------
    PageTooLarge
        When the body is larger than ``policy.max_bytes`` (not retried).
    FetchFailed
        When every attempt failed; the message holds the last error.
    """
    host = (urlsplit(url).hostname or "").lower()

    def attempt() -> requests.Response:
        policy.limiter.wait(host)
        resp = session.get(url, timeout=policy.timeout, allow_redirects=True, stream=True)
        if resp.status_code not in RETRY_STATUS:
            _read_capped(resp, url, policy.max_bytes)
        policy.limiter.done(host)
        if resp.status_code in RETRY_STATUS:
            resp.close()
            raise _RetryStatus(resp.status_code, resp.headers)
        return resp

    try:
        return call_with_retries(attempt, _classify, policy=policy.retry_policy(),
                                 sleep=policy.limiter.sleep, clock=lambda: policy.now().timestamp())
    except _RetryStatus as exc:
        last_error = str(exc)
    except _NETWORK_ERRORS as exc:
        last_error = f"{type(exc).__name__}: {exc}"
    raise FetchFailed(f"{url}: {last_error} after {policy.max_retries + 1} attempts")


def default_session() -> requests.Session:
    """A session with the crawler's User-Agent that ignores ``.netrc`` credentials and env proxies."""
    s = requests.Session()
    s.trust_env = False
    s.headers.update({"User-Agent": user_agent(), "Accept": "text/html,*/*;q=0.5",
                      "Accept-Language": "nl,en;q=0.5"})
    return s


