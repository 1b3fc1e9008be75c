"""The Bluesky collector: each account's author feed in the window (and each own post's thread),
stored as received with resume state (layout in :mod:`helpers.collect.bluesky`).

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.collect.bluesky.ids import HANDLE_ENV, PASSWORD_ENV, PLATFORM, PUBLIC_APPVIEW, REPOST, handle_of
from helpers.collect.http import RawStore, loose_time, safe_name, secret
from helpers.collect.retry import with_retries
from helpers.collect.social_api import LastResponse, fetch_missing, fetch_pages, stored_in_window
from helpers.core.window import window_bounds


def _classify(exc: BaseException) -> tuple[bool, Any]:
    from atproto_client import exceptions as ex

    if not isinstance(exc, ex.RequestErrorBase):
        return False, None
    resp = exc.response
    status = getattr(resp, "status_code", None)
    headers = getattr(resp, "headers", None)
    retry = isinstance(exc, ex.RateLimitExceededError | ex.NetworkError) or (
        status is not None and status >= 500
    )
    return retry, headers


def _client(api_base_url: str, login_url: str, timeout: float, last: LastResponse) -> Any:
    from atproto import Client
    from atproto_client.request import Request

    request = Request(timeout=timeout, event_hooks={"response": [last]})
    handle, password = secret(HANDLE_ENV), secret(PASSWORD_ENV)
    if handle and password:
        client = Client(base_url=login_url, request=request)
        client.login(handle, password, fetch_bsky_profile=False)
        return client
    return Client(base_url=api_base_url, request=request)


def _sort_time(item: dict[str, Any]) -> pd.Timestamp | None:
    """When a feed item sorts (repost time, or the earlier of createdAt and indexedAt), as UTC."""
    reason = item.get("reason") or {}
    post = item.get("post") or {}
    values = (
        [reason.get("indexedAt")]
        if reason.get("$type") == REPOST
        else [(post.get("record") or {}).get("createdAt"), post.get("indexedAt")]
    )
    times = [t for v in values if (t := loose_time(v)) is not None]
    return min(times) if times else None


def collect(
    accounts: pd.DataFrame,
    dest: Path,
    *,
    since: dt.date,
    until: dt.date,
    api_base_url: str = PUBLIC_APPVIEW,
    login_url: str = "https://bsky.social",
    limit: int = 100,
    threads: bool = True,
    depth: int = 100,
    parent_height: int = 100,
    progress: bool = True,
    timeout: float = 30.0,
    max_attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> pd.DataFrame:
    """Fetch the posts (and their threads) of the Bluesky accounts in ``accounts``.

    Resumes where an interrupted call stopped; stored files are never requested again nor rewritten.

    Parameters
    ----------
    accounts : DataFrame
        The accounts table; rows with ``platform == "bluesky"`` are collected by ``handle``.
    dest : Path
        ``data/raw/<year>/bluesky/``.
    since, until : date
        First and last day of the window (inclusive, Dutch calendar days).
    api_base_url : str
        The AppView to read from (tests: a loopback server).
    login_url : str
        Where to log in when credentials are set in the environment.
    limit : int
        Feed items per page (at most 100).
    threads : bool
        Also fetch the thread of each own post in the window.
    depth, parent_height : int
        Reply levels below and parent levels above each post in a thread request.
    progress, timeout, max_attempts, sleep
        As in :func:`helpers.collect.mastodon.collect`.

    Returns
    -------
    DataFrame
        Per account: ``handle``, ``pages``, ``posts`` (own posts and reposts in the window),
        ``threads``, ``requests`` (made by this call), ``written`` (files written by this call).
    """
    from tqdm.auto import tqdm

    start, end = window_bounds((since, until))
    key = f"{since}_{until}"
    handles = sorted(
        {handle_of(h) for h in accounts.loc[accounts["platform"] == PLATFORM, "handle"]}
    )
    summary = []
    bar = tqdm(total=None, unit="req", desc="bluesky", disable=not progress)
    try:
        for handle in handles:
            last = LastResponse(read_body=True)
            client = _client(api_base_url, login_url, timeout, last)
            counter = {"n": 0}

            def fetch(
                call: Callable[[], Any], last: LastResponse = last, counter=counter
            ) -> bytes:
                def once() -> Any:
                    counter["n"] += 1
                    bar.update(1)
                    return call()

                with_retries(
                    once, _classify, sleep=sleep, clock=time.time, max_attempts=max_attempts
                )
                return last.response.content

            store = RawStore(Path(dest) / safe_name(handle))
            bar.set_description(f"bluesky {handle}")
            row = _collect_account(
                client, fetch, store, handle, key, start, end, limit, threads, depth, parent_height
            )
            row.update(requests=counter["n"], written=store.written)
            summary.append(row)
            client.request.close()
    finally:
        bar.close()
    return pd.DataFrame(
        summary, columns=["handle", "pages", "posts", "threads", "requests", "written"]
    )


def _collect_account(
    client: Any,
    fetch: Callable[[Callable[[], Any]], bytes],
    store: RawStore,
    handle: str,
    key: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    limit: int,
    threads: bool,
    depth: int,
    parent_height: int,
) -> dict[str, Any]:
    state = store.state()
    run = state.setdefault("feeds", {}).setdefault(
        key, {"pages": [], "cursor": None, "complete": False}
    )

    def fetch_page(cursor: str | None) -> bytes:
        params = {"actor": handle, "limit": limit, "filter": "posts_with_replies"}
        if cursor:
            params["cursor"] = cursor
        return fetch(lambda p=params: client.app.bsky.feed.get_author_feed(params=p))

    def read_page(body: bytes) -> tuple[str | None, bool]:
        data = json.loads(body)
        feed = data.get("feed") or []
        times = [t for t in map(_sort_time, feed) if t is not None]
        cursor = data.get("cursor")
        return cursor, not feed or not cursor or (bool(times) and min(times) < start)

    def thread_file(item: dict[str, Any]) -> str | None:
        if (item.get("reason") or {}).get("$type") == REPOST:
            return None
        return f"thread/{safe_name(item['post']['uri'].rsplit('/', 1)[-1])}.json"

    def fetch_thread(item: dict[str, Any]) -> bytes:
        params = {"uri": item["post"]["uri"], "depth": depth, "parent_height": parent_height}
        return fetch(lambda p=params: client.app.bsky.feed.get_post_thread(params=p))

    fetch_pages(store, run, "feed", "cursor", "cursor", fetch_page, read_page)
    own = stored_in_window(store, run, lambda page: page.get("feed") or [], _sort_time, start, end)
    n_threads = fetch_missing(store, own, thread_file, fetch_thread) if threads else 0
    return {"handle": handle, "pages": len(run["pages"]), "posts": len(own), "threads": n_threads}
