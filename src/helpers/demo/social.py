"""Synthetic Twitter and Facebook raw files for the demo dataset, in the formats real collection produces.

:func:`write_raw` writes, under ``dest``:

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
import json
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import holidays
import numpy as np
import pandas as pd

from helpers.demo import ANCHORS

UTRECHT, GOEREE, VEERE = ANCHORS
TZ = "Europe/Amsterdam"
TWITTER_EPOCH_MS = 1288834974657
TWARC_VERSION = "2.14.0"
PAGE_SIZE = 100
H = 3600.0


@dataclass(frozen=True)
class YearParams:
    """The knobs of one year's social-media demo data (shares are of all municipalities)."""

    twitter_share: float  # corporate Twitter account
    twitter_active: float  # posted at least once in the window
    fb_any: float
    fb_corporate: float
    webcare_share: float  # municipalities with evening/weekend webcare
    fast_share: float  # mean share of replies that come quickly (beta mean)
    fast_mean_h: float  # mean office-time delay of a quick reply, hours
    slow_mean_h: float  # mean office-time delay of a slow reply, hours
    utrecht_share: float  # Utrecht's interaction share
    fastest: tuple[str, ...]  # anchors with very fast replies, fastest first
    extrapolated: bool


def params_for(year: int) -> YearParams:
    """The demo knobs for ``year``: calibrated for 2013-2015, extrapolated for other years."""
    calibrated = {
        2013: YearParams(0.944, 0.93, 0.62, 0.45, 0.05, 0.22, 0.6, 5.0, 0.70, (VEERE,), False),
        2014: YearParams(390 / 403, 0.955, 0.75, 0.58, 0.03, 0.3, 0.6, 3.8, 0.85,
                         (GOEREE, VEERE), False),
        2015: YearParams(0.975, 0.965, 0.89, 0.69, 0.4, 0.75, 0.8, 12.5, 0.85,
                         (GOEREE, VEERE), False),
    }
    if year in calibrated:
        return calibrated[year]
    if year < 2013:
        k = 2013 - year
        return YearParams(max(0.944 - 0.12 * k, 0.1), max(0.93 - 0.12 * k, 0.08),
                          max(0.62 - 0.12 * k, 0.05), max(0.45 - 0.1 * k, 0.03), 0.03, 0.2, 0.7,
                          5.5, 0.6, (VEERE,), True)
    k = year - 2015
    return YearParams(min(0.975 + 0.004 * k, 0.99), min(0.965 + 0.003 * k, 0.985),
                      min(0.89 + 0.01 * k, 0.96), min(0.69 + 0.015 * k, 0.85),
                      min(0.4 + 0.03 * k, 0.7), min(0.73 + 0.01 * k, 0.85), 0.8, 12.0, 0.85,
                      (GOEREE, VEERE), True)


# --------------------------------------------------------------------------------------------
# Text templates (Dutch). {h}: the municipality's handle, {name}: its short name.
QUESTIONS = (
    ("afval", "Wanneer wordt het grofvuil in onze straat weer opgehaald?"),
    ("afval", "Is de milieustraat op zaterdag open?"),
    ("afval", "waar kan ik mijn kapotte kliko laten omruilen?"),
    ("afval", "kunt u zorgen dat de container bij de school geleegd wordt"),
    ("verkeer", "Hoe vraag ik een parkeervergunning aan voor bezoek?"),
    ("verkeer", "Hoe lang duren de wegwerkzaamheden bij het station nog?"),
    ("verkeer", "kunnen jullie iets doen aan de kapotte straatverlichting bij ons?"),
    ("verkeer", "Klopt het dat de fietsenstalling gaat sluiten"),
    ("zorg", "waar kan ik terecht met vragen over de WMO?"),
    ("zorg", "Hoe vraag ik huishoudelijke hulp aan voor mijn moeder?"),
    ("werk_inkomen", "Wanneer wordt de bijstand deze maand uitbetaald?"),
    ("werk_inkomen", "info graag over schuldhulpverlening, bij wie moet ik zijn?"),
    ("veiligheid", "Wie kan ik bellen over de overlast van hangjongeren in het park?"),
    ("evenementen", "moet ik voor een buurtbarbecue een vergunning aanvragen?"),
    ("evenementen", "Gaat de kermis dit jaar door?"),
    ("belastingen", "Waarom is mijn aanslag OZB zo hoog dit jaar?"),
    ("belastingen", "graag reactie op mijn bezwaar tegen de WOZ-waarde"),
    ("overig", "Wat zijn de openingstijden van het gemeentehuis?"),
    ("overig", "Kan ik zonder afspraak een paspoort aanvragen?"),
    ("overig", "hoeveel kost een rijbewijs verlengen tegenwoordig"),
)
STATEMENTS = (
    ("afval", "de container op het plein zit alweer vol. Niet normaal."),
    ("verkeer", "bedankt voor het snel repareren van de lantaarnpaal!"),
    ("verkeer", "Weer file door de wegwerkzaamheden, elke ochtend hetzelfde."),
    ("overig", "top geregeld vandaag bij de balie, dank!"),
    ("zorg", "Fijn gesprek gehad met de wijkcoach over de zorg voor mijn vader."),
    ("veiligheid", "Weer overlast van scooters in de wijk vannacht."),
    ("evenementen", "mooie markt vandaag, complimenten"),
    ("overig", "jullie site is al de hele ochtend onbereikbaar"),
)
AMBIGUOUS = (
    ("afval", "Dit is toch niet normaal? Drie weken geen vuilnisophaal."),
    ("verkeer", "Wie weet wordt het ooit nog wat met die fietsbrug"),
    ("overig", "Mooi weer vandaag, toch?"),
    ("verkeer", "Wanneer gaat de gemeente eindelijk eens luisteren naar de bewoners over het parkeren"),
)
INDIRECT = (
    ("afval", "Weer geen afval opgehaald in {name}. Hoe moeilijk kan het zijn?"),
    ("afval", "Zwerfvuil overal in het centrum van {name}"),
    ("verkeer", "Parkeren in {name} is echt een drama geworden"),
    ("verkeer", "Wie weet waarom de weg naar {name} al een week dicht is?"),
    ("zorg", "De jeugdzorg in {name} moet echt beter"),
    ("werk_inkomen", "Al maanden wachten op mijn uitkering in {name}"),
    ("veiligheid", "Inbraakgolf in {name}, wat doet de politie eraan?"),
    ("evenementen", "Leuk festival dit weekend in {name}!"),
    ("belastingen", "Rioolheffing in {name} weer omhoog"),
    ("overig", "Mooie dag in {name} vandaag"),
)
ORIGINALS = (
    "Vanaf maandag werkzaamheden aan de Dorpsstraat. Verkeer wordt omgeleid.",
    "Vanavond raadsvergadering over de begroting. Volg het live via onze website.",
    "Denk aan de nieuwe afvalkalender: GFT wordt voortaan om de week opgehaald.",
    "Het gemeentehuis is op Hemelvaartsdag gesloten.",
    "Inloopavond over de herinrichting van het centrum, donderdag 19.30 uur.",
    "Nieuw: vraag uw parkeervergunning online aan.",
    "Het college heeft vandaag het nieuwe armoedebeleid gepresenteerd.",
    "Let op: zaterdag is de milieustraat alleen 's ochtends open.",
)
REPLIES = (
    "Dank voor uw vraag. We zoeken het voor u uit en komen erop terug.",
    "Goed dat u dit meldt. We hebben het doorgegeven aan de buitendienst.",
    "Dat kan via onze website, onder Digitaal loket. Succes!",
    "Excuses voor het ongemak. Kunt u ons een DM sturen met uw adres?",
    "De milieustraat is op zaterdag open van 9.00 tot 16.00 uur.",
    "Bedankt voor uw compliment, we geven het door!",
)
SELF_REPLIES = ("Meer informatie volgt later vandaag.", "Update: de werkzaamheden lopen uit.")
FIRST_NAMES = ("Jan", "Anna", "Pieter", "Sanne", "Mohamed", "Fleur", "Kees", "Fatima", "Daan",
               "Lotte", "Henk", "Emma", "Bram", "Yasmin", "Wim", "Sophie", "Joost", "Noor")
SURNAMES = ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
            "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "El Amrani", "Yilmaz")
HOUR_WEIGHTS = np.array([0.3, 0.15, 0.08, 0.05, 0.05, 0.1, 0.35, 0.9, 1.5, 1.8, 1.8, 1.8, 1.7,
                         1.7, 1.7, 1.6, 1.6, 1.5, 1.4, 1.6, 1.7, 1.6, 1.2, 0.7])
WEEKDAY_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.75, 0.7])


# --------------------------------------------------------------------------------------------
def window_ms(year: int) -> tuple[int, int]:
    """The observation window of ``year`` as UTC epoch milliseconds [start, end)."""
    from helpers.core.window import Window

    lo, hi = Window.of_year(year).bounds()
    return int(lo.value // 10**6), int(hi.value // 10**6)


class Calendar:
    """Opening intervals (UTC epoch ms) and office-time arithmetic over them."""

    def __init__(self, starts: np.ndarray, ends: np.ndarray) -> None:
        self.starts, self.ends = starts.astype(np.int64), ends.astype(np.int64)
        self.cum = np.concatenate([[0], np.cumsum(self.ends - self.starts)])

    @classmethod
    def build(cls, lo_ms: int, hi_ms: int, open_h: float, close_h: float, weekend: bool,
              closed: set) -> Calendar:
        """Intervals open_h-close_h local time on every day between lo and hi (+40 days)."""
        first = pd.Timestamp(lo_ms, unit="ms", tz="UTC").tz_convert(TZ).normalize().tz_localize(None)
        days = pd.date_range(first - pd.Timedelta(days=3), periods=int((hi_ms - lo_ms) / 864e5) + 45)
        keep = [(weekend or d.weekday() < 5) and d.date() not in closed for d in days]
        days = days[np.array(keep)]
        starts = (days + pd.Timedelta(hours=open_h)).tz_localize(TZ).tz_convert("UTC")
        ends = (days + pd.Timedelta(hours=close_h)).tz_localize(TZ).tz_convert("UTC")
        return cls(starts.asi8 // 10**3, ends.asi8 // 10**3)

    def add(self, t: np.ndarray, delay_ms: np.ndarray) -> np.ndarray:
        """The clock time at which ``delay_ms`` of opening time has passed after ``t``."""
        length = self.ends - self.starts
        i = np.clip(np.searchsorted(self.ends, t, side="right"), 0, len(self.starts) - 1)
        pos = self.cum[i] + np.clip(t - self.starts[i], 0, length[i])
        target = pos + delay_ms
        j = np.clip(np.searchsorted(self.cum[1:], target, side="left"), 0, len(self.starts) - 1)
        return self.starts[j] + (target - self.cum[j])


@lru_cache(maxsize=8)
def _hour_grid(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """UTC epoch ms at the start of every local hour of the window (days x 24), and each day's weekday."""
    first = pd.Timestamp(lo, unit="ms", tz="UTC").tz_convert(TZ).tz_localize(None).normalize()
    n_days = int(round((hi - lo) / 864e5))
    days = pd.date_range(first, periods=n_days)
    local = (days.to_numpy()[:, None] + np.arange(24) * np.timedelta64(1, "h")).ravel()
    utc = pd.DatetimeIndex(local).tz_localize(TZ, ambiguous=False, nonexistent="shift_forward")
    grid = (utc.tz_convert("UTC").asi8 // 10**3).reshape(n_days, 24)
    return grid, days.day_of_week.to_numpy()


def _times(rng: np.random.Generator, n: int, lo: int, hi: int, hour_w: np.ndarray,
           day_w: np.ndarray) -> np.ndarray:
    """``n`` sorted UTC epoch-ms times in [lo, hi) with a local daily and weekly rhythm."""
    grid, dow = _hour_grid(lo, hi)
    dw = day_w[dow]
    d = rng.choice(len(dow), size=n, p=dw / dw.sum())
    h = rng.choice(24, size=n, p=hour_w / hour_w.sum())
    within = rng.integers(0, 3_600_000, size=n)
    ms = grid[d, h] + within
    return np.sort(np.clip(ms, lo, hi - 1))


def _iso1(ms: int) -> str:
    """One UTC epoch-ms time as the API writes it: ``2014-04-03T09:12:44.000Z``."""
    sec, rest = divmod(int(ms), 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)) + f".{rest:03d}Z"


def _iso_z(ms: np.ndarray) -> list[str]:
    return [s + "Z" for s in np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms")]


def _fb_time(ms: np.ndarray) -> list[str]:
    return [s + "+0000" for s in np.datetime_as_string(ms.astype("datetime64[ms]"), unit="s")]


def _snowflake(ms: np.ndarray, worker: int, seq: np.ndarray) -> np.ndarray:
    return ((ms - TWITTER_EPOCH_MS) << 22) | ((worker % 1024) << 12) | (seq % 4096)


def _slug(name: str) -> str:
    keep = "".join(c for c in name.lower() if c.isalnum())
    return keep[:15]


def _exact_choice(rng: np.random.Generator, n: int, k: int, force: np.ndarray) -> np.ndarray:
    """A boolean mask of exactly ``k`` of ``n`` True, always including ``force`` (bool mask)."""
    k = int(min(max(k, int(force.sum())), n))
    score = rng.random(n)
    score[force] = -1.0
    mask = np.zeros(n, bool)
    mask[np.argsort(score, kind="stable")[:k]] = True
    return mask


# --------------------------------------------------------------------------------------------
@dataclass
class _Plan:
    """Per-municipality decisions, vectorised over the municipalities."""

    codes: np.ndarray
    names: np.ndarray
    size: np.ndarray  # population / 25,000
    twitter: np.ndarray
    active: np.ndarray
    tw_theme: np.ndarray  # number of Twitter theme accounts
    fb_any: np.ndarray
    fb_corp: np.ndarray
    share: np.ndarray  # interaction share
    webcare: np.ndarray
    fast: np.ndarray


def _plan(munis: pd.DataFrame, year: int, rng: np.random.Generator, p: YearParams) -> _Plan:
    n = len(munis)
    codes = munis["gm_code"].astype(str).to_numpy()
    pop = pd.to_numeric(munis["population"], errors="coerce").astype(float).to_numpy()
    pop = np.where(np.isnan(pop), 25_000.0, pop)
    anchor = np.isin(codes, ANCHORS)
    twitter = _exact_choice(rng, n, round(p.twitter_share * n), anchor)
    active = np.zeros(n, bool)
    tw_pos = np.flatnonzero(twitter)
    active[tw_pos] = _exact_choice(rng, len(tw_pos), round(p.twitter_active * n),
                                   (anchor | (pop > 100_000))[tw_pos])
    tw_theme = np.where(twitter & (pop > 60_000), rng.integers(0, 3, n), 0)
    tw_theme = np.where(twitter & (pop <= 60_000) & (rng.random(n) < 0.1), 1, tw_theme)
    fb_any = _exact_choice(rng, n, round(p.fb_any * n), anchor)
    fb_corp = np.zeros(n, bool)
    fb_pos = np.flatnonzero(fb_any)
    fb_corp[fb_pos] = _exact_choice(rng, len(fb_pos), round(p.fb_corporate * n), anchor[fb_pos])
    share = np.clip(rng.beta(np.where(pop >= 40_000, 6.5, 6.0), 13, n), 0.05, 0.7)
    share[codes == UTRECHT] = p.utrecht_share
    webcare = rng.random(n) < p.webcare_share
    fast = np.clip(rng.beta(4 * p.fast_share / (1 - p.fast_share), 4, n), 0.0, 0.85)
    for c in p.fastest:
        webcare[codes == c] = True
    return _Plan(codes, munis["short_name"].astype(str).to_numpy(), pop / 25_000.0, twitter, active,
                 tw_theme, fb_any, fb_corp, share, webcare, fast)


def _accounts(plan: _Plan, year: int, rng: np.random.Generator, lo: int) -> pd.DataFrame:
    rows = []
    for i, code in enumerate(plan.codes):
        num = int(code[2:])
        slug = _slug(plan.names[i])
        seen = pd.Timestamp(lo, unit="ms", tz="UTC") - pd.Timedelta(days=int(rng.integers(60, 1500)))
        first = seen.strftime("%Y-%m-%dT%H:%M:%SZ")
        if plan.twitter[i]:
            rows.append((code, "twitter", str(100_000_000 + num * 10), f"gemeente{slug}",
                         "corporate", first))
            for k in range(int(plan.tw_theme[i])):
                theme = ("afval", "verkeer", "werk")[k]
                rows.append((code, "twitter", str(100_000_000 + num * 10 + k + 1),
                             f"{slug}_{theme}"[:15], "theme", first))
        if plan.fb_any[i]:
            if plan.fb_corp[i]:
                rows.append((code, "facebook", str(200_000_000_000 + num * 10), f"gemeente{slug}",
                             "corporate", first))
            if not plan.fb_corp[i] or plan.size[i] > 3:
                rows.append((code, "facebook", str(200_000_000_000 + num * 10 + 1),
                             f"{slug}centrum", "theme", first))
    df = pd.DataFrame(rows, columns=["gm_code", "platform", "account_id", "handle", "kind",
                                     "first_seen"])
    df["synthetic"] = True
    return df


# --------------------------------------------------------------------------------------------
class _Writer:
    """Accumulates twarc2 pages for one account or search and writes them as JSON Lines."""

    def __init__(self, fh, url: str, retrieved: str) -> None:
        self.fh, self.url, self.retrieved = fh, url, retrieved

    def write(self, tweets: list[dict], users: dict[str, dict], refs: dict[str, dict]) -> None:
        tweets = sorted(tweets, key=lambda t: int(t["id"]), reverse=True)  # newest first, as the API
        for k in range(0, len(tweets), PAGE_SIZE):
            page = tweets[k:k + PAGE_SIZE]
            need_users = sorted({t["author_id"] for t in page}
                                | {refs[r["id"]]["author_id"] for t in page
                                   for r in t.get("referenced_tweets", []) if r["id"] in refs}
                                | {m["id"] for t in page
                                   for m in t.get("entities", {}).get("mentions", [])})
            inc_tweets = [refs[r["id"]] for t in page for r in t.get("referenced_tweets", [])
                          if r["id"] in refs]
            obj = {
                "data": page,
                "includes": {"users": [users[u] for u in need_users if u in users],
                             "tweets": inc_tweets},
                "meta": {"result_count": len(page), "newest_id": page[0]["id"],
                         "oldest_id": page[-1]["id"]},
                "__twarc": {"url": self.url, "version": TWARC_VERSION,
                            "retrieved_at": self.retrieved, "synthetic": True},
            }
            if k + PAGE_SIZE < len(tweets):
                obj["meta"]["next_token"] = f"synthetic{k // PAGE_SIZE + 1:04d}"
            self.fh.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")


def _tweet(tid: int, text: str, author: str, created: str, conv: int, reply_user: str | None,
           refs: list[tuple[str, int]], mentions: list[tuple[str, str]]) -> dict:
    t: dict = {"id": str(tid), "text": text, "author_id": author, "created_at": created,
               "conversation_id": str(conv), "lang": "nl"}
    if reply_user is not None:
        t["in_reply_to_user_id"] = reply_user
    if refs:
        t["referenced_tweets"] = [{"type": k, "id": str(i)} for k, i in refs]
    if mentions:
        ents, pos = [], 0
        for username, uid in mentions:
            start = text.find("@" + username, pos)
            if start >= 0:
                ents.append({"start": start, "end": start + len(username) + 1,
                             "username": username, "id": uid})
                pos = start + 1
        if ents:
            t["entities"] = {"mentions": ents}
    t["public_metrics"] = {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                           "quote_count": 0}
    return t


def _municipality_twitter(i: int, plan: _Plan, p: YearParams, rng: np.random.Generator,
                          ctx: dict, scale: float) -> tuple[list, list, dict, dict, dict]:
    """Tweets of one municipality: (timeline tweets, mention tweets, users, referenced, accounts)."""
    code, name = plan.codes[i], plan.names[i]
    lo, hi = ctx["lo"], ctx["hi"]
    mine = ctx["by_muni"][(code, "twitter")]
    corp = mine[mine["kind"] == "corporate"].iloc[0]
    muni_id, handle = corp["account_id"], corp["handle"]
    theme_ids = mine.loc[mine["kind"] == "theme", "account_id"].tolist()
    users = {a: {"id": a, "name": f"Gemeente {name}" if a == muni_id else f"{name} ({h})",
                 "username": h} for a, h in zip(mine["account_id"], mine["handle"], strict=False)}
    worker = i
    seq = [0]

    def ids(ms: np.ndarray) -> np.ndarray:
        s = np.arange(seq[0], seq[0] + len(ms))
        seq[0] += len(ms)
        return _snowflake(ms, worker, s)

    is_fast = code in p.fastest
    volume = 38.0 * scale * plan.size[i] ** 0.6
    if code in ANCHORS:
        volume = max(volume, 70.0)
    n_addr = int(rng.poisson(volume))
    n_ind = int(rng.poisson(volume * 0.55))
    n = n_addr + n_ind
    t = _times(rng, n, lo, hi, HOUR_WEIGHTS, WEEKDAY_WEIGHTS)
    addressed = np.zeros(n, bool)
    addressed[rng.permutation(n)[:n_addr]] = True
    kind = np.where(addressed, rng.choice(3, n, p=[0.62, 0.3, 0.08]), 3)  # q, stmt, ambig, indirect
    p_answer = np.array([0.83, 0.45, 0.15, 0.07])[kind]
    if is_fast:
        p_answer = np.where(kind == 0, 0.96, p_answer)
    answered = plan.active[i] & (rng.random(n) < p_answer)
    # delay in office time (ms)
    if is_fast:
        rank = p.fastest.index(code)
        mean_h = (0.08, 0.3)[rank]
        delay = rng.exponential(mean_h, n)
    else:
        quick = rng.random(n) < plan.fast[i]
        delay = np.where(quick, rng.exponential(p.fast_mean_h, n),
                         0.5 + rng.exponential(p.slow_mean_h, n))
    delay_ms = (delay * H * 1000).astype(np.int64) + 30_000
    cal = ctx["webcare"] if plan.webcare[i] else ctx["office"]
    reply_at = cal.add(t, delay_ms)
    answered &= reply_at < hi
    # citizens
    n_cit = max(int(n * 0.8), 1)
    cit_of = rng.integers(0, n_cit, n)
    first = rng.integers(0, len(FIRST_NAMES), n_cit)
    last = rng.integers(0, len(SURNAMES), n_cit)
    cit_ids = (1_000_000_000 + i * 10_000_000 + np.arange(n_cit) * 7 + 3).astype(str)
    cit_names = [f"{FIRST_NAMES[a]} {SURNAMES[b]}" for a, b in zip(first, last, strict=False)]
    cit_handles = [f"{FIRST_NAMES[a]}{SURNAMES[b].replace(' ', '')}{k % 97}".lower()[:15]
                   for k, (a, b) in enumerate(zip(first, last, strict=False))]
    for k in np.unique(cit_of):
        users[cit_ids[k]] = {"id": cit_ids[k], "name": cit_names[k], "username": cit_handles[k]}
    template = rng.integers(0, 1_000_000, n)
    msg_ids = ids(t)

    # replies to others: citizens (answered) + other municipalities (8 %)
    r_cit = np.flatnonzero(answered)
    n_org = int(rng.binomial(len(r_cit), 0.08)) if plan.active[i] else 0
    others = ctx["other_muni_ids"]
    org_at = _times(rng, n_org, lo, hi, HOUR_WEIGHTS * (np.arange(24) >= 8) * (np.arange(24) < 17)
                    + 1e-3, WEEKDAY_WEIGHTS * np.array([1, 1, 1, 1, 1, 0.05, 0.05]))
    replies_others = len(r_cit) + n_org
    s = plan.share[i]
    n_orig = int(round(replies_others * (1 - s) / s)) if plan.active[i] else 0
    if plan.active[i] and replies_others == 0:
        n_orig = int(rng.poisson(5 * scale * plan.size[i] ** 0.5)) + 1
    rest = (n_orig + replies_others) / (1 - 0.14 - 0.04)
    n_rt = int(round(0.14 * rest)) if plan.active[i] else 0
    n_self = int(round(0.04 * rest)) if plan.active[i] else 0
    office_hours = HOUR_WEIGHTS * ((np.arange(24) >= 8) & (np.arange(24) < 18)) + 0.02
    office_days = WEEKDAY_WEIGHTS * np.array([1, 1, 1, 1, 1, 0.08, 0.05])
    orig_at = _times(rng, n_orig, lo, hi, office_hours, office_days)
    orig_ids = ids(orig_at)
    orig_author = np.where((rng.random(n_orig) < 0.15) & bool(theme_ids),
                           rng.choice(theme_ids or [muni_id], n_orig), muni_id)
    is_quote = rng.random(n_orig) < 0.06

    timeline: list[dict] = []
    refs: dict[str, dict] = {}
    ext_id = [0]

    def external(ms: int, author: str, text: str) -> str:
        ext_id[0] += 1
        key = str(int(ids(np.array([ms]))[0]))
        refs[key] = {"id": key, "text": text, "author_id": author,
                     "created_at": _iso1(ms), "conversation_id": key,
                     "lang": "nl"}
        return key

    # originals and quotes
    for k in range(n_orig):
        text = ORIGINALS[int(template[k % n]) % len(ORIGINALS)] if n else ORIGINALS[k % 8]
        refs_k: list[tuple[str, int]] = []
        if is_quote[k]:
            author = cit_ids[k % n_cit] if n else others[k % len(others)]
            q = external(int(orig_at[k]) - 3_600_000, author, "Mooie foto van de markt vandaag!")
            refs_k = [("quoted", int(q))]
            text = "Wat leuk om te zien! " + text
        timeline.append(_tweet(int(orig_ids[k]), text, str(orig_author[k]), _iso1(orig_at[k]),
                               int(orig_ids[k]), None, refs_k, []))

    # citizen messages; addressed ones in a thread of a recent original when there is one
    in_thread = addressed & (rng.random(n) < 0.3)
    parent_pos = np.searchsorted(orig_at, t, side="left") - 1
    in_thread &= (parent_pos >= 0)
    in_thread &= (t - orig_at[np.clip(parent_pos, 0, None)] < 2 * 86_400_000) if n_orig else False
    mentions: list[dict] = []
    for k in range(n):
        cid = cit_ids[cit_of[k]]
        tpl = int(template[k])
        if kind[k] == 3:
            theme, txt = INDIRECT[tpl % len(INDIRECT)]
            text, ment = txt.format(name=name), []
            reply_user, conv, refs_k = None, int(msg_ids[k]), []
        else:
            pool = (QUESTIONS, STATEMENTS, AMBIGUOUS)[kind[k]]
            theme, txt = pool[tpl % len(pool)]
            text, ment = f"@{handle} {txt}", [(handle, muni_id)]
            if in_thread[k]:
                par = int(orig_ids[parent_pos[k]])
                reply_user, conv, refs_k = str(orig_author[parent_pos[k]]), par, [("replied_to", par)]
            else:
                reply_user, conv, refs_k = None, int(msg_ids[k]), []
        tw = _tweet(int(msg_ids[k]), text, cid, _iso1(t[k]), conv, reply_user, refs_k, ment)
        mentions.append(tw)
        refs[tw["id"]] = {key: v for key, v in tw.items() if key != "public_metrics"}

    # replies to citizens
    rep_ids = ids(reply_at[r_cit]) if len(r_cit) else np.array([], np.int64)
    for j, k in enumerate(r_cit):
        cid = cit_ids[cit_of[k]]
        ch = cit_handles[cit_of[k]]
        text = f"@{ch} " + REPLIES[int(template[k] // 7) % len(REPLIES)]
        conv = int(mentions[k]["conversation_id"])
        timeline.append(_tweet(int(rep_ids[j]), text, muni_id, _iso1(reply_at[k]), conv,
                               cid, [("replied_to", int(msg_ids[k]))], [(ch, cid)]))
    # replies to other municipalities
    org_ids = ids(org_at)
    for k in range(n_org):
        other_id, other_handle = others[int(rng.integers(0, len(others)))]
        users[other_id] = {"id": other_id, "name": f"Gemeente {other_handle[8:]}",
                           "username": other_handle}
        par = external(int(org_at[k]) - 1_800_000, other_id, "Wie doet er mee aan de NL Doet?")
        timeline.append(_tweet(int(org_ids[k]), f"@{other_handle} Wij doen mee!", muni_id,
                               _iso1(org_at[k]), int(par), other_id,
                               [("replied_to", int(par))], [(other_handle, other_id)]))
    # self-replies (threads) under own originals
    if n_orig and n_self:
        base = rng.integers(0, n_orig, n_self)
        self_at = np.minimum(orig_at[base] + rng.integers(60_000, 1_800_000, n_self), hi - 1)
        self_ids = ids(self_at)
        for k in range(n_self):
            b = base[k]
            timeline.append(_tweet(int(self_ids[k]), SELF_REPLIES[k % 2], str(orig_author[b]),
                                   _iso1(self_at[k]), int(orig_ids[b]),
                                   str(orig_author[b]), [("replied_to", int(orig_ids[b]))], []))
    # retweets
    rt_at = _times(rng, n_rt, lo, hi, office_hours, office_days)
    rt_ids = ids(rt_at)
    for k in range(n_rt):
        other_id, other_handle = others[int(rng.integers(0, len(others)))]
        users[other_id] = {"id": other_id, "name": f"Gemeente {other_handle[8:]}",
                           "username": other_handle}
        txt = "Let op: morgen gladheid verwacht, rijd voorzichtig."
        par = external(int(rt_at[k]) - 600_000, other_id, txt)
        timeline.append(_tweet(int(rt_ids[k]), f"RT @{other_handle}: {txt}", muni_id,
                               _iso1(rt_at[k]), int(par), None,
                               [("retweeted", int(par))], [(other_handle, other_id)]))
    return timeline, mentions, users, refs, {"id": muni_id, "handle": handle}


def _facebook(i: int, plan: _Plan, p: YearParams, rng: np.random.Generator, ctx: dict,
              scale: float) -> tuple[list[list], list[list]]:
    """Rows of posts.csv and comments.csv for one municipality's pages."""
    pages = ctx["by_muni"].get((plan.codes[i], "facebook"), ctx["accounts"].iloc[:0])
    lo, hi = ctx["lo"], ctx["hi"]
    posts, comments = [], []
    cal = ctx["webcare"] if plan.webcare[i] else ctx["office"]
    for _, page in pages.iterrows():
        pid, pname = page["account_id"], f"Gemeente {plan.names[i]}" if page["kind"] == "corporate" \
            else f"{plan.names[i]} Centrum"
        n_posts = int(rng.poisson(14 * scale * plan.size[i] ** 0.4))
        at = _times(rng, n_posts, lo, hi, HOUR_WEIGHTS * ((np.arange(24) >= 8) & (np.arange(24) < 18))
                    + 0.02, WEEKDAY_WEIGHTS * np.array([1, 1, 1, 1, 1, 0.1, 0.1]))
        # comments per post so that the page's replies / (replies + posts) is near its share s
        s = plan.share[i]
        n_com = rng.poisson(float(np.clip(s / (1 - s) / 0.54, 0.3, 12.0)), n_posts)
        for k in range(n_posts):
            post_id = f"{pid}_{10_000_000 + k}"
            text = ORIGINALS[int(rng.integers(0, len(ORIGINALS)))]
            ptype = ("status", "link", "photo", "event")[int(rng.integers(0, 4))]
            posts.append([pid, pname, post_id, _fb_time(at[k:k + 1])[0], ptype, text,
                          int(rng.poisson(12)), int(n_com[k]), int(rng.poisson(2)), "true"])
            if not n_com[k]:
                continue
            c_at = np.sort(np.minimum(at[k] + rng.exponential(4 * H * 1000, n_com[k]).astype(np.int64)
                                      + 60_000, hi - 1))
            for c in range(int(n_com[k])):
                cid = f"{pid[-6:]}{10_000_000 + k}_{200 + c}"
                first = FIRST_NAMES[int(rng.integers(0, len(FIRST_NAMES)))]
                last = SURNAMES[int(rng.integers(0, len(SURNAMES)))]
                from_id = str(int(rng.integers(10**14, 10**15)))
                q = rng.random() < 0.55
                theme, msg = (QUESTIONS if q else STATEMENTS)[int(rng.integers(0, 8))]
                comments.append([pid, cid, post_id, "", from_id, f"{first} {last}",
                                 _fb_time(c_at[c:c + 1])[0], msg, "true"])
                if rng.random() < (0.7 if q else 0.35):
                    r_at = cal.add(c_at[c:c + 1], np.array([int(rng.exponential(3 * H * 1000))
                                                            + 60_000]))
                    if r_at[0] < hi:
                        comments.append([pid, f"{cid}9", post_id, cid, pid, pname,
                                         _fb_time(r_at)[0], REPLIES[int(rng.integers(0, 6))],
                                         "true"])
    return posts, comments


POST_COLUMNS = ["page_id", "page_name", "post_id", "created_time", "type", "message",
                "likes_count", "comments_count", "shares_count", "synthetic"]
COMMENT_COLUMNS = ["page_id", "comment_id", "post_id", "parent_comment_id", "from_id", "from_name",
                   "created_time", "message", "synthetic"]


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
