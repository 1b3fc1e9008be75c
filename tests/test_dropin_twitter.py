"""A drop-in 2016 year written by hand in the real tools' formats (not by the demo generator).

``tests/fixtures/dropin/2016/`` holds five municipalities valid on 1 January 2016 and Twitter as
researchers collect it (window 2016-04-01 .. 2016-06-30 Europe/Amsterdam = UTC
[2016-03-31 22:00, 2016-06-30 22:00)):

==========  ======  ======================  ====================================================
gemeente    id      account                 files
==========  ======  ======================  ====================================================
GM0344      1100    @gemeenteutrecht        ``twarc2 search --archive "from:gemeenteutrecht"``
Utrecht                                     (own) + ``twarc2 search --archive "@gemeenteutrecht"``
                                            (2 pages, one ``errors`` entry for a deleted tweet)
GM0717      2200    @gemeenteveere          archive ``data/tweets.js`` + ``data/account.js`` (own)
Veere                                       + mention search (holds Utrecht's 108 again)
GM0193      3300    @gemeentezwolle         ``twarc2 flatten`` of "from:gemeentezwolle OR
Zwolle                                      @gemeentezwolle"
GM0080      4400    @gemeenteleeuwarden     suspended: mention search with an ``errors`` entry
Leeuwarden
GM1924      5500    @goeree_overflakkee     "from:... OR @..." search in ``GOEREE_SEARCH.JSONL``,
Goeree-O.                                   and a ``.ipynb_checkpoints/`` copy to be ignored
==========  ======  ======================  ====================================================

Tweet ids are ``72`` + 16 digits; below they are written by their last three digits (``101`` is
``720000000000000101``). The hand computation is in the comments of each test.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.analysis import metrics
from helpers.collect import collect, file_table, write_collected
from helpers.pipeline import manifest as mf
from helpers.pipeline.sources import resolve

FIX = Path(__file__).parent / "fixtures" / "dropin" / "2016"


def tid(n: int) -> str:
    return f"72{n:016d}"


@pytest.fixture(scope="module")
def year():
    # error mode: nothing in the fixture is bad input; duplicates, errors entries and the archive's
    # tweet from before the window are counted in the skips, never raised
    return collect(2016, FIX, sources=("twitter",), on_bad="error")


def test_own_posts_per_account_whatever_the_collection(year):
    posts = year.tables["posts"]
    # Utrecht (from: search): 101 original, 102 reply to self (thread under 101), 108 reply to
    #   Veere's 301 (organisation), 103 / 106 / 107 replies to citizens, 104 retweet, 105 quote = 8
    # Veere (archive): 301 original, 304 reply to self, 303 retweet ("RT @"), 302 reply to a
    #   citizen = 4 (305 of 20 March is before the window: counted in the skips)
    # Zwolle (flatten): 501 original, 502 reply to a citizen, 503 quote = 3
    # Leeuwarden: suspended, no own tweet = 0; Goeree (combined search): 801 original,
    #   802 / 803 replies to citizens, 804 retweet = 4 (805 only in the checkpoint copy)
    assert posts.groupby("gm_code").size().to_dict() == {
        "GM0344": 8, "GM0717": 4, "GM0193": 3, "GM1924": 4}
    assert set(posts["account_id"]) == {"1100", "2200", "3300", "5500"}
    kinds = {(r.post_id[-3:]): (r.kind, r.reply_to if isinstance(r.reply_to, str) else None)
             for r in posts.itertuples()}
    assert kinds == {
        "101": ("original", None), "102": ("reply", "self"), "108": ("reply", "organisation"),
        "103": ("reply", "citizen"), "104": ("repost", None), "105": ("quote", None),
        "106": ("reply", "citizen"), "107": ("reply", "citizen"),
        "301": ("original", None), "304": ("reply", "self"), "303": ("repost", None),
        "302": ("reply", "citizen"),
        "501": ("original", None), "502": ("reply", "citizen"), "503": ("quote", None),
        "801": ("original", None), "802": ("reply", "citizen"), "803": ("reply", "citizen"),
        "804": ("repost", None),
    }
    # by kind, from the table above: reply 10 (102 108 103 106 107 304 302 502 802 803),
    # original 4 (101 301 501 801), repost 3 (104 303 804), quote 2 (105 503)
    assert posts["kind"].value_counts().to_dict() == {
        "reply": 10, "original": 4, "repost": 3, "quote": 2}


def test_interaction_share_per_municipality(year):
    inter = metrics.interaction(year.tables["posts"])
    # share = replies to others (citizen or organisation) / (those replies + originals incl. quotes)
    # Utrecht: replies to others 103 106 107 108 = 4; originals 101 + quote 105 = 2 -> 4/6
    # Veere:   302 = 1; original 301 = 1                       -> 1/2 (304 to itself, 303 RT out)
    # Zwolle:  502 = 1; original 501 + quote 503 = 2           -> 1/3
    # Goeree:  802 803 = 2; original 801 = 1                   -> 2/3 (804 RT left out)
    # Leeuwarden has no posts: not in the table (no base)
    expect = {"GM0344": (4, 6), "GM0717": (1, 2), "GM0193": (1, 3), "GM1924": (2, 3)}
    assert sorted(inter.index) == sorted(expect)
    for gm, (k, n) in expect.items():
        assert inter.loc[gm, "reply_others"] == k and inter.loc[gm, "base"] == n, gm
        assert inter.loc[gm, "interaction_share"] == pytest.approx(k / n), gm


def test_citizen_questions_answers_and_delays(year):
    msgs = year.tables["citizen_messages"].set_index("msg_id")
    # 13 citizen tweets: Utrecht 201 202 203 204 205 207, Veere 401 402, Zwolle 601 602,
    # Leeuwarden 701, Goeree 901 902 (108 is Utrecht's own tweet, also in Veere's mention search)
    assert msgs.groupby("gm_code").size().to_dict() == {
        "GM0344": 6, "GM0717": 2, "GM0193": 2, "GM0080": 1, "GM1924": 2}
    # questions (rule of helpers.collect.questions):
    #   201 "Wanneer wordt ...?"  202 "Wanneer gaat ...?"  203 "En wanneer dan precies?"
    #   205 "Kunt u ...?"  401 "Is de milieustraat vandaag open?"  601 "Waar kan ik ...?"
    #   602 "Waarom is ...?"  701 "Waarom reageren ...?"  901 "Wanneer is ...?"      = 9
    # not questions: 204 "Mooi werk ..." (no ?), 207 "Dit klopt helemaal niet." (no ?),
    #   402 "Wat een mooi strand ..." (exclamative), 902 "Dank ... voor de snelle hulp!"
    questions = {i[-3:] for i in msgs.index[msgs["is_question"]]}
    assert questions == {"201", "202", "203", "205", "401", "601", "602", "701", "901"}
    # first replies, hours from the question to the first reply in its chain (UTC times):
    #   201 05 Apr 09:00 -> 103 10:30                    = 1.5 h
    #   202 08 Apr 07:00 -> 106 09:00 (107 later, same chain) = 2.0 h
    #   203 08 Apr 09:30 (reply to 106) -> 107 11:00     = 1.5 h
    #   401 Sat 09 Apr 10:00 -> archive 302 Mon 11 Apr 07:00 = 24 - 10 + 24 + 7 = 45 h
    #   601 12 Apr 12:00 -> 502 12:45                    = 0.75 h
    #   901 13 Apr 08:00 -> 802 08:20                    = 1/3 h
    # unanswered: 205, 602, 701 (Leeuwarden suspended) -> 6 of 9 questions answered
    answered = msgs[msgs["is_question"] & msgs["first_reply_at"].notna()]
    hours = ((answered["first_reply_at"] - answered["created_at"]) / pd.Timedelta(hours=1))
    got = {i[-3:]: round(h, 6) for i, h in hours.items()}
    assert got == {"201": 1.5, "202": 2.0, "203": 1.5, "401": 45.0, "601": 0.75,
                   "901": round(1 / 3, 6)}
    assert {i[-3:]: p[-3:] for i, p in answered["first_reply_post_id"].items()} == {
        "201": "103", "202": "106", "203": "107", "401": "302", "601": "502", "901": "802"}
    for unanswered in (205, 602, 701):
        assert pd.isna(msgs.loc[tid(unanswered), "first_reply_at"])
    # 902 is not a question but was answered (803, one hour later)
    assert msgs.loc[tid(902), "first_reply_post_id"] == tid(803)
    # all 13 address the municipality (a reply to or a mention of its account)
    assert msgs["addressed"].all()


def test_duplicates_once_errors_reported_checkpoints_ignored(year):
    posts, skips = year.tables["posts"], year.skips
    # 108 is read in Utrecht's from: search (first, files are read in sorted path order) and again
    # in Veere's mention search: one post, one duplicate skip
    assert posts["post_id"].tolist().count(tid(108)) == 1
    assert len(skips) == 4
    rules = dict(zip(skips["file"].map(lambda f: f.split("2016/", 1)[1]), skips["rule"],
                     strict=True))
    assert rules["twitter/veere/mentions_gemeenteveere.jsonl"].startswith(
        f"duplicate of a tweet already read (tweet {tid(108)}, first read in "
        "from_gemeenteutrecht.jsonl row 1")
    assert rules["twitter/leeuwarden/mentions_gemeenteleeuwarden.jsonl"] == (
        "twarc2 errors entry: account @gemeenteleeuwarden (GM0080) is suspended; no tweets of it "
        "were returned")
    assert rules["twitter/utrecht/mentions_gemeenteutrecht.jsonl"] == (
        f"twarc2 errors entry: tweet {tid(9009)} is deleted (not available; left out)")
    assert "outside the observation window" in rules["twitter/veere_archive/data/tweets.js"]
    assert set(skips["column"]) == {"id", "errors", "created_at"}
    # the checkpoint copy (805, 903) is neither read nor hashed
    checkpoint = FIX / "twitter/goeree/.ipynb_checkpoints/GOEREE_SEARCH-checkpoint.JSONL"
    assert tid(805) in checkpoint.read_text(encoding="utf-8")  # it is there (committed) ...
    assert tid(805) not in set(posts["post_id"])
    assert tid(903) not in set(year.tables["citizen_messages"]["msg_id"])
    assert not any(".ipynb_checkpoints" in f for f in year.inputs)
    assert len(year.inputs) == 9  # accounts.csv + 6 JSON Lines files + tweets.js + account.js
    assert not any(".ipynb_checkpoints" in f for f in mf.tree_hashes(FIX))


def test_per_file_table(year):
    table = file_table(year).set_index("file")
    table.index = [f.split("2016/", 1)[1] for f in table.index]
    # read = tweets in data (or lines); kept = in posts or citizen_messages
    expect = {
        "twitter/goeree/GOEREE_SEARCH.JSONL": (6, 6, 0),
        "twitter/leeuwarden/mentions_gemeenteleeuwarden.jsonl": (1, 1, 0),
        "twitter/utrecht/from_gemeenteutrecht.jsonl": (8, 8, 0),
        "twitter/utrecht/mentions_gemeenteutrecht.jsonl": (6, 6, 0),  # 2 pages of 3
        "twitter/veere/mentions_gemeenteveere.jsonl": (3, 2, 1),  # 108 again
        "twitter/veere_archive/data/tweets.js": (5, 4, 1),  # 305 before the window
        "twitter/zwolle/zwolle_flat.jsonl": (5, 5, 0),
    }
    for f, (read, kept, skipped) in expect.items():
        assert tuple(table.loc[f, ["read", "kept", "skipped"]]) == (read, kept, skipped), f
    assert table.loc["twitter/veere/mentions_gemeenteveere.jsonl", "reasons"] == (
        "duplicate of a tweet already read (1)")
    assert table.loc["twitter/leeuwarden/mentions_gemeenteleeuwarden.jsonl", "reasons"] == (
        "twarc2 errors entry: account @gemeenteleeuwarden is suspended; no tweets of it were "
        "returned (1)")
    assert table.loc["accounts.csv", "kept"] == 5
    # 19 posts + 13 messages kept = 32 of 34 tweets read
    assert int(table["kept"].sum()) == 5 + 32 and int(table["read"].sum()) == 34


def test_the_runner_finds_the_drop_in_as_raw_data(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(FIX, root / "data" / "raw" / "2016")
    res = resolve(2016, root=root)
    # the fixture holds Twitter and the survey export (tests/test_survey_codebook.py)
    assert (res.kind, res.sources) == ("files", ("twitter", "survey"))
    assert res.line(2016) == ("2016: raw data from data/raw/2016/ (sources found: twitter, survey; "
                              "not collected: facebook, web)")


def test_no_citizen_identity_in_written_tables(year, tmp_path):
    write_collected(year, tmp_path)
    blob = b"".join(p.read_bytes() for p in sorted((tmp_path / "data").glob("*")))
    for planted in (b"fictief_", b"Fictieve", b"9501", b"9601", b"9801", b"Wanneer wordt"):
        assert planted not in blob, planted
