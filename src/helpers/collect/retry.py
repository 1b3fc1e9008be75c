"""The one retry policy of every HTTP client of the collection: which failures are retried, how
long to wait, and how often.

Used by the website crawler (:mod:`helpers.collect.crawler`), the Mastodon and Bluesky collectors
and the account-list drafts. The loop is tenacity's (:class:`tenacity.Retrying`); this module
decides only what is project policy:

- **Retried**: HTTP 429 and 5xx (:data:`RETRY_STATUS`), timeouts and dropped connections; each
  client says which of its exceptions those are (a ``classify`` function).
- **Wait**: the server's word wins, as in urllib3's ``Retry``: ``Retry-After`` (delta-seconds or an
  HTTP date), else a rate-limit reset time (``X-RateLimit-Reset`` as Mastodon sends it, ISO 8601 or
  epoch seconds; ``RateLimit-Reset`` as Bluesky sends it). Without either: exponential backoff,
  ``backoff * 2**(n-1)`` seconds before retry ``n``. Never negative; capped (:class:`RetryPolicy`).
- **How often**: ``max_attempts`` attempts in all; then the last exception is raised.

``sleep`` and the clock are injectable, so tests wait on a fake clock. A client's own politeness
(the crawler's per-host rate limit) comes on top of these waits. Must not import other modules of
:mod:`helpers.collect`, pandas or requests.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import tenacity

T = TypeVar("T")

#: HTTP statuses that are retried: rate limited, and the server's transient failures.
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
#: Longest single wait for a rate limit or a retry, in seconds (the API clients' cap).
MAX_WAIT = 300.0

#: ``classify(exc) -> (retryable, response headers or None)``.
Classifier = Callable[[BaseException], tuple[bool, Mapping[str, str] | None]]


def retry_after_seconds(value: str | None, now: dt.datetime | float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value; ``None`` when absent or unreadable.

    Parameters
    ----------
    value : str or None
        Delta-seconds (``"120"``) or an HTTP date (``"Mon, 15 Sep 2014 10:00:30 GMT"``).
    now : datetime or float
        The current time (aware datetime, or epoch seconds), for an HTTP date.

    Returns
    -------
    float or None
        Seconds, at least 0 (a date in the past or a negative number gives 0).
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        stamp = now.timestamp() if isinstance(now, dt.datetime) else float(now)
        return max(when.timestamp() - stamp, 0.0)
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _reset_seconds(value: str, now: float) -> float | None:
    """Seconds until a rate-limit reset given as epoch seconds, seconds from now, or ISO 8601."""
    try:
        reset = float(value)
    except ValueError:
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - now
        except ValueError:
            return None
    # Bluesky sends epoch seconds; small numbers are seconds from now (IETF RateLimit draft).
    return reset - now if reset > 1e9 else reset


def server_wait(headers: Mapping[str, str] | None, now: float) -> float | None:
    """The wait the server asked for, in seconds (may be negative), or ``None`` if it did not.

    ``Retry-After`` first, else ``X-RateLimit-Reset`` / ``RateLimit-Reset``; header names are
    matched case-insensitively. ``now`` is epoch seconds.
    """
    h = {str(k).lower(): str(v).strip() for k, v in (headers or {}).items()}
    if "retry-after" in h:
        try:
            wait = float(h["retry-after"])
        except ValueError:
            wait = retry_after_seconds(h["retry-after"], now)
        if wait is not None and math.isfinite(wait):
            return wait
    for key in ("x-ratelimit-reset", "ratelimit-reset"):
        if key in h:
            return _reset_seconds(h[key], now)
    return None


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try and how long to wait.

    Attributes
    ----------
    max_attempts : int
        Attempts in all (1 = no retry).
    backoff : float
        Seconds before the first retry when the server gives no wait; doubled for each further one.
    max_backoff : float
        Cap of the exponential backoff, seconds.
    max_server_wait : float
        Cap of a wait the server asked for, seconds.
    """

    max_attempts: int = 5
    backoff: float = 1.0
    max_backoff: float = MAX_WAIT
    max_server_wait: float = MAX_WAIT

    def delay(self, headers: Mapping[str, str] | None, attempt: int, now: float) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based); ``now`` in epoch seconds."""
        asked = server_wait(headers, now)
        if asked is not None:
            return float(min(max(asked, 0.0), self.max_server_wait))
        return float(min(max(self.backoff * 2 ** (attempt - 1), 0.0), self.max_backoff))


def retry_delay(
    headers: Mapping[str, str] | None, attempt: int, *, now: float, base: float = 1.0
) -> float:
    """Seconds to wait before retry ``attempt`` (1-based) under the API clients' policy: the
    server's wait, else ``base * 2**(attempt-1)``; between 0 and :data:`MAX_WAIT`. ``now`` is epoch
    seconds."""
    return RetryPolicy(backoff=base).delay(headers, attempt, now)


def call_with_retries(
    call: Callable[[], T],
    classify: Classifier,
    *,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> T:
    """Run ``call``; on a retryable failure wait per ``policy`` and try again.

    Parameters
    ----------
    call : callable
        The request; its return value is returned.
    classify : callable
        ``classify(exc) -> (retryable, headers)``: whether an exception is retried (rate limit,
        5xx, network) and the response headers if there was a response.
    policy : RetryPolicy, optional
        Default ``RetryPolicy()`` (5 attempts, backoff 1 s, waits capped at :data:`MAX_WAIT`).
    sleep, clock : callable
        Sleeping and the current time in epoch seconds; injectable for tests.

    Raises
    ------
    Exception
        The last exception, when it is not retryable or the attempts are used up.
    """
    policy = policy or RetryPolicy()

    def retryable(exc: BaseException) -> bool:
        return isinstance(exc, Exception) and bool(classify(exc)[0])

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        headers = classify(exc)[1] if exc is not None else None
        return policy.delay(headers, state.attempt_number, clock())

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(int(policy.max_attempts), 1)),
        retry=tenacity.retry_if_exception(retryable),
        wait=wait,
        sleep=sleep,
        reraise=True,
    )
    return retrying(call)


def with_retries(
    call: Callable[[], T],
    classify: Classifier,
    *,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    max_attempts: int = 5,
) -> T:
    """:func:`call_with_retries` with the API clients' policy and ``max_attempts`` attempts."""
    return call_with_retries(call, classify, policy=RetryPolicy(max_attempts=max_attempts),
                             sleep=sleep, clock=clock)
