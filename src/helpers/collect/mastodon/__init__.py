"""Mastodon: a collector (Mastodon.py) for municipal accounts and an importer into the tidy tables.

Dutch government bodies run an instance of their own (``social.overheid.nl``); a handle
``@user@instance`` gives the server to ask (``https://instance``).

Raw layout under ``dest`` (``data/raw/<year>/mastodon/``), one folder per account ``user@instance``:

* ``account.json`` — ``GET /api/v1/accounts/lookup?acct=user@instance``
* ``statuses/page-NNNN.json`` — ``GET /api/v1/accounts/:id/statuses`` pages, newest first
* ``context/<status id>.json`` — ``GET /api/v1/statuses/:id/context`` of each status in the window
* ``index.json`` — resume state: the pages fetched per window, with the next page's ``max_id``

Each body is stored as received. The first page starts at the window's end: Mastodon status ids are
"snowflakes" (milliseconds since 1970 shifted left by 16 bits), so ``max_id`` = the snowflake of the
window's end skips everything newer; paging (``fetch_next``, the ``Link`` header) stops at the first
status older than the window.

Rate limits: requests run with Mastodon.py's ``ratelimit_method="throw"`` and are retried here after
``Retry-After`` / ``X-RateLimit-Reset`` (or exponential backoff), as are 5xx and network errors.
The access token, optional (public accounts need none), comes only from
``ROEPTOETER_MASTODON_TOKEN``.

Modules: :mod:`.ids` (handles, instances, snowflake ids), :mod:`.client` (the collector),
:mod:`.importer` (the importer); the parts shared with Bluesky are in
:mod:`helpers.collect.social_api`. This package re-exports their public API.

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from helpers.collect.mastodon.client import collect
from helpers.collect.mastodon.ids import (
    GOVERNMENT_INSTANCES,
    PLATFORM,
    TOKEN_ENV,
    USER_AGENT,
    acct_of,
    api_base_url_for,
    parse_handle,
    snowflake,
)
from helpers.collect.mastodon.importer import load

__all__ = [
    "GOVERNMENT_INSTANCES",
    "PLATFORM",
    "TOKEN_ENV",
    "USER_AGENT",
    "acct_of",
    "api_base_url_for",
    "collect",
    "load",
    "parse_handle",
    "snowflake",
]
