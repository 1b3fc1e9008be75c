"""Facebook importer on hand-written page exports (posts.csv, comments.csv)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.collect import collect, write_collected
from helpers.core.errors import DataError

FIX = Path(__file__).parent / "fixtures" / "facebook"


@pytest.fixture(scope="module")
def collected():
    c = collect(2014, FIX, sources=("facebook",))
    assert c.skips.empty
    return c


def test_posts_and_page_replies(collected):
    posts = collected.tables["posts"].set_index("post_id")
    assert posts.loc["900_1", "kind"] == "original"
    assert posts.loc["900_2", "kind"] == "repost"  # shared_story
    assert posts.loc["901_1", "gm_code"] == "GM0717"
    assert posts.loc["1_11", "kind"] == "reply" and posts.loc["1_11", "reply_to"] == "citizen"
    assert posts.loc["1_15", "reply_to"] == "self"  # the page under its own post
    assert posts.loc["1_11", "in_reply_to_id"] == "1_10"
    assert posts.loc["1_11", "created_at"] == pd.Timestamp("2014-04-01 10:30", tz="UTC")
    assert len(posts) == 6


def test_comments_are_addressed_messages_with_thread_first_reply(collected):
    m = collected.tables["citizen_messages"].set_index("msg_id")
    assert sorted(m.index) == ["1_10", "1_12", "1_14", "2_10"]
    assert m["addressed"].all()
    assert m.loc["1_10", "is_question"] and not m.loc["1_14", "is_question"]
    assert m.loc["1_10", "first_reply_post_id"] == "1_11"
    assert m.loc["1_12", "first_reply_post_id"] == "1_13"  # first page reply after it, same thread
    assert m.loc["1_12", "first_reply_at"] == pd.Timestamp("2014-04-01 13:00", tz="UTC")
    assert pd.isna(m.loc["1_14", "first_reply_post_id"])  # 1_15 is not in its thread
    assert pd.isna(m.loc["2_10", "first_reply_post_id"])


def test_commenter_names_never_reach_the_tables(tmp_path, collected):
    write_collected(collected, tmp_path)
    blob = b"".join(p.read_bytes() for p in sorted((tmp_path / "data").glob("*")))
    for planted in (b"Gerrit Geheimnaam", b"Geheimnaam", b"5551", b"Kees Klant", b"Domburg"):
        assert planted not in blob, planted


def _copy(tmp_path: Path) -> Path:
    dst = tmp_path / "in"
    shutil.copytree(FIX, dst)
    return dst


def _append(folder: Path, name: str, line: bytes) -> None:
    path = folder / "facebook" / name
    path.write_bytes(path.read_bytes() + line)


CASES = {
    "encoding": ("comments.csv", "900,1_20,900_1,,5554,Ren\xe9e,2014-04-02T09:00:00+0000,Hoi\n"
                 .encode("latin-1"), 8, None, "not UTF-8"),
    "duplicate": ("posts.csv", b"900,Gemeente Utrecht,900_1,2014-04-01T08:00:00+0000,status,x,1,0,0\n",
                  4, "post_id", "duplicate post_id"),
    "no_timezone": ("comments.csv", b"900,1_21,900_1,,5554,A B,2014-04-02T09:00:00,Hoi\n", 8,
                    "created_time", "no timezone"),
    "outside_window": ("comments.csv", b"900,1_22,900_1,,5554,A B,2014-07-02T09:00:00+0000,Hoi\n",
                       8, "created_time", "outside the observation window"),
    "no_municipality": ("posts.csv", b"777,Onbekend,777_1,2014-04-01T08:00:00+0000,status,x,1,0,0\n",
                        4, "page_id", "belongs to no municipality"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(tmp_path, case):
    name, line, row, column, rule = CASES[case]
    folder = _copy(tmp_path)
    _append(folder, name, line)
    with pytest.raises(DataError) as err:
        collect(2014, folder, sources=("facebook",))
    assert err.value.file.endswith(name) and err.value.row == row
    assert err.value.column == column and rule in err.value.rule
    c = collect(2014, folder, sources=("facebook",), on_bad="skip")
    assert len(c.skips) == 1 and rule in c.skips["rule"].iloc[0]
    assert len(c.tables["citizen_messages"]) == 4


def test_unknown_column_reported_and_missing_column_fatal(tmp_path):
    folder = _copy(tmp_path)
    path = folder / "facebook" / "posts.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",mood"] + [x + ",blij" for x in lines[1:]]) + "\n")
    c = collect(2014, folder, sources=("facebook",), on_bad="skip")
    assert c.skips["column"].tolist() == ["mood"] and len(c.tables["posts"]) == 6
    path.write_text("\n".join(x.replace("created_time", "time") for x in lines) + "\n")
    with pytest.raises(DataError, match="missing column 'created_time'"):
        collect(2014, folder, sources=("facebook",), on_bad="skip")
