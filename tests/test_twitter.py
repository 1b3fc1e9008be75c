"""Twitter importer on hand-written fixtures in the real formats (twarc2 JSON Lines, archive tweets.js)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.collect import collect, write_collected
from helpers.collect.twitter import first_replies
from helpers.core.errors import DataError

FIX = Path(__file__).parent / "fixtures" / "twitter"


@pytest.fixture(scope="module")
def tables():
    c = collect(2014, FIX, sources=("twitter",))
    assert c.skips.empty
    return c.tables


def _by_id(df: pd.DataFrame, col: str) -> dict[str, dict]:
    return {r[col]: r for r in df.to_dict("records")}


def test_kinds_and_reply_targets_from_twarc(tables):
    posts = _by_id(tables["posts"], "post_id")
    expect = {
        "1001": ("original", None), "1002": ("reply", "self"), "1003": ("reply", "citizen"),
        "1004": ("repost", None), "1005": ("quote", None), "1006": ("reply", "organisation"),
        "1007": ("reply", "citizen"),
    }
    for pid, (kind, reply_to) in expect.items():
        assert posts[pid]["kind"] == kind, pid
        got = posts[pid]["reply_to"]
        assert (got if isinstance(got, str) else None) == reply_to, pid
        assert posts[pid]["gm_code"] == "GM0344"
    assert posts["1007"]["in_reply_to_id"] == "2003"
    assert posts["1003"]["conversation_id"] == "2001"


def test_archive_tweets_js(tables):
    posts = _by_id(tables["posts"], "post_id")
    expect = {"3001": ("original", None), "3002": ("reply", "citizen"), "3003": ("repost", None),
              "3004": ("reply", "self"), "3005": ("quote", None)}
    for pid, (kind, reply_to) in expect.items():
        assert posts[pid]["gm_code"] == "GM0717"
        assert posts[pid]["kind"] == kind, pid
        got = posts[pid]["reply_to"]
        assert (got if isinstance(got, str) else None) == reply_to, pid
    # "Tue Apr 01 08:05:00 +0000 2014" -> UTC
    assert posts["3002"]["created_at"] == pd.Timestamp("2014-04-01 08:05:00", tz="UTC")


def test_citizen_messages_attribution_and_first_reply(tables):
    msgs = _by_id(tables["citizen_messages"], "msg_id")
    assert set(msgs) == {"2001", "2002", "2003", "2004", "2005"}
    assert all(m["gm_code"] == "GM0344" for m in msgs.values())
    assert [msgs[i]["addressed"] for i in ("2001", "2002", "2003", "2004", "2005")] == [
        True, False, True, True, True]
    assert msgs["2001"]["is_question"] and not msgs["2002"]["is_question"]
    assert msgs["2001"]["theme"] == "afval" and msgs["2002"]["theme"] == "verkeer"
    # 2001 answered by 1003 (direct reply); 2003 (follow-up in the chain) by 1007
    assert msgs["2001"]["first_reply_post_id"] == "1003"
    assert msgs["2001"]["first_reply_at"] == pd.Timestamp("2014-04-01 10:15", tz="UTC")
    assert msgs["2003"]["first_reply_post_id"] == "1007"
    for unanswered in ("2002", "2004", "2005"):
        assert pd.isna(msgs[unanswered]["first_reply_post_id"])
        assert pd.isna(msgs[unanswered]["first_reply_at"])


def test_first_reply_walks_the_chain_below_the_message():
    t = pd.Timestamp("2014-04-01 08:00", tz="UTC")
    msgs = pd.DataFrame({"msg_id": ["m"], "gm_code": ["GM0344"], "created_at": [t]})
    posts = pd.DataFrame({
        "post_id": ["r2", "r1", "other"], "gm_code": ["GM0344", "GM0344", "GM0717"],
        "created_at": [t + pd.Timedelta(hours=5), t + pd.Timedelta(hours=3),
                       t + pd.Timedelta(hours=1)],
        "kind": ["reply"] * 3, "in_reply_to_id": ["c2", "c1", "m"],
    })
    # m <- c1 <- c2 (citizen follow-ups); r1 answers c1, r2 answers c2; "other" is another gemeente
    parents = {"m": None, "c1": "m", "c2": "c1", "r1": "c1", "r2": "c2", "other": "m"}
    got = first_replies(msgs, posts, parents)
    assert got["first_reply_post_id"].tolist() == ["r1"]
    assert got["first_reply_at"].iloc[0] == t + pd.Timedelta(hours=3)


def test_no_citizen_identity_reaches_the_tables(tmp_path):
    c = collect(2014, FIX, sources=("twitter",))
    write_collected(c, tmp_path)
    blob = b"".join(p.read_bytes() for p in sorted((tmp_path / "data").glob("*")))
    for planted in (b"Jantje Planted", b"jantjeplanted", b"501", b"Mien Verborgen", b"grofvuil",
                    b"keesklant"):
        assert planted not in blob, planted
    assert set(c.tables["citizen_messages"].columns) == {
        "msg_id", "platform", "gm_code", "created_at", "addressed", "is_question", "theme",
        "first_reply_post_id", "first_reply_at"}


# --- bad input -----------------------------------------------------------------------------
def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "in"
    shutil.copytree(FIX, dst)
    return dst


def _edit_timeline(folder: Path, edit) -> None:
    path = folder / "twitter" / "timelines.jsonl"
    page = json.loads(path.read_text(encoding="utf-8"))
    edit(page)
    path.write_text(json.dumps(page) + "\n", encoding="utf-8")


def _bad_cases():
    def truncated(folder):
        path = folder / "twitter" / "mentions.jsonl"
        text = path.read_text(encoding="utf-8")
        path.write_text(text + text[: len(text) // 2] + "\n", encoding="utf-8")

    def encoding(folder):
        path = folder / "twitter" / "mentions.jsonl"
        path.write_bytes(path.read_bytes() + '{"data": [{"text": "caf\u00e9"}]}\n'.encode("latin-1"))

    def unknown(folder):
        _edit_timeline(folder, lambda p: p["data"][0].__setitem__("mood", "sunny"))

    def naive(folder):
        _edit_timeline(folder, lambda p: p["data"][0].__setitem__("created_at",
                                                                  "2014-04-03T09:30:00.000"))

    def outside(folder):
        _edit_timeline(folder, lambda p: p["data"][0].__setitem__("created_at",
                                                                  "2014-07-03T09:30:00.000Z"))

    return {
        "truncated": (truncated, "mentions.jsonl", 2, None, "not valid JSON"),
        "encoding": (encoding, "mentions.jsonl", 2, None, "not UTF-8"),
        "unknown_field": (unknown, "timelines.jsonl", 1, "mood", "unknown field"),
        "no_timezone": (naive, "timelines.jsonl", 1, "created_at", "no timezone"),
        "outside_window": (outside, "timelines.jsonl", 1, "created_at", "outside the observation"),
    }


@pytest.mark.parametrize("case", sorted(_bad_cases()))
def test_bad_input_error_or_reported_skip(tmp_path, case):
    edit, file, row, column, rule = _bad_cases()[case]
    folder = _copy(tmp_path)
    edit(folder)
    with pytest.raises(DataError) as err:
        collect(2014, folder, sources=("twitter",), on_bad="error")
    e = err.value
    assert e.file.endswith(file) and e.row == row and e.column == column and rule in e.rule
    c = collect(2014, folder, sources=("twitter",), on_bad="skip")
    assert len(c.skips) == 1
    skip = c.skips.iloc[0]
    assert skip["file"].endswith(file) and skip["row"] == row and rule in skip["rule"]
    posts = set(c.tables["posts"]["post_id"])
    if case == "unknown_field":
        assert "1007" in posts  # kept (unknown field ignored)
    elif case in ("no_timezone", "outside_window"):
        assert "1007" not in posts
    assert len(c.tables["citizen_messages"]) == 5


def test_account_list_code_not_valid_names_successor(tmp_path):
    folder = _copy(tmp_path)
    acc = folder / "accounts.csv"
    acc.write_text(acc.read_text() + "GM0585,twitter,333,binnenmaas,corporate,\n")  # merged 2019
    c = collect(2014, folder, sources=("twitter",))  # valid in 2014
    assert "GM0585" in set(c.tables["accounts"]["gm_code"])
    with pytest.raises(DataError) as err:
        collect(2020, folder, sources=("twitter",), window=("2014-04-01", "2014-06-30"))
    assert err.value.row == 4 and err.value.column == "gm_code" and "GM1963" in err.value.rule


def test_flattened_twarc_lines(tmp_path):
    folder = _copy(tmp_path)
    page = json.loads((folder / "twitter" / "mentions.jsonl").read_text())
    lines = []
    for t in page["data"]:
        flat = dict(t, author={"id": t["author_id"], "username": "x"},
                    __twarc=page["__twarc"])
        if "referenced_tweets" in t:
            flat["referenced_tweets"] = [dict(r, text="inlined", author_id="1") for r in
                                         t["referenced_tweets"]]
        lines.append(json.dumps(flat))
    (folder / "twitter" / "mentions.jsonl").write_text("\n".join(lines) + "\n")
    c = collect(2014, folder, sources=("twitter",))
    m = c.tables["citizen_messages"].set_index("msg_id")
    assert sorted(m.index) == ["2001", "2002", "2003", "2004", "2005"]
    assert not m.loc["2002", "addressed"] and m.loc["2003", "first_reply_post_id"] == "1007"


def test_account_first_seen_without_timezone(tmp_path):
    folder = _copy(tmp_path)
    acc = folder / "accounts.csv"
    acc.write_text(acc.read_text().replace("2010-01-15T08:00:00Z", "2010-01-15 08:00"))
    with pytest.raises(DataError) as err:
        collect(2014, folder, sources=("twitter",))
    assert err.value.row == 3 and err.value.column == "first_seen"
    c = collect(2014, folder, sources=("twitter",), on_bad="skip")
    accounts = c.tables["accounts"].set_index("account_id")
    assert pd.isna(accounts.loc["222", "first_seen"]) and len(c.skips) == 1
    assert accounts.loc["111", "first_seen"] == pd.Timestamp("2009-03-01 10:00", tz="UTC")


def test_duplicate_is_counted_once_and_never_an_error(tmp_path):
    folder = _copy(tmp_path)
    _edit_timeline(folder, lambda p: p["data"].append(dict(p["data"][0])))  # 1007 twice
    c = collect(2014, folder, sources=("twitter",), on_bad="error")  # no DataError
    assert c.tables["posts"]["post_id"].tolist().count("1007") == 1
    assert len(c.skips) == 1
    skip = c.skips.iloc[0]
    assert skip["file"].endswith("timelines.jsonl") and skip["row"] == 1
    assert skip["column"] == "id"
    assert skip["rule"].startswith("duplicate of a tweet already read (tweet 1007")


def test_author_decides_own_post_not_the_page(tmp_path):
    """A stranger's tweet in a timeline page is a citizen tweet; an own tweet in a search page is a
    post (the mentions page is a full-archive search)."""
    folder = _copy(tmp_path)

    def edit(p):
        p["data"][0]["author_id"] = "999"  # 1007, a reply to citizen 501's tweet 2003
        p["data"][0]["entities"] = {"mentions": [{"start": 0, "end": 16, "id": "111",
                                                  "username": "gemeenteutrecht"}]}
    _edit_timeline(folder, edit)
    ment = folder / "twitter" / "mentions.jsonl"
    page = json.loads(ment.read_text(encoding="utf-8"))
    page["data"].append({"id": "1008", "text": "@pietanoniem Zie onze site.", "author_id": "111",
                         "created_at": "2014-04-01T13:00:00.000Z", "conversation_id": "1001",
                         "in_reply_to_user_id": "503",
                         "referenced_tweets": [{"type": "replied_to", "id": "2005"}]})
    ment.write_text(json.dumps(page) + "\n", encoding="utf-8")
    c = collect(2014, folder, sources=("twitter",), on_bad="error")
    assert c.skips.empty
    posts = c.tables["posts"].set_index("post_id")
    msgs = c.tables["citizen_messages"].set_index("msg_id")
    assert "1007" not in posts.index and "1007" in msgs.index
    # 1007 mentions @gemeenteutrecht: attributed to Utrecht, addressed
    assert msgs.loc["1007", "gm_code"] == "GM0344" and msgs.loc["1007", "addressed"]
    # 2003 is no longer answered (1007 is not Utrecht's); 1008 from the search page answers 2005
    assert pd.isna(msgs.loc["2003", "first_reply_post_id"])
    assert posts.loc["1008", "kind"] == "reply" and posts.loc["1008", "reply_to"] == "citizen"
    assert msgs.loc["2005", "first_reply_post_id"] == "1008"
    assert msgs.loc["2005", "first_reply_at"] == pd.Timestamp("2014-04-01 13:00", tz="UTC")


def test_suffixes_any_case_and_hidden_copies_ignored(tmp_path):
    folder = _copy(tmp_path)
    tw = folder / "twitter"
    (tw / "mentions.jsonl").rename(tw / "mentions.JSONL")
    (tw / "timelines.jsonl").rename(tw / "timelines.Json")
    hidden = tw / ".ipynb_checkpoints"
    hidden.mkdir()
    # a checkpoint copy holding an extra own tweet: it must not be read
    page = json.loads((tw / "timelines.Json").read_text(encoding="utf-8"))
    page["data"][0]["id"] = "1999"
    (hidden / "timelines-checkpoint.jsonl").write_text(json.dumps(page) + "\n", encoding="utf-8")
    (tw / ".DS_Store").write_bytes(b"\x00\x01")
    c = collect(2014, folder, sources=("twitter",))
    assert c.skips.empty
    assert "1999" not in set(c.tables["posts"]["post_id"])
    assert len(c.tables["posts"]) == 12 and len(c.tables["citizen_messages"]) == 5
    assert not any(".ipynb_checkpoints" in f or "DS_Store" in f for f in c.inputs)


def test_other_files_are_counted_not_silently_ignored(tmp_path):
    folder = _copy(tmp_path)
    (folder / "twitter" / "notes.txt").write_text("export log\n", encoding="utf-8")
    c = collect(2014, folder, sources=("twitter",), on_bad="error")
    assert len(c.skips) == 1 and c.skips.iloc[0]["file"].endswith("notes.txt")
    assert "not a Twitter export" in c.skips.iloc[0]["rule"]


def test_errors_entries_named_per_account_and_kind():
    from helpers.collect.twitter import describe_error, error_kind

    accounts = {"111": ("GM0344", "gemeenteutrecht")}
    suspended = {"value": "gemeenteutrecht", "detail": "User has been suspended: [gemeenteutrecht].",
                 "title": "Forbidden", "resource_type": "user", "parameter": "username",
                 "resource_id": "gemeenteutrecht",
                 "type": "https://api.twitter.com/2/problems/resource-not-found"}
    protected = {"resource_type": "user", "resource_id": "111", "parameter": "id",
                 "title": "Authorization Error", "detail": "Sorry, you are not authorized to see "
                 "the user with id: [111].",
                 "type": "https://api.twitter.com/2/problems/not-authorized-for-resource"}
    gone = {"value": "777", "detail": "Could not find user with id: [777].",
            "title": "Not Found Error", "resource_type": "user", "parameter": "id",
            "resource_id": "777", "type": "https://api.twitter.com/2/problems/resource-not-found"}
    tweet = {"value": "42", "detail": "Could not find tweet with ids: [42].",
             "title": "Not Found Error", "resource_type": "tweet", "parameter": "ids",
             "resource_id": "42", "type": "https://api.twitter.com/2/problems/resource-not-found"}
    assert [error_kind(e) for e in (suspended, protected, gone, tweet)] == [
        "suspended", "protected", "not found", "deleted"]
    assert describe_error(suspended, accounts) == (
        "twarc2 errors entry: account @gemeenteutrecht (GM0344) is suspended; no tweets of it "
        "were returned")
    assert describe_error(protected, accounts).startswith(
        "twarc2 errors entry: account @gemeenteutrecht (GM0344) is protected")
    # an account not in the list is not named (it may be a citizen's)
    assert describe_error(gone, accounts) == (
        "twarc2 errors entry: a user account not in the account list is not found")
    assert describe_error(tweet, accounts) == (
        "twarc2 errors entry: tweet 42 is deleted (not available; left out)")


def test_streamed_tweets_are_read(tmp_path):
    folder = _copy(tmp_path)
    page = json.loads((folder / "twitter" / "mentions.jsonl").read_text(encoding="utf-8"))
    lines = [json.dumps({"data": t, "includes": page["includes"],
                         "matching_rules": [{"id": "1", "tag": "@gemeenteutrecht"}],
                         "__twarc": {"url": "https://api.twitter.com/2/tweets/search/stream",
                                     "version": "2.14.0", "retrieved_at": "2014-04-01T00:00:00Z"}})
             for t in page["data"]]
    (folder / "twitter" / "mentions.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    c = collect(2014, folder, sources=("twitter",))
    assert c.skips.empty
    m = c.tables["citizen_messages"].set_index("msg_id")
    assert sorted(m.index) == ["2001", "2002", "2003", "2004", "2005"]
    assert m.loc["2001", "first_reply_post_id"] == "1003"


def test_per_file_table_counts_items_left_out_for_bad_input(tmp_path):
    from helpers.collect import file_table

    folder = _copy(tmp_path)
    _edit_timeline(folder, lambda p: p["data"][0].__setitem__("created_at", "2014-04-03T09:30"))
    c = collect(2014, folder, sources=("twitter",), on_bad="skip")
    t = file_table(c).set_index("file")
    row = t.loc[[f for f in t.index if f.endswith("timelines.jsonl")][0]]
    # 7 tweets in the timeline page, 1007 without a timezone: 6 kept, 1 skipped
    assert (row["read"], row["kept"], row["skipped"]) == (7, 6, 1)
    assert row["reasons"].startswith("timestamp '#' has no timezone")


def test_a_page_of_only_errors_is_reported_not_an_error(tmp_path):
    folder = _copy(tmp_path)
    page = {"errors": [{"value": "gemeenteutrecht", "detail": "Sorry, you are not authorized to "
                        "see the user with username: [gemeenteutrecht].",
                        "title": "Authorization Error", "resource_type": "user",
                        "parameter": "username", "resource_id": "gemeenteutrecht",
                        "type": "https://api.twitter.com/2/problems/not-authorized-for-resource"}],
            "__twarc": {"url": "https://api.twitter.com/2/users/by/username/gemeenteutrecht",
                        "version": "2.14.0", "retrieved_at": "2014-07-01T00:00:00+00:00"}}
    (folder / "twitter" / "protected.jsonl").write_text(json.dumps(page) + "\n", encoding="utf-8")
    c = collect(2014, folder, sources=("twitter",), on_bad="error")
    assert c.skips["rule"].tolist() == [
        "twarc2 errors entry: account @gemeenteutrecht (GM0344) is protected; no tweets of it were "
        "returned"]
    assert c.skips["file"].iloc[0].endswith("protected.jsonl") and c.skips["row"].iloc[0] == 1
    assert len(c.tables["posts"]) == 12
