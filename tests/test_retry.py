"""The one retry policy (helpers.collect.retry) and the crawler's fetch under it, on a fake clock.

No network and no real sleeping: ``sleep`` records the waits, a fake session answers from a script.
"""

from __future__ import annotations

import datetime as dt

import pytest
import requests

from helpers.collect import fetch as fetch_mod
from helpers.collect import retry

NOW = dt.datetime(2014, 9, 15, 10, 0, tzinfo=dt.UTC)


def test_retry_after_values():
    assert retry.retry_after_seconds("7", NOW) == 7.0
    assert retry.retry_after_seconds(" 120 ", NOW.timestamp()) == 120.0
    assert retry.retry_after_seconds("Mon, 15 Sep 2014 10:00:30 GMT", NOW) == 30.0
    assert retry.retry_after_seconds("Mon, 15 Sep 2014 09:00:00 GMT", NOW) == 0.0  # in the past
    assert retry.retry_after_seconds("-5", NOW) == 0.0
    for bad in ("garbage", "", None, "nan"):
        assert retry.retry_after_seconds(bad, NOW) is None


def test_policy_server_wins_else_backoff_with_caps():
    policy = retry.RetryPolicy(max_attempts=5, backoff=0.5, max_backoff=3.0, max_server_wait=10.0)
    now = NOW.timestamp()
    assert [policy.delay(None, n, now) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    assert policy.delay({"Retry-After": "0"}, 4, now) == 0.0  # the server's word, even if shorter
    assert policy.delay({"retry-after": "60"}, 1, now) == 10.0  # capped
    assert policy.delay({"X-RateLimit-Reset": "2014-09-15T10:00:04Z"}, 1, now) == 4.0
    assert policy.delay({"RateLimit-Reset": "3"}, 1, now) == 3.0  # seconds from now
    assert policy.delay({"Retry-After": "soon"}, 2, now) == 1.0  # unreadable: backoff


class Flaky(Exception):
    def __init__(self, headers=None):
        super().__init__("flaky")
        self.headers = headers


def classify(exc):
    return (True, exc.headers) if isinstance(exc, Flaky) else (False, None)


def test_call_with_retries_waits_then_succeeds_or_gives_up():
    slept: list[float] = []
    calls = iter([Flaky({"Retry-After": "2"}), Flaky(), "ok"])

    def call():
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    policy = retry.RetryPolicy(max_attempts=3, backoff=1.0)
    result = retry.call_with_retries(call, classify, policy=policy, sleep=slept.append,
                                     clock=NOW.timestamp)
    assert result == "ok" and slept == [2.0, 2.0]  # Retry-After 2; then backoff 1 * 2**1

    slept.clear()
    with pytest.raises(Flaky):
        retry.call_with_retries(lambda: (_ for _ in ()).throw(Flaky()), classify,
                                policy=policy, sleep=slept.append, clock=NOW.timestamp)
    assert slept == [1.0, 2.0]  # three attempts, two waits, then the last error

    slept.clear()
    with pytest.raises(KeyError):  # not retryable: raised at once
        retry.call_with_retries(lambda: {}["x"], classify, policy=policy, sleep=slept.append,
                                clock=NOW.timestamp)
    assert slept == []


class FakeResponse:
    def __init__(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.status_code, self.body = status, body
        self.headers = requests.structures.CaseInsensitiveDict(headers or {})
        self.url = "https://www.lus.example/"
        self.closed = False

    def iter_content(self, chunk_size: int):
        yield from (self.body[i:i + chunk_size] for i in range(0, len(self.body), chunk_size))

    @property
    def content(self) -> bytes:  # requests keeps the read body in _content
        return self._content

    def close(self) -> None:
        self.closed = True


class FakeSession:
    """Answers GETs from a script: a response, or an exception to raise."""

    def __init__(self, script: list) -> None:
        self.script, self.calls = list(script), 0

    def get(self, url, **kw):
        self.calls += 1
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


def policy_with(slept: list[float], **kw) -> fetch_mod.FetchPolicy:
    clock = [0.0]

    def sleep(s: float) -> None:
        slept.append(s)
        clock[0] += s

    limiter = fetch_mod.RateLimiter(0.0, clock=lambda: clock[0], sleep=sleep)
    opts = dict(max_retries=2, backoff=0.5, max_backoff=60.0, max_retry_after=120.0,
                now=lambda: NOW, max_bytes=100)
    opts.update(kw)
    return fetch_mod.FetchPolicy(limiter, **opts)


def test_fetch_retries_status_and_network_errors():
    slept: list[float] = []
    session = FakeSession([FakeResponse(503, headers={"Retry-After": "3"}),
                           requests.ConnectionError("reset"), FakeResponse(200, b"<p>ok</p>")])
    resp = fetch_mod.fetch(session, "https://www.lus.example/", policy_with(slept))
    assert resp.content == b"<p>ok</p>" and session.calls == 3
    assert slept == [3.0, 1.0]  # Retry-After 3; then backoff 0.5 * 2**1


def test_fetch_gives_up_with_the_last_error():
    slept: list[float] = []
    session = FakeSession([FakeResponse(503), FakeResponse(429), FakeResponse(502)])
    with pytest.raises(fetch_mod.FetchFailed, match=r"lus.example/: HTTP 502 after 3 attempts"):
        fetch_mod.fetch(session, "https://www.lus.example/", policy_with(slept))
    assert slept == [0.5, 1.0]
    session = FakeSession([requests.Timeout("read timed out")])
    with pytest.raises(fetch_mod.FetchFailed, match="Timeout: read timed out after 1 attempts"):
        fetch_mod.fetch(session, "https://www.lus.example/", policy_with([], max_retries=0))


def test_fetch_does_not_retry_a_page_over_the_cap():
    session = FakeSession([FakeResponse(200, b"x" * 101), FakeResponse(200, b"small")])
    with pytest.raises(fetch_mod.PageTooLarge, match="per-page cap of 100 bytes"):
        fetch_mod.fetch(session, "https://www.lus.example/big", policy_with([]))
    assert session.calls == 1
    declared = FakeSession([FakeResponse(200, b"", {"Content-Length": "5000"})])
    with pytest.raises(fetch_mod.PageTooLarge, match="5,000 bytes"):
        fetch_mod.fetch(declared, "https://www.lus.example/big", policy_with([]))
