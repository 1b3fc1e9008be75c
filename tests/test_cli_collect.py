"""``roeptoeter collect mastodon|bluesky``: the collectors from the command line, on loopback servers.

The fixture worlds are those of tests/test_mastodon.py and tests/test_bluesky.py; the figures
(pages, statuses, requests) are the ones worked out by hand there for the window of 2014 (second
quarter), here reached through ``helpers.cli.main`` with ``data/raw/2014/accounts.csv``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from _servers import FakeBluesky, FakeMastodon

from helpers.cli import main

ROOT = Path(__file__).resolve().parents[1]
HEADER = "gm_code,platform,account_id,handle,kind\n"
MASTODON_ROWS = ("GM0344,mastodon,100,utrecht@social.overheid.nl,corporate\n"
                 "GM0717,mastodon,200,Veere@Social.Overheid.nl,corporate\n")
BLUESKY_ROWS = ("GM0344,bluesky,did:plc:utrechtgemeente0000000a,utrecht.bsky.social,corporate\n"
                "GM0717,bluesky,did:plc:veeregemeente000000000b,GemeenteVeere.nl,corporate\n")




@pytest.fixture()
def project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    for name in ("ROEPTOETER_MASTODON_TOKEN", "ROEPTOETER_BSKY_HANDLE",
                 "ROEPTOETER_BSKY_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return root


def accounts_csv(root: Path, rows: str, year: int = 2014) -> Path:
    raw = root / "data" / "raw" / str(year)
    raw.mkdir(parents=True, exist_ok=True)
    (raw / "accounts.csv").write_text(HEADER + rows, "utf-8")
    return raw


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_collect_mastodon(project, monkeypatch, capsys):
    raw = accounts_csv(project, MASTODON_ROWS)
    monkeypatch.setenv("ROEPTOETER_MASTODON_TOKEN", "planted-token-123")
    with FakeMastodon() as srv:
        srv.rate_limit_once, srv.retry_after = True, "0"
        code = main(["collect", "mastodon", "--year", "2014", "--server", srv.url,
                     "--limit", "3", "--quiet"])
        assert code == 0
        # accounts.csv handles are read in lower case: Utrecht goes first, and its first page
        # got the 429 and was asked again (4 pages, as in test_mastodon, plus the retry).
        assert len(srv.requests_to("/accounts/100/statuses")) == 5
        assert len(srv.requests_to("/accounts/200/statuses")) == 2
        assert {auth for _, auth in srv.log} == {"Bearer planted-token-123"}
    out = capsys.readouterr().out
    assert "collect mastodon 2014: 2 accounts, window 2014-04-01..2014-06-30" in out
    assert "data/raw/2014/mastodon/" in out
    dest = raw / "mastodon"
    stored = files(dest)
    assert sorted(k for k in stored if "statuses/" in k) == [
        "utrecht@social.overheid.nl/statuses/page-0001.json",
        "utrecht@social.overheid.nl/statuses/page-0002.json",
        "utrecht@social.overheid.nl/statuses/page-0003.json",
        "utrecht@social.overheid.nl/statuses/page-0004.json",
        "veere@social.overheid.nl/statuses/page-0001.json",
        "veere@social.overheid.nl/statuses/page-0002.json",
    ]
    assert sum("/context/" in k for k in stored) == 10  # 2 of Veere, 8 of Utrecht
    assert not any(b"planted-token-123" in body for body in stored.values())
    assert "planted-token-123" not in out
    # A rerun resumes: nothing stored is asked again, nothing is rewritten.
    with FakeMastodon() as srv:
        assert main(["collect", "mastodon", "--year", "2014", "--server", srv.url,
                     "--limit", "3", "--quiet"]) == 0
        assert srv.log == []
    assert files(dest) == stored


def test_collect_then_import(project):
    """What the command stores is what the importer of ``01_collect`` reads."""
    from helpers.collect import Issues, accounts, mastodon, window_for

    raw = accounts_csv(project, MASTODON_ROWS)
    with FakeMastodon() as srv:
        assert main(["collect", "mastodon", "--year", "2014", "--server", srv.url,
                     "--quiet"]) == 0
    acc = accounts.load(raw / "accounts.csv", 2014, Issues())
    posts, msgs, _ = mastodon.load(raw / "mastodon", acc, 2014, window_for(2014), "skip")
    assert posts.groupby("gm_code").size().to_dict() == {"GM0344": 9, "GM0717": 2}


def test_collect_bluesky_with_login(project, monkeypatch, capsys):
    raw = accounts_csv(project, BLUESKY_ROWS)
    monkeypatch.setenv("ROEPTOETER_BSKY_HANDLE", "utrecht.bsky.social")
    monkeypatch.setenv("ROEPTOETER_BSKY_APP_PASSWORD", "planted-app-password")
    with FakeBluesky() as srv:
        code = main(["collect", "bluesky", "--year", "2014", "--server", srv.url,
                     "--login-url", srv.url, "--limit", "4", "--quiet"])
        assert code == 0
        assert [x["identifier"] for x in srv.logins] == ["utrecht.bsky.social"] * 2
        feeds = srv.requests_to("getAuthorFeed")
        assert len([f for f in feeds if "actor=utrecht" in f]) == 3  # as in test_bluesky
    out = capsys.readouterr().out
    dest = raw / "bluesky"
    stored = files(dest)
    assert sorted(k for k in stored if "/feed/" in k) == [
        "gemeenteveere.nl/feed/page-0001.json", "gemeenteveere.nl/feed/page-0002.json",
        "utrecht.bsky.social/feed/page-0001.json", "utrecht.bsky.social/feed/page-0002.json",
        "utrecht.bsky.social/feed/page-0003.json",
    ]
    assert sum("/thread/" in k for k in stored) == 11  # 2 of Veere, 9 of Utrecht
    assert not any(b"planted-app-password" in body for body in stored.values())
    assert "planted-app-password" not in out
    state = json.loads((dest / "utrecht.bsky.social" / "index.json").read_text("utf-8"))
    assert state["feeds"]["2014-04-01_2014-06-30"]["complete"] is True


def test_server_outage_is_one_line_exit_1_and_resumable(project, capsys):
    raw = accounts_csv(project, MASTODON_ROWS)
    with FakeMastodon() as srv:
        srv.fail_after = 3
        code = main(["collect", "mastodon", "--year", "2014", "--server", srv.url, "--quiet",
                     "--attempts", "1"])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "collection stopped (MastodonInternalServerError" in err[0] and "rerun" in err[0]
    first = files(raw / "mastodon")
    assert sorted(k for k in first if k.endswith("page-0001.json") or "account" in k) == [
        "utrecht@social.overheid.nl/account.json",
        "utrecht@social.overheid.nl/statuses/page-0001.json",
    ]  # the lookup and one page of 40 went through before the outage
    with FakeMastodon() as srv:
        assert main(["collect", "mastodon", "--year", "2014", "--server", srv.url,
                     "--quiet"]) == 0
        assert srv.requests_to("/accounts/lookup?acct=utrecht") == []  # stored: not asked again
    after = files(raw / "mastodon")
    assert all(after[k] == v for k, v in first.items() if k != "utrecht@social.overheid.nl/index.json")


@pytest.mark.parametrize("case, argv, message", [
    ("no accounts.csv", ["collect", "mastodon", "--year", "2014"], "accounts.csv: missing"),
    ("unknown year", ["collect", "bluesky", "--year", "1800"], "unknown year"),
    ("no rows", ["collect", "bluesky", "--year", "2014"], "no bluesky accounts"),
    ("bad code", ["collect", "mastodon", "--year", "2014"], "GM9999"),
    ("draft", ["collect", "mastodon", "--year", "2014"], "unreviewed draft"),
    ("limit", ["collect", "mastodon", "--year", "2014", "--limit", "500"], "1 to 40"),
    ("platform", ["collect", "twitter", "--year", "2014"], "invalid choice"),
])
def test_bad_input(project, capsys, case, argv, message):
    if case in ("no rows", "limit", "platform"):
        accounts_csv(project, MASTODON_ROWS)
    elif case == "bad code":
        accounts_csv(project, "GM9999,mastodon,1,x@social.overheid.nl,corporate\n")
    elif case == "draft":
        raw = accounts_csv(project, "")
        (raw / "accounts.csv").write_text(
            "gm_code,platform,account_id,handle,kind,match,confirm\n"
            "GM0344,mastodon,100,utrecht@social.overheid.nl,corporate,exact,yes\n"
            "GM0717,mastodon,200,veere@social.overheid.nl,corporate,fuzzy,TODO\n", "utf-8")
    before = files(project / "data")
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    if case != "platform":  # argparse prints its usage line first
        assert len(err) == 1
    assert message in err[-1]
    assert files(project / "data") == before  # nothing written
