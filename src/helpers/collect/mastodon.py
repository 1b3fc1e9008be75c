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
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
import requests

from helpers.collect.http import (
    MSG_COLUMNS,
    POST_COLUMNS,
    RawStore,
    Skips,
    first_reply,
    load_json_file,
    loose_time,
    parse_time,
    safe_name,
    secret,
    strip_html,
    tidy_frame,
    window_bounds,
)
from helpers.collect.issues import guarded_loader
from helpers.collect.retry import with_retries
from helpers.errors import DataError
from helpers.io import sha256

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


@dataclass
class _LastResponse:
    """A requests response hook that keeps the last response (its body is stored as received)."""

    response: requests.Response | None = None

    def __call__(self, r: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self.response = r
        return r


def _classify(last: _LastResponse) -> Callable[[BaseException], tuple[bool, Any]]:
    from mastodon.errors import MastodonNetworkError, MastodonRatelimitError, MastodonServerError

    def classify(exc: BaseException) -> tuple[bool, Any]:
        retry = isinstance(exc, MastodonRatelimitError | MastodonServerError | MastodonNetworkError)
        headers = last.response.headers if last.response is not None else None
        return retry, headers

    return classify


def collect(
    accounts: pd.DataFrame,
    dest: Path,
    *,
    since: dt.date,
    until: dt.date,
    api_base_url: str | None = None,
    limit: int = 40,
    contexts: bool = True,
    progress: bool = True,
    timeout: float = 30.0,
    max_attempts: int = 5,
    sleep: Callable[[float], None] = time.sleep,
) -> pd.DataFrame:
    """Fetch the statuses (and their reply threads) of the Mastodon accounts in ``accounts``.

    Resumes where an earlier, interrupted call stopped: pages and contexts already stored are not
    requested again, and stored files are never rewritten.

    Parameters
    ----------
    accounts : DataFrame
        The accounts table (schema ``accounts``); rows with ``platform == "mastodon"`` are
        collected, by ``handle`` (``@user@instance``).
    dest : Path
        ``data/raw/<year>/mastodon/``.
    since, until : date
        First and last day of the window (inclusive, Dutch calendar days).
    api_base_url : str, optional
        One server for every account (tests; a relay). Default: each account's home instance.
    limit : int
        Statuses per page (Mastodon allows at most 40).
    contexts : bool
        Also fetch each window status's context (ancestors and replies).
    progress : bool
        Show a tqdm progress bar.
    timeout : float
        Seconds per request.
    max_attempts : int
        Tries per request on 429, 5xx and network errors.
    sleep : callable
        Called with the seconds to wait (tests pass a recorder).

    Returns
    -------
    DataFrame
        Per account: ``handle``, ``pages`` (stored pages for this window), ``statuses`` (in the
        window), ``contexts`` (stored), ``requests`` (made by this call), ``written`` (files
        written by this call).
    """
    from mastodon import Mastodon
    from tqdm.auto import tqdm

    start, end = window_bounds((since, until))
    key = f"{since}_{until}"
    rows = sorted({acct_of(h) for h in accounts.loc[accounts["platform"] == PLATFORM, "handle"]})
    summary = []
    bar = tqdm(total=None, unit="req", desc="mastodon", disable=not progress)
    try:
        for acct in rows:
            last = _LastResponse()
            session = requests.Session()
            session.hooks["response"].append(last)
            api = Mastodon(
                api_base_url=api_base_url or api_base_url_for(acct),
                access_token=secret(TOKEN_ENV),
                ratelimit_method="throw",
                request_timeout=timeout,
                session=session,
                version_check_mode="none",
                user_agent=USER_AGENT,
            )
            counter = {"n": 0}

            def fetch(
                call: Callable[[], Any], last: _LastResponse = last, counter=counter
            ) -> tuple[Any, bytes]:
                def once() -> Any:
                    counter["n"] += 1
                    bar.update(1)
                    return call()

                result = with_retries(
                    once, _classify(last), sleep=sleep, clock=time.time, max_attempts=max_attempts
                )
                if last.response is None:
                    raise RuntimeError("Mastodon.py returned without an HTTP response")
                return result, last.response.content

            store = RawStore(Path(dest) / safe_name(acct))
            bar.set_description(f"mastodon {acct}")
            summary.append(
                _collect_account(api, fetch, store, acct, key, start, end, limit, contexts)
            )
            summary[-1]["requests"] = counter["n"]
            summary[-1]["written"] = store.written
            session.close()
    finally:
        bar.close()
    return pd.DataFrame(
        summary, columns=["handle", "pages", "statuses", "contexts", "requests", "written"]
    )


def _collect_account(
    api: Any,
    fetch: Callable[[Callable[[], Any]], tuple[Any, bytes]],
    store: RawStore,
    acct: str,
    key: str,
    start: pd.Timestamp,
    end: pd.Timestamp,
    limit: int,
    contexts: bool,
) -> dict[str, Any]:
    if store.has("account.json"):
        account = json.loads(store.read("account.json"))
    else:
        _, body = fetch(lambda: api.account_lookup(acct))
        store.put("account.json", body)
        account = json.loads(body)
    state = store.state()
    run = state.setdefault("timelines", {}).setdefault(
        key, {"pages": [], "next_max_id": str(snowflake(end)), "complete": False}
    )
    page_obj = None
    while not run["complete"]:
        if page_obj is not None:
            page_obj, body = fetch(lambda p=page_obj: api.fetch_next(p))
        else:
            max_id = run["next_max_id"]
            page_obj, body = fetch(
                lambda m=max_id: api.account_statuses(account["id"], max_id=m, limit=limit)
            )
        name = store.put(f"statuses/page-{len(run['pages']) + 1:04d}.json", body)
        statuses = json.loads(body)
        info = api.get_pagination_info(page_obj, "next") if page_obj is not None else None
        next_max_id = str(info["max_id"]) if info and info.get("max_id") is not None else None
        times = [t for s in statuses if (t := loose_time(s.get("created_at"))) is not None]
        oldest = min(times, default=None)
        run["pages"].append(
            {"file": name, "max_id": run["next_max_id"], "sha256": sha256(store.folder / name)}
        )
        run["next_max_id"] = next_max_id
        run["complete"] = (
            not statuses or next_max_id is None or (oldest is not None and oldest < start)
        )
        store.save_state()
    in_window = []
    for page in run["pages"]:
        for s in json.loads(store.read(page["file"])):
            t = loose_time(s.get("created_at"))
            if t is not None and start <= t < end:
                in_window.append(s)
    n_contexts = 0
    if contexts:
        for s in in_window:
            if s.get("reblog"):
                continue
            rel = f"context/{safe_name(str(s['id']))}.json"
            if not store.has(rel):
                _, body = fetch(lambda sid=s["id"]: api.status_context(sid))
                store.put(rel, body)
            n_contexts += 1
    return {
        "handle": f"@{acct}",
        "pages": len(run["pages"]),
        "statuses": len(in_window),
        "contexts": n_contexts,
    }


# -------------------------------------------------------------------------------------------------
# Import


def _host(account: dict[str, Any]) -> str:
    host = urlparse(str(account.get("url") or "")).hostname
    if host:
        return host.lower()
    acct = str(account.get("acct") or "")
    return acct.split("@", 1)[1].lower() if "@" in acct else ""


@dataclass
class _Status:
    uri: str
    local_id: str
    created_at: pd.Timestamp
    author_url: str
    author_local_id: str
    author_host: str
    parent_local_id: str | None
    parent_account_local_id: str | None
    raw: dict[str, Any]
    folder: str


def _status(raw: Any, file: Path, row: int, folder: str, skips: Skips) -> _Status | None:
    try:
        if not isinstance(raw, dict):
            raise DataError(str(file), "a status must be a JSON object", row=row)
        for col in ("id", "uri", "created_at", "account"):
            if raw.get(col) in (None, ""):
                raise DataError(
                    str(file), "required field is missing or empty", row=row, column=col
                )
        account = raw["account"]
        if not isinstance(account, dict) or not account.get("id"):
            raise DataError(
                str(file), "account must be an object with an id", row=row, column="account"
            )
        created = parse_time(raw["created_at"], file=str(file), column="created_at", row=row)
    except DataError as err:
        skips.report(err)
        return None
    parent = raw.get("in_reply_to_id")
    parent_acc = raw.get("in_reply_to_account_id")
    return _Status(
        uri=str(raw["uri"]),
        local_id=str(raw["id"]),
        created_at=created,
        author_url=str(account.get("url") or account["id"]),
        author_local_id=str(account["id"]),
        author_host=_host(account),
        parent_local_id=None if parent is None else str(parent),
        parent_account_local_id=None if parent_acc is None else str(parent_acc),
        raw=raw,
        folder=folder,
    )


@guarded_loader
def load(
    folder: Path,
    accounts: pd.DataFrame,
    year: int,
    window: tuple[dt.date, dt.date],
    on_bad: str = "error",
    *,
    is_question: Callable[[str], bool] | None = None,
    organisation_instances: tuple[str, ...] = GOVERNMENT_INSTANCES,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Turn the stored Mastodon responses in ``folder`` into tidy posts and citizen messages.

    Rules
    -----
    * Posts are the statuses on a municipal account's timeline pages, created in the window:
      ``repost`` (a reblog), ``reply`` (``in_reply_to_id`` set), ``quote`` (a status with
      ``quote``, Mastodon 4.5+) or ``original``. A reply's ``reply_to`` is ``self`` when it
      answers the account itself, ``organisation`` when it answers another municipal account or
      an account on a government instance (``organisation_instances``), else ``citizen``.
    * Ids are the statuses' ActivityPub ``uri`` (global; the numeric ids differ per instance);
      ``conversation_id`` is the uri of the thread's root (first ancestor in the context).
    * Citizen messages are statuses by non-organisation accounts, found in the contexts, that reply
      to or mention a municipal account (``addressed`` is True for all: statuses that do not address
      the municipality are seen only when it reacted, so they would bias monitoring figures).
      ``is_question`` applies the question rule to the text with HTML stripped; ``theme`` by
      :func:`helpers.collect.questions.theme_of`; the first reply is the municipality's earliest
      status below the message in its thread. Account names and texts are not kept.

    Parameters
    ----------
    folder : Path
        ``data/raw/<year>/mastodon/`` as written by :func:`collect`.
    accounts : DataFrame
        Accounts table; its ``mastodon`` rows map a folder ``user@instance`` to ``gm_code`` and
        ``account_id``.
    year : int
        Study year (the window should lie in it; used in messages only).
    window : (date, date)
        First and last day, inclusive.
    on_bad : {"error", "skip"}
        Raise :class:`DataError` on bad input, or count it in the skips table.
    is_question : callable, optional
        The question rule; default :func:`helpers.collect.questions.is_question`.

    Returns
    -------
    posts, citizen_messages, skips : DataFrame
        ``skips`` has columns file, row, column, rule (one row per skipped item).
    """
    from helpers.collect.questions import theme_of

    if is_question is None:
        from helpers.collect.questions import is_question as default_rule

        is_question = default_rule
    skips = Skips(on_bad)
    start, end = window_bounds(window)
    mine = accounts.loc[accounts["platform"] == PLATFORM]
    by_acct = {}
    for _, row in mine.iterrows():
        try:
            by_acct[acct_of(row["handle"]).lower()] = row
        except ValueError as exc:
            skips.report(DataError("accounts", str(exc), column="handle"))
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), "no Mastodon raw data here; run the Mastodon collector first")
    munis: dict[str, dict[str, Any]] = {}  # author url -> municipal account info
    statuses: dict[str, _Status] = {}  # uri -> status
    local: dict[tuple[str, str], str] = {}  # (folder, local id) -> uri
    timeline: list[tuple[str, str]] = []  # (folder name, uri) of timeline statuses
    roots: dict[tuple[str, str], str] = {}  # (folder, local id) -> root local id
    for sub in sorted(p for p in folder.iterdir() if (p / "account.json").is_file()):
        name = sub.name
        if name.lower() not in by_acct:
            skips.report(
                DataError(
                    str(sub / "account.json"),
                    f"account @{name} belongs to no municipality in the accounts table "
                    f"(platform {PLATFORM}, year {year})",
                    column="handle",
                )
            )
            continue
        acc = load_json_file(sub / "account.json", skips)
        if not isinstance(acc, dict) or "id" not in acc:
            if acc is not None:
                skips.report(DataError(str(sub / "account.json"), "no account id", column="id"))
            continue
        row = by_acct[name.lower()]
        info = {
            "gm_code": str(row["gm_code"]),
            "account_id": str(row["account_id"]),
            "folder": name,
            "local_id": str(acc["id"]),
        }
        munis[str(acc.get("url") or acc["id"])] = info

        def add(raw: Any, file: Path, i: int, name: str = name) -> _Status | None:
            st = _status(raw, file, i, name, skips)
            if st is None:
                return None
            seen = statuses.get(st.uri)
            if seen is not None and (seen.created_at, seen.author_url) != (
                st.created_at,
                st.author_url,
            ):
                skips.report(
                    DataError(
                        str(file),
                        f"duplicate status {st.uri} with a different time or author",
                        row=i,
                        column="uri",
                    )
                )
                return None
            if seen is None:
                statuses[st.uri] = st
            local[(name, st.local_id)] = st.uri
            return st

        for page in sorted((sub / "statuses").glob("page-*.json")):
            data = load_json_file(page, skips)
            if data is None:
                continue
            if not isinstance(data, list):
                skips.report(DataError(str(page), "a statuses page must be a JSON array"))
                continue
            for i, raw in enumerate(data, 1):
                st = add(raw, page, i)
                if st is not None:
                    timeline.append((name, st.uri))
        for ctx_file in sorted((sub / "context").glob("*.json")):
            data = load_json_file(ctx_file, skips)
            if data is None:
                continue
            if not isinstance(data, dict) or not {"ancestors", "descendants"} <= set(data):
                skips.report(DataError(str(ctx_file), "a context must have ancestors and descendants"))
                continue
            focal = ctx_file.stem
            anc = [a for i, a in enumerate(data["ancestors"], 1) if add(a, ctx_file, i)]
            root = str(anc[0]["id"]) if anc else focal
            roots[(name, focal)] = root
            for a in anc:
                roots.setdefault((name, str(a["id"])), root)
            n = len(data["ancestors"])
            for i, d in enumerate(data["descendants"], n + 1):
                if add(d, ctx_file, i):
                    roots.setdefault((name, str(d["id"])), root)

    def uri_of(fold: str, local_id: str | None) -> str | None:
        if local_id is None:
            return None
        return local.get((fold, local_id), local_id)

    def parent_uri(st: _Status) -> str | None:
        return uri_of(st.folder, st.parent_local_id)

    parents = {uri: parent_uri(st) for uri, st in statuses.items()}

    def is_org(st_author_url: str, host: str) -> bool:
        return st_author_url in munis or host in organisation_instances

    def parent_author(st: _Status) -> tuple[str, str] | None:
        p = statuses.get(parent_uri(st) or "")
        if p is not None:
            return p.author_url, p.author_host
        for m in st.raw.get("mentions") or []:
            if str(m.get("id")) == st.parent_account_local_id:
                return str(m.get("url") or ""), _host(m)
        return None

    by_folder = {info["folder"]: info for info in munis.values()}
    post_rows = []
    for fold, uri in dict.fromkeys(timeline):
        st = statuses[uri]
        info = by_folder.get(fold)
        if info is None:
            continue
        if not start <= st.created_at < end:
            skips.count(fold, f"status {uri} outside the window {window[0]}..{window[1]}")
            continue
        raw = st.raw
        in_reply, reply_to = None, None
        if raw.get("reblog"):
            kind = "repost"
        elif st.parent_local_id is not None:
            kind = "reply"
            in_reply = parent_uri(st)
            if st.parent_account_local_id == info["local_id"]:
                reply_to = "self"
            else:
                pa = parent_author(st)
                reply_to = "organisation" if pa is not None and is_org(*pa) else "citizen"
        elif raw.get("quote"):
            kind = "quote"
        else:
            kind = "original"
        root_local = roots.get((fold, st.local_id))
        if kind == "repost":
            conversation = None
        elif root_local is not None:
            conversation = uri_of(fold, root_local)
        else:
            conversation = uri if kind != "reply" else None
        post_rows.append(
            {
                "post_id": uri,
                "platform": PLATFORM,
                "gm_code": info["gm_code"],
                "account_id": info["account_id"],
                "created_at": st.created_at,
                "kind": kind,
                "in_reply_to_id": in_reply,
                "conversation_id": conversation,
                "reply_to": reply_to,
            }
        )

    own_replies: dict[str, list[tuple[str, pd.Timestamp]]] = {}
    for uri, st in statuses.items():
        if st.author_url in munis and st.parent_local_id is not None and not st.raw.get("reblog"):
            own_replies.setdefault(munis[st.author_url]["gm_code"], []).append((uri, st.created_at))

    msg_rows = []
    for uri, st in statuses.items():
        if is_org(st.author_url, st.author_host) or st.raw.get("reblog"):
            continue
        target = None
        pa = parent_author(st) if st.parent_local_id is not None else None
        if pa is not None and pa[0] in munis:
            target = munis[pa[0]]
        else:
            for m in st.raw.get("mentions") or []:
                if str(m.get("url") or "") in munis:
                    target = munis[str(m["url"])]
                    break
        if target is None:
            continue
        if not start <= st.created_at < end:
            skips.count(
                st.folder, f"citizen status {uri} outside the window {window[0]}..{window[1]}"
            )
            continue
        text = strip_html(str(st.raw.get("content") or ""))
        reply_id, reply_at = first_reply(
            uri, st.created_at, parents, own_replies.get(target["gm_code"], [])
        )
        msg_rows.append(
            {
                "msg_id": uri,
                "platform": PLATFORM,
                "gm_code": target["gm_code"],
                "created_at": st.created_at,
                "addressed": True,
                "is_question": bool(is_question(text)),
                "theme": theme_of(text),
                "first_reply_post_id": reply_id,
                "first_reply_at": reply_at,
            }
        )
    return tidy_frame(post_rows, POST_COLUMNS), tidy_frame(msg_rows, MSG_COLUMNS), skips.frame()
