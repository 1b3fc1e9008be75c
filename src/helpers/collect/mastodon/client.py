"""The Mastodon collector: each account's statuses in the window (and their reply threads), stored as
received with resume state (layout in :mod:`helpers.collect.mastodon`).

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
import requests

from helpers.collect.http import RawStore, loose_time, safe_name, secret
from helpers.collect.mastodon.ids import PLATFORM, TOKEN_ENV, USER_AGENT, acct_of, api_base_url_for, snowflake
from helpers.collect.retry import with_retries
from helpers.collect.social_api import LastResponse, fetch_missing, fetch_pages, stored_in_window
from helpers.core.window import window_bounds


def _classify(last: LastResponse) -> Callable[[BaseException], tuple[bool, Any]]:
    from mastodon.errors import MastodonNetworkError, MastodonRatelimitError, MastodonServerError

    def classify(exc: BaseException) -> tuple[bool, Any]:
        retry = isinstance(exc, MastodonRatelimitError | MastodonServerError | MastodonNetworkError)
        headers = last.response.headers if last.response is not None else None
        return retry, headers

    return classify


def collect(
    accounts: pd.DataFrame,
    dest: Path,
    *,
    since: dt.date,
    until: dt.date,
    api_base_url: str | None = None,
    limit: int = 40,
    contexts: bool = True,
    progress: bool = True,
    timeout: float = 30.0,
    max_attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> pd.DataFrame:
    """Fetch the statuses (and their reply threads) of the Mastodon accounts in ``accounts``.

    Resumes where an earlier, interrupted call stopped: pages and contexts already stored are not
    requested again, and stored files are never rewritten.

    Parameters
    ----------
    accounts : DataFrame
        The accounts table (schema ``accounts``); rows with ``platform == "mastodon"`` are
        collected, by ``handle`` (``@user@instance``).
    dest : Path
        ``data/raw/<year>/mastodon/``.
    since, until : date
        First and last day of the window (inclusive, Dutch calendar days).
    api_base_url : str, optional
        One server for every account (tests; a relay). Default: each account's home instance.
    limit : int
        Statuses per page (Mastodon allows at most 40).
    contexts : bool
        Also fetch each window status's context (ancestors and replies).
    progress : bool
        Show a tqdm progress bar.
    timeout : float
        Seconds per request.
    max_attempts : int
        Tries per request on 429, 5xx and network errors.
    sleep : callable
        Called with the seconds to wait (tests pass a recorder).

    Returns
    -------
    DataFrame
        Per account: ``handle``, ``pages`` (stored pages for this window), ``statuses`` (in the
        window), ``contexts`` (stored), ``requests`` (made by this call), ``written`` (files
        written by this call).
    """
    from mastodon import Mastodon
    from tqdm.auto import tqdm

    start, end = window_bounds((since, until))
    key = f"{since}_{until}"
    rows = sorted({acct_of(h) for h in accounts.loc[accounts["platform"] == PLATFORM, "handle"]})
    summary = []
    bar = tqdm(total=None, unit="req", desc="mastodon", disable=not progress)
    try:
        for acct in rows:
            last = LastResponse()
            session = requests.Session()
            session.hooks["response"].append(last)
            api = Mastodon(
                api_base_url=api_base_url or api_base_url_for(acct),
                access_token=secret(TOKEN_ENV),
                ratelimit_method="throw",
                request_timeout=timeout,
                session=session,
                version_check_mode="none",
                user_agent=USER_AGENT,
            )
            counter = {"n": 0}

            def fetch(
                call: Callable[[], Any], last: LastResponse = last, counter=counter
            ) -> tuple[Any, bytes]:
                def once() -> Any:
                    counter["n"] += 1
                    bar.update(1)
                    return call()

                result = with_retries(
                    once, _classify(last), sleep=sleep, clock=time.time, max_attempts=max_attempts
                )
                if last.response is None:
                    raise RuntimeError("Mastodon.py returned without an HTTP response")
                return result, last.response.content

            store = RawStore(Path(dest) / safe_name(acct))
            bar.set_description(f"mastodon {acct}")
            summary.append(
                _collect_account(api, fetch, store, acct, key, start, end, limit, contexts)
            )
            summary[-1]["requests"] = counter["n"]
            summary[-1]["written"] = store.written
            session.close()
    finally:
        bar.close()
    return pd.DataFrame(
        summary, columns=["handle", "pages", "statuses", "contexts", "requests", "written"]
    )


def _collect_account(
    api: Any,
    fetch: Callable[[Callable[[], Any]], tuple[Any, bytes]],
    store: RawStore,
    acct: str,
    key: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    limit: int,
    contexts: bool,
) -> dict[str, Any]:
    if store.has("account.json"):
        account = json.loads(store.read("account.json"))
    else:
        _, body = fetch(lambda: api.account_lookup(acct))
        store.put("account.json", body)
        account = json.loads(body)
    state = store.state()
    run = state.setdefault("timelines", {}).setdefault(
        key, {"pages": [], "next_max_id": str(snowflake(end)), "complete": False}
    )
    page_obj = None

    def fetch_page(max_id: str | None) -> bytes:
        # The first page (and the first after a resume) starts at max_id; the next ones follow
        # the previous page's Link header.
        nonlocal page_obj
        if page_obj is not None:
            page_obj, body = fetch(lambda p=page_obj: api.fetch_next(p))
        else:
            page_obj, body = fetch(
                lambda m=max_id: api.account_statuses(account["id"], max_id=m, limit=limit)
            )
        return body

    def read_page(body: bytes) -> tuple[str | None, bool]:
        statuses = json.loads(body)
        info = api.get_pagination_info(page_obj, "next") if page_obj is not None else None
        next_max_id = str(info["max_id"]) if info and info.get("max_id") is not None else None
        times = [t for s in statuses if (t := loose_time(s.get("created_at"))) is not None]
        oldest = min(times, default=None)
        return next_max_id, (
            not statuses or next_max_id is None or (oldest is not None and oldest < start)
        )

    fetch_pages(store, run, "statuses", "next_max_id", "max_id", fetch_page, read_page)
    in_window = stored_in_window(
        store, run, lambda page: page, lambda s: loose_time(s.get("created_at")), start, end
    )
    n_contexts = 0
    if contexts:
        n_contexts = fetch_missing(
            store,
            in_window,
            lambda s: None if s.get("reblog") else f"context/{safe_name(str(s['id']))}.json",
            lambda s: fetch(lambda sid=s["id"]: api.status_context(sid))[1],
        )
    return {
        "handle": f"@{acct}",
        "pages": len(run["pages"]),
        "statuses": len(in_window),
        "contexts": n_contexts,
    }
