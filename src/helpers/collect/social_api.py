"""What the Mastodon and Bluesky API collectors and importers share (beyond :mod:`.http`).

Collecting: :class:`LastResponse` keeps the last HTTP response so that its body is stored as
received; :func:`fetch_pages` pages back through an account's timeline with resume state;
:func:`stored_in_window` reads the stored items of the window back; :func:`fetch_missing` fetches
what is not stored yet (each item's thread). Importing: the accounts table by handle, the rows of the
tidy ``posts`` and ``citizen_messages`` tables, and the message for an account no municipality owns.

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline; within helpers.collect
only :mod:`.http`, :mod:`.issues` and (lazily) :mod:`.questions`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.collect.http import MSG_COLUMNS, POST_COLUMNS, RawStore, Skips, first_reply, tidy_frame
from helpers.core.errors import DataError
from helpers.core.io import sha256

# -------------------------------------------------------------------------------------------------
# Collecting


@dataclass
class LastResponse:
    """A response hook that keeps the last response (its body is stored as received).

    Serves as a requests hook (Mastodon.py's session: called with the response and keyword
    arguments, returns it) and as an httpx event hook (the atproto SDK: ``read_body=True`` reads the
    streamed body first; the return value is ignored).

    Attributes
    ----------
    response : requests.Response or httpx.Response or None
        The last response seen; ``None`` before the first.
    read_body : bool
        Read the body before keeping the response (httpx).
    """

    response: Any = None
    read_body: bool = False

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        if self.read_body:
            response.read()
        self.response = response
        return response


def fetch_pages(
    store: RawStore,
    run: dict[str, Any],
    folder: str,
    cursor_key: str,
    page_cursor_key: str,
    fetch_page: Callable[[Any], bytes],
    read_page: Callable[[bytes], tuple[Any, bool]],
) -> None:
    """Fetch timeline pages until ``run`` is complete, each stored as received, the state after each.

    Parameters
    ----------
    store : RawStore
        The account's raw folder and resume state.
    run : dict
        The window's entry in the resume state: ``pages`` (one ``{"file", <page_cursor_key>,
        "sha256"}`` per stored page), ``<cursor_key>`` (where the next page starts) and ``complete``.
    folder : str
        Sub-folder of the pages (``statuses``, ``feed``); files ``<folder>/page-NNNN.json``.
    cursor_key, page_cursor_key : str
        The run's key of the next page's cursor, and the page record's key of the cursor it was
        fetched with.
    fetch_page : callable
        ``fetch_page(cursor) -> body``: one request, the body as received.
    read_page : callable
        ``read_page(body) -> (next cursor, complete)``; complete when the page is empty, has no
        next page, or reaches back before the window.
    """
    while not run["complete"]:
        body = fetch_page(run[cursor_key])
        name = store.put(f"{folder}/page-{len(run['pages']) + 1:04d}.json", body)
        cursor, complete = read_page(body)
        run["pages"].append(
            {"file": name, page_cursor_key: run[cursor_key], "sha256": sha256(store.folder / name)}
        )
        run[cursor_key] = cursor
        run["complete"] = complete
        store.save_state()


def stored_in_window(
    store: RawStore,
    run: dict[str, Any],
    items_of: Callable[[Any], Iterable[dict[str, Any]]],
    time_of: Callable[[dict[str, Any]], pd.Timestamp | None],
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> list[dict[str, Any]]:
    """The items on the run's stored pages whose time lies in ``[start, end)``, in page order.

    ``items_of(parsed page)`` gives a page's items, ``time_of(item)`` an item's UTC time (``None``:
    left out).
    """
    found = []
    for page in run["pages"]:
        for item in items_of(json.loads(store.read(page["file"]))):
            t = time_of(item)
            if t is not None and start <= t < end:
                found.append(item)
    return found


def fetch_missing(
    store: RawStore,
    items: Iterable[dict[str, Any]],
    file_of: Callable[[dict[str, Any]], str | None],
    fetch_one: Callable[[dict[str, Any]], bytes],
) -> int:
    """Fetch and store ``fetch_one(item)`` as ``file_of(item)`` where that file is not stored yet.

    ``file_of`` returns ``None`` for an item that has nothing to fetch (a repost). Returns the
    number of items with a stored file (stored before, or now).
    """
    n = 0
    for item in items:
        rel = file_of(item)
        if rel is None:
            continue
        if not store.has(rel):
            store.put(rel, fetch_one(item))
        n += 1
    return n


# -------------------------------------------------------------------------------------------------
# Importing


def question_rule(is_question: Callable[[str], bool] | None) -> Callable[[str], bool]:
    """``is_question``, or the default question rule :func:`helpers.collect.questions.is_question`."""
    if is_question is None:
        from helpers.collect.questions import is_question as default_rule

        is_question = default_rule
    return is_question


def accounts_by_handle(
    accounts: pd.DataFrame, platform: str, key_of: Callable[[str], str], skips: Skips
) -> dict[str, pd.Series]:
    """The ``platform`` rows of the accounts table by ``key_of(handle)``; a bad handle is reported."""
    rows = {}
    for _, row in accounts.loc[accounts["platform"] == platform].iterrows():
        try:
            rows[key_of(row["handle"])] = row
        except ValueError as exc:
            skips.report(DataError("accounts", str(exc), column="handle"))
    return rows


def unknown_account(path: Path, name: str, platform: str, year: int) -> DataError:
    """The bad input of a raw account folder that no row of the accounts table owns."""
    return DataError(
        str(path),
        f"account @{name} belongs to no municipality in the accounts table "
        f"(platform {platform}, year {year})",
        column="handle",
    )


def post_row(
    platform: str,
    info: Mapping[str, str],
    post_id: str,
    created_at: pd.Timestamp,
    kind: str,
    in_reply_to_id: str | None,
    conversation_id: str | None,
    reply_to: str | None,
) -> dict[str, Any]:
    """One row of the tidy ``posts`` table; ``info`` holds the account's gm_code and account_id."""
    return {
        "post_id": post_id,
        "platform": platform,
        "gm_code": info["gm_code"],
        "account_id": info["account_id"],
        "created_at": created_at,
        "kind": kind,
        "in_reply_to_id": in_reply_to_id,
        "conversation_id": conversation_id,
        "reply_to": reply_to,
    }


def message_row(
    platform: str,
    msg_id: str,
    gm_code: str,
    created_at: pd.Timestamp,
    text: str,
    is_question: Callable[[str], bool],
    parents: Mapping[str, str | None],
    own_replies: Mapping[str, list[tuple[str, pd.Timestamp]]],
) -> dict[str, Any]:
    """One row of the tidy ``citizen_messages`` table (``addressed``: the message names the account).

    ``text`` is used for the question rule and the theme only, and is not kept. The first reply is
    the municipality's earliest reply below the message (:func:`helpers.collect.http.first_reply`);
    ``own_replies`` maps gm_code -> the municipality's replies ``(id, time)``.
    """
    from helpers.collect.questions import theme_of

    reply_id, reply_at = first_reply(msg_id, created_at, parents, own_replies.get(gm_code, []))
    return {
        "msg_id": msg_id,
        "platform": platform,
        "gm_code": gm_code,
        "created_at": created_at,
        "addressed": True,
        "is_question": bool(is_question(text)),
        "theme": theme_of(text),
        "first_reply_post_id": reply_id,
        "first_reply_at": reply_at,
    }


def tidy_tables(
    post_rows: list[dict[str, Any]], msg_rows: list[dict[str, Any]], skips: Skips
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """An importer's result: ``posts``, ``citizen_messages`` and the skips table."""
    return tidy_frame(post_rows, POST_COLUMNS), tidy_frame(msg_rows, MSG_COLUMNS), skips.frame()
