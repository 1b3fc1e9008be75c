"""Twitter importer: twarc2 JSON Lines and archive ``tweets.js`` -> ``posts`` and ``citizen_messages``.

Inputs under ``<inputs>/twitter/`` (searched recursively, in sorted order; hidden files and folders
such as ``.ipynb_checkpoints/`` are skipped, see :func:`helpers.core.paths.is_hidden`; suffixes match
case-insensitively):

- ``*.jsonl`` (or ``*.json``) — Twitter API v2 responses as twarc2 writes them, one per line, from
  any endpoint: a page ``{"data": [tweet, ...], "includes": {"users": [...], "tweets": [...]},
  "meta": {...}, "errors": [...], "__twarc": {"url", "version", "retrieved_at"}}`` of a user
  timeline (``twarc2 timeline``), a full-archive or recent search (``twarc2 search [--archive]``,
  ``/2/tweets/search/all`` or ``/recent``) or mentions, or one streamed tweet
  ``{"data": tweet, "matching_rules": [...], ...}`` (``twarc2 stream``). Lines written by
  ``twarc2 flatten`` (one tweet per line, expansions inlined) are read too.
- ``tweets.js`` (or ``tweets-part<N>.js``; ``tweet.js`` in older archives) from a personal archive,
  ``window.YTD.tweets.part0 = [...]`` with v1.1-style fields (``id_str``, ``full_text``, ``created_at`` like
  ``Sat Sep 10 01:52:13 +0000 2022``, numbers as strings). The account is read from the archive's
  ``account.js`` in the same folder (``accountId``); the archive's other ``*.js`` files are not read
  (counted in the skips as such).

**Who wrote it decides, not how it was collected.** A tweet whose *author* is a listed account is an
own post, whatever page or file it came in; any other tweet is a citizen (or other) message, also
when it sits in a timeline page. The same tweet read twice (two search pages, a search page and a
timeline, two files) is one tweet: the later copies are left out and counted in the skips as
"duplicate of a tweet already read" (counted in either ``on_bad`` mode, never an error). Tweets in
``includes.tweets`` are context (reply chains, reply targets), not items.

**twarc2 ``errors`` entries** (a suspended, protected, deleted or renamed account; a deleted or
withheld tweet) are counted in the skips, one row per entry, naming the listed account
(``@handle``, gemeente code) and the kind; an account that is not in the list is not named.

**Own posts** (the author is in the account list):

- ``repost``: a ``retweeted`` reference (archive: text starting ``RT @``);
- ``reply``: a ``replied_to`` reference or ``in_reply_to_user_id``; ``reply_to`` is ``self`` when
  it answers the same account (a thread), ``organisation`` when it answers another account in the
  account list (another municipality, or a theme account), else ``citizen``;
- ``quote``: a ``quoted`` reference (archive: ``quoted_status_id_str`` or a link to a tweet);
- ``original``: anything else.

**Citizen messages** (tweets by accounts not in the list, in search/mentions pages) are attributed to
a municipality, first rule that applies: (1) a reply to one of its accounts (``in_reply_to_user_id``
or the replied-to tweet's author); (2) a reply in a conversation that one of its accounts started;
(3) an @mention of one of its accounts (``entities.mentions``, first match) — these three are
``addressed``; (4) otherwise the municipality whose ``@handle`` the page's search query names (the
search for that municipality found it; for a streamed tweet, the ``tag`` of a stream rule it
matched, e.g. ``"@gemeenteutrecht"``): ``addressed=False`` (an indirect mention of it or of a theme).
A tweet that none of these attributes is bad input ("cannot be attributed to a municipality").
``is_question`` and ``theme`` come from :mod:`helpers.collect.questions`; the text, author id and
handle are then dropped and never reach a tidy table.

**First reply rule.** The first reply to citizen message *m* is the earliest own post of an account
of *m*'s municipality, created after *m* and inside the window, whose chain of ``replied_to`` links
(followed upward, at most :data:`MAX_DEPTH` steps, through every tweet seen: own posts, citizen
tweets and ``includes.tweets``) reaches *m*. So a reply to *m* itself counts, and so does a reply
to a later tweet in the reply chain under *m* (a citizen's follow-up). Unanswered messages have no
first reply (censored at the end of the window by the analysis).

**Bad input** (each reported through :class:`helpers.collect.Issues`: an error, or a skip in the
skips table): a line that is not valid JSON (truncated), a line or file that is not UTF-8, an
unknown field (the field is ignored and the item kept; reported once per file and field), a
timestamp without a timezone, an item outside the observation window (in an archive, which spans the
account's whole life, such items are expected: counted in the skips in either mode), an archive whose
account is in no municipality's account list, a citizen tweet that cannot be attributed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd

from helpers.collect import questions
from helpers.collect.issues import describe_value, guard, guarded_loader, iso_problem
from helpers.core.errors import PARSE_ERRORS, DataError, describe_exception
from helpers.core.paths import visible_files
from helpers.core.schemas import CITIZEN_MESSAGES, POSTS

MAX_DEPTH = 25
PAGE_KEYS = {"data", "includes", "meta", "errors", "__twarc", "matching_rules"}
#: Rule for a tweet read a second time (counted in the skips in either ``on_bad`` mode).
DUPLICATE_RULE = "duplicate of a tweet already read"
_ARCHIVE_TWEETS = re.compile(r"tweets?(-part\d+)?\.js", re.IGNORECASE)
_JSONL_SUFFIXES = (".jsonl", ".json")
V2_FIELDS = {
    "id", "text", "author_id", "created_at", "conversation_id", "in_reply_to_user_id",
    "referenced_tweets", "lang", "entities", "public_metrics", "attachments", "context_annotations",
    "geo", "possibly_sensitive", "reply_settings", "source", "withheld", "edit_history_tweet_ids",
    "edit_controls", "non_public_metrics", "organic_metrics", "promoted_metrics", "note_tweet",
    "display_text_range", "scopes", "media_metadata", "community_id",
}
ARCHIVE_FIELDS = {
    "id", "id_str", "full_text", "text", "created_at", "in_reply_to_status_id",
    "in_reply_to_status_id_str", "in_reply_to_user_id", "in_reply_to_user_id_str",
    "in_reply_to_screen_name", "entities", "extended_entities", "retweeted", "favorited",
    "favorite_count", "retweet_count", "lang", "source", "truncated", "display_text_range",
    "edit_info", "possibly_sensitive", "coordinates", "geo", "place", "contributors",
    "quoted_status_id", "quoted_status_id_str", "quoted_status_permalink", "withheld_copyright",
    "withheld_in_countries", "scopes", "self_thread",
}
_ARCHIVE_HEAD = re.compile(r"^\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*=\s*", re.DOTALL)
_STATUS_LINK = re.compile(r"(?:twitter|x)\.com/[^/]+/status/(\d+)")
_ISO_TZ = re.compile(r"(Z|[+-]\d\d:?\d\d)$")
_QUERY_HANDLE = re.compile(r"@(\w{1,50})")


def empty_posts() -> pd.DataFrame:
    """An empty ``posts`` table with the schema's columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in POSTS.columns})


def empty_messages() -> pd.DataFrame:
    """An empty ``citizen_messages`` table with the schema's columns."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in CITIZEN_MESSAGES.columns})


# --------------------------------------------------------------------------------------------
def _parse_time(value, file, row, column, issues, archive: bool) -> pd.Timestamp | None:
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


def _refs(tweet: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for ref in tweet.get("referenced_tweets") or []:
        if isinstance(ref, dict) and ref.get("type") and ref.get("id") is not None:
            out.setdefault(str(ref["type"]), str(ref["id"]))
    return out


class _Reader:
    """Collects normalised tweets from every file, reporting bad input."""

    def __init__(self, issues, window: tuple[pd.Timestamp, pd.Timestamp],
                 accounts: dict[str, tuple[str, str]] | None = None) -> None:
        self.issues, self.lo, self.hi = issues, window[0], window[1]
        self.accounts = accounts or {}  # account id -> (gm_code, handle), Twitter rows of the list
        self.by_handle = {h.lower(): i for i, (_, h) in self.accounts.items()}
        self.items: list[dict] = []  # data tweets (own and citizen), in the window
        self.context: dict[str, tuple[str | None, str | None]] = {}  # id -> (parent, author)
        self.seen: dict[str, tuple[str, int]] = {}  # id -> (file name, row) where first read
        self.unknown: set[tuple[str, str]] = set()
        self.read: list[Path] = []
        self.n_read: dict[str, int] = {}  # file -> tweets (items) read from it

    def _unknown(self, file, row, keys, known, where) -> None:
        for key in sorted(set(keys) - known):
            if (str(file), f"{where}.{key}") in self.unknown:
                continue
            self.unknown.add((str(file), f"{where}.{key}"))
            self.issues.bad(file, f"unknown field {key!r} in {where} (ignored; item kept)",
                            row=row, column=key)

    def _saw(self, file) -> None:
        """Count one tweet (item) read from ``file``, kept or not (for the per-file table)."""
        self.n_read[str(file)] = self.n_read.get(str(file), 0) + 1

    def _add(self, item: dict, file, row) -> None:
        tid = item["id"]
        if tid in self.seen:
            first_file, first_row = self.seen[tid]
            self.issues.count(file, f"{DUPLICATE_RULE} (tweet {tid}, first read in {first_file} "
                              f"row {first_row}; counted once)", row=row, column="id")
            return
        self.seen[tid] = (Path(file).name, row)
        self.context[tid] = (item["parent"], item["author_id"])
        if not (self.lo <= item["created_at"] < self.hi):
            rule = (f"created_at {item['created_at']} is outside the observation window "
                    f"[{self.lo}, {self.hi})")
            if item["archive"]:  # an archive spans the account's life: expected, counted
                self.issues.count(file, rule, row=row, column="created_at")
            else:
                self.issues.bad(file, rule, row=row, column="created_at")
            return
        # classify now and keep only the labels: the text is not held in memory or passed on
        text = item.pop("text")
        item["is_question"] = questions.is_question(text)
        item["theme"] = questions.theme_of(text)
        self.items.append(item)

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

    # -- twarc2 JSON Lines --------------------------------------------------------------------
    def jsonl(self, path: Path) -> None:
        self.read.append(path)
        with guard(self.issues, path):
            self._jsonl(path)

    def _jsonl(self, path: Path) -> None:
        lines = 0
        with open(path, "rb") as fh:
            for row, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                lines += 1
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self.issues.bad(path, f"line is not UTF-8 ({exc.reason} at byte {exc.start})",
                                    row=row)
                    continue
                try:
                    page = json.loads(line)
                except json.JSONDecodeError as exc:
                    self.issues.bad(path, f"not valid JSON (truncated line?): {exc.msg} at "
                                    f"character {exc.pos}", row=row)
                    continue
                except RecursionError as exc:
                    self.issues.bad(path, describe_exception(exc), row=row)
                    continue
                with guard(self.issues, path, row=row, what="the page"):
                    if isinstance(page, dict) and "data" not in page and "id" in page:
                        page = _unflatten(page)
                    elif isinstance(page, dict) and isinstance(page.get("data"), dict):
                        page = dict(page, data=[page["data"]])  # a streamed tweet (twarc2 stream)
                    if isinstance(page, dict) and "data" not in page and "errors" in page:
                        page = dict(page, data=[])  # a page holding only errors (e.g. a suspended user)
                    if not isinstance(page, dict) or not isinstance(page.get("data", []), list):
                        self.issues.bad(path, "a twarc2 page must be an object with a 'data' "
                                        "list", row=row, column="data")
                        continue
                    self._page(page, path, row)
        if not lines:
            self.issues.bad(path, "empty file: no twarc2 page in it (export again, or remove it)")

    def _page(self, page: dict, path: Path, row: int) -> None:
        self._unknown(path, row, page.keys(), PAGE_KEYS, "page")
        if page.get("errors") is not None:
            self._errors(page.get("errors"), path, row)
        url = str((page.get("__twarc") or {}).get("url") or "")
        parsed = urlparse(url)
        query = " ".join(parse_qs(parsed.query).get("query", []))
        # a streamed tweet: the tags of the stream rules it matched stand in for the query
        rules = page.get("matching_rules") or []
        query += " " + " ".join(str(r.get("tag") or "") for r in rules if isinstance(r, dict))
        handles = tuple(h.lower() for h in _QUERY_HANDLE.findall(query))
        for inc in (page.get("includes") or {}).get("tweets") or []:
            if isinstance(inc, dict) and inc.get("id") is not None:
                tid = str(inc["id"])
                parent = _refs(inc).get("replied_to")
                self.context.setdefault(tid, (parent, str(inc.get("author_id") or "") or None))
        for tweet in page.get("data") or []:
            self._saw(path)
            if not isinstance(tweet, dict) or tweet.get("id") is None:
                self.issues.bad(path, "tweet without an id", row=row, column="id")
                continue
            self._unknown(path, row, tweet.keys(), V2_FIELDS, "tweet")
            created = _parse_time(tweet.get("created_at"), path, row, "created_at", self.issues,
                                  archive=False)
            if created is None:
                continue
            refs = _refs(tweet)
            mentions = (tweet.get("entities") or {}).get("mentions") or []
            self._add({
                "id": str(tweet["id"]), "author_id": str(tweet.get("author_id") or ""),
                "created_at": created, "text": str(tweet.get("text") or ""),
                "conversation_id": (str(tweet["conversation_id"])
                                    if tweet.get("conversation_id") is not None else None),
                "in_reply_to_user_id": (str(tweet["in_reply_to_user_id"])
                                        if tweet.get("in_reply_to_user_id") is not None else None),
                "parent": refs.get("replied_to"), "retweeted": refs.get("retweeted"),
                "quoted": refs.get("quoted"),
                "mentions": [(str(m.get("id") or ""), str(m.get("username") or "").lower())
                             for m in mentions if isinstance(m, dict)],
                "archive": False, "query_handles": handles, "file": path, "row": row,
            }, path, row)

    # -- personal archive ---------------------------------------------------------------------
    def archive(self, path: Path) -> None:
        self.row: int | None = None
        try:
            self._archive(path)
        except DataError:
            raise
        except PARSE_ERRORS as exc:  # a wrong shape deep in an item: one line, never a traceback
            self.issues.bad(path, f"archive item has a wrong shape: {describe_exception(exc)}; "
                            "the rest of the file was not read", row=self.row)

    def _archive(self, path: Path) -> None:
        self.read.append(path)
        account = next((p for p in sorted(path.parent.iterdir())
                        if p.name.lower() == "account.js" and p.is_file()), path.parent / "account.js")
        if not account.is_file():
            self.issues.bad(path, "archive tweets.js needs its account.js beside it (accountId)")
            return
        self.read.append(account)
        try:
            acc = _load_js(account)
            author = str(acc[0]["account"]["accountId"])
        except PARSE_ERRORS as exc:
            self.issues.bad(account, f"cannot read accountId: {describe_exception(exc)}")
            return
        try:
            items = _load_js(path)
        except UnicodeDecodeError as exc:
            self.issues.bad(path, f"not UTF-8 ({exc.reason} at byte {exc.start})")
            return
        except json.JSONDecodeError as exc:
            self.issues.bad(path, f"not a valid archive file (truncated?): {exc.msg} at "
                            f"character {exc.pos}")
            return
        except PARSE_ERRORS as exc:
            self.issues.bad(path, f"not a valid archive file (truncated?): "
                            f"{describe_exception(exc)}")
            return
        for row, wrapper in enumerate(items, start=1):
            self._saw(path)
            self.row = row
            tweet = wrapper.get("tweet") if isinstance(wrapper, dict) else None
            if not isinstance(tweet, dict) or not (tweet.get("id_str") or tweet.get("id")):
                self.issues.bad(path, "archive item without tweet.id_str", row=row, column="id_str")
                continue
            self._unknown(path, row, tweet.keys(), ARCHIVE_FIELDS, "tweet")
            created = _parse_time(tweet.get("created_at"), path, row, "created_at", self.issues,
                                  archive=True)
            if created is None:
                continue
            text = str(tweet.get("full_text") or tweet.get("text") or "")
            tid = str(tweet.get("id_str") or tweet.get("id"))
            parent = tweet.get("in_reply_to_status_id_str") or tweet.get("in_reply_to_status_id")
            quoted = tweet.get("quoted_status_id_str")
            if not quoted:
                for u in (tweet.get("entities") or {}).get("urls") or []:
                    m = _STATUS_LINK.search(str(u.get("expanded_url", "")))
                    if m:
                        quoted = m.group(1)
                        break
            mentions = (tweet.get("entities") or {}).get("user_mentions") or []
            reply_user = tweet.get("in_reply_to_user_id_str") or tweet.get("in_reply_to_user_id")
            self._add({
                "id": tid, "author_id": author, "created_at": created, "text": text,
                "conversation_id": None,
                "in_reply_to_user_id": str(reply_user) if reply_user else None,
                "parent": str(parent) if parent else None,
                "retweeted": ("archive-rt" if text.startswith("RT @") else None),
                "quoted": str(quoted) if quoted else None,
                "mentions": [(str(m.get("id_str") or ""), str(m.get("screen_name") or "").lower())
                             for m in mentions if isinstance(m, dict)],
                "archive": True, "query_handles": (), "file": path, "row": row,
            }, path, row)


def error_kind(entry: dict) -> str:
    """What a twarc2 / API v2 ``errors`` entry says happened, in a few words.

    ``suspended`` (detail "User has been suspended"), ``protected`` (type
    ``.../not-authorized-for-resource`` or title "Authorization Error"), ``not found`` for a user
    (a deleted or renamed account), ``deleted`` for a tweet (type ``.../resource-not-found``), else
    the entry's title (or the last part of its type).
    """
    detail = str(entry.get("detail") or "").lower()
    kind = str(entry.get("type") or "")
    title = str(entry.get("title") or "")
    resource = str(entry.get("resource_type") or "")
    if "suspended" in detail:
        return "suspended"
    if kind.endswith("/not-authorized-for-resource") or title == "Authorization Error":
        return "protected"
    if kind.endswith("/resource-not-found") or title == "Not Found Error":
        return "deleted" if resource == "tweet" else "not found"
    return title or kind.rsplit("/", 1)[-1] or "unknown problem"


def describe_error(entry: dict, accounts: dict[str, tuple[str, str]],
                   by_handle: dict[str, str] | None = None) -> str:
    """The skip rule for one twarc2 ``errors`` entry: which account, what kind of problem.

    Parameters
    ----------
    entry : dict
        An item of a page's ``errors`` list (``resource_type``, ``resource_id``, ``parameter``,
        ``value``, ``title``, ``detail``, ``type``).
    accounts : dict
        Account id -> ``(gm_code, handle)`` of the listed Twitter accounts.
    by_handle : dict, optional
        Lower-case handle -> account id (for entries about a ``username``).

    Returns
    -------
    str
        E.g. ``"twarc2 errors entry: account @gemeentex (GM0001) is suspended; no tweets of it were
        returned"``. Accounts that are not in the list, and the entry's free text (which may hold a
        citizen's user name), are never quoted.
    """
    by_handle = by_handle if by_handle is not None else {
        h.lower(): i for i, (_, h) in accounts.items()}
    kind = error_kind(entry)
    resource = str(entry.get("resource_type") or "")
    rid = str(entry.get("resource_id") or entry.get("value") or "")
    if resource == "user":
        acc = rid if rid in accounts else by_handle.get(rid.lower().lstrip("@"))
        if acc is not None:
            gm, handle = accounts[acc]
            return (f"twarc2 errors entry: account @{handle} ({gm}) is {kind}; no tweets of it were "
                    "returned")
        return f"twarc2 errors entry: a user account not in the account list is {kind}"
    if resource == "tweet":
        return f"twarc2 errors entry: tweet {rid} is {kind} (not available; left out)"
    return f"twarc2 errors entry about a {resource or 'resource'}: {kind}"


def _unflatten(tweet: dict) -> dict:
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


def _load_js(path: Path) -> list:
    """The JSON array of a ``window.YTD.<name>.part<N> = [...]`` archive file."""
    text = path.read_bytes().decode("utf-8-sig")
    body = _ARCHIVE_HEAD.sub("", text, count=1).strip().rstrip(";")
    data = json.loads(body)
    if not isinstance(data, list):
        raise ValueError("expected a JSON array after 'window.YTD....='")
    return data


# --------------------------------------------------------------------------------------------
def _classify_posts(own: list[dict], acc_gm: dict[str, str], context: dict) -> pd.DataFrame:
    rows = []
    for t in own:
        kind, reply_to = "original", None
        if t["retweeted"]:
            kind = "repost"
        elif t["parent"] or t["in_reply_to_user_id"]:
            kind = "reply"
            target = t["in_reply_to_user_id"] or context.get(t["parent"], (None, None))[1]
            if target == t["author_id"]:
                reply_to = "self"
            elif target in acc_gm:
                reply_to = "organisation"
            else:
                reply_to = "citizen"
        elif t["quoted"]:
            kind = "quote"
        rows.append((t["id"], "twitter", acc_gm[t["author_id"]], t["author_id"], t["created_at"],
                     kind, t["parent"], t["conversation_id"] or t["id"] if kind != "reply"
                     else t["conversation_id"], reply_to))
    cols = ["post_id", "platform", "gm_code", "account_id", "created_at", "kind",
            "in_reply_to_id", "conversation_id", "reply_to"]
    return pd.DataFrame(rows, columns=cols) if rows else empty_posts()


def _attribute(t: dict, acc_gm, handle_gm, conv_gm, context) -> tuple[str | None, bool]:
    if t["in_reply_to_user_id"] in acc_gm:
        return acc_gm[t["in_reply_to_user_id"]], True
    if t["parent"] and t["parent"] in context:
        parent_author = context[t["parent"]][1]
        if parent_author in acc_gm:
            return acc_gm[parent_author], True
    if t["conversation_id"] and t["conversation_id"] in conv_gm:
        return conv_gm[t["conversation_id"]], True
    for uid, name in t["mentions"]:
        if uid in acc_gm:
            return acc_gm[uid], True
        if name in handle_gm:
            return handle_gm[name], True
    found = {handle_gm[h] for h in t["query_handles"] if h in handle_gm}
    if len(found) == 1:
        return found.pop(), False
    return None, False


def first_replies(messages: pd.DataFrame, posts: pd.DataFrame,
                  parents: dict[str, str | None]) -> pd.DataFrame:
    """The first reply of each message, by the rule in the module docstring.

    Parameters
    ----------
    messages : DataFrame
        ``msg_id``, ``gm_code``, ``created_at``.
    posts : DataFrame
        Own posts: ``post_id``, ``gm_code``, ``created_at``, ``kind``, ``in_reply_to_id``.
    parents : dict
        Tweet id -> the id it replies to (``None`` for none), for every tweet seen.

    Returns
    -------
    DataFrame
        ``msg_id``, ``first_reply_post_id``, ``first_reply_at`` for the answered messages.
    """
    cols = ["msg_id", "first_reply_post_id", "first_reply_at"]
    replies = posts.loc[posts["kind"] == "reply", ["post_id", "gm_code", "created_at",
                                                   "in_reply_to_id"]]
    if replies.empty or messages.empty:
        return pd.DataFrame(columns=cols)
    target = messages.set_index("msg_id")[["gm_code", "created_at"]]
    walk = replies.rename(columns={"in_reply_to_id": "anc"}).dropna(subset=["anc"])
    parent = pd.Series(parents, dtype="object")
    hits = []
    for _ in range(MAX_DEPTH):
        if walk.empty:
            break
        j = walk.merge(target, left_on="anc", right_index=True, how="left",
                       suffixes=("", "_msg"))
        ok = j["gm_code_msg"].eq(j["gm_code"]) & (j["created_at"] > j["created_at_msg"])
        hits.append(j.loc[ok, ["anc", "post_id", "created_at"]])
        nxt = walk["anc"].map(parent)
        walk = walk.assign(anc=nxt).dropna(subset=["anc"])
    found = pd.concat(hits, ignore_index=True) if hits else pd.DataFrame(
        columns=["anc", "post_id", "created_at"])
    if found.empty:
        return pd.DataFrame(columns=cols)
    found = found.sort_values(["anc", "created_at", "post_id"]).drop_duplicates("anc")
    return pd.DataFrame({"msg_id": found["anc"].to_numpy(),
                         "first_reply_post_id": found["post_id"].to_numpy(),
                         "first_reply_at": found["created_at"].to_numpy()})


@guarded_loader
def load(folder: Path, accounts: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp],
         issues, stats: dict[str, dict[str, int]] | None = None
         ) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """Import every Twitter file under ``folder``.

    Parameters
    ----------
    folder : Path
        ``<inputs>/twitter``.
    accounts : DataFrame
        The ``accounts`` table of the year (all platforms; the Twitter rows are used).
    window : (Timestamp, Timestamp)
        UTC [start, end) of the observation window.
    issues : helpers.collect.Issues
        Where bad input is reported.
    stats : dict, optional
        Filled with ``{file: {"read": tweets read, "kept": tweets in posts or messages}}`` per
        export file (for the per-file table of :func:`helpers.collect.file_table`).

    Returns
    -------
    posts, citizen_messages : DataFrame
        The tidy tables (Twitter rows only).
    read : list of Path
        Every file read.
    """
    tw = accounts[accounts["platform"] == "twitter"]
    acc_gm = dict(zip(tw["account_id"].astype(str), tw["gm_code"], strict=False))
    handle_gm = dict(zip(tw["handle"].astype(str).str.lower(), tw["gm_code"], strict=False))
    listed = {str(i): (str(g), str(h)) for i, g, h in
              zip(tw["account_id"], tw["gm_code"], tw["handle"], strict=False)}
    reader = _Reader(issues, window, listed)
    for path in visible_files(folder):
        name = path.name
        if path.suffix.lower() in _JSONL_SUFFIXES:
            reader.jsonl(path)
        elif _ARCHIVE_TWEETS.fullmatch(name):
            reader.archive(path)
        elif name.lower() == "account.js":
            continue  # read with the tweets.js beside it
        else:
            issues.count(path, "not a Twitter export (expected *.jsonl, *.json or an archive's "
                         "tweets.js); file not read")
    if not reader.read:
        raise DataError(str(folder), "no Twitter export (*.jsonl, tweets.js) in this folder; add "
                        "the exports or leave 'twitter' out of sources")
    own, citizen = [], []
    for t in reader.items:
        if t["author_id"] in acc_gm:
            own.append(t)  # the author decides: timeline, search, stream or archive alike
        elif t["archive"]:
            issues.bad(t["file"], f"the archive's account {t['author_id']} is in no "
                       "municipality's account list (account belongs to no municipality); add "
                       "it to accounts.csv", row=t["row"], column="accountId")
        else:
            citizen.append(t)
    posts = _classify_posts(own, acc_gm, reader.context)
    kept: dict[str, int] = {}
    for t in own:
        kept[str(t["file"])] = kept.get(str(t["file"]), 0) + 1
    conv_gm = dict(zip(posts.loc[posts["kind"] != "reply", "post_id"],
                       posts.loc[posts["kind"] != "reply", "gm_code"], strict=False))
    rows = []
    for t in citizen:
        gm, addressed = _attribute(t, acc_gm, handle_gm, conv_gm, reader.context)
        if gm is None:
            issues.bad(t["file"], f"tweet {t['id']} cannot be attributed to a municipality "
                       "(no reply, mention or search of a listed account)", row=t["row"],
                       column="id")
            continue
        rows.append((t["id"], gm, t["created_at"], addressed, t["is_question"], t["theme"]))
        kept[str(t["file"])] = kept.get(str(t["file"]), 0) + 1
    msgs = pd.DataFrame(rows, columns=["msg_id", "gm_code", "created_at", "addressed",
                                       "is_question", "theme"])
    parents = {k: v[0] for k, v in reader.context.items()}
    first = first_replies(msgs, posts, parents)
    msgs = msgs.merge(first, on="msg_id", how="left")
    msgs.insert(1, "platform", "twitter")
    msgs = msgs[list(CITIZEN_MESSAGES.columns)] if len(msgs) else empty_messages()
    if len(posts):
        posts = posts.sort_values(["gm_code", "created_at", "post_id"], kind="stable")
        posts["created_at"] = pd.to_datetime(posts["created_at"], utc=True)
    if len(msgs):
        msgs = msgs.sort_values(["gm_code", "created_at", "msg_id"], kind="stable")
        msgs["created_at"] = pd.to_datetime(msgs["created_at"], utc=True)
        msgs["first_reply_at"] = pd.to_datetime(msgs["first_reply_at"], utc=True)
        msgs["addressed"] = msgs["addressed"].astype(bool)
        msgs["is_question"] = msgs["is_question"].astype(bool)
    if stats is not None:
        for path in reader.read:
            if path.name.lower() == "account.js":
                continue
            stats[str(path)] = {"read": reader.n_read.get(str(path), 0),
                                "kept": kept.get(str(path), 0)}
    return posts.reset_index(drop=True), msgs.reset_index(drop=True), reader.read


__all__ = ["describe_error", "empty_messages", "empty_posts", "error_kind", "first_replies", "load"]
