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

**Streaming, in bounded memory.** Files are read one at a time, JSON Lines line by line (``orjson``),
and each tweet leaves only integer codes in compact columns (:mod:`.twitter_read`; archives in
:mod:`.twitter_archive`; the buffers and the duplicate index in :mod:`.twitter_buffers`); no tweet
dict, text or citizen id outlives its line. Attribution, post kinds and the first-reply walk then
run vectorised on those columns (:mod:`.twitter_tidy`). About 150 bytes per tweet while reading and
the tidy tables themselves, against ~500 bytes of JSON per tweet. This module is the public entry
(:func:`load`) and must not be imported by the modules it uses.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from helpers.collect.issues import guarded_loader
from helpers.collect.twitter_archive import read_archive
from helpers.collect.twitter_errors import describe_error, error_kind
from helpers.collect.twitter_read import DUPLICATE_RULE, TweetReader
from helpers.collect.twitter_tidy import MAX_DEPTH, empty_messages, empty_posts, first_replies, tidy
from helpers.core.errors import DataError
from helpers.core.paths import visible_files

_ARCHIVE_TWEETS = re.compile(r"tweets?(-part\d+)?\.js", re.IGNORECASE)
_JSONL_SUFFIXES = (".jsonl", ".json")


@guarded_loader
def load(folder: Path, accounts: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp],
         issues, stats: dict[str, dict[str, int]] | None = None
         ) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """Import every Twitter file under ``folder``.

    Files are read one at a time and line by line; each tweet leaves only a few integer codes in
    compact columns (:mod:`.twitter_read`), so memory grows by tens of bytes per tweet, not by the
    size of the JSON. Attribution and the first-reply walk then run vectorised on those columns.

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
    listed = {str(i): (str(g), str(h)) for i, g, h in
              zip(tw["account_id"], tw["gm_code"], tw["handle"], strict=False)}
    reader = TweetReader(issues, window, listed)
    for path in visible_files(folder):
        name = path.name
        if path.suffix.lower() in _JSONL_SUFFIXES:
            reader.jsonl(path)
        elif _ARCHIVE_TWEETS.fullmatch(name):
            read_archive(reader, path)
        elif name.lower() == "account.js":
            continue  # read with the tweets.js beside it
        else:
            issues.count(path, "not a Twitter export (expected *.jsonl, *.json or an archive's "
                         "tweets.js); file not read")
    if not reader.read:
        raise DataError(str(folder), "no Twitter export (*.jsonl, tweets.js) in this folder; add "
                        "the exports or leave 'twitter' out of sources")
    posts, msgs = tidy(reader, issues, stats)
    return posts, msgs, reader.read


__all__ = ["DUPLICATE_RULE", "MAX_DEPTH", "describe_error", "empty_messages", "empty_posts", "error_kind",
           "first_replies", "load"]
