"""Bluesky handles, DIDs and the record types the collector and importer tell apart.

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

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
