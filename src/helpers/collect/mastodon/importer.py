"""The Mastodon importer: stored responses -> the tidy ``posts`` and ``citizen_messages`` tables
(rules in :func:`load`).

Imports nothing from helpers.analysis, helpers.present or helpers.pipeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from helpers.collect.http import Skips, load_json_file, parse_time, strip_html
from helpers.collect.issues import guarded_loader
from helpers.collect.mastodon.ids import GOVERNMENT_INSTANCES, PLATFORM, acct_of
from helpers.collect.social_api import (
    accounts_by_handle,
    message_row,
    post_row,
    question_rule,
    tidy_tables,
    unknown_account,
)
from helpers.core.errors import DataError
from helpers.core.window import window_bounds


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
    is_question = question_rule(is_question)
    skips = Skips(on_bad)
    start, end = window_bounds(window)
    by_acct = accounts_by_handle(accounts, PLATFORM, lambda h: acct_of(h).lower(), skips)
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
            skips.report(unknown_account(sub / "account.json", name, PLATFORM, year))
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
            post_row(PLATFORM, info, uri, st.created_at, kind, in_reply, conversation, reply_to)
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
        msg_rows.append(
            message_row(
                PLATFORM, uri, target["gm_code"], st.created_at, text, is_question, parents,
                own_replies,
            )
        )
    return tidy_tables(post_rows, msg_rows, skips)
