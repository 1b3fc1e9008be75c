"""The bad-input corpus (issue 9): every malformed input gives one clear DataError (or exit code 2).

Each case of ``tests/badinput/cases.yaml`` breaks one thing in an otherwise good input folder,
built here from the good fixtures under ``tests/fixtures/``:

    accounts.csv   twitter + facebook account lists      twitter/    tests/fixtures/twitter/twitter
    facebook/      tests/fixtures/facebook/facebook      survey/     export_labels.csv as export.csv
    web/           one cached page of GM0344 (Utrecht)

The case's files under ``tests/badinput/<id>/`` are laid over a copy of that folder (``remove``
deletes files first; ``files_from`` reuses another case's files; ``generate`` builds a file at test
time, such as the 5 MB line that is not committed). Then, by entry point:

- ``collect``: :func:`helpers.collect.collect` (+ :func:`~helpers.collect.write_collected`) into a
  year folder that already holds the outputs of the good folder. With ``on_bad: error`` it must
  raise :class:`~helpers.core.errors.DataError` with the expected file, row, column and rule, and the
  earlier outputs stay byte-identical with nothing added. With ``on_bad: skip`` the item is a row of
  the skips table (and of ``data/skips.csv``), never dropped silently.
- ``read_table``: a tidy table of the good outputs broken on disk, read by
  :func:`helpers.core.io.read_table`.
- ``cli``: :func:`helpers.cli.main` in a throwaway project root; exit code 2, the message on stderr,
  and no ``outputs/`` folder. No kernel is ever started (the executor is replaced).

Cases with ``xfail`` are importer gaps (reason ``importer gap: ...``); they are strict, so a fix
turns them into failures that ask for the ``xfail`` line to be removed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from _project import copy_project

from helpers.collect import collect, web, write_collected
from helpers.core import io
from helpers.core.errors import DataError

HERE = Path(__file__).parent
CORPUS = HERE / "badinput"
FIX = HERE / "fixtures"
ROOT = HERE.parent
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
ALL_SOURCES = ("twitter", "facebook", "survey", "web")
SITE_URL = "https://www.utrecht.example/"
HUGE_BYTES = 5 * 1024 * 1024


# --- the good input folder and its outputs -----------------------------------------------------
def build_base(dest: Path) -> Path:
    """The good inputs folder (layout in the module docstring); every source imports cleanly."""
    dest.mkdir(parents=True)
    tw = (FIX / "twitter" / "accounts.csv").read_text(encoding="utf-8").splitlines()
    fb = (FIX / "facebook" / "accounts.csv").read_text(encoding="utf-8").splitlines()
    (dest / "accounts.csv").write_text("\n".join(tw + fb[1:]) + "\n", encoding="utf-8")
    shutil.copytree(FIX / "twitter" / "twitter", dest / "twitter")
    shutil.copytree(FIX / "facebook" / "facebook", dest / "facebook")
    (dest / "survey").mkdir()
    shutil.copy(FIX / "survey" / "export_labels.csv", dest / "survey" / "export.csv")
    folder = web.site_dir(dest, "GM0344")
    body = (b"<html><body><main><p>Bijstand aanvragen: voorwaarden.</p></main></body></html>")
    name = web.write_body(folder, SITE_URL, body)
    web.append_index(folder, web.index_entry(
        SITE_URL, status=200, content_type="text/html; charset=utf-8", file=name, depth=0,
        kind="page", fetched_at=dt.datetime(2014, 5, 1, 10, tzinfo=dt.UTC)))
    (dest / "web" / web.SITES_FILE).write_text(f"gm_code,url\nGM0344,{SITE_URL}\n",
                                               encoding="utf-8")
    return dest


def tree_hashes(folder: Path) -> dict[str, str]:
    """Relative path -> SHA-256 of every file (hidden temporary files included)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, Path]:
    """The good inputs and, per year used by the corpus, a year folder of its earlier outputs."""
    base = build_base(tmp_path_factory.mktemp("good") / "inputs")
    c = collect(2014, base, sources=ALL_SOURCES)
    assert c.skips.empty, c.skips
    out = tmp_path_factory.mktemp("earlier") / "2014"
    write_collected(c, out)
    return {"inputs": base, "out": out}


# --- building one case -----------------------------------------------------------------------------
def generate(kind: str, folder: Path) -> None:
    """Inputs too big to commit (or links), made at test time."""
    if kind == "deep_json":  # a JSON line nested 100,000 levels deep (RecursionError in json)
        (folder / "twitter" / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    elif kind == "huge_csv_field":  # a field longer than csv's default limit of 131,072
        path = folder / "accounts.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        lines[2] = lines[2].replace("utrecht_afval", "x" * 200_000)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif kind == "big_page":  # a cached page over the 5 MB cap
        page = folder / "web" / "GM0344" / "3a5a45e336076fb6.html"
        page.write_bytes(b"<html><body>" + b"x" * 5_000_001 + b"</body></html>")
    elif kind == "page_symlink_outside":  # a cached page that is a link out of the project
        outside = folder.parent.parent.parent.parent / "outside-secret.html"
        outside.write_text("<html><body>secret</body></html>")
        page = folder / "web" / "GM0344" / "3a5a45e336076fb6.html"
        page.unlink()
        page.symlink_to(outside)
    elif kind == "raw_symlink_outside":  # data/raw/<year> itself links out of the project
        outside = folder.parent.parent.parent.parent / "outside-raw"
        folder.rename(outside)
        folder.symlink_to(outside, target_is_directory=True)
    elif kind == "huge_truncated_line":
        text = "x" * HUGE_BYTES
        line = ('{"data":[{"id":"1199","text":"' + text + '","author_id":"111",'
                '"created_at":"2014-05-02T10:00:00.000Z"}]')  # the closing brace is missing
        (folder / "twitter" / "huge.jsonl").write_text(line + "\n", encoding="utf-8")
    else:
        raise ValueError(f"unknown generator {kind!r}")


def make_inputs(case: dict[str, Any], good: dict[str, Path], tmp_path: Path) -> Path:
    """A copy of the good inputs with the case's files laid over it."""
    inputs = tmp_path / "inputs"
    shutil.copytree(good["inputs"], inputs)
    for rel in case.get("remove", []):
        target = inputs / rel
        if target.is_dir():
            shutil.rmtree(target)
            target.mkdir()  # an empty folder stays: "a folder with no files"
        else:
            target.unlink()
    src = CORPUS / case.get("files_from", case["id"])
    if src.is_dir():
        for f in sorted(p for p in src.rglob("*") if p.is_file()):
            dest = inputs / f.relative_to(src)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, dest)
    if case.get("generate"):
        generate(case["generate"], inputs)
    return inputs


def break_table(case: dict[str, Any], out: Path) -> None:
    """Rewrite one tidy table of the earlier outputs with the case's change (a bad table on disk)."""
    spec = case["table_change"]
    path = io.table_path(out, spec["table"])
    df = pd.read_parquet(path)
    kind, col = spec["kind"], spec.get("column")
    if kind == "delete":
        path.unlink()
        return
    if kind == "drop_column":
        df = df.drop(columns=col)
    elif kind == "add_column":
        df[col] = "extra"
    elif kind == "set_value":
        df[col] = df[col].astype(str if isinstance(spec["value"], str) else object)
        df.loc[df.index[spec["row"] - 1], col] = spec["value"]
    elif kind == "naive_times":
        df[col] = df[col].dt.tz_localize(None)
    elif kind == "duplicate_row":
        df = pd.concat([df, df.iloc[[spec["row"] - 1]]], ignore_index=True)
    else:
        raise ValueError(f"unknown table change {kind!r}")
    df.to_parquet(path, index=False)


def check_message(err: DataError, expect: dict[str, Any]) -> None:
    """The DataError names the file, the row, the column and the rule, in its fields and its text."""
    text = str(err)
    assert err.file.replace("\\", "/").endswith(expect["file"]), text
    assert expect["file"].split("/")[-1] in text
    assert err.row == expect.get("row"), text
    if expect.get("row") is not None:
        assert f"row {expect['row']}" in text
    assert err.column == expect.get("column"), text
    if expect.get("column") is not None:
        assert repr(expect["column"]) in text
    for fragment in expect["rule"] if isinstance(expect["rule"], list) else [expect["rule"]]:
        assert fragment in err.rule, text
    assert len(text) < 2000, "the message must not echo the bad input at length"


def params() -> list[Any]:
    out = []
    for case in CASES:
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


# --- the tests ----------------------------------------------------------------------------------
def test_corpus_is_complete():
    """At least 40 cases, every entry point, every case described, every folder used."""
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
    assert {c["entry"] for c in CASES} == {"collect", "read_table", "cli"}
    importers = {c["importer"] for c in CASES}
    assert {"accounts", "twitter", "facebook", "survey", "web", "collect", "io", "runner"} <= importers
    for c in CASES:
        assert c["expect"]["rule"] and c.get("on_bad", "error") in ("error", "skip"), c["id"]
    folders = {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert folders <= set(ids), folders - set(ids)
    assert not any(p.stat().st_size > 100_000 for p in CORPUS.rglob("*") if p.is_file())


@pytest.mark.parametrize("case", params())
def test_bad_input(case: dict[str, Any], good: dict[str, Path], tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    entry = case["entry"]
    if entry == "cli":
        run_cli_case(case, tmp_path, monkeypatch, capsys, good)
        return
    out = tmp_path / "outputs" / str(case.get("year", 2014))
    shutil.copytree(good["out"], out)
    if entry == "read_table":
        break_table(case, out)
        before = tree_hashes(out)
        with pytest.raises(DataError) as exc:
            io.read_table(case["table_change"]["table"], out)
        check_message(exc.value, case["expect"])
        assert tree_hashes(out) == before
        return
    inputs = make_inputs(case, good, tmp_path)
    before = tree_hashes(out)
    kwargs = {"sources": tuple(case.get("sources", ALL_SOURCES)), "on_bad": case.get("on_bad",
                                                                                    "error")}
    if case.get("on_bad", "error") == "error":
        with pytest.raises(DataError) as exc:
            write_collected(collect(case.get("year", 2014), inputs, **kwargs), out)
        check_message(exc.value, case["expect"])
        assert tree_hashes(out) == before, "earlier outputs changed or a file was added"
        return
    c = collect(case.get("year", 2014), inputs, **kwargs)
    write_collected(c, out)
    skips = pd.read_csv(out / "data" / "skips.csv", dtype={"row": "Int64"})
    expect = case["expect"]
    hits = skips[skips["file"].str.replace("\\", "/").str.endswith(expect["file"])]
    if expect.get("row") is not None:
        hits = hits[hits["row"] == expect["row"]]
    if expect.get("column") is not None:
        hits = hits[hits["column"] == expect["column"]]
    hits = hits[hits["rule"].str.contains(expect["rule"], regex=False)]
    assert len(hits) == 1, skips.to_string()
    assert len(skips) == expect.get("skips", 1), skips.to_string()
    for table, rows in (case.get("kept") or {}).items():
        assert len(io.read_table(table, out)) == rows, table


# --- the runner ---------------------------------------------------------------------------------
def run_cli_case(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str], good: dict[str, Path] | None = None) -> None:
    """``roeptoeter <args>`` in a throwaway project root: exit 2, the message, nothing written."""
    from helpers import cli
    from helpers.pipeline import runner

    root = copy_project(tmp_path / "proj")
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    monkeypatch.chdir(root)

    class NoKernel:  # bad input must be refused before any notebook runs
        def prime(self, project_root) -> None:  # warming kernels ahead is allowed; running is not
            pass

        def __call__(self, src, dest, params, project_root) -> None:
            raise runner.NotebookFailure(0, "BadInputAccepted", f"{src.stem} was started")

    from helpers.pipeline import execute, trends

    for module in (runner, execute, trends):  # where the runner's steps start kernels
        monkeypatch.setattr(module, "WarmExecutor", lambda **kw: contextlib.nullcontext(NoKernel()))
    if case.get("raw"):  # the good inputs and the case's files, where `run` reads them
        assert good is not None
        inputs = make_inputs({k: v for k, v in case.items() if k != "generate"}, good, tmp_path)
        raw = root / "data" / "raw" / str(case.get("year", 2014))
        raw.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(inputs, raw)
        if case.get("generate"):
            generate(case["generate"], raw)
        earlier = root / "outputs" / "2014"
        shutil.copytree(good["out"], earlier)
    before = tree_hashes(root / "outputs") if (root / "outputs").exists() else {}
    rc = cli.main(case["args"])
    err = capsys.readouterr().err
    assert rc == 2, err
    expect = case["expect"]
    for fragment in expect["rule"] if isinstance(expect["rule"], list) else [expect["rule"]]:
        assert fragment in err, err
    if expect.get("file"):
        assert f"{expect['file']}" in err.replace("\\", "/"), err
    if expect.get("row") is not None:
        assert f", row {expect['row']}" in err, err
    if expect.get("column") is not None:
        assert f"column {expect['column']!r}" in err, err
    lines = err.strip().splitlines()
    assert len(lines) == expect.get("lines", 1), err
    assert all(line.startswith("roeptoeter: error: ") and len(line) < 1000 for line in lines), err
    assert "Traceback" not in err
    # nothing written: no folder under outputs/ (not even .tmp-/.failed-), earlier outputs intact
    after = tree_hashes(root / "outputs") if (root / "outputs").exists() else {}
    assert after == before


# --- the README's troubleshooting table ------------------------------------------------------------
README_MESSAGES = [
    # (case id, a fragment of the real message that the README's table must show)
    ("acc_expired_code_weesp", "is not a municipality on 1 January 2023; it is part of GM0363"),
    ("cli_unknown_parameter", "unknown parameter 'seeed'"),
    ("cli_missing_input_dir", "missing input data: "),
    ("io_table_missing", "run the data-collection notebook (01_collect) first"),
    ("cli_unknown_year", "no register for year 1989"),
    ("tw_truncated_line", "not valid JSON (truncated line?)"),
    ("cli_fb_unbalanced_quote", "unbalanced quote"),
    ("cli_web_parent_path", "leaves the site's cache folder"),
    ("cli_web_big_page", "over the per-page cap of 5,000,000 bytes"),
    ("cli_raw_symlink_outside", "outside the project"),
    ("cli_window_not_a_date", "not a real date"),
    ("cli_sources_myspace", "unknown entry 'myspace'"),
    ("cli_many_problems", "more problems"),
    ("cli_fb_day_first", "ambiguous"),
]


@pytest.mark.parametrize(
    "case_id,fragment",
    [pytest.param(i, f, id=i) for i, f in README_MESSAGES])
def test_readme_troubleshooting_lists_real_messages(case_id: str, fragment: str) -> None:
    """The fragment occurs in the case's expected message *and* in README.md's Troubleshooting."""
    case = next(c for c in CASES if c["id"] == case_id)
    rules = case["expect"]["rule"]
    assert any(fragment in r for r in ([rules] if isinstance(rules, str) else rules))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]
    assert fragment in section


# --- every importer case of the corpus, also through the command line ------------------------------
def _collect_cases(on_bad: str) -> list[Any]:
    return [pytest.param(c, id=c["id"]) for c in CASES
            if c["entry"] == "collect" and c.get("on_bad", "error") == on_bad and not c.get("xfail")]


@pytest.mark.parametrize("case", _collect_cases("error"))
def test_importer_case_through_cli(case: dict[str, Any], good: dict[str, Path], tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    """``roeptoeter run -p source=files`` on the case's raw files: refused by the pre-flight."""
    year = str(case.get("year", 2014))
    # the runner's source resolution may catch a case before the importer does (cli_expect)
    cli_case = dict(case, entry="cli", raw=True, expect=case.get("cli_expect", case["expect"]), args=[
        "run", "--year", year, "-p", "source=files",
        "-p", "sources=" + ",".join(case.get("sources", ALL_SOURCES))])
    run_cli_case(cli_case, tmp_path, monkeypatch, capsys, good)


@pytest.mark.parametrize("case", _collect_cases("skip"))
def test_skip_case_through_check(case: dict[str, Any], good: dict[str, Path], tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """``roeptoeter check -p on_bad_input=skip``: exit 0, the skips counted in its summary."""
    from helpers import cli

    root = copy_project(tmp_path / "proj")
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    monkeypatch.chdir(root)
    shutil.move(make_inputs(case, good, tmp_path), root / "data" / "raw" / "2014")
    sources = ",".join(case.get("sources", ALL_SOURCES))
    rc = cli.main(["check", "-p", "source=files", "-p", f"sources={sources}",
                   "-p", "on_bad_input=skip"])
    out = capsys.readouterr().out
    assert rc == 0
    n = case["expect"].get("skips", 1)
    assert f"{n} items skipped" in out, out
    assert not (root / "outputs").exists()


@pytest.mark.slow
def test_bad_input_found_while_kernels_warm_exits_2_and_leaves_no_kernel(tmp_path):
    # The runner starts warming kernels before it checks the raw inputs: a refused run must still
    # exit 2 with one line, write nothing, and leave no fork server or kernel behind (real
    # executor, through the command a user types).
    import os
    import subprocess
    import sys

    root = copy_project(tmp_path / "proj")
    survey = root / "data" / "raw" / "2014" / "survey"
    survey.mkdir(parents=True)
    (survey / "export.csv").write_text("respondent;colour\n1;2\n", encoding="utf-8")
    earlier = root / "outputs" / "2014"
    earlier.mkdir(parents=True)
    (earlier / "manifest.json").write_text('{"status": "ok"}\n', encoding="utf-8")
    before = tree_hashes(root / "outputs")
    env = {**os.environ, "ROEPTOETER_ROOT": str(root)}
    proc = subprocess.run([sys.executable, "-m", "helpers", "run", "--year", "2014"], cwd=root,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "survey/export.csv" in lines[0] and "unknown column" in lines[0]
    assert tree_hashes(root / "outputs") == before  # nothing written, the earlier year intact
    mark = f"ROEPTOETER_ROOT={root}".encode()
    left = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        with contextlib.suppress(OSError):
            if mark in environ.read_bytes().split(b"\0"):
                left.append(environ.parent.name)
    assert left == [], f"processes of the refused run still running: {left}"
