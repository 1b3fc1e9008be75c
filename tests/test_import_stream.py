"""The streaming importers' parts (issue 16): id codes, the duplicate index, line-by-line CSV, ties.

The importers' results on the fixtures are checked by ``test_twitter.py``, ``test_dropin_twitter.py``,
``test_facebook.py``, the bad-input corpus and the fuzz tests; here the pieces that make them
stream are checked on cases small enough to compute by hand.
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pandas as pd
import pytest

from helpers.collect import Issues, csvfile
from helpers.collect import twitter_read as tr
from helpers.collect.twitter import first_replies, load
from helpers.collect.twitter_buffers import EMPTY, NULL, Columns, IdCodes, SeenIds

WINDOW = (pd.Timestamp("2014-03-31 22:00", tz="UTC"), pd.Timestamp("2014-06-30 22:00", tz="UTC"))
ACCOUNTS = pd.DataFrame({"platform": ["twitter"], "gm_code": ["GM0344"], "account_id": ["100"],
                         "handle": ["gemeenteutrecht"]})


def test_id_codes_round_trip_and_keep_odd_ids_apart():
    ids = IdCodes()
    texts = ["720000000000000101", "0", "9223372036854775807", "9223372036854775808", "0101",
             "t1", "", "١٢"]
    codes = np.array([ids.code(t) for t in texts] + [NULL], dtype=np.int64)
    # canonical decimals below 2**63 are their own number; the rest get table codes (< 0)
    assert codes[:3].tolist() == [720000000000000101, 0, 9223372036854775807]
    assert (codes[3:8] < 0).all() and codes[6] == EMPTY
    assert len(set(codes[3:8].tolist())) == 5
    assert ids.code("0101") == codes[4]  # the same text, the same code
    assert ids.decode(codes).to_pylist() == texts + [None]


def test_seen_ids_find_the_first_reading_across_merged_runs():
    seen = SeenIds(fresh_limit=3)
    for k in range(20):  # ids 10, 20, ..., 200 at locations 0..19, one page of one id each
        assert seen.get(10 * (k + 1), seen.prior([10 * (k + 1)])[0]) == -1
        seen.add(10 * (k + 1), k)
        seen.settle()
    assert len(seen.runs) < 6  # runs are merged as they grow
    prior = seen.prior([10, 200, 15, 130, 0])
    assert [seen.get(c, p) for c, p in zip([10, 200, 15, 130, 0], prior, strict=True)] == [
        0, 19, -1, 12, -1]


def test_columns_keep_rows_as_compact_arrays():
    cols = Columns(a="q", b="i", c="b")
    rows = [(1, 2, True), (2**40, -1, False)]
    cols.extend(rows)
    assert rows == [] and len(cols) == 2
    got = cols.numpy()
    assert got["a"].tolist() == [1, 2**40] and got["a"].dtype == np.int64
    assert got["b"].tolist() == [2, -1] and got["c"].tolist() == [1, 0]


@pytest.mark.parametrize("text", ["2014-04-01T10:15:00.000Z", "2014-04-01T10:15:00Z",
                                  "2014-04-01T10:15:00.123456+00:00"])
def test_fast_time_agrees_with_pandas(text):
    assert tr.fast_time(text) == pd.Timestamp(text).value


@pytest.mark.parametrize("text", ["2014-02-30T10:15:00.000Z", "2014-04-01T10:15:00.000+02:00",
                                  "2014-04-01 10:15:00Z", "2014-04-01T10:15:00.1234567Z", 17])
def test_fast_time_leaves_other_forms_to_the_checked_path(text):
    assert tr.fast_time(text) is None


def _tweet(tid: str, minute: int, author: str = "100") -> dict:
    return {"id": tid, "text": "Wanneer komt de vuilniswagen?", "author_id": author,
            "created_at": f"2014-04-01T10:{minute:02d}:00.000Z", "conversation_id": tid}


def test_a_duplicate_far_back_is_found_and_named(tmp_path, monkeypatch):
    # a duplicate index that merges after every two ids: the copy on line 12 of tweet 1000 (first
    # read on line 1) and of tweet 1013 (line 5) must still be found in the merged runs
    monkeypatch.setattr(tr, "SeenIds", functools.partial(SeenIds, fresh_limit=2))
    folder = tmp_path / "twitter"
    folder.mkdir()
    lines = [{"data": [_tweet(str(1000 + 3 * k + j), k) for j in range(3)]} for k in range(11)]
    lines.append({"data": [_tweet("1000", 0), _tweet("1013", 4), _tweet("2000", 30)]})
    (folder / "own.jsonl").write_text("".join(json.dumps(p) + "\n" for p in lines))
    issues = Issues("skip")
    posts, msgs, _ = load(folder, ACCOUNTS, WINDOW, issues)
    assert len(posts) == 34 and msgs.empty
    skips = issues.frame()
    assert skips["row"].tolist() == [12, 12]
    assert skips["rule"].tolist() == [
        "duplicate of a tweet already read (tweet 1000, first read in own.jsonl row 1; "
        "counted once)",
        "duplicate of a tweet already read (tweet 1013, first read in own.jsonl row 5; "
        "counted once)"]


def test_first_reply_ties_go_to_the_smaller_id_as_text():
    t = pd.Timestamp("2014-04-01 08:00", tz="UTC")
    msgs = pd.DataFrame({"msg_id": ["m"], "gm_code": ["GM0344"], "created_at": [t]})
    at = t + pd.Timedelta(minutes=5)
    posts = pd.DataFrame({"post_id": ["9", "10"], "gm_code": ["GM0344"] * 2, "created_at": [at, at],
                          "kind": ["reply"] * 2, "in_reply_to_id": ["m", "m"]})
    got = first_replies(msgs, posts, {"m": None, "9": "m", "10": "m"})
    assert got["first_reply_post_id"].tolist() == ["10"]  # "10" < "9" as text


CSV = b'\xef\xbb\xbfa,b\n1,2\n3,"x\xff"\n\n5,6,7\n7,"open\n8,9\n10,11\n'


def test_csv_streamed_like_read_whole(tmp_path):
    # lines: 1 header (after a BOM), 2 good, 3 not UTF-8, 4 blank, 5 three fields, 6 a quote never
    # closed (it swallows lines 7-8, so they are read again after the report), 7 and 8 good
    path = tmp_path / "f.csv"
    path.write_bytes(CSV)
    issues = Issues("skip")
    header, records = csvfile.iter_records(path, issues)
    assert header == ["a", "b"]
    assert next(records) == (1, ["1", "2"])
    assert issues.rows == []  # nothing past the first record has been read yet
    rest = list(records)
    assert rest == [(5, ["8", "9"]), (6, ["10", "11"])]
    assert [(r["row"], r["rule"][:22]) for r in issues.rows] == [
        (2, "line is not UTF-8 (lin"), (3, "has 3 fields where the"),
        (4, "unbalanced quote: a qu")]
    assert "opened on line 6" in issues.rows[2]["rule"]
    again = Issues("skip")
    assert csvfile.read_records(path, again) == (header, [(1, ["1", "2"]), *rest])
    assert again.rows == issues.rows


def test_posts_that_tie_on_time_are_ordered_by_id_as_text(tmp_path):
    folder = tmp_path / "twitter"
    folder.mkdir()
    page = {"data": [_tweet("9", 5), _tweet("10", 5), _tweet("8", 1)]}
    (folder / "own.jsonl").write_text(json.dumps(page) + "\n")
    posts, _, _ = load(folder, ACCOUNTS, WINDOW, Issues("error"))
    assert posts["post_id"].tolist() == ["8", "10", "9"]  # 10:01, then 10:05 "10" < "9"
