"""Synthetic Twitter raw files for the demo: the municipalities' timelines and the mention searches as
twarc2 writes Twitter API v2 responses (JSON Lines, one page per line, ``__twarc.synthetic``).

Only for the Twitter era (years up to :data:`helpers.demo.LAST_TWITTER_YEAR`). Imports nothing from
helpers but the demo's own modules; nothing from :mod:`helpers.collect`.
"""

from __future__ import annotations

import json

import numpy as np

from helpers.demo.calibration import YearParams, _Plan
from helpers.demo.common import ANCHORS
from helpers.demo.texts import (
    AMBIGUOUS,
    FIRST_NAMES,
    INDIRECT,
    ORIGINALS,
    QUESTIONS,
    REPLIES,
    SELF_REPLIES,
    STATEMENTS,
    SURNAMES,
)
from helpers.demo.timing import HOUR_WEIGHTS, WEEKDAY_WEIGHTS, H, _iso1, _times

TWITTER_EPOCH_MS = 1288834974657
TWARC_VERSION = "2.14.0"
PAGE_SIZE = 100


def _snowflake(ms: np.ndarray, worker: int, seq: np.ndarray) -> np.ndarray:
    return ((ms - TWITTER_EPOCH_MS) << 22) | ((worker % 1024) << 12) | (seq % 4096)



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
