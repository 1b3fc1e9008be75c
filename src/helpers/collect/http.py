"""Shared pieces of the API collectors (Mastodon, Bluesky) and their importers.

* :class:`RawStore` keeps raw responses *as received* (the response body bytes) under
  ``data/raw/<year>/<source>/``. Every file is written to a temporary name and renamed into place,
  so a file that exists is complete; an existing file is never rewritten. A small JSON state file
  (``index.json``, also written atomically) holds what a collector needs to resume: the pagination
  cursors of the pages it already has.
* :func:`secret` reads a credential from the environment; credentials are never parameters and
  never stored.
* The retry policy for HTTP 429 (rate limit), 5xx and network failures is in
  :mod:`helpers.collect.retry` (shared with the website crawler).
* :func:`strip_html`, :func:`first_reply` and :class:`Skips`: small pieces
  both importers use to build the tidy ``posts`` and ``citizen_messages`` tables.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from helpers.collect.issues import Issues
from helpers.core.errors import DataError
from helpers.core.io import atomic_path


def secret(name: str) -> str | None:
    """The credential in environment variable ``name``, or ``None`` when it is unset or empty.

    Credentials come from the environment only: collectors take no token parameter, and nothing a
    collector writes (raw files, state file, tidy tables) contains one.
    """
    value = os.environ.get(name, "").strip()
    return value or None


# -------------------------------------------------------------------------------------------------
# Raw storage with resume state


def safe_name(text: str) -> str:
    """A file-system-safe folder/file name for a handle or id (keeps ``A-Za-z0-9._@-``)."""
    name = re.sub(r"[^A-Za-z0-9._@-]", "_", text.strip().lstrip("@"))
    if not name or name in (".", ".."):
        raise ValueError(f"cannot make a file name from {text!r}")
    return name


@dataclass
class RawStore:
    """Raw responses of one account under ``folder``, plus the collector's resume state.

    Attributes
    ----------
    folder : Path
        ``<dest>/<account>/``; created on the first write.
    written : int
        Raw files written by this instance (a rerun that finds everything stored writes none).
    """

    folder: Path
    written: int = 0
    _state: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def index_path(self) -> Path:
        return self.folder / "index.json"

    def state(self) -> dict[str, Any]:
        """The resume state (``{}`` for a new account); read once, then kept in memory."""
        if self._state is None:
            path = self.index_path
            self._state = json.loads(path.read_text("utf-8")) if path.is_file() else {}
        return self._state

    def save_state(self) -> None:
        """Write the resume state atomically (temporary file renamed into place)."""
        with atomic_path(self.index_path) as tmp:
            tmp.write_text(json.dumps(self.state(), indent=1, sort_keys=True) + "\n", "utf-8")

    def has(self, relative: str) -> bool:
        """Whether raw file ``relative`` is stored (a stored file is always complete)."""
        return (self.folder / relative).is_file()

    def read(self, relative: str) -> bytes:
        return (self.folder / relative).read_bytes()

    def put(self, relative: str, body: bytes) -> str:
        """Store ``body`` as received under ``relative`` and return the name actually used.

        An existing file is never rewritten: if ``relative`` is taken (a response stored just
        before an interruption, before the state file recorded it), the body goes to
        ``<stem>.<n><suffix>``.
        """
        target = self.folder / relative
        n = 1
        while target.exists():
            n += 1
            p = self.folder / relative
            target = p.with_name(f"{p.stem}.{n}{p.suffix}")
        with atomic_path(target) as tmp:
            tmp.write_bytes(body)
        self.written += 1
        return target.relative_to(self.folder).as_posix()


# -------------------------------------------------------------------------------------------------
# Pieces of the importers


def strip_html(html: str) -> str:
    """Plain text of a Mastodon status body (HTML): tags removed, ``<br>``/``<p>`` as spaces."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html or "", "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for p in soup.find_all("p"):
        p.append("\n")
    # Inline markup (the spans of an @mention) joins without spaces: "@<span>utrecht</span>".
    return re.sub(r"\s+", " ", soup.get_text("")).strip()


def loose_time(value: Any) -> pd.Timestamp | None:
    """A timestamp for paging decisions only: UTC, a zone-less value read as UTC, ``None`` if bad.

    The importers check timestamps strictly (:func:`parse_time`); a collector must not stop on one.
    """
    try:
        ts = pd.Timestamp(str(value))
    except (TypeError, ValueError):
        return None
    if pd.isna(ts):
        return None
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def parse_time(value: Any, *, file: str, column: str, row: int | None = None) -> pd.Timestamp:
    """An ISO 8601 timestamp with a time zone, as UTC; no zone or a bad value is a DataError.

    The value is quoted in the message only when it looks like a date (see
    :func:`helpers.collect.issues.describe_value`); an ambiguous day-first date is refused.
    """
    from helpers.collect.issues import describe_value, iso_problem

    text = str(value) if isinstance(value, str) else ""
    problem = iso_problem(text) if text else "is not an ISO 8601 timestamp (not text)"
    if problem is not None and "timezone" in problem:
        raise DataError(file, f"timestamp {describe_value(value)} has no time zone (required: Z "
                        "or +hh:mm)", row=row, column=column)
    if problem is not None:
        raise DataError(file, f"{describe_value(value)} is not an ISO 8601 timestamp ({problem})",
                        row=row, column=column)
    return pd.Timestamp(text).tz_convert("UTC")


#: The API importers' name for the shared bad-input policy (:class:`helpers.collect.issues.Issues`).
Skips = Issues


def first_reply(
    msg_id: str,
    msg_at: pd.Timestamp,
    parents: Mapping[str, str | None],
    own_replies: Iterable[tuple[str, pd.Timestamp]],
) -> tuple[str | None, pd.Timestamp | None]:
    """The organisation's first reply below message ``msg_id`` in its thread.

    A reply counts when ``msg_id`` is among its ancestors (it answers the message directly or
    further down the same branch) and it was made after the message. Returns ``(id, time)`` or
    ``(None, None)``.

    Parameters
    ----------
    parents : mapping
        Post id -> id of the post it replies to (``None`` for a thread root), over all posts seen.
    own_replies : iterable of (id, time)
        The organisation's replies.
    """
    best: tuple[str | None, pd.Timestamp | None] = (None, None)
    for rid, rat in own_replies:
        if rat <= msg_at or (best[1] is not None and rat >= best[1]):
            continue
        node, seen = parents.get(rid), set()
        while node is not None and node not in seen:
            if node == msg_id:
                best = (rid, rat)
                break
            seen.add(node)
            node = parents.get(node)
    return best


def load_json_file(path: Path, skips: Skips) -> Any | None:
    """Parse a raw JSON response; bad UTF-8 or truncated JSON goes to ``skips`` (or raises)."""
    from helpers.core.errors import describe_exception

    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (RecursionError, OSError) as exc:
        skips.report(DataError(str(path), describe_exception(exc)))
    except UnicodeDecodeError as exc:
        skips.report(
            DataError(str(path), f"not UTF-8 (byte {exc.start}); raw responses are UTF-8 JSON")
        )
    except json.JSONDecodeError as exc:
        skips.report(DataError(str(path), f"invalid or truncated JSON: {exc.msg}", row=exc.lineno))
    return None


POST_COLUMNS = [
    "post_id",
    "platform",
    "gm_code",
    "account_id",
    "created_at",
    "kind",
    "in_reply_to_id",
    "conversation_id",
    "reply_to",
]
MSG_COLUMNS = [
    "msg_id",
    "platform",
    "gm_code",
    "created_at",
    "addressed",
    "is_question",
    "theme",
    "first_reply_post_id",
    "first_reply_at",
]


def tidy_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Rows as a table in ``columns`` order, sorted by time then id, UTC timestamps."""
    df = pd.DataFrame(rows, columns=columns)
    for col in ("created_at", "first_reply_at"):
        if col in df:
            df[col] = pd.to_datetime(df[col], utc=True)
    if "first_reply_post_id" in df:
        df["first_reply_post_id"] = df["first_reply_post_id"].astype(object)
    id_col = columns[0]
    return df.sort_values(["created_at", id_col], kind="stable").reset_index(drop=True)
