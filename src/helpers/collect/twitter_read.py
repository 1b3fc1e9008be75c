"""Streaming reader of twarc2 JSON Lines (pages, streamed tweets, flattened lines) into tweet columns.

The rules (what a page is, which fields are read, what is bad input) are those of
:mod:`helpers.collect.twitter`; this module reads one line at a time (parsed with ``orjson``; a line
that ``orjson`` refuses is parsed again with :mod:`json`, so a bad line gets the same message as
before and a line ``orjson`` is stricter about, such as a ``NaN``, is still read) and keeps, per
tweet, only the codes the tidy tables need in :class:`~.twitter_buffers.Columns`: no tweet dict,
text, author id or handle outlives its line. Questions and themes are classified here, for the
tweets of unlisted authors only (the only ones that can become citizen messages).

Must not import :mod:`helpers.collect.twitter` (which imports this module) or any analysis module.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import orjson
import pandas as pd

from helpers.collect import questions
from helpers.collect.issues import describe_value, guard, iso_problem
from helpers.collect.twitter_buffers import NULL, Columns, IdCodes, SeenIds
from helpers.collect.twitter_errors import describe_error
from helpers.core.errors import describe_exception

PAGE_KEYS = {"data", "includes", "meta", "errors", "__twarc", "matching_rules"}
#: Rule for a tweet read a second time (counted in the skips in either ``on_bad`` mode).
DUPLICATE_RULE = "duplicate of a tweet already read"
V2_FIELDS = frozenset({
    "id", "text", "author_id", "created_at", "conversation_id", "in_reply_to_user_id",
    "referenced_tweets", "lang", "entities", "public_metrics", "attachments", "context_annotations",
    "geo", "possibly_sensitive", "reply_settings", "source", "withheld", "edit_history_tweet_ids",
    "edit_controls", "non_public_metrics", "organic_metrics", "promoted_metrics", "note_tweet",
    "display_text_range", "scopes", "media_metadata", "community_id",
})
_QUERY_HANDLE = re.compile(r"@(\w{1,50})")
#: twarc2's own timestamps (``2014-04-01T10:15:00.000Z``): read without pandas when valid.
_FAST_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3}|\.\d{6})?(?:Z|\+00:00)")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)
#: Author codes: an index into the listed accounts, or one of these.
OTHER, NOBODY = -1, -2
#: Themes as small codes (index into this tuple).
THEMES = tuple(questions.THEME_KEYWORDS) + ("overig",)
_THEME_CODE = {t: i for i, t in enumerate(THEMES)}
_LABEL_CACHE = 65_536


def parse_time(value, file, row, column, issues, archive: bool) -> pd.Timestamp | None:
    """A tweet's timestamp as a UTC Timestamp, or None after reporting why it is bad."""
    text = str(value or "").strip()
    if not text:
        issues.bad(file, "missing timestamp", row=row, column=column)
        return None
    if not archive:
        problem = iso_problem(text)
        if problem is not None:
            if "timezone" in problem:
                problem = "has no timezone (expected ...Z or +hh:mm)"
            issues.bad(file, f"timestamp {describe_value(text)} {problem}", row=row,
                       column=column)
            return None
    try:
        ts = (pd.to_datetime(text, format="%a %b %d %H:%M:%S %z %Y") if archive
              else pd.Timestamp(text))
    except (ValueError, TypeError, OverflowError):
        issues.bad(file, f"timestamp {describe_value(text)} is not a date-time", row=row,
                   column=column)
        return None
    if ts.tzinfo is None:
        issues.bad(file, f"timestamp {describe_value(text)} has no timezone", row=row,
                   column=column)
        return None
    return ts.tz_convert("UTC")


def fast_time(value) -> int | None:
    """Nanoseconds since the epoch of a twarc2 timestamp in UTC (``...Z``), or None for any other
    form (which :func:`parse_time` then reads and checks)."""
    if type(value) is str and _FAST_ISO.fullmatch(value):
        try:
            return (dt.datetime.fromisoformat(value) - _EPOCH) // _MICROSECOND * 1000
        except ValueError:
            return None
    return None


def refs_of(tweet: dict) -> dict[str, str]:
    """``referenced_tweets`` as type -> id (the first of each type)."""
    out: dict[str, str] = {}
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") and ref.get("id") is not None:
            out.setdefault(str(ref["type"]), str(ref["id"]))
    return out


class TweetReader:
    """Reads every file into compact columns, reporting bad input (see the module docstring).

    Parameters
    ----------
    issues : helpers.collect.Issues
        Where bad input is reported.
    window : (Timestamp, Timestamp)
        UTC [start, end) of the observation window.
    accounts : dict
        Listed Twitter account id -> ``(gm_code, handle)``.
    """

    def __init__(self, issues, window: tuple[pd.Timestamp, pd.Timestamp],
                 accounts: dict[str, tuple[str, str]]) -> None:
        self.issues, self.lo, self.hi = issues, window[0], window[1]
        self.lo_ns, self.hi_ns = window[0].value, window[1].value
        self.accounts = accounts
        self.acc_ids = list(accounts)
        self.acc_index = {a: k for k, a in enumerate(self.acc_ids)}
        self.gm_codes = sorted({gm for gm, _ in accounts.values()})  # < 2**15 (int16 columns)
        gm_index = {g: k for k, g in enumerate(self.gm_codes)}
        self.acc_gm = [gm_index[accounts[a][0]] for a in self.acc_ids]  # account index -> gm index
        self.by_handle = {h.lower(): i for i, (_, h) in accounts.items()}
        self.handle_gm = {h.lower(): gm_index[g] for _, (g, h) in accounts.items()}
        self.ids = IdCodes()
        self.seen = SeenIds()
        self.items = Columns(id="q", author="i", created="q", conv="q", reply_user="i",
                             parent="q", retweeted="b", quoted="b", mention_gm="h", query_gm="h",
                             is_question="b", theme="b", archive="b", ns="b", file="i", row="i")
        self._rows: list[tuple] = []  # items of the current page, then moved into the columns
        self.context = Columns(id="q", parent="q", author="i", data="b")
        self._ctx: list[tuple] = []  # context rows of the current page
        self.files: list[Path] = []  # files whose tweets are read (index = the ``file`` column)
        self.file_ids: dict[Path, int] = {}
        self.archive_author: dict[int, str] = {}  # file index -> the archive's account id
        self.unknown: set[tuple[str, str]] = set()
        self.read: list[Path] = []
        self.n_read: dict[str, int] = {}  # file -> tweets (items) read from it
        self._labels: dict[str, tuple[bool, int]] = {}

    # -- codes ------------------------------------------------------------------------------
    def author_code(self, value: str | None) -> int:
        """A listed account's index, :data:`OTHER` for any other author, :data:`NOBODY` for none."""
        return NOBODY if value is None else self.acc_index.get(value, OTHER)

    def id_code(self, value: str | None) -> int:
        """The :class:`IdCodes` code of an id string, :data:`NULL` for None."""
        return NULL if value is None else self.ids.code(value)

    def file_index(self, path: Path) -> int:
        """Register a file whose tweets are read; its index is the items' ``file`` value."""
        self.file_ids[path] = len(self.files)
        self.files.append(path)
        return len(self.files) - 1

    def labels(self, text: str) -> tuple[bool, int]:
        """``(is_question, theme code)`` of a text; repeated texts (retweets, templates) are looked
        up in a bounded cache that lives as long as this reader."""
        got = self._labels.get(text)
        if got is None:
            if len(self._labels) >= _LABEL_CACHE:
                self._labels.clear()
            got = self._labels[text] = (questions.is_question(text),
                                        _THEME_CODE[questions.theme_of(text)])
        return got

    def query_gm(self, handles) -> int:
        """The municipality a search query names (one only), as a gm index, else -1."""
        found = {self.handle_gm[h] for h in handles if h in self.handle_gm}
        return found.pop() if len(found) == 1 else -1

    def mention_gm(self, mentions: list[tuple[str, str]]) -> int:
        """The municipality of the first mention of a listed account (by id, then handle), or -1."""
        for uid, name in mentions:
            k = self.acc_index.get(uid)
            if k is not None:
                return self.acc_gm[k]
            if name in self.handle_gm:
                return self.handle_gm[name]
        return -1

    # -- shared rules -----------------------------------------------------------------------
    def _unknown(self, file, row, keys, known, where) -> None:
        extra = keys - known
        if not extra:
            return
        for key in sorted(extra):
            if (str(file), f"{where}.{key}") in self.unknown:
                continue
            self.unknown.add((str(file), f"{where}.{key}"))
            self.issues.bad(file, f"unknown field {key!r} in {where} (ignored; item kept)",
                            row=row, column=key)

    def saw(self, file) -> None:
        """Count one tweet (item) read from ``file``, kept or not (for the per-file table)."""
        key = str(file)
        self.n_read[key] = self.n_read.get(key, 0) + 1

    def add(self, code: int, prior: int, created, raw_time, text: str, author: int, conv: int,
            reply_user: int, parent: int, retweeted: bool, quoted: bool, mentions, query_gm: int,
            archive: bool, file: int, row: int) -> None:
        """Keep one tweet (or report it: a duplicate, or outside the window).

        ``created`` is nanoseconds (int, from :func:`fast_time` of ``raw_time``) or a UTC Timestamp;
        ``code``, ``conv`` and ``parent`` are id codes, ``author`` and ``reply_user`` author codes,
        ``mentions`` ``(user id, lower-case handle)`` pairs, ``query_gm`` a gm index or -1.
        """
        path = self.files[file]
        first = self.seen.get(code, prior)
        if first >= 0:
            first_file, first_row = self.files[first >> 32], first & 0xFFFFFFFF
            tid = self.ids.decode([code])[0].as_py()
            self.issues.count(path, f"{DUPLICATE_RULE} (tweet {tid}, first read in "
                              f"{first_file.name} row {first_row}; counted once)", row=row,
                              column="id")
            return
        self.seen.add(code, (file << 32) | row)
        self._ctx.append((code, parent, author, 1))
        if type(created) is int:
            inside, ns, fine = self.lo_ns <= created < self.hi_ns, created, False
        else:
            inside = self.lo <= created < self.hi
            ns, fine = (created.value, created.unit == "ns") if inside else (0, False)
        if not inside:
            if type(created) is int:  # the same Timestamp as ever, for the same message
                created = pd.Timestamp(raw_time).tz_convert("UTC")
            rule = (f"created_at {created} is outside the observation window "
                    f"[{self.lo}, {self.hi})")
            if archive:  # an archive spans the account's life: expected, counted
                self.issues.count(path, rule, row=row, column="created_at")
            else:
                self.issues.bad(path, rule, row=row, column="created_at")
            return
        if author < 0 and not archive:  # may become a citizen message: classify, drop the text
            question, theme = self.labels(text)
            mention = self.mention_gm(mentions)
        else:
            question, theme, mention = False, -1, -1
        self._rows.append((code, author, ns, conv, reply_user, parent, retweeted, quoted, mention,
                           query_gm, question, theme, archive, fine, file, row))

    def settle(self) -> None:
        """Move the current page's rows into the columns (between pages and files)."""
        self.items.extend(self._rows)
        self.context.extend(self._ctx)
        self.seen.settle()

    # -- twarc2 JSON Lines ------------------------------------------------------------------
    def jsonl(self, path: Path) -> None:
        self.read.append(path)
        with guard(self.issues, path):
            self._jsonl(path, self.file_index(path))

    def _jsonl(self, path: Path, file: int) -> None:
        lines = 0
        with open(path, "rb") as fh:
            for row, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                lines += 1
                try:
                    page = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    page = self._slow_line(raw, path, row)
                    if page is None:
                        continue
                with guard(self.issues, path, row=row, what="the page"):
                    if isinstance(page, dict) and "data" not in page and "id" in page:
                        page = unflatten(page)
                    elif isinstance(page, dict) and isinstance(page.get("data"), dict):
                        page = dict(page, data=[page["data"]])  # a streamed tweet (twarc2 stream)
                    if isinstance(page, dict) and "data" not in page and "errors" in page:
                        page = dict(page, data=[])  # a page holding only errors (e.g. a suspended user)
                    if not isinstance(page, dict) or not isinstance(page.get("data", []), list):
                        self.issues.bad(path, "a twarc2 page must be an object with a 'data' "
                                        "list", row=row, column="data")
                        continue
                    try:
                        self._page(page, path, file, row)
                    finally:
                        self.settle()
        if not lines:
            self.issues.bad(path, "empty file: no twarc2 page in it (export again, or remove it)")

    def _slow_line(self, raw: bytes, path: Path, row: int):
        """A line ``orjson`` refused: read by :mod:`json` (same value, or the same bad-line report
        as :mod:`json` gives); None when it is bad."""
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.issues.bad(path, f"line is not UTF-8 ({exc.reason} at byte {exc.start})", row=row)
            return None
        try:
            return json.loads(line)
        except json.JSONDecodeError as exc:
            self.issues.bad(path, f"not valid JSON (truncated line?): {exc.msg} at "
                            f"character {exc.pos}", row=row)
        except RecursionError as exc:
            self.issues.bad(path, describe_exception(exc), row=row)
        return None

    def _page(self, page: dict, path: Path, file: int, row: int) -> None:
        self._unknown(path, row, page.keys(), PAGE_KEYS, "page")
        if page.get("errors") is not None:
            self._errors(page.get("errors"), path, row)
        url = str((page.get("__twarc") or {}).get("url") or "")
        parsed = urlparse(url)
        query = " ".join(parse_qs(parsed.query).get("query", []))
        # a streamed tweet: the tags of the stream rules it matched stand in for the query
        rules = page.get("matching_rules") or []
        query += " " + " ".join(str(r.get("tag") or "") for r in rules if isinstance(r, dict))
        query_gm = self.query_gm(h.lower() for h in _QUERY_HANDLE.findall(query))
        for inc in (page.get("includes") or {}).get("tweets") or []:
            if isinstance(inc, dict) and inc.get("id") is not None:
                tid = str(inc["id"])
                parent = refs_of(inc).get("replied_to")
                author = str(inc.get("author_id") or "") or None
                self._ctx.append((self.ids.code(tid), self.id_code(parent),
                                  self.author_code(author), 0))
        data = page.get("data") or []
        codes = [self.ids.code(str(t["id"])) if isinstance(t, dict) and t.get("id") is not None
                 else NULL for t in data]
        prior = self.seen.prior(codes)
        key = str(path)
        for k, tweet in enumerate(data):
            self.n_read[key] = self.n_read.get(key, 0) + 1  # read, kept or not
            if not isinstance(tweet, dict) or tweet.get("id") is None:
                self.issues.bad(path, "tweet without an id", row=row, column="id")
                continue
            if not V2_FIELDS.issuperset(tweet):
                self._unknown(path, row, tweet.keys(), V2_FIELDS, "tweet")
            raw_time = tweet.get("created_at")
            created = fast_time(raw_time)
            if created is None:
                created = parse_time(raw_time, path, row, "created_at", self.issues,
                                     archive=False)
                if created is None:
                    continue
            refs = refs_of(tweet)
            mentions = (tweet.get("entities") or {}).get("mentions") or []
            mentions = [(str(m.get("id") or ""), str(m.get("username") or "").lower())
                        for m in mentions if isinstance(m, dict)]
            conv = tweet.get("conversation_id")
            reply_user = tweet.get("in_reply_to_user_id")
            reply_user = str(reply_user) if reply_user is not None else ""
            self.add(codes[k], prior[k], created, raw_time, str(tweet.get("text") or ""),
                     self.author_code(str(tweet.get("author_id") or "")),
                     NULL if conv is None else self.ids.code(str(conv)),
                     self.author_code(reply_user) if reply_user else NOBODY,
                     self.id_code(refs.get("replied_to")), bool(refs.get("retweeted")),
                     bool(refs.get("quoted")), mentions, query_gm, False, file, row)

    def _errors(self, errors, path: Path, row: int) -> None:
        """Count each twarc2 ``errors`` entry in the skips, per account (see the module docstring)."""
        if not isinstance(errors, list):
            self.issues.bad(path, "'errors' of a twarc2 page must be a list", row=row,
                            column="errors")
            return
        for entry in errors:
            if isinstance(entry, dict):
                self.issues.count(path, describe_error(entry, self.accounts, self.by_handle),
                                  row=row, column="errors")


def unflatten(tweet: dict) -> dict:
    """A ``twarc2 flatten`` line (one tweet with its expansions inlined) as a one-tweet page."""
    inlined = ("author", "in_reply_to_user", "__twarc", "matching_rules")
    data = {k: v for k, v in tweet.items() if k not in inlined}
    raw_refs = [r for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)]
    refs = [{"type": r.get("type"), "id": r.get("id")} for r in raw_refs]
    if refs:
        data["referenced_tweets"] = refs
    # the inlined referenced tweets are context (author, and whom they reply to), as includes.tweets
    context = [{k: r[k] for k in ("id", "author_id", "referenced_tweets") if k in r}
               for r in raw_refs if r.get("id") is not None and r.get("author_id") is not None]
    page = {"data": [data], "__twarc": tweet.get("__twarc") or {}}
    if context:
        page["includes"] = {"tweets": context}
    return page
