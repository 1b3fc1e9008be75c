"""The current demo years (after 2023): who is on Mastodon and Bluesky, and the conversations there.

For a year after :data:`helpers.demo.LAST_TWITTER_YEAR` the demo writes no Twitter data (a researcher
today has no API access); it writes Mastodon and Bluesky responses in the collectors' stored formats
(:mod:`helpers.demo.mastodon`, :mod:`helpers.demo.bluesky`) beside the Facebook exports. This module
holds the **stated assumptions** behind those files and the platform-neutral simulation of each
account's quarter: own posts, self-threads, reposts, citizens' replies and mentions, the
municipality's first replies. No published figure exists for 2025; every number below is an
assumption, with its reasoning (also in ``data/README.md``, "The current demo year"):

- *Presence.* Mastodon: **8 %** of municipalities (27 of 342 in 2025) have an account on the
  government's own server ``social.overheid.nl``. The server ran as a pilot from 2023 with a few dozen
  organisations of every layer of government and is offered to municipalities from 2025, so early
  adopters are a small minority. Bluesky: **30 %** (103 of 342), handles ``gemeente<name>.bsky.social``:
  many Dutch public bodies opened an account in the move away from X in late 2024, without a domain
  handle yet. Of the accounts, 85 % (Mastodon) and 75 % (Bluesky) post in the window; the rest were
  opened and left. The anchors (Utrecht, Goeree-Overflakkee, Veere) are always on both, so that a
  sample always has data. Facebook keeps the extrapolation of the Twitter-era demo
  (:func:`helpers.demo.calibration.params_for`).
- *Own posts* per quarter for a municipality of 25,000 inhabitants, growing with
  (population / 25,000)^0.4: Mastodon 20, Bluesky 30 (a news item or two a week, mostly the
  website's news cross-posted). Self-threads (the account continues its own post): 10 % / 12 % of
  originals, one or two parts (500 and 300 character limits). Reposts (boosts): 0.25 / 0.15 per
  original, of the police's posts. Quotes: Bluesky only, 5 % of originals.
- *Citizens' messages* to the account per quarter at 25,000 inhabitants, growing with size^0.6:
  Mastodon 5, Bluesky 9 (small audiences). 65 % / 70 % are replies under a recent own post (within
  three days), the rest start a conversation with an @mention. Kinds as in the Twitter-era demo:
  60 % questions, 30 % statements, 10 % ambiguous.
- *Replies.* A question is answered with probability 0.70 (Mastodon) / 0.60 (Bluesky), a statement
  0.35 / 0.30, an ambiguous text 0.10 / 0.10; inactive accounts answer nothing. The delay is drawn in
  office time (Monday-Friday 08:30-17:00 Europe/Amsterdam, Dutch public holidays closed): 45 % quick
  (exponential, mean 1 h), the rest 0.5 h + exponential with mean 8 h; 10 % of municipalities answer
  evenings and weekends too (07:30-22:00 daily): these accounts are run by communications staff, not
  by a webcare team. A reply that would fall after the window is not written. 20 % of answered
  citizens thank the municipality below its reply (not answered). Replies to other organisations
  (the police): 0.10 / 0.05 per reply to a citizen.

What the stored responses show follows the collectors: the Mastodon and Bluesky collectors fetch an
account's own timeline and the thread of each own post, so a citizen's @mention that the municipality
never answered is *not* in the stored files (the simulation draws it, the writers leave it out, as a
real collection would). Measured answer rates are therefore those of the visible questions.

Imports nothing from helpers but the demo's own modules and :mod:`helpers.core`; nothing from
:mod:`helpers.collect`, the analyses or the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.demo.calibration import _exact_choice
from helpers.demo.common import ANCHORS
from helpers.demo.texts import (
    AMBIGUOUS,
    FIRST_NAMES,
    ORIGINALS,
    QUESTIONS,
    REPLIES,
    SELF_REPLIES,
    STATEMENTS,
    SURNAMES,
)
from helpers.demo.timing import HOUR_WEIGHTS, WEEKDAY_WEIGHTS, H, _times

DAY_MS = 86_400_000
#: The Mastodon server of the Dutch government, home of the demo's municipal Mastodon accounts.
MASTODON_SERVER = "social.overheid.nl"
#: The organisation whose posts municipalities boost and answer (an account on each platform).
ORG_NAME = "Politie"
THANKS = "Dank voor het snelle antwoord!"
ORG_POSTS = ("Let op: morgen gladheid verwacht, rijd voorzichtig.",
             "Wees alert op nepberichten over uw bankpas.")
OFFICE_HOURS = HOUR_WEIGHTS * ((np.arange(24) >= 8) & (np.arange(24) < 18)) + 0.02
OFFICE_DAYS = WEEKDAY_WEIGHTS * np.array([1, 1, 1, 1, 1, 0.08, 0.05])


@dataclass(frozen=True)
class PlatformAssumptions:
    """The stated assumptions for one platform of a current demo year (see the module docstring).

    Volumes are per quarter (the observation window) for a municipality of 25,000 inhabitants.
    """

    platform: str
    share: float  # municipalities with a corporate account
    active: float  # of those accounts: posted at least once in the window
    posts: float  # own originals, scaled by (population / 25,000) ** 0.4
    messages: float  # citizens' messages to the account, scaled by (population / 25,000) ** 0.6
    in_thread: float  # share of citizens' messages that reply under a recent own post
    p_answer: tuple[float, float, float]  # answered: question, statement, ambiguous
    self_thread: float  # share of originals the account continues itself
    repost: float  # reposts (boosts) per original
    quote: float  # share of originals that quote another post
    org_reply: float  # replies to an organisation per reply to a citizen


@dataclass(frozen=True)
class CurrentAssumptions:
    """The assumptions of the current demo years: per platform, and the reply timing they share."""

    mastodon: PlatformAssumptions
    bluesky: PlatformAssumptions
    quick_share: float = 0.45  # replies that come quickly
    quick_mean_h: float = 1.0  # mean office-time delay of a quick reply, hours
    slow_mean_h: float = 8.0  # mean office-time delay of a slow reply beyond 0.5 h, hours
    webcare_share: float = 0.10  # municipalities answering evenings and weekends
    thanks: float = 0.20  # answered citizens who thank below the reply
    question_mix: tuple[float, float, float] = (0.6, 0.3, 0.1)  # question, statement, ambiguous
    platforms: tuple[str, ...] = field(default=("mastodon", "bluesky"))

    def of(self, platform: str) -> PlatformAssumptions:
        """The assumptions of ``platform``."""
        return {"mastodon": self.mastodon, "bluesky": self.bluesky}[platform]


ASSUMPTIONS = CurrentAssumptions(
    mastodon=PlatformAssumptions("mastodon", 0.08, 0.85, 20.0, 5.0, 0.65, (0.70, 0.35, 0.10), 0.10,
                                 0.25, 0.0, 0.10),
    bluesky=PlatformAssumptions("bluesky", 0.30, 0.75, 30.0, 9.0, 0.70, (0.60, 0.30, 0.10), 0.12,
                                0.15, 0.05, 0.05),
)


@dataclass
class Presence:
    """Per municipality (vectorised): who has an account and who posts, per current platform."""

    codes: np.ndarray
    names: np.ndarray
    size: np.ndarray  # population / 25,000
    has: dict[str, np.ndarray]
    active: dict[str, np.ndarray]
    webcare: np.ndarray


def presence(munis: pd.DataFrame, rng: np.random.Generator,
             a: CurrentAssumptions = ASSUMPTIONS) -> Presence:
    """Draw exact counts of accounts (``round(share * n)``, anchors always in) and active accounts."""
    codes = munis["gm_code"].astype(str).to_numpy()
    n = len(codes)
    pop = pd.to_numeric(munis["population"], errors="coerce").astype(float).to_numpy()
    pop = np.where(np.isnan(pop), 25_000.0, pop)
    anchor = np.isin(codes, ANCHORS)
    has, active = {}, {}
    for pf in a.platforms:
        pa = a.of(pf)
        has[pf] = _exact_choice(rng, n, round(pa.share * n), anchor)
        pos = np.flatnonzero(has[pf])
        act = np.zeros(n, bool)
        act[pos] = _exact_choice(rng, len(pos), round(pa.active * len(pos)),
                                 (anchor | (pop > 100_000))[pos])
        active[pf] = act
    webcare = rng.random(n) < a.webcare_share
    return Presence(codes, munis["short_name"].astype(str).to_numpy(), pop / 25_000.0, has, active,
                    webcare)


def ascii_slug(name: str) -> str:
    """``"Súdwest-Fryslân"`` -> ``"sudwestfryslan"``: lower-case ASCII letters and digits only."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def mastodon_user(name: str) -> str:
    """The demo's Mastodon username of a municipality: ``gemeente<name>`` (at most 30 characters)."""
    return f"gemeente{ascii_slug(name)}"[:30]


def bluesky_handle(name: str) -> str:
    """The demo's Bluesky handle of a municipality: ``gemeente<name>.bsky.social``."""
    return f"gemeente{ascii_slug(name)}.bsky.social"


def did_for(key: str) -> str:
    """A deterministic ``did:plc:`` identifier (24 base32 characters) for ``key``."""
    import base64
    import hashlib

    digest = hashlib.sha256(key.encode()).digest()
    return "did:plc:" + base64.b32encode(digest).decode().lower()[:24]


def account_rows(pres: Presence, rng: np.random.Generator, lo: int) -> list[tuple]:
    """``accounts.csv`` rows of the Mastodon and Bluesky accounts (``kind`` corporate).

    ``account_id`` is the account's id on its server: Mastodon's local id on social.overheid.nl,
    Bluesky's DID. ``first_seen``: Mastodon from mid-2023 (the pilot), Bluesky from November 2024,
    always before the window.
    """
    rows = []
    start = pd.Timestamp(lo, unit="ms", tz="UTC")
    opened = {"mastodon": pd.Timestamp("2023-06-01", tz="UTC"),
              "bluesky": pd.Timestamp("2024-11-10", tz="UTC")}
    for i, code in enumerate(pres.codes):
        for pf in ("mastodon", "bluesky"):
            if not pres.has[pf][i]:
                continue
            span = max(int((start - opened[pf]).days) - 7, 1)
            seen = opened[pf] + pd.Timedelta(days=int(rng.integers(0, span)))
            first = seen.strftime("%Y-%m-%dT%H:%M:%SZ")
            name = str(pres.names[i])
            if pf == "mastodon":
                rows.append((code, pf, str(110_000_000_000 + int(code[2:]) * 1000),
                             f"{mastodon_user(name)}@{MASTODON_SERVER}", "corporate", first))
            else:
                rows.append((code, pf, did_for(f"muni:{code}"), bluesky_handle(name), "corporate",
                             first))
    return rows


# ------------------------------------------------------------------------------------------------
@dataclass
class Item:
    """One post in an account's conversations (platform-neutral).

    ``author``: ``"muni"``, ``"org"`` or ``"c<k>"`` (citizen k of :attr:`Conversations.citizens`).
    ``kind``: original, reply, repost or quote. ``parent``: the index of the item replied to;
    ``ref``: the index of the reposted or quoted item. ``mention``: the author the text starts with
    an @mention of (a citizen's mention of the municipality, the municipality's reply to someone).
    """

    author: str
    at: int  # UTC epoch ms
    kind: str
    text: str
    parent: int | None = None
    ref: int | None = None
    mention: str | None = None


@dataclass
class Conversations:
    """Everything one municipal account took part in, and what a collector can see of it.

    ``visible`` holds the indices of the items a collector that reads the account's timeline and
    the threads of its posts stores (see the module docstring); ``citizens`` one (display name,
    username) per citizen.
    """

    items: list[Item]
    citizens: list[tuple[str, str]]

    def root(self, k: int) -> int:
        """The index of the root of item ``k``'s thread."""
        while self.items[k].parent is not None:
            k = self.items[k].parent
        return k

    def own(self) -> list[int]:
        """Indices of the municipality's own items (timeline), oldest first."""
        return [k for k, it in enumerate(self.items) if it.author == "muni"]

    def visible(self) -> set[int]:
        """Own items, every item in a thread with an own non-repost item, reposted/quoted items."""
        roots = {self.root(k) for k in self.own() if self.items[k].kind != "repost"}
        seen = {k for k in range(len(self.items)) if self.root(k) in roots} | set(self.own())
        seen |= {it.ref for it in self.items if it.author == "muni" and it.ref is not None}
        return seen

    def children(self) -> dict[int, list[int]]:
        """Item index -> indices of its direct replies, oldest first."""
        out: dict[int, list[int]] = {}
        for k, it in enumerate(self.items):
            if it.parent is not None:
                out.setdefault(it.parent, []).append(k)
        for kids in out.values():
            kids.sort(key=lambda j: (self.items[j].at, j))
        return out


def converse(i: int, pres: Presence, platform: str, rng: np.random.Generator, ctx: dict,
             scale: float, a: CurrentAssumptions = ASSUMPTIONS) -> Conversations:
    """Simulate one municipal account's quarter on ``platform`` (the rules in the module docstring).

    ``ctx`` holds ``lo``, ``hi`` (the window, UTC epoch ms) and the ``office`` and ``webcare``
    calendars (:class:`helpers.demo.timing.Calendar`). Besides the window, two or three own posts of
    the fortnight before it are drawn, where a collector's paging stops.
    """
    pa = a.of(platform)
    lo, hi = ctx["lo"], ctx["hi"]
    active = bool(pres.active[platform][i])
    size = float(pres.size[i])
    items: list[Item] = []
    # own originals (plus a few before the window), self-threads, quotes
    n_orig = int(rng.poisson(pa.posts * scale * size ** 0.4)) if active else 0
    pre = np.sort(lo - rng.integers(DAY_MS // 2, 14 * DAY_MS, int(rng.integers(2, 4))))
    at = np.concatenate([pre, _times(rng, n_orig, lo, hi, OFFICE_HOURS, OFFICE_DAYS)])
    tpl = rng.integers(0, 1_000_000, len(at) + 1)
    org_post = None
    for k, t in enumerate(at):
        text = ORIGINALS[int(tpl[k]) % len(ORIGINALS)]
        if t >= lo and rng.random() < pa.quote:
            if org_post is None:
                org_post = len(items)
                items.append(Item("org", int(lo - DAY_MS), "original", ORG_POSTS[1]))
            items.append(Item("muni", int(t), "quote", "Lees dit bericht van de politie.",
                              ref=org_post))
        else:
            items.append(Item("muni", int(t), "original", text))
    originals = [k for k, it in enumerate(items) if it.author == "muni" and it.at >= lo]
    for k in originals:
        if rng.random() < pa.self_thread:
            t = items[k].at
            for part in range(int(rng.integers(1, 3))):
                t = min(t + int(rng.integers(60_000, 1_800_000)), hi - 1)
                items.append(Item("muni", t, "reply", SELF_REPLIES[part % 2], parent=k))
    # reposts of the organisation's posts
    n_rep = int(rng.poisson(pa.repost * len(originals))) if active else 0
    for t in _times(rng, n_rep, lo, hi, OFFICE_HOURS, OFFICE_DAYS):
        src = len(items)
        items.append(Item("org", int(t) - int(rng.integers(600_000, 7_200_000)), "original",
                          ORG_POSTS[int(rng.integers(0, 2))]))
        items.append(Item("muni", int(t), "repost", "", ref=src))
    # citizens' messages: replies under a recent own post, or an @mention starting a thread
    n_msg = int(rng.poisson(pa.messages * scale * size ** 0.6))
    t_msg = _times(rng, n_msg, lo, hi, HOUR_WEIGHTS, WEEKDAY_WEIGHTS)
    kind = rng.choice(3, n_msg, p=list(a.question_mix))
    n_cit = max(int(n_msg * 0.9), 1)
    who = rng.integers(0, n_cit, n_msg)
    first = rng.integers(0, len(FIRST_NAMES), n_cit)
    last = rng.integers(0, len(SURNAMES), n_cit)
    citizens = [(f"{FIRST_NAMES[f]} {SURNAMES[s]}",
                 f"{FIRST_NAMES[f]}{SURNAMES[s].replace(' ', '')}{(k * 7 + i) % 89}".lower())
                for k, (f, s) in enumerate(zip(first, last, strict=True))]
    thread_ok = rng.random(n_msg) < pa.in_thread
    answer_u = rng.random(n_msg)
    quick = rng.random(n_msg) < a.quick_share
    delay_h = np.where(quick, rng.exponential(a.quick_mean_h, n_msg),
                       0.5 + rng.exponential(a.slow_mean_h, n_msg))
    delay_ms = (delay_h * H * 1000).astype(np.int64) + 30_000
    cal = ctx["webcare"] if pres.webcare[i] else ctx["office"]
    reply_at = cal.add(t_msg, delay_ms) if n_msg else np.array([], np.int64)
    thanks_u = rng.random(n_msg)
    thanks_delay = rng.integers(300_000, 7_200_000, n_msg)
    msg_tpl = rng.integers(0, 1_000_000, n_msg)
    own_times = np.array([items[k].at for k in originals], np.int64)
    n_answered = 0
    for m in range(n_msg):
        pool = (QUESTIONS, STATEMENTS, AMBIGUOUS)[int(kind[m])]
        text = pool[int(msg_tpl[m]) % len(pool)][1]
        pos = int(np.searchsorted(own_times, t_msg[m], side="right")) - 1
        parent = None
        if thread_ok[m] and pos >= 0 and t_msg[m] - own_times[pos] < 3 * DAY_MS:
            parent = originals[pos]
        cit = f"c{int(who[m])}"
        msg = len(items)
        items.append(Item(cit, int(t_msg[m]), "reply" if parent is not None else "original", text,
                          parent=parent, mention="muni"))
        if not (active and answer_u[m] < pa.p_answer[int(kind[m])] and reply_at[m] < hi):
            continue
        n_answered += 1
        rep = len(items)
        items.append(Item("muni", int(reply_at[m]), "reply",
                          REPLIES[int(msg_tpl[m] // 7) % len(REPLIES)], parent=msg, mention=cit))
        t_thanks = int(reply_at[m]) + int(thanks_delay[m])
        if thanks_u[m] < a.thanks and t_thanks < hi:
            items.append(Item(cit, t_thanks, "reply", THANKS, parent=rep, mention="muni"))
    # replies to the organisation
    n_org = int(rng.binomial(n_answered, pa.org_reply)) if active else 0
    for t in _times(rng, n_org, lo, hi, OFFICE_HOURS, OFFICE_DAYS):
        src = len(items)
        items.append(Item("org", int(t) - int(rng.integers(1_800_000, 7_200_000)), "original",
                          "Wie helpt mee met de buurtpreventie-avond?"))
        items.append(Item("muni", int(t), "reply", "Wij doen mee!", parent=src, mention="org"))
    return Conversations(items, citizens)
