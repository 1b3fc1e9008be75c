"""Smoke test: the whole collection on a small demo year, through the batch runner, from a copy of the
project — then the up-to-date skip, and a forced rerun that must give byte-identical tables and
figures (determinism).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = 30


def _hashes(folder: Path, pattern: str) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.glob(pattern)) if p.is_file()}


def _run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**__import__("os").environ, "ROEPTOETER_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "helpers", "run", "--year", "2014", "-p", f"demo_sample={SAMPLE}",
         "--jobs", "2", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=900,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("smoke")
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    return root


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
        "06_survey", "07_websites", "08_report"}
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


def test_an_up_to_date_year_is_skipped_quickly(project, first_run):
    t0 = time.perf_counter()
    again = _run(project)
    elapsed = time.perf_counter() - t0
    assert again.returncode == 0
    assert "up to date" in again.stdout
    assert elapsed < 10  # the check itself takes milliseconds; this is process start-up


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
