"""The pre-flight check and the runner's handling of failures (issue 14), without kernels.

- :mod:`helpers.pipeline.preflight`: parameters by name, dates, the raw folder's symbolic links;
- failed-run folders: only the failed notebook and its log, only the last three per year, none for
  bad input met inside a kernel (exit 2 instead);
- a read-only ``outputs/`` and a held lock give one line and exit 2; ``profiles`` takes the lock;
  long lists in messages are shortened;
- the crawler stops a download at the per-page cap (loopback server).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from _project import copy_project, toy_project

from helpers import cli
from helpers.core.errors import BadInput, ParameterError, shorten
from helpers.pipeline import preflight, runner
from helpers.pipeline.runner import Hooks, NotebookFailure, Project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The toy project of tests/test_runner.py (notebooks load -> double -> check)."""
    root = toy_project(tmp_path / "proj")
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    return Project.at(root)


class Executor:
    """Writes the notebook and a record; fails the notebook ``fail`` with ``ename``."""

    def __init__(self, fail: str | None = None, ename: str = "ValueError") -> None:
        self.fail, self.ename, self.calls = fail, ename, 0

    def __call__(self, src: Path, dest: Path, params: dict, root: Path) -> None:
        self.calls += 1
        out = Path(params["run_dir"])
        dest.write_text(src.read_text())
        (out / "records").mkdir(exist_ok=True)
        (out / "records" / f"{src.stem}.json").write_text(json.dumps(
            [{"notebook": src.stem, "name": "ran", "value": 1, "unit": "flag", "note": ""}]))
        (out / "tables").mkdir(exist_ok=True)
        (out / "tables" / f"{src.stem}.csv").write_text("x\n1\n")
        if src.stem == self.fail:
            # the kernel's stderr, where helpers.pipeline.executor puts it
            (out / "logs").mkdir(exist_ok=True)
            (out / "logs" / f"{src.stem}.log").write_text("kernel stderr\n")
            raise NotebookFailure(3, self.ename, "file data/raw/2014/x.csv, row 2: bad")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- parameters ---------------------------------------------------------------------------------
COLLECT = {"source": "demo", "sources": "twitter,facebook,survey,web", "window_start": "",
           "window_end": "", "on_bad_input": "error", "lang": "en", "seed": 1}
MON = {"platform": "", "adjust": "holm", "alpha": 0.05, "lang": "en"}


def problems(**changes: object) -> list[str]:
    collect = {**COLLECT, **{k: v for k, v in changes.items() if k in COLLECT}}
    mon = {**MON, **{k: v for k, v in changes.items() if k in MON}}
    eff = {"01_collect": collect, "05_monitoring": mon}
    return [str(p) for p in preflight.parameter_problems(
        eff, 2014, {"01_collect": COLLECT, "05_monitoring": MON})]


def test_defaults_have_no_problem():
    assert problems() == []


def test_empty_platform_allowed_where_it_is_the_default_and_auto_source_accepted():
    assert problems(platform="", source="auto", sources="") == []


def test_auto_platform_only_where_it_is_the_default():
    inter = {"platform": "auto", "lang": "en"}
    eff = {"03_interaction": inter, "05_monitoring": MON}
    assert preflight.parameter_problems(eff, 2014, {"03_interaction": inter, "05_monitoring": MON}) == []
    eff = {"03_interaction": inter, "05_monitoring": {**MON, "platform": "auto"}}
    (found,) = preflight.parameter_problems(eff, 2014, {"03_interaction": inter, "05_monitoring": MON})
    assert "platform='auto' (notebook 05_monitoring): not an allowed value" in str(found)


@pytest.mark.parametrize("name,value,fragment", [
    ("platform", "myspace", "platform='myspace' (notebook 05_monitoring): not an allowed value"),
    ("adjust", "bonf", "adjust='bonf'"),
    ("lang", "fr", "lang='fr' (notebooks 01_collect, 05_monitoring)"),
    ("source", "internet", "choose one of auto, demo, files"),
    ("on_bad_input", "ignore", "choose one of error, skip"),
    ("sources", "twitter,myspace", "unknown entry 'myspace'"),
    ("window_start", "2014-13-45", "window_start='2014-13-45' (notebook 01_collect): not a real date"),
    ("window_end", "04-05-2014", "window_end='04-05-2014'"),
    ("window_start", "2014-4-1", "not a real date in ISO form"),
    ("alpha", 1.0, "alpha=1.0 (notebook 05_monitoring): out of range"),
    ("seed", -1, "seed=-1"),
])
def test_each_bad_value_is_named(name: str, value: object, fragment: str):
    (found,) = problems(**{name: value})
    assert fragment in found


def test_window_start_after_end_and_against_the_edition_window():
    (found,) = problems(window_start="2014-06-30", window_end="2014-04-01")
    assert "window_start=2014-06-30 and window_end=2014-04-01" in found
    # the 2014 edition's window is the second quarter: a start after 30 June is after its end
    (found,) = problems(window_start="2014-07-15")
    assert "window_end=2014-06-30" in found
    assert problems(window_start="2014-05-01") == []


def test_bad_input_lines_are_limited_with_a_count():
    err = BadInput([ParameterError(f"problem {i}") for i in range(14)], limit=10)
    assert err.lines()[:2] == ["problem 0", "problem 1"]
    assert err.lines()[-1] == "... and 4 more problems" and len(err.lines()) == 11
    assert shorten([f"GM{i:04d}" for i in range(5000)]).endswith("GM0009 and 4,990 more")
    assert shorten(["a", "b"]) == "a, b"


# --- the raw folder --------------------------------------------------------------------------------
def test_raw_folder_symlink_outside_is_refused_inside_is_fine(tmp_path: Path):
    root = tmp_path / "proj"
    (root / "data" / "raw").mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "accounts.csv").write_text("x\n")
    (root / "data" / "raw" / "2014").symlink_to(outside, target_is_directory=True)
    (found,) = preflight.folder_problems(root, 2014, {"source": "files"})
    assert found.file == "data/raw/2014" and "outside the project" in found.rule
    inside = root / "data" / "exports"
    inside.mkdir()
    (root / "data" / "raw" / "2015").symlink_to(inside, target_is_directory=True)
    assert preflight.folder_problems(root, 2015, {"source": "files"}) == []


def test_auto_reads_files_only_when_the_raw_folder_has_some(tmp_path: Path):
    raw = tmp_path / "data" / "raw" / "2014"
    (raw / ".ipynb_checkpoints").mkdir(parents=True)
    (raw / ".ipynb_checkpoints" / "accounts-checkpoint.csv").write_text("x\n")
    assert not preflight.reads_files(tmp_path, 2014, {"source": "auto"})
    (raw / "accounts.csv").write_text("x\n")
    assert preflight.reads_files(tmp_path, 2014, {"source": "auto"})
    assert not preflight.reads_files(tmp_path, 2014, {"source": "demo"})


# --- failed-run folders ------------------------------------------------------------------------------
def test_failed_folder_holds_only_the_failed_notebook_and_log_and_only_three_are_kept(project):
    assert runner.run(project=project, execute=Executor(), hooks=Hooks()) == 0
    before = tree(project.outputs / "2014")
    for _ in range(4):  # a subset run copies the year into its temporary folder
        rc = runner.run(notebooks=["double"], force=True, project=project,
                        execute=Executor(fail="double"), hooks=Hooks())
        assert rc == 1
    failed = sorted(project.outputs.glob(".2014.failed-*"))
    assert len(failed) == runner.KEEP_FAILED == 3
    for folder in failed:
        assert sorted(tree(folder)) == ["log.txt", "logs/double.log", "notebooks/double.ipynb"]
        assert (folder / "log.txt").read_text() == (
            "double cell 3: ValueError: file data/raw/2014/x.csv, row 2: bad\n")
    assert tree(project.outputs / "2014") == before
    assert not list(project.outputs.glob(".2014.tmp-*"))


def test_prune_failed_keeps_the_newest(tmp_path: Path):
    for name in ("20260101T000000", "20260101T000000-2", "20250101T000000", "20270101T000000"):
        (tmp_path / f".2014.failed-{name}").mkdir()
    (tmp_path / ".2013.failed-20200101T000000").mkdir()
    gone = runner.prune_failed(tmp_path, 2014, keep=2)
    assert sorted(p.name for p in gone) == [".2014.failed-20250101T000000",
                                            ".2014.failed-20260101T000000"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".2013.failed-20200101T000000", ".2014.failed-20260101T000000-2",
        ".2014.failed-20270101T000000"]


def test_bad_input_inside_a_kernel_exits_2_and_keeps_no_folder(project, capsys):
    assert runner.run(project=project, execute=Executor(), hooks=Hooks()) == 0
    before = tree(project.outputs / "2014")
    capsys.readouterr()
    rc = runner.run(force=True, project=project, execute=Executor(fail="load", ename="DataError"),
                    hooks=Hooks())
    assert rc == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["roeptoeter: error: file data/raw/2014/x.csv, row 2: bad"]
    assert tree(project.outputs / "2014") == before
    assert [p.name for p in project.outputs.iterdir() if p.name.startswith(".2014")] == []


# --- the outputs folder: permissions and the lock ------------------------------------------------------
def test_permission_error_is_one_line_exit_2(project, monkeypatch, capsys):
    def denied(outputs: Path):
        raise PermissionError(13, "Permission denied", str(outputs))

    monkeypatch.setattr(runner, "outputs_lock", denied)
    assert cli.main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("roeptoeter: error: permission denied: ")
    assert str(project.outputs) in err[0]


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="root ignores file permissions")
def test_read_only_outputs_folder_exit_2(project, capsys):  # pragma: no cover - not as root
    project.outputs.mkdir()
    project.outputs.chmod(0o500)
    try:
        assert cli.main(["run"]) == 2
    finally:
        project.outputs.chmod(0o700)
    assert "permission denied" in capsys.readouterr().err


def _profiles_year(root: Path) -> Path:
    from helpers.core import io

    folder = root / "outputs" / "2014"
    path = io.table_path(folder, "municipalities")  # what profiles need
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    return folder


def test_profiles_refused_while_a_run_holds_the_lock(project, capsys):
    _profiles_year(project.root)
    with runner.outputs_lock(project.outputs):
        assert cli.main(["profiles", "--year", "2014"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "another roeptoeter run is using" in err[0]


def test_profiles_with_thousands_of_unknown_codes_gives_a_short_message(project, monkeypatch,
                                                                        capsys):
    from helpers.present import profiles

    _profiles_year(project.root)
    monkeypatch.setattr(profiles, "key_figures",
                        lambda folder, year: pd.DataFrame({"gm_code": ["GM0344"]}))
    codes = [f"GM{9000 + i}" for i in range(4999)]
    assert cli.main(["profiles", "--year", "2014", "--gm", *codes]) == 2
    err = capsys.readouterr().err
    assert "GM9009 and 4,989 more" in err and len(err) < 400


# --- the crawler's per-page cap ---------------------------------------------------------------------------
BIG = 3_000_000


@pytest.fixture()
def big_server() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/robots.txt":
                body = b"User-agent: *\nAllow: /\n"
            elif self.path == "/":
                body = b'<html><body><a href="/big">big</a><a href="/nolength">n</a></body></html>'
            else:
                body = b"<html><body>" + b"x" * BIG + b"</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            if self.path != "/nolength":
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_crawler_stops_downloads_over_the_cap_and_caches_nothing_of_them(big_server, tmp_path):
    from helpers.collect import web

    report = web.crawl([("GM0344", big_server)], tmp_path, max_pages=5, min_interval=0.0,
                       timeout=5, max_retries=0, progress=False, max_page_bytes=1_000_000,
                       now=lambda: dt.datetime(2014, 9, 15, tzinfo=dt.UTC))
    failed = sorted((url.rsplit("/", 1)[1], msg) for _, url, msg in report.failures)
    assert [f[0] for f in failed] == ["big", "nolength"]
    assert "page of 3,000,026 bytes is over the per-page cap of 1,000,000 bytes" in failed[0][1]
    assert "over the per-page cap of 1,000,000 bytes (max_page_bytes); download stopped" in \
        failed[1][1]
    index = (tmp_path / "web" / "GM0344" / web.INDEX_FILE).read_text().splitlines()
    assert [json.loads(line)["url"].rsplit("/", 1)[1] for line in index] == ["robots.txt", ""]
    assert max(p.stat().st_size for p in (tmp_path / "web" / "GM0344").iterdir()) < 1_000_000


def test_loader_cap_is_configurable_and_said_in_the_skip(tmp_path):
    from helpers.collect import web

    folder = web.site_dir(tmp_path, "GM0344")
    url = "https://www.utrecht.example/"
    name = web.write_body(folder, url, b"<html><body><main>Bijstand</main></body></html>")
    web.append_index(folder, web.index_entry(url, status=200, content_type="text/html", file=name,
                                             depth=0, kind="page",
                                             fetched_at=dt.datetime(2014, 5, 1, tzinfo=dt.UTC)))
    (tmp_path / "web" / web.SITES_FILE).write_text(f"gm_code,url\nGM0344,{url}\n")
    audit, skips = web.load(tmp_path, 2014, "skip", max_page_bytes=10)
    assert audit.empty
    assert "page of 47 bytes is over the per-page cap of 10 bytes" in skips["rule"].iloc[0]
    audit, skips = web.load(tmp_path, 2014, "skip")
    assert len(audit) == 1 and skips.empty



def test_page_cap_is_a_parameter_of_the_collection_through_the_cli(tmp_path, monkeypatch, capsys):
    """``-p max_page_bytes=N`` reaches the web importer in the pre-flight (and in 01_collect)."""
    from helpers.collect import web

    root = copy_project(tmp_path / "proj")
    raw = root / "data" / "raw" / "2014"
    folder = web.site_dir(raw, "GM0344")
    url = "https://www.utrecht.example/"
    name = web.write_body(folder, url, b"<html><body><main>Bijstand</main></body></html>")  # 47 bytes
    web.append_index(folder, web.index_entry(url, status=200, content_type="text/html", file=name,
                                             depth=0, kind="page",
                                             fetched_at=dt.datetime(2014, 5, 1, tzinfo=dt.UTC)))
    (raw / "web" / web.SITES_FILE).write_text(f"gm_code,url\nGM0344,{url}\n")
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    monkeypatch.chdir(root)
    assert cli.main(["check", "--year", "2014"]) == 0  # the default cap (5 MB) keeps the page
    assert "0 items skipped" in capsys.readouterr().out
    assert cli.main(["check", "--year", "2014", "-p", "max_page_bytes=10"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "over the per-page cap of 10 bytes" in err[0], err
    assert cli.main(["check", "--year", "2014", "-p", "max_page_bytes=10",
                     "-p", "on_bad_input=skip"]) == 0
    # two skips: the page over the cap, and so the site with no page audited
    assert "2 items skipped" in capsys.readouterr().out
    assert cli.main(["run", "--year", "2014", "-p", "max_page_bytes=0"]) == 2
    assert "max_page_bytes" in capsys.readouterr().err
    assert not (root / "outputs").exists()
