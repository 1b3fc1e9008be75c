"""Credentials come from the environment only and end up in no file the collection writes.

A token is planted in ``ROEPTOETER_MASTODON_TOKEN``; a Mastodon collection runs against the loopback
server (which records the Authorization header, so the test fails if the token is not used at all),
then the raw files are imported and the tidy tables written. The token's bytes must appear in no
file under the raw folder nor under the output folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from _servers import FakeBluesky, FakeMastodon

from helpers.collect import mastodon as m
from helpers.core.io import write_table

TOKEN = "planted-secret-XYZ-6f1c2b9e0d"


def _files_containing(folder: Path, needle: bytes) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_token_is_used_but_never_stored(tmp_path, monkeypatch):
    monkeypatch.setenv(m.TOKEN_ENV, TOKEN)
    accounts = pd.DataFrame(
        {
            "year": [2014],
            "gm_code": ["GM0344"],
            "platform": ["mastodon"],
            "account_id": ["100"],
            "handle": ["@utrecht@social.overheid.nl"],
            "kind": ["corporate"],
            "first_seen": [pd.NaT],
        }
    )
    data = tmp_path / "data" / "raw" / "2014" / "mastodon"
    outputs = tmp_path / "outputs" / "2014"
    window = (dt.date(2014, 4, 1), dt.date(2014, 6, 30))
    with FakeMastodon() as srv:
        summary = m.collect(
            accounts,
            data,
            since=window[0],
            until=window[1],
            api_base_url=srv.url,
            limit=3,
            progress=False,
            sleep=lambda s: None,
        )
    # The server saw the token on every request (so the collector did use it) ...
    assert len(srv.log) == summary["requests"].sum() == 13
    assert {auth for _, auth in srv.log} == {f"Bearer {TOKEN}"}
    posts, msgs, skips = m.load(data, accounts, 2014, window)
    assert len(posts) == 9 and len(msgs) == 4
    write_table(posts, "posts", outputs)
    write_table(msgs, "citizen_messages", outputs)
    skips.to_csv(outputs / "data" / "skips.csv", index=False)
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) > 15
    # ... and it is in no file: raw responses, resume state, tidy tables, skips.
    assert _files_containing(tmp_path, TOKEN.encode()) == []
    assert _files_containing(tmp_path, b"planted-secret") == []


def test_bluesky_app_password_is_used_but_never_stored(tmp_path, monkeypatch):
    from helpers.collect import bluesky as b

    password = "planted-app-password-QRS-4d2a"
    monkeypatch.setenv(b.HANDLE_ENV, "utrecht.bsky.social")
    monkeypatch.setenv(b.PASSWORD_ENV, password)
    accounts = pd.DataFrame(
        {
            "year": [2014],
            "gm_code": ["GM0344"],
            "platform": ["bluesky"],
            "account_id": ["did:plc:utrechtgemeente0000000a"],
            "handle": ["utrecht.bsky.social"],
            "kind": ["corporate"],
            "first_seen": [pd.NaT],
        }
    )
    data = tmp_path / "data" / "raw" / "2014" / "bluesky"
    outputs = tmp_path / "outputs" / "2014"
    window = (dt.date(2014, 4, 1), dt.date(2014, 6, 30))
    with FakeBluesky() as srv:
        b.collect(
            accounts,
            data,
            since=window[0],
            until=window[1],
            api_base_url="http://192.0.2.1",
            login_url=srv.url,
            limit=4,
            progress=False,
            sleep=lambda s: None,
        )
    # The login reached the server with the planted password; every read carried the session.
    assert srv.logins == [{"identifier": "utrecht.bsky.social", "password": password}]
    auths = {auth for path, auth in srv.log if "getAuthorFeed" in path or "getPostThread" in path}
    assert len(auths) == 1 and next(iter(auths)).startswith("Bearer ey")
    session_token = next(iter(auths)).removeprefix("Bearer ").encode()
    posts, msgs, skips = b.load(data, accounts, 2014, window)
    assert len(posts) == 10 and len(msgs) == 4
    write_table(posts, "posts", outputs)
    write_table(msgs, "citizen_messages", outputs)
    skips.to_csv(outputs / "data" / "skips.csv", index=False)
    assert _files_containing(tmp_path, password.encode()) == []
    assert _files_containing(tmp_path, session_token) == []


def test_secret_reads_the_environment_only(monkeypatch):
    from helpers.collect.http import secret

    monkeypatch.delenv(m.TOKEN_ENV, raising=False)
    assert secret(m.TOKEN_ENV) is None
    monkeypatch.setenv(m.TOKEN_ENV, "  ")
    assert secret(m.TOKEN_ENV) is None
    monkeypatch.setenv(m.TOKEN_ENV, TOKEN)
    assert secret(m.TOKEN_ENV) == TOKEN
    # No collector takes a token as a parameter.
    import inspect

    from helpers.collect import bluesky

    for fn in (m.collect, bluesky.collect):
        names = set(inspect.signature(fn).parameters)
        assert not names & {"token", "access_token", "password", "app_password"}
