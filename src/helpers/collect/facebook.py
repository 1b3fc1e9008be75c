"""Facebook importer: page exports ``posts.csv`` and ``comments.csv`` -> ``posts`` and ``citizen_messages``.

Expected files under ``<inputs>/facebook/`` (UTF-8, comma-separated, header row; every
``posts*.csv`` and ``comments*.csv``, in sorted order):

``posts.csv`` — one row per page post:

================  ============================================================================
column            meaning
================  ============================================================================
page_id           required; the page's id (must be in the account list, platform facebook)
post_id           required; ``<page_id>_<n>`` as the Graph API gives it; unique
created_time      required; ISO 8601 with offset, ``2014-04-03T09:12:44+0000``
type              optional; status, link, photo, video, event, or ``share``/``shared_story``
                  (a share of someone else's post: kind ``repost``)
page_name, message, link, permalink_url, likes_count, comments_count, shares_count, synthetic
                  optional; read past (the message text is not kept)
================  ============================================================================

``comments.csv`` — one row per comment:

==================  ==========================================================================
comment_id          required; unique
post_id             required; the post commented on
parent_comment_id   required column, empty for a top-level comment, else the comment replied to
from_id             required; the commenter (a citizen, or the page itself)
created_time        required; as above
message             required; the text (used for the question rule, then dropped)
page_id, from_name, like_count, synthetic
                    optional (``from_name`` is personal data and is never read into a table)
==================  ==========================================================================

A comment by the page itself (``from_id`` = the post's page, or another listed Facebook account of
the same municipality) is an own post of kind ``reply``: ``reply_to`` is ``self`` when its parent
is the page's own comment or it sits directly under the page's post, else ``citizen``. Every other
comment is a citizen message, ``addressed=True`` (it was written on the municipality's page).

**First reply rule (Facebook).** Comment threads are flat (a top-level comment and its replies).
The first reply to a citizen comment is the page's earliest comment in the same thread (same
top-level comment), created after it and inside the window.

Bad input as in :mod:`helpers.collect.twitter`: wrong encoding (a line that is not UTF-8), missing
required columns (always an error), unknown columns (ignored, reported once), duplicate ids,
timestamps without timezone, items outside the window, a page in no municipality's account list.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from helpers.collect import csvfile, questions
from helpers.collect.issues import describe_value, guarded_loader, iso_problem
from helpers.collect.twitter import empty_messages, empty_posts
from helpers.core.errors import DataError
from helpers.core.paths import visible_files
from helpers.core.schemas import CITIZEN_MESSAGES, POSTS

POST_REQUIRED = ("page_id", "post_id", "created_time")
POST_OPTIONAL = ("type", "page_name", "message", "link", "permalink_url", "likes_count",
                 "comments_count", "shares_count", "synthetic")
COMMENT_REQUIRED = ("comment_id", "post_id", "parent_comment_id", "from_id", "created_time",
                    "message")
COMMENT_OPTIONAL = ("page_id", "from_name", "like_count", "synthetic")
SHARE_TYPES = ("share", "shared_story")


class _Later:
    """Row problems of one CSV file, held back until the file's records are all parsed and then
    reported in row order: a file's CSV-level problems come first, as when it was read whole."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def bad(self, file, rule: str, *, row: int | None = None, column: str | None = None) -> None:
        self.calls.append((file, rule, row, column))

    def report(self, issues) -> None:
        for file, rule, row, column in self.calls:
            issues.bad(file, rule, row=row, column=column)
        self.calls.clear()


def _read_csv(path: Path, required, optional, issues, later: _Later
              ) -> Iterator[tuple[int, dict]]:
    """Rows of a CSV export as (1-based data row, dict), streamed and parsed strictly
    (:mod:`.csvfile`): a record that is not UTF-8, has the wrong number of fields or an unbalanced
    quote is reported at once; unknown columns and (through ``later``) the caller's row problems
    after the last record."""
    header, records = csvfile.iter_records(path, issues)
    missing = [c for c in required if c not in header]
    if missing:
        for _ in records:  # the file's bad records are reported first
            pass
        raise DataError(str(path), f"missing column {missing[0]!r}; required: "
                        f"{', '.join(required)}", column=missing[0])
    for col in header:
        if col not in required + optional:
            later.bad(path, f"unknown column {col!r} (ignored)", column=col)
    keep = [(i, c) for i, c in enumerate(header) if c in required + optional]
    for n, fields in records:
        yield n, {c: fields[i].strip() for i, c in keep}
    later.report(issues)


def _time(value: str, path, row, issues, window: tuple[pd.Timestamp, pd.Timestamp]
          ) -> pd.Timestamp | None:
    """``created_time`` as UTC, or None (reported) when not ISO 8601 with a timezone (an ambiguous
    day-first date is refused), or outside the window."""
    text = value.strip()
    problem = iso_problem(text)
    if problem is not None:
        issues.bad(path, f"created_time {describe_value(text)} {problem}", row=row,
                   column="created_time")
        return None
    ts = pd.Timestamp(text).tz_convert("UTC")
    if not window[0] <= ts < window[1]:
        issues.bad(path, f"created_time {ts} is outside the observation window", row=row,
                   column="created_time")
        return None
    return ts


@guarded_loader
def load(folder: Path, accounts: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp],
         issues) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """Import the Facebook exports under ``folder``; same contract as :func:`.twitter.load`."""
    fb = accounts[accounts["platform"] == "facebook"]
    page_gm = dict(zip(fb["account_id"].astype(str), fb["gm_code"], strict=False))
    read: list[Path] = []
    posts, seen_posts = [], set()
    post_page: dict[str, str] = {}
    later = _Later()
    for path in visible_files(folder, "**/posts*.csv"):
        read.append(path)
        for row, rec in _read_csv(path, POST_REQUIRED, POST_OPTIONAL, issues, later):
            pid, page = rec["post_id"], rec["page_id"]
            if pid in seen_posts:
                later.bad(path, f"duplicate post_id {pid} (the later copy is left out)", row=row,
                          column="post_id")
                continue
            seen_posts.add(pid)
            if page not in page_gm:
                later.bad(path, f"page {page} is in no municipality's account list (account "
                          "belongs to no municipality)", row=row, column="page_id")
                continue
            post_page[pid] = page
            ts = _time(rec["created_time"], path, row, later, window)
            if ts is None:
                continue
            kind = "repost" if rec.get("type", "").lower() in SHARE_TYPES else "original"
            posts.append((pid, "facebook", page_gm[page], page, ts, kind, None, pid, None))
    # comment_id -> (post_id, parent, from_id, gm_code, created_at, labels); the text is classified
    # as it is read (citizens' comments only) and not kept
    comments: dict[str, tuple] = {}
    for path in visible_files(folder, "**/comments*.csv"):
        read.append(path)
        for row, rec in _read_csv(path, COMMENT_REQUIRED, COMMENT_OPTIONAL, issues, later):
            cid = rec["comment_id"]
            if cid in comments:
                later.bad(path, f"duplicate comment_id {cid} (the later copy is left out)",
                          row=row, column="comment_id")
                continue
            page = post_page.get(rec["post_id"]) or rec.get("page_id", "")
            if page not in page_gm:
                comments.setdefault(cid, ())
                later.bad(path, f"comment on post {rec['post_id']} of a page in no "
                          "municipality's account list", row=row, column="post_id")
                continue
            ts = _time(rec["created_time"], path, row, later, window)
            if ts is None:
                comments.setdefault(cid, ())
                continue
            gm, sender = page_gm[page], rec["from_id"]
            own = sender in page_gm and page_gm[sender] == gm
            labels = None if own else (questions.is_question(rec["message"]),
                                       questions.theme_of(rec["message"]))
            comments[cid] = (rec["post_id"], rec["parent_comment_id"] or None, sender, gm, ts,
                             labels)
    replies, msgs = [], []
    for cid, c in comments.items():
        if not c:
            continue  # read but left out (reported above)
        post_id, parent_id, sender, gm, ts, labels = c
        thread = parent_id or cid
        if labels is None:  # the page's own comment
            parent = comments.get(parent_id) if parent_id else None
            parent_own = bool(parent) and parent[2] in page_gm
            reply_to = "self" if (parent_id is None or parent_own) else "citizen"
            posts.append((cid, "facebook", gm, sender, ts, "reply", parent_id or post_id, post_id,
                          reply_to))
            replies.append((thread, cid, ts, gm))
        else:
            msgs.append((cid, gm, ts, thread, *labels))
    cols = ["post_id", "platform", "gm_code", "account_id", "created_at", "kind",
            "in_reply_to_id", "conversation_id", "reply_to"]
    posts_df = pd.DataFrame(posts, columns=cols) if posts else empty_posts()
    if not msgs:
        return _tidy_posts(posts_df), empty_messages(), read
    m = pd.DataFrame(msgs, columns=["msg_id", "gm_code", "created_at", "thread", "is_question",
                                    "theme"])
    r = pd.DataFrame(replies, columns=["thread", "first_reply_post_id", "first_reply_at",
                                       "gm_code"])
    j = m[["msg_id", "thread", "created_at", "gm_code"]].merge(r, on=["thread", "gm_code"])
    j = j[j["first_reply_at"] > j["created_at"]]
    j = j.sort_values(["msg_id", "first_reply_at", "first_reply_post_id"]).drop_duplicates("msg_id")
    m = m.merge(j[["msg_id", "first_reply_post_id", "first_reply_at"]], on="msg_id", how="left")
    m["platform"] = "facebook"
    m["addressed"] = True
    m = m[list(CITIZEN_MESSAGES.columns)].sort_values(["gm_code", "created_at", "msg_id"])
    m["created_at"] = pd.to_datetime(m["created_at"], utc=True)
    m["first_reply_at"] = pd.to_datetime(m["first_reply_at"], utc=True)
    m["is_question"] = m["is_question"].astype(bool)
    return _tidy_posts(posts_df), m.reset_index(drop=True), read


def _tidy_posts(df: pd.DataFrame) -> pd.DataFrame:
    if df.empty:
        return df
    df = df[list(POSTS.columns)].sort_values(["gm_code", "created_at", "post_id"], kind="stable")
    df["created_at"] = pd.to_datetime(df["created_at"], utc=True)
    return df.reset_index(drop=True)
