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

Modules: :mod:`.ids` (handles, DIDs and record types), :mod:`.client` (the collector),
:mod:`.importer` (the importer); the parts shared with Mastodon are in
:mod:`helpers.collect.social_api`. This package re-exports their public API.

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from helpers.collect.bluesky.client import collect
from helpers.collect.bluesky.ids import (
    GOVERNMENT_DOMAINS,
    HANDLE_ENV,
    MENTION,
    PASSWORD_ENV,
    PLATFORM,
    PUBLIC_APPVIEW,
    QUOTE_EMBEDS,
    REPOST,
    did_of,
    handle_of,
)
from helpers.collect.bluesky.importer import load

__all__ = [
    "GOVERNMENT_DOMAINS",
    "HANDLE_ENV",
    "MENTION",
    "PASSWORD_ENV",
    "PLATFORM",
    "PUBLIC_APPVIEW",
    "QUOTE_EMBEDS",
    "REPOST",
    "collect",
    "did_of",
    "handle_of",
    "load",
]
