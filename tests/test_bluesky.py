"""Bluesky collector and importer, against a loopback imitation of the AppView XRPC endpoints.

The fixture world (tests/fixtures/bluesky/world.json) mirrors the Mastodon one: Utrecht
(utrecht.bsky.social) and Veere (gemeenteveere.nl), the police (zeeland.politie.nl, an organisation
by its handle domain) and two citizens. Posts are named by key (U1, A1, ...; R4 is Utrecht's repost
of P1); expectations are worked out by hand from that file. Window: 1 April - 30 June 2014 in Dutch
time = [2014-03-31 22:00, 2014-06-30 22:00) UTC.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pandas as pd
import pytest
from _servers import FakeBluesky

from helpers.collect import bluesky as b
from helpers.core.errors import DataError
from helpers.core.io import sha256, validate

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
WORLD = json.loads((FIXTURES / "world.json").read_text("utf-8"))
P = WORLD["posts"]
WINDOW = (dt.date(2014, 4, 1), dt.date(2014, 6, 30))
UTRECHT = "did:plc:utrechtgemeente0000000a"
VEERE = "did:plc:veeregemeente000000000b"




def uri(key: str) -> str:
    return P[key]["uri"]


def question(text: str) -> bool:
    return text.rstrip().endswith("?")


@pytest.fixture()
def accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2014, 2014],
            "gm_code": ["GM0344", "GM0717"],
            "platform": ["bluesky", "bluesky"],
            "account_id": [UTRECHT, VEERE],
            "handle": ["@utrecht.bsky.social", "GemeenteVeere.nl"],
            "kind": ["corporate", "corporate"],
            "first_seen": [pd.NaT, pd.NaT],
        }
    )


def run(accounts, dest, srv, sleeps=None, **kw):
    return b.collect(
        accounts,
        dest,
        since=WINDOW[0],
        until=WINDOW[1],
        api_base_url=srv.url,
        limit=4,
        progress=False,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
        **kw,
    )


def feed_path(actor: str, cursor: str | None = None) -> str:
    c = f"&cursor={quote(cursor)}" if cursor else ""
    return (
        f"/xrpc/app.bsky.feed.getAuthorFeed?actor={actor}{c}"
        "&filter=posts_with_replies&includePins=false&limit=4"
    )


def thread_path(key: str) -> str:
    return (
        f"/xrpc/app.bsky.feed.getPostThread?uri={quote(uri(key), safe='')}"
        "&depth=100&parentHeight=100"
    )


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): sha256(p)
        for p in sorted(folder.rglob("*.json"))
        if p.name != "index.json"
    }


@pytest.fixture()
def collected(tmp_path, accounts):
    dest = tmp_path / "raw" / "2014" / "bluesky"
    with FakeBluesky() as srv:
        run(accounts, dest, srv)
    return dest


def test_handles_and_uris():
    assert b.handle_of("@Utrecht.bsky.social") == "utrecht.bsky.social"
    with pytest.raises(ValueError, match="name.domain"):
        b.handle_of("@utrecht")
    assert b.did_of(uri("U1")) == UTRECHT


def test_collect_cursor_paging_threads_and_retry(tmp_path, accounts):
    dest = tmp_path / "bluesky"
    sleeps: list[float] = []
    with FakeBluesky() as srv:
        srv.fail_once = 503
        summary = run(accounts, dest, srv, sleeps)
    # Utrecht: 12 feed items (11 posts and the repost R4), 4 per page, newest first; page 3 reaches
    # U8 (before the window), so paging stops there.
    assert srv.requests_to("actor=utrecht") == [
        feed_path("utrecht.bsky.social"),
        feed_path("utrecht.bsky.social", "2014-05-11T08:00:00.000Z"),
        feed_path("utrecht.bsky.social", "2014-04-02T10:30:00.000Z"),
    ]
    # Veere sorts first; its first thread request got a 503 once, retried after 1 s of backoff.
    assert sleeps == [1.0]
    threads = srv.requests_to("getPostThread")
    order = ["V2", "V2", "V1", "U11", "U12", "U7", "U6", "U5", "U2", "U3", "U1", "U9"]
    assert threads == [thread_path(k) for k in order]
    assert summary.to_dict("list") == {
        "handle": ["gemeenteveere.nl", "utrecht.bsky.social"],
        "pages": [2, 3],
        "posts": [2, 10],
        "threads": [2, 9],
        "requests": [5, 12],
        "written": [4, 12],
    }
    page1 = json.loads((dest / "utrecht.bsky.social" / "feed" / "page-0001.json").read_bytes())
    assert [i["post"]["uri"] for i in page1["feed"]] == [
        uri(k) for k in ("U10", "U11", "U12", "U7")
    ]
    state = json.loads((dest / "utrecht.bsky.social" / "index.json").read_text())
    run_state = state["feeds"]["2014-04-01_2014-06-30"]
    assert run_state["complete"] is True
    assert [p["cursor"] for p in run_state["pages"]] == [
        None,
        "2014-05-11T08:00:00.000Z",
        "2014-04-02T10:30:00.000Z",
    ]


def test_rate_limit_waits_until_reset(tmp_path, accounts):
    import time

    with FakeBluesky() as srv:
        srv.fail_once = 429
        srv.fail_headers = {"RateLimit-Reset": str(int(time.time()) + 30)}
        sleeps: list[float] = []
        summary = run(accounts.iloc[[1]], tmp_path / "bluesky", srv, sleeps)
    # The 429 on Veere's first thread request is retried after the reset time (about 30 s later).
    assert len(sleeps) == 1 and 27 <= sleeps[0] <= 30
    assert srv.requests_to("getPostThread") == [thread_path(k) for k in ("V2", "V2", "V1")]
    assert summary.loc[0, "threads"] == 2


def test_resume_after_interruption_fetches_nothing_twice(tmp_path, accounts):
    from atproto_client.exceptions import RequestException

    dest = tmp_path / "bluesky"
    utrecht = accounts.iloc[[0]]
    with FakeBluesky() as srv:
        srv.fail_after = 2  # two feed pages arrive, then the server fails
        with pytest.raises(RequestException):
            run(utrecht, dest, srv, max_attempts=2)
        first = hashes(dest)
        assert sorted(first) == [
            "utrecht.bsky.social/feed/page-0001.json",
            "utrecht.bsky.social/feed/page-0002.json",
        ]
        srv.fail_after = None
        srv.log.clear()
        summary = run(utrecht, dest, srv)
        assert srv.requests_to("getAuthorFeed") == [
            feed_path("utrecht.bsky.social", "2014-04-02T10:30:00.000Z")
        ]
        assert len(srv.requests_to("getPostThread")) == 9
        assert summary.loc[0, "requests"] == 10
        second = hashes(dest)
        assert {k: second[k] for k in first} == first
        srv.log.clear()
        summary = run(utrecht, dest, srv)
        assert srv.log == []
        assert summary.loc[0, "written"] == 0
        assert hashes(dest) == second


def test_load_posts(collected, accounts):
    posts, _, skips = b.load(collected, accounts, 2014, WINDOW, is_question=question)
    validate(posts, "posts", file="posts")
    expected = {
        # key: (gm, kind, in_reply_to, conversation, reply_to)
        "U9": ("GM0344", "original", None, "U9", None),
        "U1": ("GM0344", "original", None, "U1", None),
        "U3": ("GM0344", "reply", "U1", "U1", "self"),
        "U2": ("GM0344", "reply", "A1", "U1", "citizen"),
        "U5": ("GM0344", "reply", "P1", "P1", "organisation"),  # zeeland.politie.nl
        "V1": ("GM0717", "original", None, "V1", None),
        "V2": ("GM0717", "reply", "Q1", "V1", "citizen"),
        "U6": ("GM0344", "original", None, "U6", None),
        "U7": ("GM0344", "reply", "B1", "B1", "citizen"),
        "U12": ("GM0344", "quote", None, "U12", None),
        "U11": ("GM0344", "original", None, "U11", None),
    }

    def u(k):
        return None if k is None else uri(k)

    want = {uri(k): (g, kind, u(i), u(c), r) for k, (g, kind, i, c, r) in expected.items()}
    repost = WORLD["reposts"]["R4"]
    want[repost["uri"]] = ("GM0344", "repost", None, None, None)
    got = {
        r.post_id: (r.gm_code, r.kind, r.in_reply_to_id, r.conversation_id, r.reply_to)
        for r in posts.astype(object).where(posts.notna(), None).itertuples()
    }
    assert got == want
    assert posts.loc[posts["post_id"] == repost["uri"], "created_at"].item() == pd.Timestamp(
        "2014-04-03T12:00:00Z"
    )
    assert dict(zip(posts["gm_code"], posts["account_id"], strict=True)) == {
        "GM0344": UTRECHT,
        "GM0717": VEERE,
    }
    # U10 (July) and U8 (31 March, 23:30 Dutch time) were on fetched pages: counted, not kept.
    assert sorted(skips["rule"]) == sorted(
        f"post {uri(k)} outside the window 2014-04-01..2014-06-30" for k in ("U10", "U8")
    )


def test_load_citizen_messages(collected, accounts):
    _, msgs, _ = b.load(collected, accounts, 2014, WINDOW, is_question=question)
    validate(msgs, "citizen_messages", file="citizen_messages")
    got = {
        r.msg_id: (r.gm_code, r.is_question, r.theme, r.first_reply_post_id, r.first_reply_at)
        for r in msgs.astype(object).where(msgs.notna(), None).itertuples()
    }
    ts = pd.Timestamp
    assert got == {
        uri("A1"): ("GM0344", True, "afval", uri("U2"), ts("2014-04-02T10:30:00Z")),
        uri("A3"): ("GM0344", False, "overig", None, None),
        uri("Q1"): ("GM0717", True, "verkeer", uri("V2"), ts("2014-04-07T09:30:00Z")),
        uri("A2"): ("GM0344", True, "evenementen", None, None),
        # B1 is no reply: it addresses Utrecht through a mention facet.
        uri("B1"): ("GM0344", False, "verkeer", uri("U7"), ts("2014-05-11T08:00:00Z")),
    }
    assert msgs["addressed"].all()
    assert uri("C1") not in got and uri("P1") not in got


def test_load_bad_input(collected, accounts, tmp_path):
    def copy() -> Path:
        target = tmp_path / f"bad{len(list(tmp_path.iterdir()))}"
        shutil.copytree(collected, target)
        return target

    bad = copy()
    with pytest.raises(DataError, match="belongs to no municipality") as err:
        b.load(bad, accounts.iloc[[0]], 2014, WINDOW, is_question=question)
    assert err.value.file.endswith("gemeenteveere.nl")
    posts, _, skips = b.load(bad, accounts.iloc[[0]], 2014, WINDOW, "skip", is_question=question)
    assert set(posts["gm_code"]) == {"GM0344"}
    assert skips["rule"].str.contains("belongs to no municipality").sum() == 1

    bad = copy()
    page = bad / "utrecht.bsky.social" / "feed" / "page-0003.json"
    page.write_bytes(page.read_bytes()[:-40])
    with pytest.raises(DataError, match="truncated JSON") as err:
        b.load(bad, accounts, 2014, WINDOW, is_question=question)
    assert err.value.file == str(page)
    posts, _, skips = b.load(bad, accounts, 2014, WINDOW, "skip", is_question=question)
    assert skips["rule"].str.contains("truncated").sum() == 1
    assert uri("U1") not in set(posts["post_id"])  # U1 was on the lost page

    bad = copy()
    thread = bad / "gemeenteveere.nl" / "thread" / f"{uri('V2').rsplit('/', 1)[1]}.json"
    data = json.loads(thread.read_bytes())
    data["thread"]["parent"]["post"]["record"]["createdAt"] = "2014-04-05T10:00:00"  # Q1
    thread.write_text(json.dumps(data))
    with pytest.raises(DataError) as err:
        b.load(bad, accounts, 2014, WINDOW, is_question=question)
    assert (err.value.file, err.value.row, err.value.column) == (str(thread), 2, "record.createdAt")

    bad = copy()
    page = bad / "utrecht.bsky.social" / "feed" / "page-0001.json"
    data = json.loads(page.read_bytes())
    data["feed"][3]["post"]["record"]["createdAt"] = (
        "2014-05-11T08:01:00.000Z"  # U7, also in threads
    )
    page.write_text(json.dumps(data))
    with pytest.raises(DataError, match="duplicate post"):
        b.load(bad, accounts, 2014, WINDOW, is_question=question)


def test_load_default_question_rule(collected, accounts):
    pytest.importorskip("helpers.collect.questions")
    _, msgs, _ = b.load(collected, accounts, 2014, WINDOW)
    assert msgs.set_index("msg_id")["is_question"].to_dict() == {
        uri("A1"): True,
        uri("A3"): False,
        uri("Q1"): True,
        uri("A2"): True,
        uri("B1"): False,
    }
