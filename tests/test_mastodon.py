"""Mastodon collector and importer, against a loopback imitation of the Mastodon REST API.

The fixture world (tests/fixtures/mastodon/world.json) holds two municipal accounts on
social.overheid.nl (Utrecht, id 100; Veere, id 200), the police (an organisation on the government
instance) and two citizens on other instances. Statuses are named by key (U1, A1, ...) below;
expectations are worked out by hand from that file (times UTC; the window 1 April - 30 June 2014 in
Dutch time is [2014-03-31 22:00, 2014-06-30 22:00) UTC).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from _servers import FakeMastodon

from helpers.collect import mastodon as m
from helpers.collect.retry import retry_delay
from helpers.core.errors import DataError
from helpers.core.io import sha256, validate
from helpers.core.window import window_bounds

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
WORLD = json.loads((FIXTURES / "world.json").read_text("utf-8"))
S = WORLD["statuses"]
WINDOW = (dt.date(2014, 4, 1), dt.date(2014, 6, 30))
UTRECHT_PAGES = 4  # 10 own statuses up to the window end, 3 per page; page 4 reaches March




def uri(key: str) -> str:
    return S[key]["uri"]


def question(text: str) -> bool:
    """A stand-in question rule (the real one is helpers.collect.questions, tested there)."""
    return text.rstrip().endswith("?")


@pytest.fixture()
def accounts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2014, 2014],
            "gm_code": ["GM0344", "GM0717"],
            "platform": ["mastodon", "mastodon"],
            "account_id": ["100", "200"],
            "handle": ["@utrecht@social.overheid.nl", "@Veere@Social.Overheid.nl"],
            "kind": ["corporate", "corporate"],
            "first_seen": [pd.NaT, pd.NaT],
        }
    )


def run(accounts, dest, srv, sleeps=None, **kw):
    return m.collect(
        accounts,
        dest,
        since=WINDOW[0],
        until=WINDOW[1],
        api_base_url=srv.url,
        limit=3,
        progress=False,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
        **kw,
    )


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): sha256(p)
        for p in sorted(folder.rglob("*.json"))
        if p.name != "index.json"
    }


@pytest.fixture()
def collected(tmp_path, accounts):
    dest = tmp_path / "raw" / "2014" / "mastodon"
    with FakeMastodon() as srv:
        run(accounts, dest, srv)
    return dest


def test_handles_and_ids():
    assert m.parse_handle("@utrecht@social.overheid.nl") == ("utrecht", "social.overheid.nl")
    assert m.acct_of("Veere@Social.Overheid.NL") == "Veere@social.overheid.nl"
    assert m.api_base_url_for("@utrecht@social.overheid.nl") == "https://social.overheid.nl"
    with pytest.raises(ValueError, match="@user@instance"):
        m.parse_handle("@utrecht")
    # U1 was made at 2014-04-02 08:00:00 UTC = 1396425600000 ms; its id is that snowflake + 1.
    assert m.snowflake(pd.Timestamp("2014-04-02T08:00:00Z")) == 1396425600000 << 16
    assert int(S["U1"]["id"]) == (1396425600000 << 16) + 1


def test_window_is_dutch_calendar_days():
    start, end = window_bounds(WINDOW)
    assert start == pd.Timestamp("2014-03-31T22:00:00Z")  # CEST, +02:00
    assert end == pd.Timestamp("2014-06-30T22:00:00Z")
    start, _ = window_bounds((dt.date(2014, 1, 1), dt.date(2014, 1, 31)))
    assert start == pd.Timestamp("2013-12-31T23:00:00Z")  # CET, +01:00


def test_retry_delay_policy():
    now = 1_000_000_000.0
    assert retry_delay({"Retry-After": "2"}, 1, now=now) == 2.0
    assert retry_delay({"retry-after": "Sun, 09 Sep 2001 01:46:50 GMT"}, 1, now=now) == 10.0
    assert retry_delay({"X-RateLimit-Reset": "2001-09-09T01:46:45.000Z"}, 1, now=now) == 5.0
    assert retry_delay({"RateLimit-Reset": str(int(now) + 7)}, 1, now=now) == 7.0
    assert [retry_delay(None, a, now=now) for a in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert retry_delay({"Retry-After": "99999"}, 1, now=now) == 300.0
    assert retry_delay({"Retry-After": "-5"}, 1, now=now) == 0.0


def test_collect_pages_window_and_rate_limit(tmp_path, accounts):
    dest = tmp_path / "mastodon"
    sleeps: list[float] = []
    with FakeMastodon() as srv:
        srv.rate_limit_once = True
        summary = run(accounts, dest, srv, sleeps)
    end = m.snowflake(pd.Timestamp("2014-06-30T22:00:00Z"))
    pages = srv.requests_to("/accounts/100/statuses")
    # Link-header paging from the window's end to the first page that reaches March.
    assert pages == [
        f"/api/v1/accounts/100/statuses?max_id={end}&limit=3",
        f"/api/v1/accounts/100/statuses?max_id={S['U6']['id']}&limit=3",
        f"/api/v1/accounts/100/statuses?max_id={S['U2']['id']}&limit=3",
        f"/api/v1/accounts/100/statuses?max_id={S['U9']['id']}&limit=3",
    ]
    # Accounts go in sorted order ("Veere" < "utrecht"): Veere's first page got the 429 and was
    # asked again after Retry-After: 2.
    assert srv.requests_to("/accounts/200/statuses") == [
        f"/api/v1/accounts/200/statuses?max_id={end}&limit=3",
        f"/api/v1/accounts/200/statuses?max_id={end}&limit=3",
        f"/api/v1/accounts/200/statuses?max_id={S['V1']['id']}&limit=3",
    ]
    assert sleeps == [2.0]
    contexts = srv.requests_to("/context")
    in_window_not_reblog = ["V2", "V1", "U11", "U7", "U6", "U5", "U2", "U3", "U1", "U9"]
    assert contexts == [f"/api/v1/statuses/{S[k]['id']}/context" for k in in_window_not_reblog]
    # No Authorization header when no token is set (the public API needs none).
    assert {auth for _, auth in srv.log} == {None}
    assert summary.to_dict("list") == {
        "handle": ["@Veere@social.overheid.nl", "@utrecht@social.overheid.nl"],
        "pages": [2, UTRECHT_PAGES],
        "statuses": [2, 9],
        "contexts": [2, 8],
        "requests": [6, 13],  # lookup + pages (+ the 429) + contexts
        "written": [5, 13],
    }
    folder = dest / "utrecht@social.overheid.nl"
    # Stored as received: the bytes the server sent.
    assert (folder / "account.json").read_bytes() == json.dumps(
        WORLD["accounts"]["utrecht"]
    ).encode()
    page1 = json.loads((folder / "statuses" / "page-0001.json").read_bytes())
    assert [s["id"] for s in page1] == [S[k]["id"] for k in ("U11", "U7", "U6")]
    state = json.loads((folder / "index.json").read_text())
    run_state = state["timelines"]["2014-04-01_2014-06-30"]
    assert run_state["complete"] is True
    assert [p["max_id"] for p in run_state["pages"]] == [
        str(end),
        S["U6"]["id"],
        S["U2"]["id"],
        S["U9"]["id"],
    ]


def test_resume_after_interruption_fetches_nothing_twice(tmp_path, accounts):
    dest = tmp_path / "mastodon"
    with FakeMastodon() as srv:
        srv.fail_after = 4  # the lookup and 3 pages succeed, then the server fails
        only_utrecht = accounts.iloc[[0]]
        with pytest.raises(m_errors().MastodonServerError):
            run(only_utrecht, dest, srv, max_attempts=2)
        first = hashes(dest)
        assert sorted(first) == [
            "utrecht@social.overheid.nl/account.json",
            "utrecht@social.overheid.nl/statuses/page-0001.json",
            "utrecht@social.overheid.nl/statuses/page-0002.json",
            "utrecht@social.overheid.nl/statuses/page-0003.json",
        ]
        srv.fail_after = None
        srv.log.clear()
        summary = run(only_utrecht, dest, srv)
        # Only page 4 and the contexts are requested; nothing stored is fetched again.
        assert srv.requests_to("/accounts/") == [
            f"/api/v1/accounts/100/statuses?max_id={S['U9']['id']}&limit=3"
        ]
        assert len(srv.requests_to("/context")) == 8
        assert summary.loc[0, "requests"] == 9
        second = hashes(dest)
        assert {k: second[k] for k in first} == first
        srv.log.clear()
        summary = run(only_utrecht, dest, srv)
        assert srv.log == []
        assert summary.loc[0, "written"] == 0
        assert hashes(dest) == second


def m_errors():
    import mastodon.errors

    return mastodon.errors


def test_load_posts(collected, accounts):
    posts, msgs, skips = m.load(collected, accounts, 2014, WINDOW, is_question=question)
    validate(posts, "posts", file="posts")
    expected = {
        # key: (gm, kind, in_reply_to, conversation, reply_to)
        "U9": ("GM0344", "original", None, "U9", None),  # 00:30 Dutch time on 1 April: inside
        "U1": ("GM0344", "original", None, "U1", None),
        "U3": ("GM0344", "reply", "U1", "U1", "self"),
        "U2": ("GM0344", "reply", "A1", "U1", "citizen"),
        "U4": ("GM0344", "repost", None, None, None),
        "U5": ("GM0344", "reply", "P1", "P1", "organisation"),  # the police, government instance
        "V1": ("GM0717", "original", None, "V1", None),
        "V2": ("GM0717", "reply", "Q1", "V1", "citizen"),
        "U6": ("GM0344", "original", None, "U6", None),
        "U7": ("GM0344", "reply", "B1", "B1", "citizen"),
        "U11": ("GM0344", "original", None, "U11", None),  # 23:30 Dutch time on 30 June: inside
    }
    got = {
        r.post_id: (r.gm_code, r.kind, r.in_reply_to_id, r.conversation_id, r.reply_to)
        for r in posts.astype(object).where(posts.notna(), None).itertuples()
    }

    def u(k):
        return None if k is None else uri(k)

    assert got == {
        uri(k): (g, kind, u(irt), u(conv), rt) for k, (g, kind, irt, conv, rt) in expected.items()
    }
    assert set(posts["account_id"]) == {"100", "200"}
    assert posts.loc[posts["post_id"] == uri("U4"), "created_at"].item() == pd.Timestamp(
        "2014-04-03T12:00:00Z"
    )
    # U8 (23:30 Dutch time on 31 March) was on a fetched page but is outside the window: counted.
    assert skips["rule"].tolist() == [
        f"status {uri('U8')} outside the window 2014-04-01..2014-06-30"
    ]


def test_load_citizen_messages(collected, accounts):
    _, msgs, _ = m.load(collected, accounts, 2014, WINDOW, is_question=question)
    validate(msgs, "citizen_messages", file="citizen_messages")
    got = {
        r.msg_id: (r.gm_code, r.is_question, r.theme, r.first_reply_post_id, r.first_reply_at)
        for r in msgs.astype(object).where(msgs.notna(), None).itertuples()
    }
    ts = pd.Timestamp
    assert got == {
        # A1 asks about grofvuil under U1; Utrecht answers with U2 at 10:30.
        uri("A1"): ("GM0344", True, "afval", uri("U2"), ts("2014-04-02T10:30:00Z")),
        # A3 thanks Utrecht under U2: addressed, no question, no reply below it.
        uri("A3"): ("GM0344", False, "overig", None, None),
        # Q1 asks Veere; Veere answers two days later (V2).
        uri("Q1"): ("GM0717", True, "verkeer", uri("V2"), ts("2014-04-07T09:30:00Z")),
        # A2 asks under U6 and gets no answer.
        uri("A2"): ("GM0344", True, "evenementen", None, None),
        # B1 mentions Utrecht in a new thread; U7 answers the next day.
        uri("B1"): ("GM0344", False, "verkeer", uri("U7"), ts("2014-05-11T08:00:00Z")),
    }
    assert msgs["addressed"].all()
    # C1 (bob to alice, no mention of Utrecht) and P1 (the police) are no citizen messages.
    assert uri("C1") not in got and uri("P1") not in got


def test_load_bad_input(collected, accounts, tmp_path):
    def copy() -> Path:
        target = tmp_path / f"bad{len(list(tmp_path.iterdir()))}"
        shutil.copytree(collected, target)
        return target

    # An account folder that belongs to no municipality.
    bad = copy()
    with pytest.raises(DataError, match="belongs to no municipality") as err:
        m.load(bad, accounts.iloc[[0]], 2014, WINDOW, is_question=question)
    assert "Veere@social.overheid.nl" in err.value.file
    posts, _, skips = m.load(bad, accounts.iloc[[0]], 2014, WINDOW, "skip", is_question=question)
    assert set(posts["gm_code"]) == {"GM0344"}
    assert skips["rule"].str.contains("belongs to no municipality").sum() == 1

    # A truncated response.
    bad = copy()
    ctx = bad / "utrecht@social.overheid.nl" / "context" / f"{S['U1']['id']}.json"
    ctx.write_bytes(ctx.read_bytes()[:100])
    with pytest.raises(DataError, match="truncated JSON") as err:
        m.load(bad, accounts, 2014, WINDOW, is_question=question)
    assert err.value.file == str(ctx)
    _, msgs, skips = m.load(bad, accounts, 2014, WINDOW, "skip", is_question=question)
    assert skips["rule"].str.contains("truncated").sum() == 1
    # A1 is still found (U2's context holds it), A3 too (U2's context).
    assert uri("A1") in set(msgs["msg_id"])

    # Wrong encoding.
    bad = copy()
    page = bad / "utrecht@social.overheid.nl" / "statuses" / "page-0001.json"
    page.write_bytes(page.read_text("utf-8").replace("Fijne", "F\u00efjne").encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        m.load(bad, accounts, 2014, WINDOW, is_question=question)

    # A timestamp without a time zone, named by file, row and column.
    bad = copy()
    page = bad / "utrecht@social.overheid.nl" / "statuses" / "page-0002.json"
    data = json.loads(page.read_bytes())
    data[1]["created_at"] = "2014-04-03T12:00:00"
    page.write_text(json.dumps(data))
    with pytest.raises(DataError) as err:
        m.load(bad, accounts, 2014, WINDOW, is_question=question)
    assert (err.value.file, err.value.row, err.value.column) == (str(page), 2, "created_at")
    assert "no time zone" in err.value.rule

    # The same id twice with different times.
    bad = copy()
    page = bad / "utrecht@social.overheid.nl" / "statuses" / "page-0003.json"
    data = json.loads(page.read_bytes())
    data[0]["created_at"] = "2014-04-02T08:06:00.000Z"  # U3, also in U1's context at 08:05
    page.write_text(json.dumps(data))
    with pytest.raises(DataError, match="duplicate status"):
        m.load(bad, accounts, 2014, WINDOW, is_question=question)


def test_load_missing_folder(tmp_path, accounts):
    with pytest.raises(DataError, match="run the Mastodon collector"):
        m.load(tmp_path / "nothing", accounts, 2014, WINDOW, is_question=question)


def test_load_default_question_rule(collected, accounts):
    pytest.importorskip("helpers.collect.questions")
    _, msgs, _ = m.load(collected, accounts, 2014, WINDOW)
    # The rule sees the text without HTML: A1's mention is markup around "@utrecht".
    assert msgs.set_index("msg_id")["is_question"].to_dict() == {
        uri("A1"): True,
        uri("A3"): False,
        uri("Q1"): True,
        uri("A2"): True,
        uri("B1"): False,
    }


def test_raw_store_never_rewrites(tmp_path):
    from helpers.collect.http import RawStore

    store = RawStore(tmp_path / "acct")
    assert store.put("statuses/page-0001.json", b"[1]") == "statuses/page-0001.json"
    # A response stored before an interruption, fetched again: kept beside, never over it.
    assert store.put("statuses/page-0001.json", b"[2]") == "statuses/page-0001.2.json"
    assert (tmp_path / "acct" / "statuses" / "page-0001.json").read_bytes() == b"[1]"
    assert store.written == 2
    store.state()["x"] = 1
    store.save_state()
    assert json.loads((tmp_path / "acct" / "index.json").read_text()) == {"x": 1}
    assert [p.name for p in (tmp_path / "acct").iterdir() if p.name.endswith(".tmp")] == []


def test_collection_reads_stored_mastodon_responses(collected, accounts, tmp_path):
    """The orchestrator (the data-collection notebook's path) imports the stored raw responses."""
    from helpers.collect import collect, write_collected

    inputs = collected.parent  # data/raw/2014/ with mastodon/ in it
    accounts.drop(columns="year").assign(first_seen="").to_csv(inputs / "accounts.csv", index=False)
    direct, _, _ = m.load(collected, accounts, 2014, WINDOW)
    got = collect(2014, inputs, sources=["mastodon"], window=WINDOW)
    assert sorted(got.tables["posts"]["post_id"]) == sorted(direct["post_id"])
    assert set(got.tables["posts"]["platform"]) == {"mastodon"}
    assert any(k.startswith("mastodon/") or "/mastodon/" in k for k in got.inputs)
    write_collected(got, tmp_path / "out")
    assert (tmp_path / "out" / "data" / "posts.parquet").is_file()
