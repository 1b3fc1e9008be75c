"""Reader of a personal Twitter archive (``tweets.js`` with its ``account.js``) into tweet columns.

The rules are those of :mod:`helpers.collect.twitter`. An archive file is one JavaScript assignment
``window.YTD.tweets.part0 = [...]`` holding one account's tweets, so it is parsed whole (``orjson``;
:mod:`json` again for a file ``orjson`` refuses, for the same message as before); memory is bounded
by the largest archive file, not by the number of files. Each item is handed to
:meth:`.twitter_read.TweetReader.add` and not kept.

Must not import :mod:`helpers.collect.twitter` (which imports this module) or any analysis module.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson

from helpers.collect.twitter_buffers import NULL
from helpers.collect.twitter_read import NOBODY, TweetReader, parse_time
from helpers.core.errors import PARSE_ERRORS, DataError, describe_exception

ARCHIVE_FIELDS = frozenset({
    "id", "id_str", "full_text", "text", "created_at", "in_reply_to_status_id",
    "in_reply_to_status_id_str", "in_reply_to_user_id", "in_reply_to_user_id_str",
    "in_reply_to_screen_name", "entities", "extended_entities", "retweeted", "favorited",
    "favorite_count", "retweet_count", "lang", "source", "truncated", "display_text_range",
    "edit_info", "possibly_sensitive", "coordinates", "geo", "place", "contributors",
    "quoted_status_id", "quoted_status_id_str", "quoted_status_permalink", "withheld_copyright",
    "withheld_in_countries", "scopes", "self_thread",
})
_ARCHIVE_HEAD = re.compile(r"^\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*=\s*", re.DOTALL)
_STATUS_LINK = re.compile(r"(?:twitter|x)\.com/[^/]+/status/(\d+)")


def load_js(path: Path) -> list:
    """The JSON array of a ``window.YTD.<name>.part<N> = [...]`` archive file."""
    text = path.read_bytes().decode("utf-8-sig")
    body = _ARCHIVE_HEAD.sub("", text, count=1).strip().rstrip(";")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = json.loads(body)  # the same value, or the same error as before
    if not isinstance(data, list):
        raise ValueError("expected a JSON array after 'window.YTD....='")
    return data


def read_archive(reader: TweetReader, path: Path) -> None:
    """Read one archive ``tweets.js`` (and the ``account.js`` beside it) into ``reader``.

    A wrong shape deep in an item is one reported line ("the rest of the file was not read"),
    never a traceback.
    """
    state = {"row": None}
    try:
        _archive(reader, path, state)
    except DataError:
        raise
    except PARSE_ERRORS as exc:
        reader.issues.bad(path, f"archive item has a wrong shape: {describe_exception(exc)}; "
                          "the rest of the file was not read", row=state["row"])


def _archive(reader: TweetReader, path: Path, state: dict) -> None:
    issues = reader.issues
    reader.read.append(path)
    account = next((p for p in sorted(path.parent.iterdir())
                    if p.name.lower() == "account.js" and p.is_file()), path.parent / "account.js")
    if not account.is_file():
        issues.bad(path, "archive tweets.js needs its account.js beside it (accountId)")
        return
    reader.read.append(account)
    try:
        acc = load_js(account)
        author = str(acc[0]["account"]["accountId"])
    except PARSE_ERRORS as exc:
        issues.bad(account, f"cannot read accountId: {describe_exception(exc)}")
        return
    try:
        items = load_js(path)
    except UnicodeDecodeError as exc:
        issues.bad(path, f"not UTF-8 ({exc.reason} at byte {exc.start})")
        return
    except json.JSONDecodeError as exc:
        issues.bad(path, f"not a valid archive file (truncated?): {exc.msg} at "
                   f"character {exc.pos}")
        return
    except PARSE_ERRORS as exc:
        issues.bad(path, f"not a valid archive file (truncated?): {describe_exception(exc)}")
        return
    file = reader.file_index(path)
    reader.archive_author[file] = author
    author_code = reader.author_code(author)
    codes = []
    for wrapper in items:
        tweet = wrapper.get("tweet") if isinstance(wrapper, dict) else None
        ok = isinstance(tweet, dict) and (tweet.get("id_str") or tweet.get("id"))
        codes.append(reader.ids.code(str(tweet.get("id_str") or tweet.get("id"))) if ok else NULL)
    prior = reader.seen.prior(codes)
    try:
        _items(reader, path, items, codes, prior, file, author_code, state)
    finally:
        reader.settle()


def _items(reader: TweetReader, path: Path, items: list, codes: list[int], prior: list[int],
           file: int, author_code: int, state: dict) -> None:
    issues = reader.issues
    for row, wrapper in enumerate(items, start=1):
        reader.saw(path)
        state["row"] = row
        tweet = wrapper.get("tweet") if isinstance(wrapper, dict) else None
        if not isinstance(tweet, dict) or not (tweet.get("id_str") or tweet.get("id")):
            issues.bad(path, "archive item without tweet.id_str", row=row, column="id_str")
            continue
        reader._unknown(path, row, tweet.keys(), ARCHIVE_FIELDS, "tweet")
        raw_time = tweet.get("created_at")
        created = parse_time(raw_time, path, row, "created_at", issues, archive=True)
        if created is None:
            continue
        text = str(tweet.get("full_text") or tweet.get("text") or "")
        parent = tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
        quoted = tweet.get("quoted_status_id_str")
        if not quoted:
            for u in (tweet.get("entities") or {}).get("urls") or []:
                m = _STATUS_LINK.search(str(u.get("expanded_url", "")))
                if m:
                    quoted = m.group(1)
                    break
        mentions = (tweet.get("entities") or {}).get("user_mentions") or []
        mentions = [(str(m.get("id_str") or ""), str(m.get("screen_name") or "").lower())
                    for m in mentions if isinstance(m, dict)]
        reply_user = tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_user_id")
        reader.add(codes[row - 1], prior[row - 1], created, raw_time, text,
                   author_code, NULL,
                   reader.author_code(str(reply_user)) if reply_user else NOBODY,
                   reader.ids.code(str(parent)) if parent else NULL,
                   text.startswith("RT @"), bool(quoted), mentions, -1, True, file, row)
