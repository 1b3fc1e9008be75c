"""The notebook run context: where results go, recorded numbers, tables, demo flag and mark."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import helpers
from helpers.paths import inside_project, project_root


def test_start_in_run_dir_writes_there(tmp_path, monkeypatch):
    monkeypatch.setenv("ROEPTOETER_ROOT", str(tmp_path))
    run = helpers.start("presence", 2014, run_dir="outputs/.2014.tmp-x")
    assert run.out == tmp_path / "outputs" / ".2014.tmp-x"
    default = helpers.start("presence", 2014)
    assert default.out == tmp_path / "outputs" / "2014"


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
