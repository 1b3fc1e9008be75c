"""The demo's social-media raw files for one year, in the formats real collection produces.

Up to :data:`helpers.demo.LAST_TWITTER_YEAR` (2023) Twitter and Facebook, after the calibration in
:mod:`helpers.demo.calibration` (writers: :mod:`helpers.demo.twitter`, :mod:`helpers.demo.facebook`);
later years Facebook, Mastodon and Bluesky and no Twitter (:mod:`helpers.demo.current` and its stated
assumptions; writers :mod:`helpers.demo.mastodon`, :mod:`helpers.demo.bluesky`). Imports nothing from
helpers but the demo's own modules and :mod:`helpers.core`; nothing from :mod:`helpers.collect`.

For a Twitter-era year :func:`write_raw` writes, under ``dest``:

- ``accounts.csv`` — the research team's account list: ``gm_code, platform, account_id, handle,
  kind (corporate|theme), first_seen`` (ISO 8601 UTC), ``synthetic`` (always ``true``).
- ``twitter/timelines.jsonl`` — the municipalities' own timelines and ``twitter/mentions.jsonl`` — a
  search per municipality (its ``@handle``, its name and policy-theme words), both as twarc2 writes
  Twitter API v2 responses: one page per line, ``{"data": [...], "includes": {"users": [...],
  "tweets": [...]}, "meta": {...}, "__twarc": {"url", "version", "retrieved_at", "synthetic": true}}``.
- ``facebook/posts.csv`` and ``facebook/comments.csv`` — page exports with the columns documented in
  :mod:`helpers.collect.facebook`, including the commenters' names (as real exports have them; the
  importer drops them) and a ``synthetic`` column.

How the numbers come about (so that the analysis helpers, measuring the tidy tables, find the
published figures of 2013-2015; other years are **extrapolated** from those):

- *Presence* is drawn as exact counts: in 2014, 390 of 403 municipalities have a corporate Twitter
  account (the rest none); Facebook any page 75 %, corporate page 58 % (2015: 89 % / 69 %). A
  sample gets the same shares, rounded; the anchors (Utrecht, Goeree-Overflakkee, Veere) always
  have accounts.
- *Citizen messages* arrive by a daily and weekly rhythm (less at night and at weekends) in the
  observation window; their number grows with population^0.6 and with ``scale``. Addressed ones
  (an @mention, or a reply in the municipality's thread) are questions, statements or ambiguous
  (rhetorical) texts from templates; indirect ones name the municipality or a theme.
- *Replies*: an addressed question gets a reply with probability about 0.83, a statement 0.45,
  an indirect message 0.07. The delay is drawn in *office time* (Monday-Friday 08:30-17:00
  Europe/Amsterdam, Dutch public holidays closed) and turned into clock time, so questions from
  Friday evening wait for Monday; a share of municipalities run evening and weekend webcare
  (07:30-22:00 every day). Replies that would fall after the window are not written (the
  question stays unanswered). Goeree-Overflakkee and Veere (2014; Veere first in 2013) reply within
  minutes, with webcare.
- *Own posts*: given the realised replies to others ``R`` (citizens and other municipalities) and
  the municipality's interaction share ``s``, it writes ``R (1 - s) / s`` originals (6 % of them
  quotes), 14 % retweets and 4 % self-replies (threads) of its own posts. ``s`` is about 0.3
  (beta distributed, at most 0.7); Utrecht's is 0.85.

Every file says it is synthetic. The output is byte-identical for the same generator state.
"""

from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import quote

import holidays
import numpy as np
import pandas as pd

from helpers.demo import bluesky, mastodon
from helpers.demo.calibration import _accounts, _plan, params_for
from helpers.demo.common import LAST_TWITTER_YEAR, MARKER
from helpers.demo.current import account_rows, converse, presence
from helpers.demo.facebook import COMMENT_COLUMNS, POST_COLUMNS, _facebook
from helpers.demo.timing import Calendar, _iso_z, window_ms
from helpers.demo.twitter import _municipality_twitter, _Writer


def write_raw(munis: pd.DataFrame, year: int, rng: np.random.Generator, dest: Path,
              scale: float) -> list[Path]:
    """Write the demo's social-media raw files for ``munis`` in ``year`` under ``dest``.

    Parameters
    ----------
    munis : DataFrame
        Rows of :func:`helpers.core.register.municipalities` (all of the year, or a sample).
    year : int
        The study year (its observation window comes from ``published.yaml``).
    rng : numpy Generator
        The social-media random stream (:func:`helpers.demo.rng_for`).
    dest : Path
        The demo dataset's folder.
    scale : float
        Volume multiplier: 1 gives about 100,000 messages for 403 municipalities.

    Returns
    -------
    list of Path
        The files written.
    """
    if int(year) > LAST_TWITTER_YEAR:
        return _write_current(munis, int(year), rng, Path(dest), scale)
    p = params_for(int(year))
    lo, hi = window_ms(int(year))
    munis = munis.sort_values("gm_code").reset_index(drop=True)
    plan = _plan(munis, int(year), rng, p)
    accounts = _accounts(plan, int(year), rng, lo)
    closed = set(holidays.NL(years=range(int(year) - 1, int(year) + 2)))
    ctx = {
        "lo": lo, "hi": hi, "accounts": accounts,
        "office": Calendar.build(lo, hi, 8.5, 17.0, False, closed),
        "webcare": Calendar.build(lo, hi, 7.5, 22.0, True, set()),
    }
    ctx["by_muni"] = {key: g for key, g in accounts.groupby(["gm_code", "platform"], sort=True)}
    corp_tw = accounts[(accounts["platform"] == "twitter") & (accounts["kind"] == "corporate")]
    ctx["other_muni_ids"] = list(zip(corp_tw["account_id"], corp_tw["handle"], strict=False))
    seeds = rng.integers(0, 2**62, size=(len(munis), 2))
    dest = Path(dest)
    (dest / "twitter").mkdir(parents=True, exist_ok=True)
    (dest / "facebook").mkdir(parents=True, exist_ok=True)
    paths = [dest / "accounts.csv", dest / "twitter" / "timelines.jsonl",
             dest / "twitter" / "mentions.jsonl", dest / "facebook" / "posts.csv",
             dest / "facebook" / "comments.csv"]
    accounts.to_csv(paths[0], index=False, lineterminator="\n")
    retrieved = pd.Timestamp(hi, unit="ms", tz="UTC").strftime("%Y-%m-%dT%H:%M:%S+00:00")
    start_iso, end_iso = _iso_z(np.array([lo, hi]))
    with (open(paths[1], "w", encoding="utf-8", newline="\n") as tl,
          open(paths[2], "w", encoding="utf-8", newline="\n") as mt,
          open(paths[3], "w", encoding="utf-8", newline="") as fp,
          open(paths[4], "w", encoding="utf-8", newline="") as fc):
        posts_csv, comments_csv = csv.writer(fp, lineterminator="\n"), csv.writer(fc,
                                                                                  lineterminator="\n")
        posts_csv.writerow(POST_COLUMNS)
        comments_csv.writerow(COMMENT_COLUMNS)
        for i in range(len(munis)):
            if plan.twitter[i]:
                r = np.random.default_rng(seeds[i, 0])
                timeline, mentions, users, refs, me = _municipality_twitter(i, plan, p, r, ctx,
                                                                            scale)
                by_author: dict[str, list] = {}
                for tw in timeline:
                    by_author.setdefault(tw["author_id"], []).append(tw)
                for author in sorted(by_author):
                    url = (f"https://api.twitter.com/2/users/{author}/tweets?max_results=100"
                           f"&start_time={start_iso}&end_time={end_iso}")
                    _Writer(tl, url, retrieved).write(by_author[author], users, refs)
                query = quote(f'(@{me["handle"]} OR "{plan.names[i]}") lang:nl -is:retweet')
                url = (f"https://api.twitter.com/2/tweets/search/all?query={query}"
                       f"&start_time={start_iso}&end_time={end_iso}&max_results=100")
                if mentions:
                    _Writer(mt, url, retrieved).write(mentions, users, refs)
            if plan.fb_any[i]:
                r = np.random.default_rng(seeds[i, 1])
                posts, comments = _facebook(i, plan, p, r, ctx, scale)
                posts_csv.writerows(posts)
                comments_csv.writerows(comments)
    return paths


def _write_current(munis: pd.DataFrame, year: int, rng: np.random.Generator, dest: Path,
                   scale: float) -> list[Path]:
    """A current year (after :data:`helpers.demo.LAST_TWITTER_YEAR`): Facebook, Mastodon, Bluesky.

    Writes ``accounts.csv`` (Facebook pages as in the Twitter era; Mastodon and Bluesky accounts
    after :mod:`helpers.demo.current`), the Facebook exports, and the stored Mastodon and Bluesky
    responses (:mod:`helpers.demo.mastodon`, :mod:`helpers.demo.bluesky`); no ``twitter/``.
    """
    from helpers.core.window import Window

    p = params_for(year)
    lo, hi = window_ms(year)
    first, last = (d.isoformat() for d in Window.of_year(year).dates())
    munis = munis.sort_values("gm_code").reset_index(drop=True)
    plan = _plan(munis, year, rng, p)
    fb = _accounts(plan, year, rng, lo)
    fb = fb[fb["platform"] == "facebook"]
    pres = presence(munis, rng)
    new = pd.DataFrame(account_rows(pres, rng, lo), columns=list(fb.columns[:-1]))
    new["synthetic"] = True
    order = {"facebook": 0, "mastodon": 1, "bluesky": 2}
    accounts = pd.concat([fb, new], ignore_index=True)
    accounts = accounts.sort_values(["gm_code", "platform"], key=lambda s: s.map(order)
                                    if s.name == "platform" else s, kind="stable")
    accounts = accounts.reset_index(drop=True)
    closed = set(holidays.NL(years=range(year - 1, year + 2)))
    ctx = {
        "lo": lo, "hi": hi, "accounts": accounts,
        "office": Calendar.build(lo, hi, 8.5, 17.0, False, closed),
        "webcare": Calendar.build(lo, hi, 7.5, 22.0, True, set()),
    }
    ctx["by_muni"] = {key: g for key, g in accounts.groupby(["gm_code", "platform"], sort=True)}
    seeds = rng.integers(0, 2**62, size=(len(munis), 3))
    (dest / "facebook").mkdir(parents=True, exist_ok=True)
    paths = [dest / "accounts.csv", dest / "facebook" / "posts.csv",
             dest / "facebook" / "comments.csv"]
    accounts.to_csv(paths[0], index=False, lineterminator="\n")
    with (open(paths[1], "w", encoding="utf-8", newline="") as fp,
          open(paths[2], "w", encoding="utf-8", newline="") as fc):
        posts_csv, comments_csv = csv.writer(fp, lineterminator="\n"), csv.writer(fc,
                                                                                  lineterminator="\n")
        posts_csv.writerow(POST_COLUMNS)
        comments_csv.writerow(COMMENT_COLUMNS)
        for i in range(len(munis)):
            if plan.fb_any[i]:
                posts, comments = _facebook(i, plan, p, np.random.default_rng(seeds[i, 0]), ctx,
                                            scale)
                posts_csv.writerows(posts)
                comments_csv.writerows(comments)
    for col, (pf, module) in enumerate((("mastodon", mastodon), ("bluesky", bluesky)), 1):
        (dest / pf).mkdir(parents=True, exist_ok=True)
        (dest / pf / "SYNTHETIC.txt").write_text(MARKER + "\n", encoding="utf-8")
        paths.append(dest / pf / "SYNTHETIC.txt")
        for i in np.flatnonzero(pres.has[pf]):
            conv = converse(int(i), pres, pf, np.random.default_rng(seeds[i, col]), ctx, scale)
            acc = ctx["by_muni"][(pres.codes[i], pf)].iloc[0]
            paths += module.write_account(conv, dest / pf, acc["handle"].split("@")[0],
                                          acc["account_id"], str(pres.names[i]),
                                          int(pres.codes[i][2:]), (first, last), (lo, hi))
    return paths
