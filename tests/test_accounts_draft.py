"""``roeptoeter accounts draft``: account names matched to the register, against loopback servers.

The fixture worlds (tests/fixtures/mastodon/world.json ``directory``, tests/fixtures/bluesky/
world.json ``handles``) hold municipal accounts under several spellings, non-municipal government
accounts, a remote account and one near-miss name ("Goeree-Overflakee" with one k). The expected
proposals below are worked out by hand from those files and the register of 1 January 2025.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from _servers import FakeBluesky, FakeMastodon

from helpers.cli import main
from helpers.collect import Issues, accounts
from helpers.collect import accounts_draft as ad
from helpers.core import register
from helpers.core.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures"




@pytest.fixture()
def project(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    return root


def read_draft(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_normalise():
    assert ad.normalise("Gemeente 's-Hertogenbosch") == "shertogenbosch"
    assert ad.normalise("gemeenteutrecht") == "utrecht"
    assert ad.normalise("Súdwest-Fryslân") == "sudwestfryslan"
    assert ad.normalise("Bergen (NH.)") == "bergen"
    assert ad.normalise("Nuenen, Gerwen en Nederwetten") == "nuenengerwenennederwetten"
    assert ad.normalise("GEMEENTE  Den Haag") == "denhaag"
    assert ad.normalise("Gemert-Bakel") == "gemertbakel"  # "gem" is not cut from a name
    assert ad.normalise("gemeente") == "gemeente"  # nothing left after the prefix: kept


def test_handle_names():
    assert ad.handle_names("gemeenteutrecht.bsky.social") == ("gemeenteutrecht",)
    assert ad.handle_names("DenHaag.nl") == ("denhaag",)
    assert ad.handle_names("gemeente.utrecht.nl") == ("gemeente", "utrecht")
    keys = ad.register_keys(register.municipalities(2025))
    found = ad.Found("bluesky", "did:plc:x", "gemeente.utrecht.nl",
                     ad.handle_names("gemeente.utrecht.nl"), "", "test")
    assert [r["gm_code"] for r in ad.match(found, keys)] == ["GM0344"]


def test_match_rules():
    munis = register.municipalities(2025)
    keys = ad.register_keys(munis)
    assert keys["shertogenbosch"] == [("GM0796", "'s-Hertogenbosch")]
    assert keys["denbosch"] == [("GM0796", "'s-Hertogenbosch")]  # alias
    assert sorted(keys["bergen"]) == [("GM0373", "Bergen (NH.)"), ("GM0893", "Bergen (L.)")]

    def found(*names: str, vouched: bool = True) -> ad.Found:
        return ad.Found("mastodon", "1", "x@social.overheid.nl", names, "", "test", vouched)

    [row] = ad.match(found("x", "Gemeente Utrecht"), keys)
    assert (row["gm_code"], row["match"], row["confidence"], row["confirm"]) == (
        "GM0344", "exact", 1.0, "yes")
    # the same name on an open server (anyone can register it) is proposed, but not confirmed
    [row] = ad.match(found("x", "Gemeente Utrecht", vouched=False), keys)
    assert (row["gm_code"], row["match"], row["confirm"]) == ("GM0344", "exact", "TODO")
    rows = ad.match(found("gemeentebergen"), keys)
    assert [(r["gm_code"], r["match"], r["confirm"]) for r in rows] == [
        ("GM0373", "ambiguous", "TODO"), ("GM0893", "ambiguous", "TODO")]
    # goereeoverflake (15 letters) vs goereeoverflakkee (17): 15 matching, 2*15/32 = 0.9375
    [row] = ad.match(found("Goeree-Overflake"), keys)
    assert (row["gm_code"], row["match"], row["confidence"], row["confirm"]) == (
        "GM1924", "fuzzy", 0.938, "TODO")
    # provincieutrecht vs utrecht: 2*7/23 = 0.61 < 0.85: not proposed
    assert ad.match(found("Provincie Utrecht"), keys) == []
    assert ad.match(found("Rijkswaterstaat"), keys) == []
    # a department account: "Gemeente" + a full municipality name + more words
    [row] = ad.match(found("gemeentedenhaagafval", "Gemeente Den Haag Afval & Reiniging"), keys)
    assert (row["gm_code"], row["match"], row["kind"], row["confirm"]) == (
        "GM0518", "theme", "theme", "TODO")
    assert ad.theme_of_name("Gemeente Bergen op Zoom Sport", keys) == [
        ("GM0748", "Bergen op Zoom")]  # the longest name, not Bergen
    assert ad.theme_of_name("Utrechts Nieuwsblad", keys) == []
    assert ad.theme_of_name("Gemeente Utrecht", keys) == []  # no more words: exact, not theme


def test_draft_on_the_loopback_servers(project, tmp_path, capsys):
    cands = tmp_path / "handles.txt"
    cands.write_text("# candidates\n@gemeentegoereeoverflakee.bsky.social\ndenhaag.nl\n"
                     "zeeland.politie.nl\nrijksoverheid.nl\ngemeentenergens.bsky.social\n",
                     "utf-8")
    with FakeMastodon() as mst, FakeBluesky() as bsky:
        code = main(["accounts", "draft", "--year", "2025", "--mastodon-directory", mst.url,
                     "--bluesky-candidates", str(cands), "--bluesky-generate",
                     "--bluesky-server", bsky.url])
        assert code == 0
        # 12 local accounts, 80 per page: one page (the remote account left out by the server)
        assert mst.requests_to("/api/v1/directory") == [
            "/api/v1/directory?offset=0&limit=80&local=1"]
        # 5 listed + 341 generated (342 municipalities; both Bergens give gemeentebergen)
        assert len(bsky.requests_to("resolveHandle")) == 346
    out = capsys.readouterr().out
    assert "mastodon: 12 local accounts" in out
    assert "bluesky: 9 of 346 candidate handles resolve" in out
    assert ("proposed 17 rows for 2025 from 21 accounts (10 exact, 2 ambiguous, 2 fuzzy, "
            "1 theme); 6 accounts match no municipality's name and are not proposed; 12 rows "
            "need your "
            "decision (confirm=TODO)") in out
    assert "a DRAFT" in out
    rows = read_draft(project / "data" / "raw" / "2025" / "accounts.draft.csv")
    assert list(rows[0]) == ad.DRAFT_COLUMNS
    got = {(r["platform"], r["handle"], r["gm_code"], r["match"], r["confirm"]) for r in rows}
    m, b = "mastodon", "bluesky"
    assert got == {
        (m, "utrecht@social.overheid.nl", "GM0344", "exact", "yes"),
        (m, "veere@social.overheid.nl", "GM0717", "exact", "yes"),
        (m, "gemeentedenbosch@social.overheid.nl", "GM0796", "exact", "yes"),
        (m, "sudwestfryslan@social.overheid.nl", "GM1900", "exact", "yes"),
        (m, "denhaag@social.overheid.nl", "GM0518", "exact", "yes"),
        (m, "goereeoverflakee@social.overheid.nl", "GM1924", "fuzzy", "TODO"),
        (m, "gemeentebergen@social.overheid.nl", "GM0373", "ambiguous", "TODO"),
        (m, "gemeentebergen@social.overheid.nl", "GM0893", "ambiguous", "TODO"),
        (m, "utrechtafval@social.overheid.nl", "GM0344", "theme", "TODO"),
        # bsky.social and denhaag.nl do not vouch for a government body: to be confirmed
        (b, "gemeenteutrecht.bsky.social", "GM0344", "exact", "TODO"),
        (b, "gemeenteveere.bsky.social", "GM0717", "exact", "TODO"),
        (b, "gemeenteshertogenbosch.bsky.social", "GM0796", "exact", "TODO"),
        (b, "gemeentesudwestfryslan.bsky.social", "GM1900", "exact", "TODO"),
        (b, "denhaag.nl", "GM0518", "exact", "TODO"),
        (b, "gemeentegoereeoverflakee.bsky.social", "GM1924", "fuzzy", "TODO"),
        (b, "gemeentebergen.bsky.social", "GM0373", "ambiguous", "TODO"),
        (b, "gemeentebergen.bsky.social", "GM0893", "ambiguous", "TODO"),
    }
    by_handle = {r["handle"]: r for r in rows}
    assert by_handle["utrecht@social.overheid.nl"]["account_id"] == "100"
    assert by_handle["utrecht@social.overheid.nl"]["first_seen"] == "2023-05-01T00:00:00.000Z"
    assert by_handle["denhaag.nl"]["account_id"] == "did:plc:denhaag000000000000000j"
    # The stored responses are the bodies as the servers sent them.
    stored = sorted((project / "data" / "raw" / "2025" / "accounts-draft").rglob("*.json"))
    page = next(p for p in stored if p.name == "page-0001.json")
    assert [a["username"] for a in json.loads(page.read_bytes())][:2] == ["utrecht", "veere"]
    assert sum(p.name.endswith(".notfound.json") for p in stored) == 346 - 9


def test_rerun_asks_nothing_twice_and_keeps_the_review(project, capsys):
    with FakeMastodon() as mst:
        assert main(["accounts", "draft", "--year", "2025", "--mastodon-directory", mst.url]) == 0
        draft = project / "data" / "raw" / "2025" / "accounts.draft.csv"
        draft.write_text(draft.read_text("utf-8").replace("TODO", "yes"), "utf-8")
        reviewed = draft.read_bytes()
        mst.log.clear()
        # the reviewed draft is not overwritten without --force
        assert main(["accounts", "draft", "--year", "2025", "--mastodon-directory", mst.url]) == 2
        assert "exists" in capsys.readouterr().err
        assert draft.read_bytes() == reviewed
        assert main(["accounts", "draft", "--year", "2025", "--mastodon-directory", mst.url,
                     "-o", str(project / "second.csv")]) == 0
        assert mst.log == []  # the stored directory page is read, not asked again
    second = read_draft(project / "second.csv")
    assert len(second) == 9


def test_server_outage_is_one_line_exit_1(project, capsys):
    with FakeMastodon() as mst:
        mst.fail_after = 0
        code = main(["accounts", "draft", "--year", "2025", "--mastodon-directory", mst.url,
                     "--attempts", "1"])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "accounts draft stopped (MastodonInternalServerError)" in err[0]
    assert not (project / "data" / "raw" / "2025" / "accounts.draft.csv").exists()


def test_stored_pages_as_input(project, tmp_path):
    world = json.loads((FIX / "mastodon" / "world.json").read_text("utf-8"))
    pages = tmp_path / "dir"
    pages.mkdir()
    (pages / "page-0001.json").write_text(json.dumps(world["directory"][:4]), "utf-8")
    (pages / "page-0002.json").write_text(json.dumps(world["directory"][4:]), "utf-8")
    out = tmp_path / "draft.csv"
    assert main(["accounts", "draft", "--year", "2025", "--mastodon-directory", str(pages),
                 "-o", str(out)]) == 0
    assert len(read_draft(out)) == 9


@pytest.mark.parametrize("argv, message", [
    (["--year", "2025"], "nothing to draft from"),
    (["--year", "1800", "--bluesky-generate"], "unknown year"),
    (["--year", "2025", "--mastodon-directory", "no/such/folder"], "no such file or folder"),
])
def test_bad_input(project, capsys, argv, message):
    assert main(["accounts", "draft", *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]
    assert not (project / "data" / "raw").exists()


def test_bad_candidates_file(project, tmp_path, capsys):
    cands = tmp_path / "handles.txt"
    cands.write_text("gemeenteutrecht.bsky.social\nnot a handle\n", "utf-8")
    assert main(["accounts", "draft", "--year", "2025", "--bluesky-candidates", str(cands)]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "not a Bluesky handle" in err
    assert "not a handle" not in err  # the line's text is described, never quoted


def test_unreviewed_draft_is_refused_as_accounts_csv(tmp_path):
    rows = pd.DataFrame([
        {"gm_code": "GM0344", "platform": "mastodon", "account_id": "100",
         "handle": "utrecht@social.overheid.nl", "kind": "corporate", "first_seen": "",
         "note": "Utrecht (register) ~ 'utrecht'", "match": "exact", "confidence": 1.0,
         "source": "mastodon directory social.overheid.nl", "confirm": "yes"},
        {"gm_code": "GM1924", "platform": "mastodon", "account_id": "403",
         "handle": "goereeoverflakee@social.overheid.nl", "kind": "corporate", "first_seen": "",
         "note": "", "match": "fuzzy", "confidence": 0.938,
         "source": "mastodon directory social.overheid.nl", "confirm": "TODO"},
    ], columns=ad.DRAFT_COLUMNS)
    path = ad.write(rows, tmp_path / "accounts.csv")
    with pytest.raises(DataError) as err:
        accounts.load(path, 2025, Issues("error"))
    assert err.value.row == 2 and err.value.column == "confirm"
    assert "unreviewed draft" in str(err.value)
    # in skip mode too: an unconfirmed draft is never read
    with pytest.raises(DataError):
        accounts.load(path, 2025, Issues("skip"))
    rows.loc[1, "confirm"] = "yes"
    ad.write(rows, path)
    acc = accounts.load(path, 2025, Issues("error"))  # review columns allowed once confirmed
    assert acc["gm_code"].tolist() == ["GM0344", "GM1924"]
