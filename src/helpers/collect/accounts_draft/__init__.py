"""A draft account list for a current year: Mastodon directories and Bluesky handles matched by name.

``roeptoeter accounts draft --year Y`` reads (and first fetches and stores, when given a URL or a
server) two kinds of public responses:

* the profile directory of a Mastodon server's local accounts (``GET /api/v1/directory?local=true``,
  offset paging; Mastodon.py's ``directory()``), e.g. ``https://social.overheid.nl``;
* Bluesky handle resolution (``com.atproto.identity.resolveHandle``) of candidate handles, given in
  a file (one per line) or generated from the register's names (``gemeente<name>.bsky.social``).

Responses are stored as received under ``data/raw/<Y>/accounts-draft/`` (a rerun asks nothing
twice). Each account's names (Mastodon user name and display name; a Bluesky handle's labels
without the hosting domain, :func:`handle_names`) are normalised (:func:`normalise`) and matched to
the register of 1 January of the year:

* exactly one municipality with the same normalised name -> ``match=exact``; ``confirm=yes`` when
  the server vouches for a government account (a Mastodon government instance such as
  ``social.overheid.nl``, a Bluesky handle under ``overheid.nl``), else ``confirm=TODO``: on open
  servers anyone can register ``gemeente<name>``;
* several municipalities with that name (``Bergen``) -> one row each, ``match=ambiguous``,
  ``confirm=TODO``;
* otherwise the most similar name with a :class:`difflib.SequenceMatcher` ratio of at least
  :data:`FUZZY_RATIO` -> ``match=fuzzy``, ``confirm=TODO``;
* else a name "Gemeente <name> <more words>" (a department or service account, "Gemeente Utrecht
  Afval") -> ``match=theme``, ``kind=theme``, ``confirm=TODO`` (:func:`theme_of_name`);
* no match -> not proposed (counted in the summary).

The draft (``accounts.draft.csv``) has the columns of ``accounts.csv`` plus ``match``,
``confidence`` (1.0 for exact, else the ratio), ``source`` and ``confirm``. It is a proposal: the
researcher checks every row and copies the confirmed ones into ``accounts.csv``; an account list that
still has a ``confirm`` column with a row other than ``yes`` is refused by :func:`check_confirmed`.

Modules: :mod:`.matching` (names normalised and matched to the register; the draft table written and
checked), :mod:`.platforms` (the Mastodon directory and Bluesky handle resolution: fetched, stored as
received, read). This package re-exports their public API.

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from helpers.collect.accounts_draft.matching import (
    ALIASES,
    DRAFT_COLUMNS,
    FUZZY_RATIO,
    Found,
    build,
    check_confirmed,
    match,
    normalise,
    register_keys,
    theme_of_name,
    write,
)
from helpers.collect.accounts_draft.platforms import (
    USER_AGENT,
    candidate_handles,
    fetch_mastodon_directory,
    handle_names,
    read_candidates,
    read_mastodon_directory,
    read_resolved,
    resolve_handles,
)

__all__ = [
    "ALIASES",
    "DRAFT_COLUMNS",
    "FUZZY_RATIO",
    "USER_AGENT",
    "Found",
    "build",
    "candidate_handles",
    "check_confirmed",
    "fetch_mastodon_directory",
    "handle_names",
    "match",
    "normalise",
    "read_candidates",
    "read_mastodon_directory",
    "read_resolved",
    "register_keys",
    "resolve_handles",
    "theme_of_name",
    "write",
]
