"""The Bluesky importer: stored responses -> the tidy ``posts`` and ``citizen_messages`` tables
(rules in :func:`load`).

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.collect.bluesky.ids import (
    GOVERNMENT_DOMAINS,
    MENTION,
    PLATFORM,
    QUOTE_EMBEDS,
    REPOST,
    did_of,
    handle_of,
)
from helpers.collect.http import Skips, load_json_file, parse_time
from helpers.collect.issues import guarded_loader
from helpers.collect.social_api import (
    accounts_by_handle,
    message_row,
    post_row,
    question_rule,
    tidy_tables,
    unknown_account,
)
from helpers.core.errors import DataError
from helpers.core.window import window_bounds


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
    is_question = question_rule(is_question)
    skips = Skips(on_bad)
    start, end = window_bounds(window)
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), "no Bluesky raw data here; run the Bluesky collector first")
    by_handle = accounts_by_handle(accounts, PLATFORM, handle_of, skips)
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
            skips.report(unknown_account(sub, sub.name, PLATFORM, year))
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
            post_row(PLATFORM, info, pid, created, kind, parent, conversation, reply_to)
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
        msg_rows.append(
            message_row(
                PLATFORM, uri, target["gm_code"], p.created_at, text, is_question, parents,
                own_replies,
            )
        )
    return tidy_tables(post_rows, msg_rows, skips)
