"""The notebook run context: where results go, recorded numbers, tables, demo flag and mark."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import helpers
from helpers.core.paths import inside_project, project_root


def test_start_in_run_dir_writes_there(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("presence", 2014, run_dir="outputs/.2014.tmp-x")
    assert run.out == tmp_path / "outputs" / ".2014.tmp-x"
    default = helpers.start("presence", 2014)
    assert default.out == tmp_path / "outputs" / "2014"


def test_a_notebook_started_without_figures_loads_no_plotting_library(tmp_path):
    # 01_collect draws nothing: started with figures=False it must not pay for matplotlib, seaborn
    # and scipy, and its kernel can be forked before the fork server imports them (FIRST_KERNEL)
    code = (
        "import sys, helpers\n"
        "run = helpers.start('collect', 2014, run_dir='outputs/.2014.tmp-x', figures=False)\n"
        "heavy = ('matplotlib', 'seaborn', 'scipy', 'statsmodels')\n"
        "print(run.figures, [m for m in heavy if m in sys.modules])\n"
    )
    env = {**os.environ, "ROEPTOETER_ROOT": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False []"


def test_save_figure_refuses_without_the_figure_theme(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("collect", 2014, run_dir="outputs/.2014.tmp-x", figures=False)
    fig, _ = plt.subplots()
    try:
        with pytest.raises(ValueError, match="figures=False"):
            run.save_figure(fig, "anything")
    finally:
        plt.close(fig)
    assert not (run.out / "figures").exists()


def test_the_first_kernels_modules_load_no_plotting_library():
    from helpers.pipeline.kernels import FIRST_KERNEL, FORK_PRELOAD, PRELOAD

    assert FIRST_KERNEL.issubset(PRELOAD + FORK_PRELOAD)
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(FIRST_KERNEL)!r}:\n"
        "    importlib.import_module(name)\n"
        "print([m for m in ('matplotlib', 'seaborn', 'scipy', 'statsmodels') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_run_dir_outside_the_project_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path / "proj"))
    with pytest.raises(ValueError, match="outside the project"):
        helpers.start("presence", 2014, run_dir="../elsewhere")
    with pytest.raises(ValueError, match="outside the project"):
        inside_project("/etc", what="input_dir")


def test_record_keeps_one_value_per_name_and_converts_numpy(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("presence", 2014)
    assert run.record("share", np.float64(0.5), "proportion") == 0.5
    run.record("share", 0.75, "proportion", note="n=4")
    run.record("missing", float("nan"), "hours")
    stored = json.loads((run.out / "records" / "presence.json").read_text())
    assert stored == [
        {"notebook": "presence", "name": "share", "value": 0.75, "unit": "proportion", "note": "n=4"},
        {"notebook": "presence", "name": "missing", "value": None, "unit": "hours", "note": ""},
    ]
    records = helpers.read_records(run.out)
    assert records["name"].tolist() == ["share", "missing"]


def test_save_table_is_byte_identical_across_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("presence", 2014)
    df = pd.DataFrame({"gm_code": ["GM0344"], "share": [1 / 3]})
    csv, parquet = run.save_table(df, "t")
    first = (csv.read_bytes(), parquet.read_bytes())
    run.save_table(df, "t")
    assert (csv.read_bytes(), parquet.read_bytes()) == first
    assert csv.read_text() == "gm_code,share\nGM0344,0.333333\n"


def test_demo_flag_and_figure_mark(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("presence", 2014)
    assert run.demo is False
    (run.out / "data").mkdir(parents=True)
    (run.out / "data" / "provenance.json").write_text(json.dumps({"demo": True, "seed": 1}))
    assert run.demo is True
    assert "DEMO DATA (synthetic)" in run.banner().data
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    png, svg = run.save_figure(fig, "line")
    plt.close(fig)
    assert png.stat().st_size > 0
    assert "DEMO DATA (synthetic)" in svg.read_text()


def test_project_root_is_this_checkout(monkeypatch):
    monkeypatch.delenv("ROEPTOETER_ROOT", raising=False)
    assert (project_root() / "pyproject.toml").is_file()


# --- what was collected, and "not collected" -------------------------------------------------------
def _provenance(run, sources):
    path = run.out / "data" / "provenance.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"demo": False, "sources": sources}))


def test_sources_come_from_the_provenance_in_report_order(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("survey", 2016)
    _provenance(run, ["web", "survey", "twitter"])
    assert run.sources == ("twitter", "survey", "web")
    assert run.collected("survey") and run.collected("facebook", "twitter")
    assert not run.collected("facebook", "mastodon")
    with pytest.raises(ValueError, match="unknown sources"):
        run.collected("tiktok")


def test_without_provenance_the_tidy_tables_decide(tmp_path, monkeypatch):
    from helpers.core import io
    from helpers.pipeline.context import collected_sources

    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("survey", 2016)
    assert collected_sources(run.out) == ()
    (run.out / "data").mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"x": [1]}).to_parquet(io.table_path(run.out, "website_audit"))
    pd.DataFrame({"platform": ["facebook", "facebook"]}).to_parquet(io.table_path(run.out, "accounts"))
    pd.DataFrame({"x": [1]}).to_parquet(io.table_path(run.out, "posts"))
    assert collected_sources(run.out) == ("facebook", "web")


def test_require_passes_when_any_source_was_collected(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("presence", 2016)
    _provenance(run, ["facebook"])
    assert run.require("twitter", "facebook") is None
    with pytest.raises(ValueError, match="at least one source"):
        run.require("")


def test_require_says_not_collected_in_either_language(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("websites", 2016)
    _provenance(run, ["twitter"])
    shown = run.require("web")
    assert shown.data == ("**Not collected for 2016:** the website crawl. This notebook has nothing "
                          "to analyse and writes no tables or figures; its remaining cells are skipped.")
    nl = helpers.start("survey", 2016, lang="nl")
    assert nl.require("survey", "web").data.startswith(
        "**Niet verzameld voor 2016:** de enquête onder medewerkers en de website-crawl.")


def test_a_skip_runs_no_later_cell_but_parameters_and_start_run_again():
    from IPython.core.interactiveshell import InteractiveShell

    from helpers.pipeline.context import clear_skip, skip_remaining_cells

    shell = InteractiveShell.instance()
    try:
        shell.run_cell("x = 1")
        assert skip_remaining_cells("skipped: not collected", shell=shell)
        shell.run_cell("x = 2\ny = x + 1")  # an analysis cell: skipped
        assert shell.user_ns["x"] == 1 and "y" not in shell.user_ns
        shell.run_cell("year = 2015  # a parameters cell still runs\nlang = 'en'")
        assert shell.user_ns["year"] == 2015
        shell.run_cell("z = 5 if True else 'helpers.start(' ")  # names it, so it runs
        assert shell.user_ns["z"] == 5
        clear_skip(shell)
        shell.run_cell("x = 3")
        assert shell.user_ns["x"] == 3
    finally:
        clear_skip(shell)
        InteractiveShell.clear_instance()


def test_start_ends_an_earlier_skip(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    from helpers.pipeline.context import skip_remaining_cells

    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    shell = InteractiveShell.instance()
    try:
        skip_remaining_cells("skipped", shell=shell)
        monkeypatch.setattr("helpers.pipeline.context._shell", lambda: shell)
        helpers.start("presence", 2016)
        shell.run_cell("w = 7")
        assert shell.user_ns["w"] == 7
    finally:
        InteractiveShell.clear_instance()


def test_explain_na_gives_na_records_their_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("response_time", 2016)
    run.record("n_questions", 12, "questions")
    run.record("km_median_hours", float("nan"), "hours", "Kaplan-Meier median")
    run.record("mean_hours", None, "hours")
    run.record("fastest", None, "gm_code", "NA: nobody has 20 questions")
    assert run.explain_na("") == 0
    assert run.explain_na("NA: none of the 12 questions was answered") == 2
    path = run.out / "records" / "response_time.json"
    stored = {r["name"]: r["note"] for r in json.loads(path.read_text())}
    assert stored == {
        "n_questions": "",
        "km_median_hours": "NA: none of the 12 questions was answered; Kaplan-Meier median",
        "mean_hours": "NA: none of the 12 questions was answered",
        "fastest": "NA: nobody has 20 questions",
    }
    assert run.explain_na("NA: other", names=["n_questions"]) == 0  # not NA: unchanged


# --- hand runs never pass for runner runs ---------------------------------------------------------
def _runner_year(root, year=2014, key="k" * 64):
    """A year folder as the runner leaves it: manifest (status ok), report page, index."""
    folder = root / "outputs" / str(year)
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(
        {"status": "ok", "key": key, "year": year,
         "parameters": {"03_interaction": {"min_base": 30}}}))
    (folder / "report.html").write_text("<html><body>\n<h1>Report</h1></body></html>")
    (root / "outputs" / "index.html").write_text("<html></html>")
    return folder


def test_hand_run_marks_the_year_stale_so_the_runner_redoes_it(tmp_path, monkeypatch, capsys):
    from helpers.pipeline import runner

    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    folder = _runner_year(tmp_path)
    assert runner.is_up_to_date(folder, "k" * 64)
    # the runner's own runs (run_dir set) and read-only notebooks change nothing
    helpers.start("interaction", 2014, run_dir="outputs/.2014.tmp-x")
    helpers.start("profile", 2014)
    assert json.loads((folder / "manifest.json").read_text())["status"] == "ok"
    # a hand run (JupyterLab, papermill without run_dir) writes to outputs/2014: stale
    helpers.start("interaction", 2014)
    assert "marked stale" in capsys.readouterr().out
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "stale" and manifest["status_before_hand_run"] == "ok"
    assert [r["notebook"] for r in manifest["hand_runs"]] == ["interaction"]
    assert manifest["parameters"] == {"03_interaction": {"min_base": 30}}  # kept, but flagged
    assert not runner.is_up_to_date(folder, "k" * 64)
    page = (folder / "report.html").read_text()
    assert page.count('id="stale-banner"') == 1 and "interaction was run by hand" in page
    index = (tmp_path / "outputs" / "index.html").read_text()
    assert "stale: interaction run by hand" in index
    # a second hand run adds its notebook; still one banner
    helpers.start("response_time", 2014)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [r["notebook"] for r in manifest["hand_runs"]] == ["interaction", "response_time"]
    assert manifest["status_before_hand_run"] == "ok"
    page = (folder / "report.html").read_text()
    assert page.count('id="stale-banner"') == 1 and "interaction, response_time was" in page


def test_hand_run_without_a_runner_manifest_marks_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("interaction", 2014)
    assert not (run.out / "manifest.json").exists()
    assert "stale" not in capsys.readouterr().out


def test_plain_papermill_hand_run_makes_the_runner_rerun(tmp_path, monkeypatch):
    """The issue's case: `papermill 03_interaction.ipynb out.ipynb -p min_base 200` after a run."""
    import nbformat
    import papermill

    from helpers.pipeline import runner

    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    folder = _runner_year(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    params = nbformat.v4.new_code_cell('year = 2014\nrun_dir = ""\nmin_base = 30')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "import helpers\nrun = helpers.start('interaction', year, run_dir)\n"
        "run.record('min_base', min_base, 'posts')")]
    src = tmp_path / "03_interaction.ipynb"
    nbformat.write(nb, src)
    papermill.execute_notebook(str(src), str(tmp_path / "out.ipynb"), parameters={"min_base": 200},
                               cwd=str(tmp_path), progress_bar=False, kernel_name="python3")
    assert json.loads((folder / "records" / "interaction.json").read_text())[0]["value"] == 200
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "stale"
    assert not runner.is_up_to_date(folder, "k" * 64)
