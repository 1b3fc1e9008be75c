"""The batch runner (helpers.pipeline.runner, helpers.cli): planning, atomic replacement, up-to-date skips,
stale-folder cleanup and the exit codes of bad input.

Most tests inject a fake executor (no kernel); two run real papermill kernels on the toy notebooks
of tests/fixtures/runner/ (each kernel costs a few seconds).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from _project import toy_project

from helpers import cli
from helpers.core.errors import DataError, ParameterError
from helpers.pipeline import manifest, runner
from helpers.pipeline.runner import Hooks, NotebookFailure, Project

FIXTURES = Path(__file__).parent / "fixtures" / "runner"


# --- a temporary project root ------------------------------------------------------------------
@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A throwaway project: toy notebooks, pipeline, reference data, lock file."""
    root = toy_project(tmp_path / "proj")
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    return Project.at(root)


class FakeExecutor:
    """Executes nothing: copies the notebook, writes a record, fails when asked to."""

    def __init__(self, fail_years: tuple[int, ...] = ()) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.fail_years = fail_years

    def __call__(self, src: Path, dest: Path, params: dict, root: Path) -> None:
        self.calls.append((src.stem, dict(params)))
        out = Path(params["run_dir"])
        dest.write_text(src.read_text())
        (out / "records").mkdir(exist_ok=True)
        rec = {"notebook": src.stem, "name": f"{src.stem}_ran", "value": 1, "unit": "flag",
               "note": ""}
        (out / "records" / f"{src.stem}.json").write_text(json.dumps([rec]))
        if params.get("fail") or params.get("year") in self.fail_years:
            raise NotebookFailure(4, "ValueError", "toy failure\nsecond line")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- planning -----------------------------------------------------------------------------------
DIAMOND = {"a": [], "c": ["a"], "b": ["a"], "d": ["b", "c"], "e": []}


def test_plan_orders_dependencies_first_and_keeps_file_order():
    assert runner.plan(DIAMOND) == ["a", "c", "b", "d", "e"]
    assert runner.plan({"x": ["y"], "y": []}) == ["y", "x"]


def test_plan_selection_adds_transitive_dependencies():
    assert runner.plan(DIAMOND, ["d"]) == ["a", "c", "b", "d"]
    assert runner.plan(DIAMOND, ["b", "e"]) == ["a", "b", "e"]


def test_plan_rejects_unknown_notebook_and_cycles():
    with pytest.raises(ParameterError, match="unknown notebook zz: the pipeline has a, c, b, d, e"):
        runner.plan(DIAMOND, ["zz"])
    with pytest.raises(ParameterError, match="cycle among notebooks x, y"):
        runner.plan({"x": ["y"], "y": ["x"], "z": []})


def test_load_pipeline(tmp_path):
    assert runner.load_pipeline(FIXTURES / "pipeline.yaml") == {
        "load": [], "double": ["load"], "check": ["load"]}
    bad = tmp_path / "p.yaml"
    bad.write_text("a: [b]\n")
    with pytest.raises(ParameterError, match="a depends on b, which is not in the pipeline"):
        runner.load_pipeline(bad)


def test_check_years():
    assert runner.check_years(None) == [2014]
    assert runner.check_years(["2015", 2013, 2015]) == [2013, 2015]
    with pytest.raises(ParameterError, match="no register for year 1989.*1990-2026"):
        runner.check_years([1989])
    with pytest.raises(ParameterError, match="no register for year 2027"):
        runner.check_years([2014, 2027])
    with pytest.raises(ParameterError, match="not a year"):
        runner.check_years(["20x4"])


def test_check_inputs_needs_raw_folder_only_for_file_sources(tmp_path):
    res = runner.check_inputs(tmp_path, 2014, {"collect": {"source": "demo"}})
    assert res["collect"].kind == "demo"
    with pytest.raises(DataError, match=r"missing input data: data/raw/2014/ does not exist"):
        runner.check_inputs(tmp_path, 2014, {"collect": {"source": "files"}})
    (tmp_path / "data" / "raw" / "2014").mkdir(parents=True)
    with pytest.raises(DataError, match=r"data/raw/2014/ holds no source folder with files"):
        runner.check_inputs(tmp_path, 2014, {"collect": {"source": "files"}})
    (tmp_path / "data" / "raw" / "2014" / "web").mkdir()
    (tmp_path / "data" / "raw" / "2014" / "web" / "index.jsonl").write_text("{}\n")
    assert runner.check_inputs(tmp_path, 2014, {"collect": {"source": "files"}})[
        "collect"].sources == ("web",)
    with pytest.raises(DataError, match="missing input data: exports/2014/ does not exist"):
        runner.check_inputs(tmp_path, 2014, {"collect": {"source": "files",
                                                         "input_dir": "exports/2014"}})


# --- up-to-date key ------------------------------------------------------------------------------
def test_notebook_source_hash_ignores_outputs_but_not_source(tmp_path):
    nb = json.loads((FIXTURES / "notebooks" / "check.ipynb").read_text())
    base = tmp_path / "a.ipynb"
    base.write_text(json.dumps(nb))
    nb["cells"][3]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    nb["cells"][3]["execution_count"] = 7
    nb["metadata"]["papermill"] = {"duration": 1.0}
    ran = tmp_path / "b.ipynb"
    ran.write_text(json.dumps(nb))
    assert manifest.notebook_source_hash(base) == manifest.notebook_source_hash(ran)
    nb["cells"][3]["source"] = "raise SystemExit"
    ran.write_text(json.dumps(nb))
    assert manifest.notebook_source_hash(base) != manifest.notebook_source_hash(ran)


def test_up_to_date_key_depends_on_every_input():
    args = dict(notebook_hashes={"a": "1", "b": "2"}, helper_hashes={"x.py": "3"}, lock_hash="4",
                reference_hashes={"r.csv": "5"}, raw_hashes={}, parameters={"a": {"n": 3}})
    key = manifest.up_to_date_key(**args)
    assert len(key) == 64
    reordered = dict(args, notebook_hashes={"b": "2", "a": "1"})
    assert manifest.up_to_date_key(**reordered) == key
    changes = [("notebook_hashes", {"a": "1", "b": "9"}), ("helper_hashes", {"x.py": "9"}),
               ("lock_hash", "9"), ("reference_hashes", {}), ("raw_hashes", {"t.json": "1"}),
               ("parameters", {"a": {"n": 4}}), ("parameters", {"a": {"n": "3"}})]
    for name, value in changes:
        assert manifest.up_to_date_key(**dict(args, **{name: value})) != key, name


# --- runs with a fake executor -------------------------------------------------------------------
def test_run_writes_year_manifest_and_records(project, capsys):
    fake = FakeExecutor()
    assert runner.run([2014], params=["code=0345"], project=project, execute=fake,
                      hooks=Hooks()) == 0
    names = [c[0] for c in fake.calls]
    assert names[0] == "load" and sorted(names[1:]) == ["check", "double"]
    params = dict(fake.calls)
    assert params["load"]["code"] == "0345" and params["load"]["year"] == 2014
    assert set(params["double"]) == {"year", "run_dir"}  # only what it declares
    assert Path(params["load"]["run_dir"]).name.startswith(".2014.tmp-")
    year = project.outputs / "2014"
    assert (year / "tables" / "records.csv").read_text() == (
        "notebook,name,value,unit,note\ncheck,check_ran,1,flag,\n"
        "double,double_ran,1,flag,\nload,load_ran,1,flag,\n")
    m = json.loads((year / "manifest.json").read_text())
    assert m["status"] == "ok" and m["year"] == 2014
    assert m["parameters"]["load"] == {"code": "0345", "lang": "en", "n": 3, "source": "demo",
                                       "year": 2014}
    assert set(m["notebooks"]) == {"load", "double", "check"}
    assert all(v["status"] == "ok" and v["duration_s"] >= 0 for v in m["notebooks"].values())
    assert m["lock_sha256"] == manifest.sha256_bytes(b"pandas==3.1.1\n")
    assert m["packages"]["pandas"] and m["python"].startswith("3.")
    assert m["git"] == {"commit": None, "dirty": None}  # not a git checkout
    assert [r["name"] for r in m["records"]] == ["check_ran", "double_ran", "load_ran"]
    assert [p.name for p in project.outputs.glob(".*")] == [runner.LOCK_NAME]  # no tmp folders
    assert "2014 ok ->" in capsys.readouterr().out


def test_up_to_date_year_is_skipped_fast_and_force_reruns(project, capsys):
    assert runner.run(project=project, execute=FakeExecutor(), hooks=Hooks()) == 0
    capsys.readouterr()
    fake = FakeExecutor()
    t0 = time.perf_counter()
    assert runner.run(project=project, execute=fake, hooks=Hooks()) == 0
    assert time.perf_counter() - t0 < 1.0
    assert fake.calls == []
    assert "2014 up to date (skipped; --force to rerun)" in capsys.readouterr().out
    assert runner.run(project=project, execute=fake, force=True, hooks=Hooks()) == 0
    assert len(fake.calls) == 3


def test_changed_parameter_notebook_or_raw_data_reruns(project):
    assert runner.run(project=project, execute=FakeExecutor(), hooks=Hooks()) == 0
    fake = FakeExecutor()
    runner.run(params=["n=4"], project=project, execute=fake, hooks=Hooks())
    assert len(fake.calls) == 3
    nb = project.notebook("double")
    nb.write_text(nb.read_text().replace("n * factor", "n * factor * 1"))
    runner.run(params=["n=4"], project=project, execute=fake, hooks=Hooks())
    assert len(fake.calls) == 6
    (project.root / "data" / "raw" / "2014").mkdir(parents=True)
    (project.root / "data" / "raw" / "2014" / "x.json").write_text("{}")
    runner.run(params=["n=4"], project=project, execute=fake, hooks=Hooks())
    assert len(fake.calls) == 9


def test_failure_leaves_earlier_outputs_byte_identical(project, capsys):
    assert runner.run(project=project, execute=FakeExecutor(), hooks=Hooks()) == 0
    before = snapshot(project.outputs / "2014")
    capsys.readouterr()
    rc = runner.run(params=["fail=true"], force=True, project=project, execute=FakeExecutor(),
                    hooks=Hooks())
    assert rc == 1
    assert snapshot(project.outputs / "2014") == before
    (failed,) = project.outputs.glob(".2014.failed-*")
    kept = failed / "notebooks" / "check.ipynb"
    assert kept.is_file()
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"FAILED 2014 check cell 4: ValueError: toy failure (see {kept})"]
    assert not list(project.outputs.glob(".*.tmp-*"))


def test_one_failing_year_does_not_stop_the_others(project, capsys):
    rc = runner.run([2013, 2014], project=project, execute=FakeExecutor(fail_years=(2013,)),
                    jobs=2, hooks=Hooks())
    assert rc == 1
    assert (project.outputs / "2014" / "manifest.json").is_file()
    assert not (project.outputs / "2013").exists()
    err = capsys.readouterr().err
    assert err.count("FAILED 2013 ") == 1 and "FAILED 2014" not in err  # load fails, rest not run


def test_subset_run_keeps_other_notebooks_results(project):
    assert runner.run(project=project, execute=FakeExecutor(), hooks=Hooks()) == 0
    check_record = (project.outputs / "2014" / "records" / "check.json").read_bytes()
    fake = FakeExecutor()
    assert runner.run(notebooks=["double"], params=["factor=3"], project=project, execute=fake,
                      hooks=Hooks()) == 0
    assert [c[0] for c in fake.calls] == ["load", "double"]
    year = project.outputs / "2014"
    assert (year / "records" / "check.json").read_bytes() == check_record
    m = json.loads((year / "manifest.json").read_text())
    assert set(m["notebooks"]) == {"load", "double", "check"}
    assert m["parameters"]["double"]["factor"] == 3.0


def test_hooks_finalize_in_tmp_before_swap_and_index_after(project, capsys):
    seen = []
    hooks = Hooks(finalize_year=lambda d, y: seen.append(("finalize", Path(d).name, y)),
                  write_index=lambda out: seen.append(("index", Path(out), None)))
    assert runner.run(project=project, execute=FakeExecutor(), hooks=hooks) == 0
    assert seen[0][0] == "finalize" and seen[0][1].startswith(".2014.tmp-") and seen[0][2] == 2014
    assert seen[1] == ("index", project.outputs, None)

    def broken(folder, year):
        raise RuntimeError("report page failed")

    before = snapshot(project.outputs / "2014")
    rc = runner.run(project=project, execute=FakeExecutor(), force=True,
                    hooks=Hooks(finalize_year=broken))
    assert rc == 1 and snapshot(project.outputs / "2014") == before
    assert "FAILED 2014 finalize cell -: RuntimeError: report page failed" in capsys.readouterr().err


def test_the_report_warm_up_runs_once_before_the_first_notebook(project):
    events: list[str] = []

    class Recording(FakeExecutor):
        def __call__(self, src: Path, dest: Path, params: dict, root: Path) -> None:
            events.append(src.stem)
            super().__call__(src, dest, params, root)

    hooks = Hooks(warm_up=lambda: events.append("warm-up"))
    assert runner.run([2014, 2015], project=project, execute=Recording(), hooks=hooks) == 0
    assert events[0] == "warm-up" and events.count("warm-up") == 1 and len(events) > 1


def test_the_runner_primes_one_executor_whose_first_kernel_is_forked_early(project, monkeypatch):
    from helpers.pipeline.kernels import FIRST_KERNEL

    seen: dict = {"primed": []}
    fake = FakeExecutor()

    class Capturing:  # stands in for WarmExecutor: records how the runner sets it up
        def __init__(self, **options) -> None:
            seen.update(options)

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            pass

        def prime(self, root) -> None:
            seen["primed"].append(root)

        def __call__(self, src, dest, params, root) -> None:
            fake(src, dest, params, root)

    monkeypatch.setattr(runner, "WarmExecutor", Capturing)
    assert runner.run(project=project, hooks=Hooks()) == 0
    assert seen["first"] == FIRST_KERNEL and seen["primed"] == [project.root] and fake.calls
    seen["primed"].clear()
    assert runner.run(project=project, hooks=Hooks()) == 0  # up to date: no kernel is warmed
    assert seen["primed"] == []


def test_stale_tmp_folders_are_removed_and_interrupted_swap_restored(project, capsys):
    out = project.outputs
    (out / ".2014.tmp-dead1" / "tables").mkdir(parents=True)
    (out / ".2014.tmp-dead1" / "manifest.json").write_text('{"status": "ok"}')
    (out / ".2013.old-abcd").mkdir()
    (out / ".2013.old-abcd" / "manifest.json").write_text("{}")
    for other in (".2012.failed-20260101T000000", ".tmp-someone-else-2014", "README.md"):
        (out / other).mkdir()
    removed = runner.clean_stale(out)
    assert sorted(p.name for p in removed) == [".2013.old-abcd", ".2014.tmp-dead1"]
    assert sorted(p.name for p in out.iterdir()) == [
        ".2012.failed-20260101T000000", ".tmp-someone-else-2014", "2013", "README.md"]
    for other in (".2012.failed-20260101T000000", ".tmp-someone-else-2014", "README.md"):
        (out / other).rmdir()
    (out / ".2015.tmp-dead2").mkdir()
    assert runner.run(project=project, execute=FakeExecutor(), hooks=Hooks()) == 0
    assert sorted(p.name for p in out.iterdir()) == [runner.LOCK_NAME, "2013", "2014"]


def test_a_second_concurrent_run_is_refused(project):
    with runner.outputs_lock(project.outputs), pytest.raises(ParameterError, match="another"):
        runner.run(project=project, execute=FakeExecutor(), hooks=Hooks())
    assert not (project.outputs / "2014").exists()


def test_kernel_log_tail_shows_the_last_lines_cut_to_width(tmp_path):
    log = tmp_path / "logs" / "03_interaction.log"
    assert runner.kernel_log_tail(log) == []  # no log
    log.parent.mkdir()
    log.write_text("\n\n")
    assert runner.kernel_log_tail(log) == []  # nothing but blank lines
    log.write_text("".join(f"line {i}\n\n" for i in range(1, 9)) + "x" * 200 + "\n")
    tail = runner.kernel_log_tail(log, lines=3, width=20)
    assert tail == [f"  kernel log ({log}):", "    line 7", "    line 8", "    " + "x" * 19 + "…"]


def test_failure_line_uses_first_line_of_the_message():
    line = runner.failure_line(2014, "03_interaction", NotebookFailure(7, "KeyError", "'x'\nmore"),
                               "outputs/.2014.failed-1/notebooks/03_interaction.ipynb")
    assert line == ("FAILED 2014 03_interaction cell 7: KeyError: 'x' "
                    "(see outputs/.2014.failed-1/notebooks/03_interaction.ipynb)")


# --- the command line: bad input gives exit code 2 and writes nothing ------------------------------
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "--year", "1980"], "no register for year 1980"),
        (["run", "--years", "2014", "2031"], "no register for year 2031"),
        (["run", "--notebooks", "nope"], "unknown notebook nope"),
        (["run", "-p", "code"], "malformed parameter 'code'"),
        (["run", "-p", "colour=red"], "unknown parameter 'colour'"),
        (["run", "-p", "year=2015"], "--year"),
        (["run", "-p", "run_dir=x"], "set by the runner"),
        (["run", "-p", "n=abc"], "parameter n='abc' for notebook load: expected an integer"),
        (["run", "-p", "source=files"], "missing input data: data/raw/2014/"),
        (["run", "--notebooks", "check", "-p", "factor=2"], "unknown parameter 'factor'"),
        (["run", "--jobs", "0"], "--jobs 0"),
        (["run", "--year"], "expected one argument"),
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(project, capsys, args, message):
    assert cli.main(args) == 2
    assert message in capsys.readouterr().err
    assert not project.outputs.exists()


def test_cli_list_shows_notebooks_and_defaults(project, capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "double  (after: load)" in out and "    code = '0344'  (str)" in out


def test_cli_up_to_date_exit_0(project, capsys):
    assert runner.run(project=project, execute=FakeExecutor(), hooks=Hooks()) == 0
    assert cli.main(["run", "--year", "2014"]) == 0
    assert "2014 up to date" in capsys.readouterr().out


# --- real kernels --------------------------------------------------------------------------------
@pytest.mark.slow
def test_real_run_with_papermill(project):
    assert runner.run([2014], params=["code=0345"], jobs=2, quiet=True, project=project,
                      hooks=Hooks()) == 0
    year = project.outputs / "2014"
    records = {r["name"]: r["value"] for r in json.loads((year / "records" / "load.json").read_text())}
    assert records["code"] == "0345"  # a string, not the integer 345
    assert records["cwd"] == str(project.root) and records["root"] == str(project.root)
    assert json.loads((year / "records" / "double.json").read_text())[0]["value"] == 6.0
    m = json.loads((year / "manifest.json").read_text())
    assert m["inputs"] == {"data/raw/demo/toy.csv": "0" * 64}
    assert {n["status"] for n in m["notebooks"].values()} == {"ok"}
    executed = json.loads((year / "notebooks" / "load.ipynb").read_text())
    assert any("injected-parameters" in c["metadata"].get("tags", []) for c in executed["cells"])


@pytest.mark.slow
def test_real_failure_keeps_papermill_notebook_and_old_outputs(project, capsys):
    old = project.outputs / "2014"
    (old / "tables").mkdir(parents=True)
    (old / "tables" / "earlier.csv").write_text("x\n1\n")
    before = snapshot(old)
    rc = runner.run(notebooks=["check"], params=["fail=true"], quiet=True, project=project,
                    hooks=Hooks())
    assert rc == 1 and snapshot(old) == before
    (failed,) = project.outputs.glob(".2014.failed-*")
    kept = failed / "notebooks" / "check.ipynb"
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == f"FAILED 2014 check cell 4: ValueError: toy failure on purpose (see {kept})"
    # then, at most, the end of the kernel's own log (never the cell's traceback: that is in the notebook)
    assert lines[1:] == runner.kernel_log_tail(failed / "logs" / "check.log")
    assert not any("Traceback" in line for line in lines)
    cells = json.loads(kept.read_text())["cells"]
    assert any("papermill-error-cell-tag" in c["metadata"].get("tags", []) for c in cells)


# --- raw data wins: the first line of a year, and the key follows the resolution --------------------
def test_first_line_says_raw_or_demo_and_new_raw_files_rerun(project, capsys):
    # the pre-flight imports raw files with the real register and window
    real_reference = Path(__file__).resolve().parents[1] / "data" / "reference"
    shutil.copytree(real_reference, project.root / "data" / "reference", dirs_exist_ok=True)
    fake = FakeExecutor()
    assert runner.run([2014], params=["source=auto"], project=project, execute=fake,
                      hooks=Hooks()) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2014: DEMO DATA (synthetic): no raw inputs in data/raw/2014/"
    raw = project.root / "data" / "raw" / "2014" / "twitter"
    (raw / ".ipynb_checkpoints").mkdir(parents=True)
    (raw / ".ipynb_checkpoints" / "x-checkpoint.jsonl").write_text("{}\n")
    assert runner.run([2014], params=["source=auto"], project=project, execute=fake,
                      hooks=Hooks()) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["2014: DEMO DATA (synthetic): no raw inputs in data/raw/2014/",
                       "2014 up to date (skipped; --force to rerun)"]
    # a valid (if empty) raw year: the pre-flight imports it before any notebook runs
    (raw.parent / "accounts.csv").write_text(
        "gm_code,platform,account_id,handle,kind,first_seen\n"
        "GM0344,twitter,1100,gemeenteutrecht,corporate,\n")
    (raw / "search.jsonl").write_text('{"data": [], "meta": {"result_count": 0}}\n')
    calls = len(fake.calls)
    assert runner.run([2014], params=["source=auto"], project=project, execute=fake,
                      hooks=Hooks()) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("2014: raw data from data/raw/2014/ (sources found: twitter; not collected: "
                      "facebook, survey, web)")
    assert len(fake.calls) > calls  # the raw files changed what the year reads: rerun


def test_critical_first_starts_the_longest_chain_and_keeps_a_valid_order():
    from helpers.pipeline.plan import critical_first

    deps = {"collect": [], "a": ["collect"], "b": ["collect"], "slow": ["collect"],
            "report": ["a", "b", "slow"]}
    order = ["collect", "a", "b", "slow", "report"]
    seconds = {"collect": 5.0, "a": 1.0, "b": 3.0, "slow": 9.0, "report": 0.5}
    assert critical_first(order, deps, seconds) == ["collect", "slow", "b", "a", "report"]
    # no history: the pipeline's own order
    assert critical_first(order, deps, {}) == order
    # a dependency outranks what depends on it even when it takes no time itself
    assert critical_first(order, deps, {"slow": 9.0}) == ["collect", "slow", "a", "b", "report"]
