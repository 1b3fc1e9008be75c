"""Mastodon handles, instances and ids: ``@user@instance`` -> the account name and the server to ask;
the snowflake id of a time (where paging starts).

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

import pandas as pd

PLATFORM = "mastodon"
TOKEN_ENV = "ROEPTOETER_MASTODON_TOKEN"
#: Instances run by government bodies: their accounts count as organisations, not citizens.
GOVERNMENT_INSTANCES = ("social.overheid.nl",)
USER_AGENT = "Roeptoeter research collector (+https://github.com/roeptoeter)"


def parse_handle(handle: str) -> tuple[str, str]:
    """``"@user@instance"`` (or ``"user@instance"``) -> ``("user", "instance")``, instance lower.

    Raises
    ------
    ValueError
        When the handle does not name an instance.
    """
    parts = str(handle).strip().lstrip("@").split("@")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"Mastodon handle {handle!r} must look like @user@instance")
    return parts[0], parts[1].lower()


def acct_of(handle: str) -> str:
    """The canonical account name ``user@instance`` (instance lower-cased)."""
    user, instance = parse_handle(handle)
    return f"{user}@{instance}"


def api_base_url_for(handle: str) -> str:
    """The API base URL of the account's home instance: ``https://<instance>``."""
    return f"https://{parse_handle(handle)[1]}"


def snowflake(ts: pd.Timestamp) -> int:
    """The smallest Mastodon snowflake id of time ``ts`` (ms since 1970 << 16)."""
    return int(pd.Timestamp(ts).timestamp() * 1000) << 16
