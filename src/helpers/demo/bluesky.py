"""Synthetic Bluesky responses for the current demo years, stored as the Bluesky collector stores them.

Layout under ``<dest>/bluesky/<handle>/`` (see :mod:`helpers.collect.bluesky`): ``feed/page-NNNN.json``
(``app.bsky.feed.getAuthorFeed``, ``posts_with_replies``: own posts with their hydrated ``reply.root``
and ``reply.parent``, reposts with a ``reasonRepost``; newest first, 100 a page, the ``cursor`` the
time of a page's last item, until a page reaches before the window), ``thread/<rkey>.json``
(``app.bsky.feed.getPostThread`` of every own post in the window: the ``parent`` chain and nested
``replies``) and ``index.json`` (the collector's resume state, complete). Bodies are the AppView's
JSON (``postView``, ``threadViewPost``, as in the loopback fixtures); every response object carries
``"synthetic": true`` and so does every post record (an extra field, which the lexicon allows).

Record keys are TIDs of the post's time; CIDs are CIDv1 (dag-cbor, sha-256) of the post's URI; DIDs
``did:plc:`` plus 24 base32 characters derived from the account. The conversations come from
:func:`helpers.demo.current.converse`, with its stated assumptions. Imports nothing from
:mod:`helpers.collect`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from helpers.demo.current import Conversations, did_for
from helpers.demo.timing import _iso1

PAGE_LIMIT = 100
THREAD = "app.bsky.feed.defs#threadViewPost"
REPOST = "app.bsky.feed.defs#reasonRepost"
MENTION = "app.bsky.richtext.facet#mention"
#: The organisation's handle: under politie.nl, a government domain of the importer.
ORG_HANDLE = "politie.nl"
_B32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"


def tid(ms: int, clock: int) -> str:
    """A record key (TID) of time ``ms`` (UTC epoch ms): 13 base32-sortable characters."""
    value = ((int(ms) * 1000) << 10) | (int(clock) % 1024)
    out = []
    for _ in range(13):
        out.append(_B32_SORTABLE[value & 31])
        value >>= 5
    return "".join(reversed(out))


def cid_for(uri: str) -> str:
    """A CIDv1 (dag-cbor, sha-256, base32) derived from ``uri``."""
    raw = bytes([0x01, 0x71, 0x12, 0x20]) + hashlib.sha256(uri.encode()).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def _dump(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _profile(did: str, handle: str, display: str) -> dict:
    return {"createdAt": "2024-11-10T00:00:00.000Z", "did": did, "displayName": display,
            "handle": handle, "labels": []}


def write_account(conv: Conversations, dest: Path, handle: str, did: str, name: str, city: int,
                  window: tuple[str, str], bounds: tuple[int, int]) -> list[Path]:
    """Write one municipal account's stored Bluesky responses under ``dest`` and return the files.

    Parameters
    ----------
    conv : Conversations
        The account's simulated quarter (:func:`helpers.demo.current.converse`).
    dest : Path
        ``<demo>/bluesky/``; the account's folder ``<handle>`` is made in it.
    handle, did, name : str
        The account's handle and DID, and the municipality's short name.
    city : int
        A number of the municipality (its gemeente code number), to keep citizens' DIDs apart.
    window : (str, str)
        The window's first and last day (ISO dates): the resume state's key.
    bounds : (int, int)
        The window's start and end (UTC epoch ms, half-open).

    Returns
    -------
    list of Path
        The files written.
    """
    lo, _ = bounds
    folder = Path(dest) / handle
    profiles = {"muni": _profile(did, handle, f"Gemeente {name}"),
                "org": _profile(did_for("org:politie"), ORG_HANDLE, "Politie")}
    for k, (display, username) in enumerate(conv.citizens):
        profiles[f"c{k}"] = _profile(did_for(f"citizen:{city}:{k}"), f"{username}.bsky.social",
                                     display)
    visible = conv.visible()
    order = sorted(visible, key=lambda k: (conv.items[k].at, k))
    uris, views = {}, {}
    for n, k in enumerate(order):
        it = conv.items[k]
        prof = profiles[it.author]
        collection = "app.bsky.feed.repost" if it.kind == "repost" else "app.bsky.feed.post"
        uris[k] = f"at://{prof['did']}/{collection}/{tid(it.at, n)}"
    for k in order:
        it = conv.items[k]
        if it.kind == "repost":
            continue
        text, record = it.text, {"$type": "app.bsky.feed.post", "createdAt": _iso1(it.at),
                                 "langs": ["nl"]}
        if it.mention and it.parent is None:  # a mention that starts a thread
            target = profiles[it.mention]["handle"]
            text = f"@{target} {text}"
            record["facets"] = [{"features": [{"$type": MENTION,
                                               "did": profiles[it.mention]["did"]}],
                                 "index": {"byteEnd": len(target.encode()) + 1, "byteStart": 0}}]
        record["text"] = text
        if it.parent is not None:
            root = conv.root(k)
            record["reply"] = {"parent": {"cid": cid_for(uris[it.parent]), "uri": uris[it.parent]},
                               "root": {"cid": cid_for(uris[root]), "uri": uris[root]}}
        if it.kind == "quote":
            record["embed"] = {"$type": "app.bsky.embed.record",
                               "record": {"cid": cid_for(uris[it.ref]), "uri": uris[it.ref]}}
        record["synthetic"] = True
        views[k] = {"author": profiles[it.author], "cid": cid_for(uris[k]),
                    "indexedAt": _iso1(it.at), "labels": [], "likeCount": 0, "quoteCount": 0,
                    "record": record, "replyCount": 0, "repostCount": 0, "uri": uris[k]}
    # the author feed: own posts (replies hydrated) and reposts, newest first
    feed = []
    for k in conv.own():
        it = conv.items[k]
        if it.kind == "repost":
            item = {"post": views[it.ref],
                    "reason": {"$type": REPOST, "by": profiles["muni"], "cid": cid_for(uris[k]),
                               "indexedAt": _iso1(it.at), "uri": uris[k]}}
        else:
            item = {"post": views[k]}
            if it.parent is not None:
                item["reply"] = {"root": views[conv.root(k)], "parent": views[it.parent]}
        feed.append((it.at, k, item))
    feed.sort(key=lambda x: (x[0], x[1]), reverse=True)
    paths, pages, cursor = [], [], None
    for p in range(0, max(len(feed), 1), PAGE_LIMIT):
        chunk = feed[p:p + PAGE_LIMIT]
        body: dict[str, Any] = {"feed": [item for _, _, item in chunk]}
        if chunk:
            body["cursor"] = _iso1(chunk[-1][0])
        body["synthetic"] = True
        raw = _dump(body)
        name = f"feed/page-{len(pages) + 1:04d}.json"
        paths.append(_put(folder / name, raw))
        pages.append({"cursor": cursor, "file": name, "sha256": hashlib.sha256(raw).hexdigest()})
        cursor = body.get("cursor")
        if not chunk or min(at for at, _, _ in chunk) < lo:
            break
    # the thread of every own post in the window (not reposts)
    kids = conv.children()

    def down(j: int) -> dict:
        return {"$type": THREAD, "post": views[j], "replies": [down(c) for c in kids.get(j, [])]}

    for k in conv.own():
        it = conv.items[k]
        if it.kind == "repost" or it.at < lo:
            continue
        view = down(k)
        node, up = view, it.parent
        while up is not None:
            node["parent"] = {"$type": THREAD, "post": views[up]}
            node, up = node["parent"], conv.items[up].parent
        paths.append(_put(folder / "thread" / f"{uris[k].rsplit('/', 1)[-1]}.json",
                          _dump({"thread": view, "synthetic": True})))
    state = {"feeds": {f"{window[0]}_{window[1]}": {"complete": True, "cursor": cursor,
                                                   "pages": pages}}, "synthetic": True}
    paths.append(_put(folder / "index.json",
                      (json.dumps(state, indent=1, sort_keys=True) + "\n").encode("utf-8")))
    return paths


def _put(path: Path, body: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path
