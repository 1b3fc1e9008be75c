"""Which inputs a year reads (helpers.pipeline.sources.resolve), the line the runner prints, and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.errors import DataError, ParameterError
from helpers.pipeline import manifest as mf
from helpers.pipeline import runner
from helpers.pipeline.sources import resolve


def _put(root: Path, rel: str, text: str = "x\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_raw_inputs_means_demo(tmp_path):
    res = resolve(2014, root=tmp_path)
    assert (res.kind, res.sources, res.present) == (
        "demo", ("twitter", "facebook", "survey", "web"), ())
    assert res.line(2014, seed=1) == (
        "2014: DEMO DATA (synthetic, seed 1): no raw inputs in data/raw/2014/")


def test_raw_inputs_win_and_sources_default_to_those_present(tmp_path):
    _put(tmp_path, "data/raw/2016/accounts.csv")
    _put(tmp_path, "data/raw/2016/twitter/search.jsonl")
    _put(tmp_path, "data/raw/2016/survey/export.csv")
    _put(tmp_path, "data/raw/2016/facebook/.ipynb_checkpoints/posts-checkpoint.csv")  # hidden only
    (tmp_path / "data/raw/2016/web").mkdir()  # an empty folder is not a source
    res = resolve(2016, root=tmp_path)
    assert (res.kind, res.sources, res.present) == (
        "files", ("twitter", "survey"), ("twitter", "survey"))
    assert res.path == tmp_path.resolve() / "data" / "raw" / "2016"
    assert res.line(2016) == ("2016: raw data from data/raw/2016/ (sources found: twitter, survey; "
                              "not collected: facebook, web)")
    # a subset, asked for by name
    only = resolve(2016, "auto", "survey", root=tmp_path)
    assert only.sources == ("survey",)
    assert only.line(2016) == ("2016: raw data from data/raw/2016/ (sources found: twitter, survey; "
                               "reading only: survey, as asked; not collected: facebook, web)")
    assert only.not_collected == ("twitter", "facebook", "web")  # what the analyses will lack
    # the demo when asked for explicitly, saying what it leaves unused
    demo = resolve(2016, "demo", root=tmp_path)
    assert demo.kind == "demo" and demo.sources == ("twitter", "facebook", "survey", "web")
    assert demo.line(2016, 3) == ("2016: DEMO DATA (synthetic, seed 3): raw inputs in "
                                  "data/raw/2016/ (twitter, survey) not used: asked for source=demo")


def test_asking_for_a_source_that_is_not_there_is_bad_input(tmp_path):
    _put(tmp_path, "data/raw/2016/twitter/search.jsonl")
    with pytest.raises(DataError) as err:
        resolve(2016, "auto", "twitter,facebook", root=tmp_path)
    assert err.value.file == "data/raw/2016/facebook/"
    assert "'facebook' was asked for but data/raw/2016/facebook/ is missing" in err.value.rule
    (tmp_path / "data/raw/2016/web/.ipynb_checkpoints").mkdir(parents=True)
    _put(tmp_path, "data/raw/2016/web/.ipynb_checkpoints/index-checkpoint.jsonl")
    with pytest.raises(DataError, match="data/raw/2016/web/ holds no files"):
        resolve(2016, "files", "web", root=tmp_path)
    with pytest.raises(DataError, match="missing input data: data/raw/2015/ does not exist"):
        resolve(2015, "files", root=tmp_path)
    with pytest.raises(ParameterError, match="unknown source myspace"):
        resolve(2016, "auto", "twitter,myspace", root=tmp_path)
    with pytest.raises(ParameterError, match="source='web'"):
        resolve(2016, "web", root=tmp_path)
    with pytest.raises(ParameterError, match="the demo has no mastodon data"):
        resolve(2014, "demo", "mastodon", root=tmp_path)
    with pytest.raises(ParameterError, match="outside the project"):
        resolve(2016, "files", input_dir="../elsewhere", root=tmp_path)


def test_input_dir_inside_the_project(tmp_path):
    _put(tmp_path, "exports/y16/web/index.jsonl")
    res = resolve(2016, "auto", "", "exports/y16", root=tmp_path)
    assert (res.kind, res.sources) == ("files", ("web",))
    assert res.as_key() == {"kind": "files", "path": "exports/y16", "sources": ["web"]}


def _key(root: Path, params: dict) -> str:
    effective = {"01_collect": params}
    inputs = runner.check_inputs(root, 2016, effective)
    return runner.year_key(2016, root, {}, {}, None, {}, effective, inputs)


def test_up_to_date_key_follows_the_resolution_not_hidden_files(tmp_path):
    demo = _key(tmp_path, {"source": "auto", "sources": ""})
    _put(tmp_path, "data/raw/2016/twitter/.ipynb_checkpoints/search-checkpoint.jsonl")
    _put(tmp_path, "data/raw/2016/.DS_Store")
    assert _key(tmp_path, {"source": "auto", "sources": ""}) == demo  # hidden files: still demo
    _put(tmp_path, "data/raw/2016/twitter/search.jsonl")
    files = _key(tmp_path, {"source": "auto", "sources": ""})
    assert files != demo
    # same parameters and same raw files, another resolution: another key
    assert _key(tmp_path, {"source": "demo", "sources": ""}) not in (files, demo)
    # a checkpoint copy changes neither the key nor the hashes the collection records
    _put(tmp_path, "data/raw/2016/twitter/.ipynb_checkpoints/search-checkpoint.jsonl", "changed\n")
    assert _key(tmp_path, {"source": "auto", "sources": ""}) == files
    assert list(mf.tree_hashes(tmp_path / "data/raw/2016")) == ["twitter/search.jsonl"]
    _put(tmp_path, "data/raw/2016/twitter/search.jsonl", "changed\n")
    assert _key(tmp_path, {"source": "auto", "sources": ""}) != files


def test_hidden_copies_are_skipped_by_the_facebook_importer_too(tmp_path):
    import shutil

    from helpers.collect import collect

    fix = Path(__file__).parent / "fixtures" / "facebook"
    base = collect(2014, fix, sources=("facebook",))
    folder = tmp_path / "in"
    shutil.copytree(fix, folder)
    hidden = folder / "facebook" / ".ipynb_checkpoints"
    hidden.mkdir()
    for name in ("posts.csv", "comments.csv"):
        shutil.copy(folder / "facebook" / name, hidden / name.replace(".csv", "-checkpoint.csv"))
    got = collect(2014, folder, sources=("facebook",))
    assert got.skips.empty  # the copies would be duplicates of every post and comment
    assert len(got.tables["posts"]) == len(base.tables["posts"]) > 0
    assert len(got.tables["citizen_messages"]) == len(base.tables["citizen_messages"]) > 0
    assert not any(".ipynb_checkpoints" in f for f in got.inputs)


def test_file_table_counts_reasons_and_folds_many_uncounted_files():
    import datetime as dt

    import pandas as pd

    from helpers.collect import Collected, file_table

    files = pd.DataFrame(
        [{"file": "raw/twitter/a.jsonl", "source": "twitter", "read": 10, "kept": 7}]
        + [{"file": f"raw/web/GM{i:04d}/p.html", "source": "web", "read": pd.NA, "kept": pd.NA}
           for i in range(25)]
        + [{"file": "raw/survey/export.sav", "source": "survey", "read": pd.NA, "kept": pd.NA}])
    files[["read", "kept"]] = files[["read", "kept"]].astype("Int64")
    skips = pd.DataFrame({
        "file": ["raw/twitter/a.jsonl"] * 4 + ["raw/web/sites.csv"],
        "row": [1, 2, 3, 3, 4], "column": ["id", "id", "created_at", "mood", "url"],
        "rule": ["duplicate of a tweet already read (tweet 1, first read in b.jsonl row 1)",
                 "duplicate of a tweet already read (tweet 2, first read in b.jsonl row 1)",
                 "created_at 2014-07-01 00:00:00+00:00 is outside the observation window",
                 "unknown field 'mood' in tweet (ignored; item kept)",
                 "url is not http(s)"]})
    c = Collected(tables={}, skips=skips, inputs={}, demo=False, year=2014,
                  window=(dt.date(2014, 4, 1), dt.date(2014, 6, 30)), sources=("twitter",),
                  files=files)
    t = file_table(c, top=2, collapse=20).set_index("file")
    # 10 read, 7 kept -> 3 skipped (the unknown field's item was kept: 4 skip rows, 3 items)
    assert tuple(t.loc["raw/twitter/a.jsonl", ["read", "kept", "skipped"]]) == (10, 7, 3)
    assert t.loc["raw/twitter/a.jsonl", "reasons"] == (
        "duplicate of a tweet already read (2); created_at # is outside the observation window (1)")
    assert t.loc["raw/web/ (25 files)", "source"] == "web"  # 25 > 20 uncounted pages: one row
    assert t.loc["raw/web/sites.csv", "skipped"] == 1  # only in the skips: listed, source web
    assert t.loc["raw/web/sites.csv", "source"] == "web"
    assert t.loc["raw/survey/export.sav", "skipped"] == 0 and pd.isna(
        t.loc["raw/survey/export.sav", "read"])
    assert len(t) == 4


def test_files_outside_source_folders_are_named_never_silently_demo(tmp_path):
    # exports put straight into data/raw/2016/: not the demo, but bad input naming them
    _put(tmp_path, "data/raw/2016/search.jsonl")
    _put(tmp_path, "data/raw/2016/accounts.csv")
    _put(tmp_path, "data/raw/2016/.DS_Store")
    with pytest.raises(DataError) as err:
        resolve(2016, root=tmp_path)
    assert err.value.file == "data/raw/2016/"
    assert err.value.rule.startswith("data/raw/2016/ holds search.jsonl but no source folder")
    assert resolve(2016, "demo", root=tmp_path).kind == "demo"  # asked for: fine
    # beside a source: read what is a source, and say what is not read
    _put(tmp_path, "data/raw/2016/twitter/a.jsonl")
    _put(tmp_path, "data/raw/2016/tweets/b.jsonl")
    res = resolve(2016, root=tmp_path)
    assert res.sources == ("twitter",) and res.unread == ("search.jsonl", "tweets/")
    assert res.line(2016).endswith("not collected: facebook, survey, web; not read: search.jsonl, "
                                   "tweets/)")


def test_cli_source_asked_for_but_absent_exits_2_naming_the_folder(tmp_path, monkeypatch, capsys):
    import shutil

    from helpers import cli

    project = Path(__file__).resolve().parents[1]
    root = tmp_path / "proj"
    shutil.copytree(project / "notebooks", root / "notebooks")
    shutil.copytree(project / "data" / "reference", root / "data" / "reference")
    (root / "pyproject.toml").write_text("[project]\nname = 'toy'\n")
    _put(root, "data/raw/2016/accounts.csv")
    _put(root, "data/raw/2016/twitter/search.jsonl")
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    assert cli.main(["run", "--year", "2016", "-p", "sources=twitter,facebook"]) == 2
    err = capsys.readouterr().err
    assert "data/raw/2016/facebook/" in err and "'facebook' was asked for" in err
    assert not (root / "outputs").exists()


def test_the_account_draft_is_not_a_source_nor_unread(tmp_path):
    # what `roeptoeter accounts draft` leaves in the raw folder
    _put(tmp_path, "data/raw/2025/accounts.draft.csv")
    _put(tmp_path, "data/raw/2025/accounts-draft/mastodon/directory-0001.json", "{}\n")
    res = resolve(2025, root=tmp_path)
    assert (res.kind, res.unread) == ("demo", ())
    _put(tmp_path, "data/raw/2025/mastodon/GM0344/statuses.json", "{}\n")
    res = resolve(2025, root=tmp_path)
    assert (res.kind, res.sources, res.unread) == ("files", ("mastodon",), ())
