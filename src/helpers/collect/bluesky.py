"""Bluesky: a collector (atproto SDK, public read API) for municipal accounts and an importer.

The collector reads the public AppView (``https://public.api.bsky.app``, configurable) with the
atproto SDK's ``Client``: ``app.bsky.feed.getAuthorFeed`` (posts, replies and reposts, newest first,
``cursor`` paging) and ``app.bsky.feed.getPostThread`` for each post in the window (its parents and
replies). The SDK's request layer (httpx) gets a response hook that keeps the body bytes, so each
response is stored as received.

Raw layout under ``dest`` (``data/raw/<year>/bluesky/``), one folder per account handle:

* ``feed/page-NNNN.json`` — getAuthorFeed pages (``filter=posts_with_replies``)
* ``thread/<record key>.json`` — getPostThread of each own post in the window
* ``index.json`` — resume state: pages fetched per window and the next ``cursor``

Paging stops at the first page that reaches back before the window. 429 (``RateLimit-Reset``), 5xx
and network errors are retried after the server's wait or an exponential backoff. Reading needs no
account; with ``ROEPTOETER_BSKY_HANDLE`` and ``ROEPTOETER_BSKY_APP_PASSWORD`` set (environment only)
the client logs in at ``login_url`` first and reads through that server.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.collect.http import (
    MSG_COLUMNS,
    POST_COLUMNS,
    RawStore,
    Skips,
    first_reply,
    load_json_file,
    loose_time,
    parse_time,
    safe_name,
    secret,
    tidy_frame,
    window_bounds,
)
from helpers.collect.issues import guarded_loader
from helpers.collect.retry import with_retries
from helpers.errors import DataError
from helpers.io import sha256

PLATFORM = "bluesky"
PUBLIC_APPVIEW = "https://public.api.bsky.app"
HANDLE_ENV = "ROEPTOETER_BSKY_HANDLE"
PASSWORD_ENV = "ROEPTOETER_BSKY_APP_PASSWORD"
#: Handle domains of government bodies: their accounts count as organisations, not citizens
#: (a handle counts when it equals a domain or ends with ``.<domain>``).
GOVERNMENT_DOMAINS = ("overheid.nl", "rijksoverheid.nl", "politie.nl")
REPOST = "app.bsky.feed.defs#reasonRepost"
QUOTE_EMBEDS = ("app.bsky.embed.record", "app.bsky.embed.recordWithMedia")
MENTION = "app.bsky.richtext.facet#mention"


def handle_of(handle: str) -> str:
    """The bare, lower-cased handle: ``"@Utrecht.bsky.social"`` -> ``"utrecht.bsky.social"``."""
    h = str(handle).strip().lstrip("@").lower()
    if "." not in h or "@" in h:
        raise ValueError(f"Bluesky handle {handle!r} must look like name.domain")
    return h


def did_of(uri: str) -> str:
    """The DID (author) in an AT URI ``at://<did>/<collection>/<rkey>``."""
    return str(uri).removeprefix("at://").split("/", 1)[0]


@dataclass
class _LastResponse:
    """An httpx response hook that reads and keeps the last response."""

    response: Any = None

    def __call__(self, response: Any) -> None:
        response.read()
        self.response = response


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


def _client(api_base_url: str, login_url: str, timeout: float, last: _LastResponse) -> Any:
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
            last = _LastResponse()
            client = _client(api_base_url, login_url, timeout, last)
            counter = {"n": 0}

            def fetch(
                call: Callable[[], Any], last: _LastResponse = last, counter=counter
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
    while not run["complete"]:
        params = {"actor": handle, "limit": limit, "filter": "posts_with_replies"}
        if run["cursor"]:
            params["cursor"] = run["cursor"]
        body = fetch(lambda p=params: client.app.bsky.feed.get_author_feed(params=p))
        name = store.put(f"feed/page-{len(run['pages']) + 1:04d}.json", body)
        data = json.loads(body)
        feed = data.get("feed") or []
        times = [t for t in map(_sort_time, feed) if t is not None]
        run["pages"].append(
            {"file": name, "cursor": run["cursor"], "sha256": sha256(store.folder / name)}
        )
        run["cursor"] = data.get("cursor")
        run["complete"] = not feed or not run["cursor"] or (bool(times) and min(times) < start)
        store.save_state()
    own = []
    for page in run["pages"]:
        for item in json.loads(store.read(page["file"])).get("feed") or []:
            t = _sort_time(item)
            if t is not None and start <= t < end:
                own.append(item)
    n_threads = 0
    if threads:
        for item in own:
            if (item.get("reason") or {}).get("$type") == REPOST:
                continue
            uri = item["post"]["uri"]
            rel = f"thread/{safe_name(uri.rsplit('/', 1)[-1])}.json"
            if not store.has(rel):
                params = {"uri": uri, "depth": depth, "parent_height": parent_height}
                body = fetch(lambda p=params: client.app.bsky.feed.get_post_thread(params=p))
                store.put(rel, body)
            n_threads += 1
    return {"handle": handle, "pages": len(run["pages"]), "posts": len(own), "threads": n_threads}


# -------------------------------------------------------------------------------------------------
# Import


@dataclass
class _Post:
    uri: str
    author: str  # DID
    created_at: pd.Timestamp
    parent: str | None
    root: str | None
    raw: dict[str, Any]


def _post(raw: Any, file: Path, row: int, skips: Skips) -> _Post | None:
    """A ``postView`` checked for the fields the importer needs, or ``None`` (counted/raised)."""
    try:
        if not isinstance(raw, dict):
            raise DataError(str(file), "a post must be a JSON object", row=row)
        for col in ("uri", "author", "record"):
            if not raw.get(col):
                raise DataError(
                    str(file), "required field is missing or empty", row=row, column=col
                )
        if not isinstance(raw["author"], dict) or not raw["author"].get("did"):
            raise DataError(str(file), "author must have a did", row=row, column="author.did")
        rec = raw["record"]
        created = parse_time(
            rec.get("createdAt"), file=str(file), column="record.createdAt", row=row
        )
    except DataError as err:
        skips.report(err)
        return None
    reply = rec.get("reply") or {}
    return _Post(
        uri=str(raw["uri"]),
        author=str(raw["author"]["did"]),
        created_at=created,
        parent=(reply.get("parent") or {}).get("uri"),
        root=(reply.get("root") or {}).get("uri"),
        raw=raw,
    )


def _thread_posts(node: Any) -> Iterator[dict[str, Any]]:
    """Every ``postView`` in a ``threadViewPost`` tree (parents, replies); missing ones skipped."""
    if not isinstance(node, dict) or "post" not in node:
        return
    yield node["post"]
    yield from _thread_posts(node.get("parent"))
    for child in node.get("replies") or []:
        yield from _thread_posts(child)


@guarded_loader
def load(
    folder: Path,
    accounts: pd.DataFrame,
    year: int,
    window: tuple[dt.date, dt.date],
    on_bad: str = "error",
    *,
    is_question: Callable[[str], bool] | None = None,
    organisation_domains: tuple[str, ...] = GOVERNMENT_DOMAINS,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Turn the stored Bluesky responses in ``folder`` into tidy ``posts`` and ``citizen_messages``.

    Rules (as :func:`helpers.collect.mastodon.load`, in Bluesky's terms)
    -------------------------------------------------------------------
    * Posts: the feed items of a municipal account created in the window: ``repost`` (``reason`` is
      a ``reasonRepost``; id = the repost record's uri, time = its ``indexedAt``), ``reply``
      (``record.reply.parent``), ``quote`` (an ``app.bsky.embed.record`` embed), else ``original``.
      ``conversation_id`` = ``record.reply.root`` (the post itself for a thread root). A reply's
      ``reply_to``: ``self`` when the parent's author (the DID in its AT URI) is the account,
      ``organisation`` for another municipal account or a handle under ``organisation_domains``,
      else ``citizen``.
    * Citizen messages: posts by others (not organisations), in the feed's hydrated replies or the
      threads, whose parent is a municipal post or whose text mentions a municipal account (a
      mention facet); all ``addressed``. First reply: the municipality's earliest post below the
      message in the thread. Handles and texts are not kept.

    Parameters and returns as :func:`helpers.collect.mastodon.load`.
    """
    from helpers.collect.questions import theme_of

    if is_question is None:
        from helpers.collect.questions import is_question as default_rule

        is_question = default_rule
    skips = Skips(on_bad)
    start, end = window_bounds(window)
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), "no Bluesky raw data here; run the Bluesky collector first")
    by_handle = {}
    for _, row in accounts.loc[accounts["platform"] == PLATFORM].iterrows():
        try:
            by_handle[handle_of(row["handle"])] = row
        except ValueError as exc:
            skips.report(DataError("accounts", str(exc), column="handle"))
    munis: dict[str, dict[str, str]] = {}  # DID -> gm_code, account_id
    posts: dict[str, _Post] = {}
    handles: dict[str, str] = {}  # DID -> handle (organisation check only)
    feed_items: list[tuple[str, dict[str, Any], Path, int]] = []

    def add(raw: Any, file: Path, row: int) -> _Post | None:
        p = _post(raw, file, row, skips)
        if p is None:
            return None
        seen = posts.get(p.uri)
        if seen is not None and (seen.created_at, seen.author) != (p.created_at, p.author):
            skips.report(
                DataError(
                    str(file),
                    f"duplicate post {p.uri} with a different time or author",
                    row=row,
                    column="uri",
                )
            )
            return None
        posts.setdefault(p.uri, p)
        handles.setdefault(p.author, str(raw["author"].get("handle") or "").lower())
        return p

    for sub in sorted(p for p in folder.iterdir() if (p / "feed").is_dir()):
        if sub.name.lower() not in by_handle:
            skips.report(
                DataError(
                    str(sub),
                    f"account @{sub.name} belongs to no municipality in the accounts table "
                    f"(platform {PLATFORM}, year {year})",
                    column="handle",
                )
            )
            continue
        row = by_handle[sub.name.lower()]
        did = None
        for page in sorted((sub / "feed").glob("page-*.json")):
            data = load_json_file(page, skips)
            if data is None:
                continue
            if not isinstance(data, dict) or not isinstance(data.get("feed"), list):
                skips.report(DataError(str(page), "a getAuthorFeed page must have a feed array"))
                continue
            for i, item in enumerate(data["feed"], 1):
                if not isinstance(item, dict):
                    skips.report(DataError(str(page), "a feed item must be an object", row=i))
                    continue
                reason = item.get("reason") or {}
                if reason.get("$type") == REPOST:
                    by = reason.get("by") or {}
                    if str(by.get("handle", "")).lower() == sub.name.lower():
                        did = did or by.get("did")
                else:
                    author = (item.get("post") or {}).get("author") or {}
                    if str(author.get("handle", "")).lower() == sub.name.lower():
                        did = did or author.get("did")
                for part in ("root", "parent"):
                    hydrated = (item.get("reply") or {}).get(part)
                    if isinstance(hydrated, dict) and "author" in hydrated:
                        add(hydrated, page, i)
                if reason.get("$type") != REPOST and add(item.get("post"), page, i) is None:
                    continue
                feed_items.append((sub.name, item, page, i))
        for tfile in sorted((sub / "thread").glob("*.json")):
            data = load_json_file(tfile, skips)
            if data is None:
                continue
            if not isinstance(data, dict) or "thread" not in data:
                skips.report(DataError(str(tfile), "a getPostThread response must have a thread"))
                continue
            for i, raw in enumerate(_thread_posts(data["thread"]), 1):
                add(raw, tfile, i)
        if did:
            munis[str(did)] = {
                "gm_code": str(row["gm_code"]),
                "account_id": str(row["account_id"]),
                "handle": sub.name.lower(),
            }

    def is_org(did: str) -> bool:
        h = handles.get(did, "")
        return did in munis or any(h == d or h.endswith("." + d) for d in organisation_domains)

    post_rows = []
    done: set[str] = set()
    by_handle_did = {v["handle"]: (k, v) for k, v in munis.items()}
    for name, item, page, i in feed_items:
        if name.lower() not in by_handle_did:
            continue
        own_did, info = by_handle_did[name.lower()]
        reason = item.get("reason") or {}
        post = item.get("post") or {}
        if reason.get("$type") == REPOST:
            try:
                created = parse_time(
                    reason.get("indexedAt"), file=str(page), column="reason.indexedAt", row=i
                )
            except DataError as err:
                skips.report(err)
                continue
            pid = str(reason.get("uri") or f"{post.get('uri')}#repost-by-{own_did}")
            kind, parent, conversation, reply_to = "repost", None, None, None
        else:
            p = posts[str(post.get("uri"))]
            if p.author != own_did:
                continue
            pid, created = p.uri, p.created_at
            embed = (p.raw.get("record") or {}).get("embed") or {}
            parent, conversation, reply_to = None, p.root or p.uri, None
            if p.parent:
                kind, parent = "reply", p.parent
                parent_did = did_of(p.parent)
                reply_to = (
                    "self"
                    if parent_did == own_did
                    else "organisation"
                    if is_org(parent_did)
                    else "citizen"
                )
            elif embed.get("$type") in QUOTE_EMBEDS:
                kind = "quote"
            else:
                kind = "original"
        if pid in done:
            continue
        done.add(pid)
        if not start <= created < end:
            skips.count(str(page), f"post {pid} outside the window {window[0]}..{window[1]}", row=i)
            continue
        post_rows.append(
            {
                "post_id": pid,
                "platform": PLATFORM,
                "gm_code": info["gm_code"],
                "account_id": info["account_id"],
                "created_at": created,
                "kind": kind,
                "in_reply_to_id": parent,
                "conversation_id": conversation,
                "reply_to": reply_to,
            }
        )

    parents = {uri: p.parent for uri, p in posts.items()}
    own_replies: dict[str, list[tuple[str, pd.Timestamp]]] = {}
    for uri, p in posts.items():
        if p.author in munis and p.parent:
            own_replies.setdefault(munis[p.author]["gm_code"], []).append((uri, p.created_at))

    msg_rows = []
    for uri, p in posts.items():
        if is_org(p.author):
            continue
        target = munis.get(did_of(p.parent)) if p.parent else None
        if target is None:
            for facet in (p.raw.get("record") or {}).get("facets") or []:
                for feature in facet.get("features") or []:
                    if feature.get("$type") == MENTION and feature.get("did") in munis:
                        target = target or munis[feature["did"]]
        if target is None:
            continue
        if not start <= p.created_at < end:
            skips.count(uri, f"citizen post outside the window {window[0]}..{window[1]}")
            continue
        text = str((p.raw.get("record") or {}).get("text") or "")
        reply_id, reply_at = first_reply(
            uri, p.created_at, parents, own_replies.get(target["gm_code"], [])
        )
        msg_rows.append(
            {
                "msg_id": uri,
                "platform": PLATFORM,
                "gm_code": target["gm_code"],
                "created_at": p.created_at,
                "addressed": True,
                "is_question": bool(is_question(text)),
                "theme": theme_of(text),
                "first_reply_post_id": reply_id,
                "first_reply_at": reply_at,
            }
        )
    return tidy_frame(post_rows, POST_COLUMNS), tidy_frame(msg_rows, MSG_COLUMNS), skips.frame()
