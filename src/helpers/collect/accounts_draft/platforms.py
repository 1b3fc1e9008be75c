"""Where the account-list draft finds accounts: a Mastodon server's directory of local accounts and
Bluesky handle resolution, each response stored as received under ``data/raw/<Y>/accounts-draft/``
(a rerun asks nothing twice) and read back as :class:`~.matching.Found` accounts.

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from helpers.collect.accounts_draft.matching import Found, normalise
from helpers.collect.bluesky import GOVERNMENT_DOMAINS
from helpers.collect.http import RawStore, safe_name
from helpers.collect.mastodon import GOVERNMENT_INSTANCES
from helpers.collect.retry import with_retries
from helpers.core.errors import DataError

USER_AGENT = "Roeptoeter research collector (+https://github.com/roeptoeter)"


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

    from helpers.collect.mastodon.client import _classify
    from helpers.collect.social_api import LastResponse

    host = urlparse(url).netloc or url
    store = RawStore(Path(dest) / safe_name(host) / "directory")
    last = LastResponse()
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

    from helpers.collect.bluesky.client import _classify
    from helpers.collect.social_api import LastResponse

    host = urlparse(server).netloc or server
    store = RawStore(Path(dest) / safe_name(host) / "resolve")
    last = LastResponse(read_body=True)
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
