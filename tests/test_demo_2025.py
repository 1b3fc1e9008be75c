"""The current demo year (2025): Mastodon and Bluesky in the collectors' stored formats, no Twitter.

The stored responses are read back with the real importers (``helpers.collect``), so a change in
either the demo's writers or the importers that breaks the shared format fails here. Expected
values are worked out by hand from the stated assumptions (``helpers.demo.current``) and from a
conversation built by hand below.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import collect, demo
from helpers.collect import bluesky as cbsky
from helpers.collect import mastodon as cmast
from helpers.core import register
from helpers.core.errors import ParameterError
from helpers.demo import bluesky, current, mastodon
from helpers.pipeline.sources import resolve

SOURCES = ("mastodon", "bluesky", "facebook", "survey", "web")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    dest = demo.generate(2025, 1, tmp_path_factory.mktemp("demo") / "2025-s1-n30", sample=30)
    return dest, collect.collect(2025, dest, sources=SOURCES)


def test_the_demo_sources_of_a_year():
    assert demo.sources_for(2014) == ("twitter", "facebook", "survey", "web")
    assert demo.sources_for(2023) == ("twitter", "facebook", "survey", "web")
    assert demo.sources_for(2025) == ("facebook", "mastodon", "bluesky", "survey", "web")
    res = resolve(2025, "demo")
    assert res.kind == "demo" and res.sources == SOURCES[2:3] + SOURCES[:2] + SOURCES[3:]
    assert res.not_collected == ("twitter",)
    with pytest.raises(ParameterError, match="the demo has no twitter data for 2025"):
        resolve(2025, "demo", "twitter,facebook")


def test_no_twitter_files_and_every_file_marked(sample):
    dest, _ = sample
    files = sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file())
    assert not (dest / "twitter").exists()
    assert not [f for f in files if "twitter" in f]
    assert (dest / "SYNTHETIC.txt").read_text().startswith("SYNTHETIC DEMO DATA")
    assert json.loads((dest / "demo.json").read_text())["synthetic"] is True
    for name in ("accounts.csv", "facebook/posts.csv", "facebook/comments.csv"):
        rows = list(csv.DictReader((dest / name).open(encoding="utf-8")))
        assert rows and {r["synthetic"] for r in rows} <= {"true", "True"}, name
    for pf in ("mastodon", "bluesky"):
        assert (dest / pf / "SYNTHETIC.txt").is_file()
        stored = sorted((dest / pf).rglob("*.json"))
        assert stored
        for path in stored:
            data = json.loads(path.read_text("utf-8"))
            objects = data if isinstance(data, list) else [data]
            assert all(o.get("synthetic") is True for o in objects), path
    for path in (dest / "mastodon").rglob("statuses/*.json"):
        for status in json.loads(path.read_text("utf-8")):
            assert status["account"]["synthetic"] is True
            assert "SYNTHETIC" in status["account"]["note"]


def test_accounts_of_the_sample(sample):
    dest, got = sample
    acc = got.tables["accounts"]
    by = acc.groupby("platform").size().to_dict()
    # 8 % / 30 % of 30 rounds to 2 / 9; the three anchors are always on both platforms
    assert by["mastodon"] == 3 and by["bluesky"] == 9
    assert set(acc.loc[acc["platform"] == "mastodon", "gm_code"]) == set(demo.ANCHORS)
    assert acc.loc[acc["platform"] == "mastodon", "handle"].str.endswith(
        "@social.overheid.nl").all()
    assert acc.loc[acc["platform"] == "bluesky", "handle"].str.fullmatch(
        r"gemeente[a-z0-9]+\.bsky\.social").all()
    assert "gemeenteutrecht.bsky.social" in set(acc["handle"])
    assert "twitter" not in by


def test_presence_counts_of_the_full_register():
    munis = register.municipalities(2025)
    assert len(munis) == 342
    pres = current.presence(munis, np.random.default_rng(5))
    # round(0.08 * 342) = 27 Mastodon and round(0.30 * 342) = 103 Bluesky accounts;
    # active: round(0.85 * 27) = 23 and round(0.75 * 103) = 77
    assert int(pres.has["mastodon"].sum()) == 27 and int(pres.has["bluesky"].sum()) == 103
    assert int(pres.active["mastodon"].sum()) == 23 and int(pres.active["bluesky"].sum()) == 77
    assert not (pres.active["bluesky"] & ~pres.has["bluesky"]).any()


def test_imported_posts_and_first_replies_per_platform(sample):
    _, got = sample
    posts, msgs = got.tables["posts"], got.tables["citizen_messages"]
    assert got.demo
    for pf in ("mastodon", "bluesky", "facebook"):
        assert (posts["platform"] == pf).sum() > 0, pf
        assert (msgs["platform"] == pf).sum() > 0, pf
    assert "twitter" not in set(posts["platform"])
    for pf in ("mastodon", "bluesky"):
        mine = posts[posts["platform"] == pf]
        kinds = set(zip(mine["kind"], mine["reply_to"].fillna("-"), strict=True))
        assert {("original", "-"), ("repost", "-"), ("reply", "citizen"), ("reply", "self"),
                ("reply", "organisation")} <= kinds, pf
        m = msgs[msgs["platform"] == pf]
        answered = m[m["first_reply_at"].notna()]
        assert len(answered) > 0 and m["is_question"].sum() > 0, pf
        assert (answered["first_reply_at"] > answered["created_at"]).all()
        assert set(answered["first_reply_post_id"]) <= set(mine["post_id"])
    assert (posts.loc[posts["platform"] == "bluesky", "kind"] == "quote").sum() > 0
    # the only skips are own posts of the fortnight before the window (where paging stops)
    assert got.skips["rule"].str.contains("outside the window").all()


def test_the_social_files_are_byte_identical_for_the_same_seed(tmp_path):
    munis = demo.select_municipalities(2025, seed=4, sample=6)
    out = []
    for name in ("a", "b"):
        dest = tmp_path / name
        dest.mkdir()
        demo.social.write_raw(munis, 2025, demo.rng_for(4, 2025, "social"), dest, 0.5)
        out.append({p.relative_to(dest).as_posix(): p.read_bytes()
                    for p in sorted(dest.rglob("*")) if p.is_file()})
    assert out[0] == out[1]
    assert "accounts.csv" in out[0] and any(f.startswith("bluesky/") for f in out[0])


# ------------------------------------------------------------------------------------------------
# A conversation built by hand, written by both writers and read back by the real importers.

def ms(text: str) -> int:
    return int(pd.Timestamp(text).value // 10**6)


def hand_conversation() -> current.Conversations:
    item = current.Item
    q1, q2 = "Is de milieustraat op zaterdag open?", "Hoe vraag ik een parkeervergunning aan?"
    return current.Conversations([
        item("muni", ms("2025-03-25T09:00Z"), "original", "Voor het venster."),  # 0, before
        item("muni", ms("2025-04-02T08:00Z"), "original", "Nieuw: de afvalkalender."),  # 1
        item("c0", ms("2025-04-02T09:00Z"), "reply", q1, parent=1, mention="muni"),  # 2
        item("muni", ms("2025-04-02T11:00Z"), "reply", "Ja, 9-16 uur.", parent=2,
             mention="c0"),  # 3: 2 h later
        item("c0", ms("2025-04-02T11:30Z"), "reply", current.THANKS, parent=3,
             mention="muni"),  # 4
        item("muni", ms("2025-04-02T08:10Z"), "reply", "Meer volgt.", parent=1),  # 5: self
        item("c1", ms("2025-04-03T10:00Z"), "original", q2, mention="muni"),  # 6: never answered
        item("org", ms("2025-04-04T07:00Z"), "original", current.ORG_POSTS[0]),  # 7
        item("muni", ms("2025-04-04T08:00Z"), "repost", "", ref=7),  # 8
        item("c1", ms("2025-04-05T10:00Z"), "original", q2, mention="muni"),  # 9: Saturday
        item("muni", ms("2025-04-07T07:00Z"), "reply", "Via de website.", parent=9,
             mention="c1"),  # 10: Monday, 45 h later
    ], [("Anna Jansen", "annajansen1"), ("Kees Bos", "keesbos2")])


WINDOW_2025 = (pd.Timestamp("2025-04-01").date(), pd.Timestamp("2025-06-30").date())
BOUNDS = (ms("2025-03-31T22:00Z"), ms("2025-06-30T22:00Z"))


@pytest.mark.parametrize("platform", ["mastodon", "bluesky"])
def test_a_hand_built_conversation_reads_back(tmp_path, platform):
    conv = hand_conversation()
    window = ("2025-04-01", "2025-06-30")
    if platform == "mastodon":
        handle, account_id = "gemeenteutrecht@social.overheid.nl", "110000344000"
        mastodon.write_account(conv, tmp_path, "gemeenteutrecht", account_id, "Utrecht", 344,
                               window, BOUNDS)
        load = cmast.load
    else:
        handle, account_id = "gemeenteutrecht.bsky.social", current.did_for("muni:GM0344")
        bluesky.write_account(conv, tmp_path, handle, account_id, "Utrecht", 344, window, BOUNDS)
        load = cbsky.load
    accounts = pd.DataFrame({"gm_code": ["GM0344"], "platform": [platform],
                             "account_id": [account_id], "handle": [handle],
                             "kind": ["corporate"]})
    posts, msgs, skips = load(tmp_path, accounts, 2025, WINDOW_2025, "error")
    posts = posts.sort_values("created_at").reset_index(drop=True)
    assert list(zip(posts["kind"], posts["reply_to"].fillna("-"), strict=True)) == [
        ("original", "-"), ("reply", "self"), ("reply", "citizen"), ("repost", "-"),
        ("reply", "citizen")]
    assert len(skips) == 1 and "outside the window" in skips["rule"].iloc[0]  # item 0
    msgs = msgs.sort_values("created_at").reset_index(drop=True)
    assert len(msgs) == 3  # items 2, 4, 9; the unanswered mention 6 is not stored
    assert msgs["is_question"].tolist() == [True, False, True]
    delay = (msgs["first_reply_at"] - msgs["created_at"]).dt.total_seconds() / 3600
    assert delay.iloc[0] == 2.0 and np.isnan(delay.iloc[1]) and delay.iloc[2] == 45.0
    # a thread's conversation id is its root: the self-reply and the replies under item 1
    conv_ids = posts.set_index("kind")["conversation_id"]
    assert posts.loc[1, "conversation_id"] == posts.loc[0, "conversation_id"] == posts.loc[
        2, "conversation_id"]
    assert conv_ids.notna().sum() >= 4


def test_ids_and_keys_have_the_platforms_shapes():
    t = bluesky.tid(ms("2025-04-02T08:00Z"), 3)
    assert len(t) == 13 and set(t) <= set("234567abcdefghijklmnopqrstuvwxyz")
    assert bluesky.tid(ms("2025-04-02T08:00Z"), 4) > t  # sortable
    assert bluesky.cid_for("at://x").startswith("bafyrei") and len(bluesky.cid_for("at://x")) == 59
    assert mastodon.snowflake_ms(1000, 1) == (1000 << 16) + 1
    assert cmast.snowflake(pd.Timestamp(1000, unit="ms", tz="UTC")) == mastodon.snowflake_ms(1000, 0)
    assert current.did_for("a").startswith("did:plc:") and len(current.did_for("a")) == 32
    assert current.bluesky_handle("Súdwest-Fryslân") == "gemeentesudwestfryslan.bsky.social"
    assert current.mastodon_user("'s-Hertogenbosch") == "gemeenteshertogenbosch"


def test_stored_files_are_where_the_collectors_put_them(sample):
    dest, _ = sample
    utrecht = dest / "mastodon" / "gemeenteutrecht@social.overheid.nl"
    assert (utrecht / "account.json").is_file() and (utrecht / "index.json").is_file()
    state = json.loads((utrecht / "index.json").read_text())
    run = state["timelines"]["2025-04-01_2025-06-30"]
    assert run["complete"] is True
    assert [p["file"] for p in run["pages"]] == sorted(
        p.relative_to(utrecht).as_posix() for p in (utrecht / "statuses").glob("*.json"))
    bsky = dest / "bluesky" / "gemeenteutrecht.bsky.social"
    feed = json.loads((bsky / "feed" / "page-0001.json").read_text())
    assert feed["feed"] and all("post" in item for item in feed["feed"])
    assert sorted(Path(p).name for p in (bsky / "thread").glob("*.json"))


def test_the_runner_asks_the_demo_for_its_sources_without_pandas():
    import subprocess
    import sys

    code = ("import sys; from helpers.pipeline.sources import resolve; import helpers.demo; "
            "print('pandas' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_demo_handles_are_the_candidates_accounts_draft_tries():
    from helpers.collect.accounts_draft import candidate_handles

    munis = register.municipalities(2025)
    tried = set(candidate_handles(munis))
    mine = {current.bluesky_handle(n) for n in munis["short_name"]}
    assert len(mine) == 342  # one handle per municipality
    # the two Bergens keep their province in the demo's handle (draft tries "gemeentebergen")
    assert mine - tried == {"gemeentebergennh.bsky.social", "gemeentebergenl.bsky.social"}
