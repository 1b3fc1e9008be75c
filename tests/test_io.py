"""Tidy-table writing and reading: schema checks with file/row/column messages, atomic writes."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core import io
from helpers.core.errors import DataError


def _posts(**over):
    row = {
        "post_id": "1", "platform": "twitter", "gm_code": "GM0344", "account_id": "9",
        "created_at": pd.Timestamp("2014-04-01 10:00", tz="UTC"), "kind": "original",
        "in_reply_to_id": None, "conversation_id": "1", "reply_to": None,
    }
    row.update(over)
    return pd.DataFrame([row])


def test_round_trip_keeps_types(tmp_path):
    df = pd.concat([_posts(), _posts(post_id="2", kind="reply", reply_to="citizen",
                                     in_reply_to_id="77")])
    io.write_table(df, "posts", tmp_path)
    back = io.read_table("posts", tmp_path)
    assert back["post_id"].tolist() == ["1", "2"]
    assert str(back["created_at"].dt.tz) == "UTC"
    assert back.loc[1, "reply_to"] == "citizen"


def test_bad_value_names_file_row_column_and_rule(tmp_path):
    df = pd.concat([_posts(), _posts(post_id="2", kind="boost")])
    with pytest.raises(DataError) as err:
        io.write_table(df, "posts", tmp_path)
    e = err.value
    assert e.row == 2 and e.column == "kind" and "boost" in e.rule
    assert "posts.parquet" in e.file
    assert not (tmp_path / "data" / "posts.parquet").exists()


def test_duplicate_ids_are_refused(tmp_path):
    df = pd.concat([_posts(), _posts()])
    with pytest.raises(DataError, match="duplicate"):
        io.write_table(df, "posts", tmp_path)


def test_missing_and_extra_columns_are_named(tmp_path):
    with pytest.raises(DataError, match="missing column 'kind'"):
        io.validate(_posts().drop(columns="kind"), "posts", file="p.parquet")
    with pytest.raises(DataError, match="unexpected column 'author_name'"):
        io.validate(_posts(author_name="Jan"), "posts", file="p.parquet")


def test_failed_write_leaves_the_earlier_table(tmp_path):
    io.write_table(_posts(), "posts", tmp_path)
    before = (tmp_path / "data" / "posts.parquet").read_bytes()
    with pytest.raises(DataError):
        io.write_table(_posts(gm_code="0344"), "posts", tmp_path)
    assert (tmp_path / "data" / "posts.parquet").read_bytes() == before
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["posts.parquet"]


def test_reading_without_the_schema_check_skips_only_the_check(tmp_path):
    (tmp_path / "data").mkdir()
    _posts(gm_code="0344").to_parquet(tmp_path / "data" / "posts.parquet")  # breaks the schema
    with pytest.raises(DataError, match="gm_code"):
        io.read_table("posts", tmp_path)
    frame = io.read_table("posts", tmp_path, validate_schema=False)
    assert frame["gm_code"].tolist() == _posts(gm_code="0344")["gm_code"].tolist()
    with pytest.raises(DataError, match="01_collect"):
        io.read_table("accounts", tmp_path, validate_schema=False)


def test_missing_table_says_which_notebook_to_run(tmp_path):
    with pytest.raises(DataError, match="01_collect"):
        io.read_table("accounts", tmp_path)


def test_unknown_table_lists_the_known_ones():
    with pytest.raises(KeyError, match="accounts"):
        io.validate(_posts(), "tweets", file="x")


def test_sha256(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"abc")
    assert io.sha256(p) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
