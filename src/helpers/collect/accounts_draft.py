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
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from helpers.collect.bluesky import GOVERNMENT_DOMAINS
from helpers.collect.http import RawStore, safe_name
from helpers.collect.mastodon import GOVERNMENT_INSTANCES
from helpers.collect.retry import with_retries
from helpers.errors import DataError
from helpers.io import atomic_path

#: Lowest :class:`difflib.SequenceMatcher` ratio for a fuzzy proposal.
FUZZY_RATIO = 0.85
#: Columns of the draft: accounts.csv's, then the review columns.
DRAFT_COLUMNS = ["gm_code", "platform", "account_id", "handle", "kind", "first_seen", "note",
                 "match", "confidence", "source", "confirm"]
#: Other names a municipality is commonly known by (register name -> names).
ALIASES = {"'s-Gravenhage": ("Den Haag",), "'s-Hertogenbosch": ("Den Bosch",)}
USER_AGENT = "Roeptoeter research collector (+https://github.com/roeptoeter)"


def normalise(name: str) -> str:
    """A municipality or account name reduced for matching.

    Lower case, accents removed (``Súdwest`` -> ``sudwest``), a leading ``'s-``/``s-`` kept as
    ``s``, the words "gemeente"/"gem."/"municipality (of)" in front dropped (and "gemeente" glued
    to the front of a handle), a disambiguation in parentheses (``Bergen (NH.)``) dropped, and
    every character but letters and digits removed (hyphens, spaces, apostrophes).
    ``"Gemeente 's-Hertogenbosch"`` -> ``"shertogenbosch"``; ``"gemeenteutrecht"`` -> ``"utrecht"``.
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().strip()
    text = re.sub(r"\([^()]*\)", " ", text)
    text = text.replace("\u2019", "'").strip()
    text = re.sub(r"^(?:gemeente|gem\.|municipality of|municipality)[\s:-]+", "", text)
    squashed = re.sub(r"[^a-z0-9]", "", text)
    if squashed.startswith("gemeente") and len(squashed) > len("gemeente") + 1:
        squashed = squashed[len("gemeente"):]  # a handle: gemeenteutrecht
    return squashed


def register_keys(municipalities: pd.DataFrame) -> dict[str, list[tuple[str, str]]]:
    """Normalised name -> ``[(gm_code, register name), ...]`` for a register table.

    Each municipality is listed under its name, its short name and its :data:`ALIASES`.
    """
    keys: dict[str, list[tuple[str, str]]] = {}
    for row in municipalities.itertuples(index=False):
        names = {row.name, row.short_name, *ALIASES.get(row.name, ())}
        for n in names:
            k = normalise(n)
            if k and (row.gm_code, row.name) not in keys.get(k, []):
                keys.setdefault(k, []).append((row.gm_code, row.name))
    return keys


@dataclass(frozen=True)
class Found:
    """One account found on a platform, before matching.

    Attributes
    ----------
    platform : str
        ``mastodon`` or ``bluesky``.
    account_id, handle : str
        As in ``accounts.csv`` (Mastodon: ``user@instance``; Bluesky: the handle, id the DID).
    names : tuple of str
        The texts matched to the register (user name, display name; handle label).
    first_seen : str
        ISO 8601 creation time when the platform gives one, else empty.
    source : str
        Where it was found (``mastodon directory social.overheid.nl``).
    vouched : bool
        True when the account's server vouches that it is a government body's: a Mastodon account
        on a government instance, a Bluesky handle under a government domain. On open servers
        (``mastodon.social``, ``bsky.social``) anyone can register ``gemeente<name>``.
    """

    platform: str
    account_id: str
    handle: str
    names: tuple[str, ...]
    first_seen: str
    source: str
    vouched: bool = False


def match(found: Found, keys: dict[str, list[tuple[str, str]]],
          ratio: float = FUZZY_RATIO) -> list[dict[str, Any]]:
    """The draft rows proposed for one account (empty when no name matches).

    Parameters
    ----------
    found : Found
        The account.
    keys : dict
        :func:`register_keys` of the year's register.
    ratio : float
        Lowest similarity (0-1) for a fuzzy proposal.

    Returns
    -------
    list of dict
        Rows with :data:`DRAFT_COLUMNS`; one for an exact, fuzzy or theme match, one per
        municipality for an ambiguous name.
    """
    normed = [k for k in dict.fromkeys(normalise(n) for n in found.names) if k]
    for k in normed:
        hits = keys.get(k)
        if hits:
            kind = "exact" if len(hits) == 1 else "ambiguous"
            text = next(x for x in found.names if normalise(x) == k)
            return [_row(found, code, name, kind, 1.0, text) for code, name in hits]
    best: tuple[float, str, str] | None = None
    for k in normed:
        for cand in difflib.get_close_matches(k, list(keys), n=3, cutoff=ratio):
            r = difflib.SequenceMatcher(None, k, cand).ratio()
            text = next(x for x in found.names if normalise(x) == k)
            if best is None or r > best[0]:
                best = (r, cand, text)
    if best is not None:
        r, cand, text = best
        return [_row(found, code, name, "fuzzy", round(r, 3), text) for code, name in keys[cand]]
    for text in found.names:
        hits = theme_of_name(text, keys)
        if hits:
            return [_row(found, code, name, "theme", 1.0, text, kind="theme")
                    for code, name in hits]
    return []


def theme_of_name(text: str, keys: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The municipality a department or service account names: ``"Gemeente Utrecht Afval"``.

    Only a name that starts with the word "Gemeente" (an explicit claim) and continues with a
    municipality's full name, followed by more words, counts; the longest such name wins. A bare
    prefix of letters is not enough (``"Utrechts Nieuwsblad"`` names no municipality).

    Returns
    -------
    list of (gm_code, register name)
        Empty when the name is not of that form.
    """
    words = re.split(r"[\s:/|,]+", str(text).strip())
    if len(words) < 3 or normalise(words[0]) != "gemeente":
        return []
    for n in range(len(words) - 2, 0, -1):
        hits = keys.get(normalise(" ".join(words[1 : 1 + n])))
        if hits:
            return hits
    return []


def _row(found: Found, code: str, name: str, how: str, confidence: float,
         text: str, kind: str = "corporate") -> dict[str, Any]:
    return {
        "gm_code": code,
        "platform": found.platform,
        "account_id": found.account_id,
        "handle": found.handle,
        "kind": kind,
        "first_seen": found.first_seen,
        "note": f"{name} (register) ~ {text!r}",
        "match": how,
        "confidence": confidence,
        "source": found.source,
        "confirm": "yes" if how == "exact" and found.vouched else "TODO",
    }


# -------------------------------------------------------------------------------------------------
# Mastodon: the profile directory of a server's local accounts


def fetch_mastodon_directory(url: str, dest: Path, *, limit: int = 80, timeout: float = 30.0,
                             max_attempts: int = 5, sleep: Callable[[float], None] = time.sleep,
                             max_pages: int = 1000) -> Path:
    """Fetch and store ``GET /api/v1/directory?local=true`` of the server at ``url``, all pages.

    Pages already stored (a rerun, or a run resumed after an interruption) are not asked again.

    Parameters
    ----------
    url : str
        The server, e.g. ``https://social.overheid.nl``.
    dest : Path
        ``data/raw/<Y>/accounts-draft/mastodon/``; pages go to ``<host>/directory/page-NNNN.json``.
    limit : int
        Accounts per page (Mastodon allows at most 80).
    timeout, max_attempts, sleep
        As in :func:`helpers.collect.mastodon.collect`.
    max_pages : int
        A guard against a server that never returns an empty page.

    Returns
    -------
    Path
        The folder holding the stored pages.
    """
    import requests
    from mastodon import Mastodon

    from helpers.collect.mastodon import _classify, _LastResponse

    host = urlparse(url).netloc or url
    store = RawStore(Path(dest) / safe_name(host) / "directory")
    last = _LastResponse()
    session = requests.Session()
    session.hooks["response"].append(last)
    api = Mastodon(api_base_url=url.rstrip("/"), ratelimit_method="throw",
                   request_timeout=timeout, session=session, version_check_mode="none",
                   user_agent=USER_AGENT)
    try:
        for n in range(1, max_pages + 1):
            rel = f"page-{n:04d}.json"
            if store.has(rel):
                body = store.read(rel)
            else:
                offset = (n - 1) * limit
                with_retries(lambda o=offset: api.directory(offset=o, limit=limit, local=True),
                             _classify(last), sleep=sleep, clock=time.time,
                             max_attempts=max_attempts)
                body = last.response.content
                store.put(rel, body)
            page = json.loads(body)
            if not isinstance(page, list) or len(page) < limit:
                break
    finally:
        session.close()
    return store.folder


def read_mastodon_directory(path: Path) -> list[Found]:
    """The local accounts in stored directory pages (a page file, or a folder of ``*.json``).

    Raises
    ------
    DataError
        A page that is not a JSON array of accounts with ``id`` and ``username``.
    """
    path = Path(path)
    files = sorted(p for p in path.rglob("*.json") if p.name != "index.json") \
        if path.is_dir() else [path]
    if not files:
        raise DataError(str(path), "no stored directory pages (*.json) here")
    out: dict[str, Found] = {}
    for file in files:
        try:
            page = json.loads(file.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(str(file), f"not a readable JSON file ({type(exc).__name__})") from None
        if not isinstance(page, list):
            raise DataError(str(file), "a directory page must be a JSON array of accounts")
        for i, acc in enumerate(page, 1):
            if not isinstance(acc, dict) or not acc.get("id") or not acc.get("username"):
                raise DataError(str(file), "an account must be an object with id and username",
                                row=i)
            host = urlparse(str(acc.get("url") or "")).hostname or ""
            acct = str(acc.get("acct") or acc["username"])
            if "@" in acct:  # a remote account: the directory was not asked with local=true
                continue
            handle = f"{acc['username']}@{host.lower()}" if host else str(acc["username"])
            names = (str(acc["username"]), str(acc.get("display_name") or ""))
            out.setdefault(str(acc["id"]), Found(
                "mastodon", str(acc["id"]), handle, names, str(acc.get("created_at") or ""),
                f"mastodon directory {host}", host.lower() in GOVERNMENT_INSTANCES))
    return list(out.values())


# -------------------------------------------------------------------------------------------------
# Bluesky: handle resolution of candidate handles


def candidate_handles(municipalities: pd.DataFrame, domain: str = "bsky.social") -> list[str]:
    """``gemeente<name>.<domain>`` for every municipality of a register table (handle-safe names)."""
    out = []
    for row in municipalities.itertuples(index=False):
        key = normalise(row.short_name)
        if key:
            out.append(f"gemeente{key}.{domain}")
    return list(dict.fromkeys(out))


def read_candidates(path: Path) -> list[str]:
    """Candidate handles from a text file: one per line, ``@`` optional, ``#`` comments.

    Raises
    ------
    DataError
        A line that is not a handle (``name.domain``), naming the line.
    """
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except (OSError, UnicodeError) as exc:
        raise DataError(str(path), f"cannot be read ({type(exc).__name__})") from None
    out = []
    for i, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip().lstrip("@").lower()
        if not text:
            continue
        if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", text):
            raise DataError(str(path), "not a Bluesky handle (name.domain: letters, digits, "
                            "hyphens and dots)", row=i)
        out.append(text)
    return list(dict.fromkeys(out))


def resolve_handles(handles: Iterable[str], dest: Path, *, server: str,
                    timeout: float = 30.0, max_attempts: int = 5,
                    sleep: Callable[[float], None] = time.sleep) -> Path:
    """Resolve each handle with ``com.atproto.identity.resolveHandle`` and store the answers.

    A handle that resolves is stored as ``<handle>.json`` (``{"did": ...}`` as received); one that
    does not (HTTP 400) as ``<handle>.notfound.json`` (the error body). Stored handles are not asked
    again.

    Parameters
    ----------
    handles : iterable of str
        Bare handles, lower case.
    dest : Path
        ``data/raw/<Y>/accounts-draft/bluesky/``; answers go to ``<server host>/resolve/``.
    server : str
        The XRPC service, e.g. ``https://public.api.bsky.app``.

    Returns
    -------
    Path
        The folder holding the answers.
    """
    from atproto import Client
    from atproto_client import exceptions as ex
    from atproto_client.request import Request

    from helpers.collect.bluesky import _classify, _LastResponse

    host = urlparse(server).netloc or server
    store = RawStore(Path(dest) / safe_name(host) / "resolve")
    last = _LastResponse()
    client = Client(base_url=server.rstrip("/"), request=Request(
        timeout=timeout, event_hooks={"response": [last]}))
    try:
        for handle in handles:
            name = safe_name(handle)
            if store.has(f"{name}.json") or store.has(f"{name}.notfound.json"):
                continue
            try:
                with_retries(lambda h=handle: client.com.atproto.identity.resolve_handle(
                    params={"handle": h}), _classify, sleep=sleep, clock=time.time,
                    max_attempts=max_attempts)
                store.put(f"{name}.json", last.response.content)
            except ex.BadRequestError:
                store.put(f"{name}.notfound.json", last.response.content)
    finally:
        client.request.close()
    return store.folder


def handle_names(handle: str) -> tuple[str, ...]:
    """The names in a Bluesky handle that may be a municipality's: its labels without the hosting
    domain. ``gemeenteutrecht.bsky.social`` -> ``("gemeenteutrecht",)``; ``denhaag.nl`` ->
    ``("denhaag",)``; ``gemeente.utrecht.nl`` -> ``("gemeente", "utrecht")``."""
    labels = handle.lower().split(".")
    cut = 2 if handle.lower().endswith(".bsky.social") else 1
    return tuple(labels[:-cut]) or (labels[0],)


def read_resolved(folder: Path, source: str) -> tuple[list[Found], int]:
    """The resolved handles stored in ``folder`` and the number that did not resolve.

    Raises
    ------
    DataError
        An answer without a ``did``.
    """
    found, missing = [], 0
    for file in sorted(Path(folder).glob("*.json")):
        if file.name.endswith(".notfound.json"):
            missing += 1
            continue
        try:
            data = json.loads(file.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(str(file), f"not a readable JSON file ({type(exc).__name__})") from None
        if not isinstance(data, dict) or not str(data.get("did") or "").startswith("did:"):
            raise DataError(str(file), "a resolveHandle answer must hold a did", column="did")
        handle = file.name.removesuffix(".json")
        vouched = any(handle == d or handle.endswith("." + d) for d in GOVERNMENT_DOMAINS)
        found.append(Found("bluesky", str(data["did"]), handle, handle_names(handle), "", source,
                           vouched))
    return found, missing


# -------------------------------------------------------------------------------------------------
# The draft


def build(found: Iterable[Found], municipalities: pd.DataFrame,
          ratio: float = FUZZY_RATIO) -> tuple[pd.DataFrame, int]:
    """Match every account to the register and return the draft and the number not proposed.

    Returns
    -------
    draft : DataFrame
        :data:`DRAFT_COLUMNS`, sorted by platform, gm_code, handle.
    unmatched : int
        Accounts with no exact, ambiguous or fuzzy match (not in the draft).
    """
    keys = register_keys(municipalities)
    rows, unmatched = [], 0
    for f in found:
        proposed = match(f, keys, ratio)
        unmatched += not proposed
        rows.extend(proposed)
    draft = pd.DataFrame(rows, columns=DRAFT_COLUMNS)
    draft = draft.sort_values(["platform", "gm_code", "handle"], kind="stable")
    return draft.reset_index(drop=True), unmatched


def write(draft: pd.DataFrame, path: Path) -> Path:
    """Write the draft CSV atomically (UTF-8, ``\\n`` line ends, deterministic)."""
    buf = io.StringIO()
    draft.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        tmp.write_text(buf.getvalue(), "utf-8")
    return path


def check_confirmed(header: list[str], records: list[tuple[int, list[str]]], path: Path) -> None:
    """Refuse an account list that is a draft still holding unconfirmed rows.

    Parameters
    ----------
    header : list of str
        The CSV header.
    records : list of (row, fields)
        The data rows with their 1-based row numbers.
    path : Path
        The file (for the message).

    Raises
    ------
    DataError
        On the first row whose ``confirm`` is not ``yes``.
    """
    if "confirm" not in header:
        return
    col = header.index("confirm")
    for row, fields in records:
        value = fields[col].strip().lower() if col < len(fields) else ""
        if value != "yes":
            raise DataError(str(path), "this account list is an unreviewed draft (`roeptoeter "
                            "accounts draft`): the row is not confirmed (confirm must be yes); "
                            "check it, or copy only the confirmed rows into accounts.csv",
                            row=row, column="confirm")
