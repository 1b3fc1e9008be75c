"""Smoke test: the whole collection on a small demo year, through the batch runner, from a copy of the
project. Then, on the same outputs: the up-to-date skip; a scan of every file the run wrote for a
planted token and the survey's personal data; a run killed (SIGKILL) in the middle, which must leave
the earlier outputs intact; and a forced rerun that must give byte-identical tables and figures
(determinism) and remove the killed run's temporary folder.

The tests of this module run in file order and share one project folder.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from _project import copy_project

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = 30
TOKEN = "planted-secret-token-7f3a9c"


def _hashes(folder: Path, pattern: str) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.glob(pattern)) if p.is_file()}


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "helpers", "run", "--year", "2014", "-p", f"demo_sample={SAMPLE}",
            "--jobs", "2", *args]


def _env(root: Path) -> dict[str, str]:
    # a credential in the environment, as a collector would use it: it must not reach any output
    return {**os.environ, "ROEPTOETER_ROOT": str(root), "ROEPTOETER_MASTODON_TOKEN": TOKEN}


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(_command(*args), cwd=root, env=_env(root), capture_output=True, text=True,
                          timeout=900)


def _results(year: Path) -> dict[str, str]:
    return {**_hashes(year, "tables/*"), **_hashes(year, "figures/*"), **_hashes(year, "data/*"),
            **_hashes(year, "manifest.json"), **_hashes(year, "report.html")}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("smoke"))


@pytest.fixture(scope="module")
def first_run(project):
    done = _run(project)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_the_collection_runs_end_to_end_on_a_small_demo_year(project, first_run):
    year = project / "outputs" / "2014"
    manifest = json.loads((year / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert set(manifest["notebooks"]) == {
        "01_collect", "02_presence", "03_interaction", "04_response_time", "05_monitoring",
        "06_survey", "07_websites", "08_report", "09_platforms"}
    assert all(nb["status"] == "ok" for nb in manifest["notebooks"].values())
    assert manifest["inputs"], "the manifest lists the input files read, with their hashes"
    records = pd.read_csv(year / "tables" / "records.csv")
    counted = records.loc[records["name"] == "n_municipalities", "value"].astype(float)
    assert len(counted) >= 1 and (counted == SAMPLE).all()
    assert json.loads((year / "data" / "provenance.json").read_text())["demo"] is True
    report = (year / "report.html").read_text()
    assert "DEMO DATA" in report and "<img" in report
    assert (year / "tables" / "replication.csv").is_file()
    assert "2014" in (project / "outputs" / "index.html").read_text()
    assert list(year.glob("figures/*.png")) and list(year.glob("figures/*.svg"))
    # nothing left behind
    assert not [p for p in (project / "outputs").iterdir() if ".tmp-" in p.name]


def test_each_saved_figure_shows_once_in_its_notebook_as_the_file_written(project, first_run):
    """``run.save_figure`` shows the PNG it wrote and closes the figure: the executed notebook holds
    each figure once, byte for byte the file (the inline backend does not draw it a second time)."""
    year = project / "outputs" / "2014"
    nb = json.loads((year / "notebooks" / "02_presence.ipynb").read_text(encoding="utf-8"))
    source = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    saved = re.findall(r'run\.save_figure\(fig, "(\w+)"\)', source)
    assert saved == ["presence_by_platform", "presence_by_size_class"]
    shown = [base64.b64decode(out["data"]["image/png"]) for c in nb["cells"]
             for out in c.get("outputs", []) if "image/png" in out.get("data", {})]
    assert shown == [(year / "figures" / f"{name}.png").read_bytes() for name in saved]


def test_ranks_findings_and_p_values_agree_across_outputs(project, first_run, monkeypatch):
    """Every rank shown (tables, profiles) comes from the one ranking; every analysis notebook's
    finding reaches the report; no p-value is shown as 0."""
    from helpers.present import profiles

    monkeypatch.setenv("ROEPTOETER_ROOT", str(project))
    year = project / "outputs" / "2014"
    kf = profiles.key_figures(year, 2014).set_index("gm_code")
    def ranks(name: str) -> dict:
        table = pd.read_parquet(year / "tables" / f"{name}.parquet")
        table = table.set_index("gm_code") if "gm_code" in table.columns else table
        return table["rank"].astype(int).to_dict()


    assert kf["interaction_rank"].dropna().astype(int).to_dict() == ranks("interaction_ranking")
    assert kf["speed_rank"].dropna().astype(int).to_dict() == ranks("response_fastest")
    records = pd.read_csv(year / "tables" / "records.csv")
    found = set(records.loc[records["unit"] == "finding", "notebook"])
    assert found == {"collect", "presence", "interaction", "response_time", "monitoring", "survey",
                     "websites", "platforms"}
    report = (year / "report.html").read_text()
    for text in records.loc[records["unit"] == "finding", "value"]:
        first = text.split(". ")[0]
        assert first in report or html.escape(first) in report or html.escape(first, quote=False) in report
    assert "p = 0.0 " not in report and "p = 0 " not in report and "p=0.0 " not in report


def test_an_up_to_date_year_is_skipped_quickly(project, first_run):
    t0 = time.perf_counter()
    again = _run(project)
    elapsed = time.perf_counter() - t0
    assert again.returncode == 0
    assert "up to date" in again.stdout
    assert elapsed < 10  # the check itself takes milliseconds; this is process start-up


def test_no_output_holds_the_token_or_the_survey_personal_data(project, first_run):
    import pyreadstat

    sav = next((project / "data" / "raw" / "demo").glob("2014-*/survey/survey.sav"))
    raw, _ = pyreadstat.read_sav(sav)
    planted = {TOKEN}
    for col in ("naam", "email", "ip_address"):
        planted |= {str(v) for v in raw[col].dropna()}
    assert len(planted) > 10
    files = [p for p in (project / "outputs").rglob("*") if p.is_file()]
    assert len(files) > 50
    found = {(p.name, s) for p in files for s in planted if s.encode() in p.read_bytes()}
    assert found == set()
    # the scan can fail: the raw export does hold the names
    assert any(s.encode() in sav.read_bytes() for s in planted - {TOKEN})


def test_a_run_killed_midway_leaves_the_earlier_outputs_intact(project, first_run):
    outputs = project / "outputs"
    before = _results(outputs / "2014")
    proc = subprocess.Popen(_command("--force"), cwd=project, env=_env(project),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:  # wait until the collection has written in its tmp folder
            tmp = list(outputs.glob(".2014.tmp-*/data/provenance.json"))
            if tmp and list(outputs.glob(".2014.tmp-*/notebooks/0[2-7]_*.ipynb")):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the forced run never got past the collection")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the runner and its kernels, mid-notebook
        proc.wait(timeout=30)
    assert _results(outputs / "2014") == before
    assert list(outputs.glob(".2014.tmp-*")), "the killed run's temporary folder is left behind"
    index = (outputs / "index.html").read_text()
    assert "2014/report.html" in index and ".tmp-" not in index


def test_a_forced_rerun_gives_byte_identical_tables_and_figures(project, first_run):
    year = project / "outputs" / "2014"
    before = {**_hashes(year, "tables/*"), **_hashes(year, "figures/*"), **_hashes(year, "data/*")}
    rerun = _run(project, "--force")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    after = {**_hashes(year, "tables/*"), **_hashes(year, "figures/*"), **_hashes(year, "data/*")}
    assert len(before) > 20
    differing = sorted(k for k in before if before[k] != after.get(k))
    assert differing == []
    assert set(before) == set(after)
    # the folder left by the killed run was cleaned up, never taken for results
    assert not list((project / "outputs").glob(".2014.tmp-*"))
