"""What the ``roeptoeter`` sub-commands share: exit codes, the year check, which errors are a server's.

Imports nothing from helpers.cli's other modules; helpers.core only (and the platform libraries
inside :func:`_is_platform_error`).
"""

from __future__ import annotations

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _is_platform_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a server's or the network's error (not a bug of ours)."""
    import requests
    from atproto_client.exceptions import AtProtocolError
    from mastodon.errors import MastodonError

    return isinstance(exc, MastodonError | AtProtocolError | requests.RequestException)


def _check_year(year: int) -> None:
    from helpers.core.errors import ParameterError
    from helpers.core.years import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ParameterError(f"--year {year}: unknown year; the register covers "
                             f"{FIRST_YEAR}-{LAST_YEAR}")
