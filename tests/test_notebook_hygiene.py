"""The collection's notebooks are committed clean and follow the notebook conventions.

For every ``notebooks/*.ipynb``: no outputs or execution counts, kernelspec ``python3``, a markdown
cell first, then one code cell tagged ``parameters`` whose defaults are literals that work as they
are in JupyterLab (``year``, ``run_dir = ""``). Every notebook of ``notebooks/pipeline.yaml`` exists;
notebooks outside the pipeline (profiles, trends) are allowed, and a multi-year one may declare
``years`` instead of ``year`` (the runner passes ``year`` only to pipeline notebooks).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.core.years import FIRST_YEAR, LAST_YEAR
from helpers.pipeline.params import parameters_cell, parse_defaults
from helpers.pipeline.runner import load_pipeline

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _pipeline_names() -> set[str]:
    try:
        return set(load_pipeline(NOTEBOOKS / "pipeline.yaml"))
    except ValueError:
        return set()


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def test_pipeline_notebooks_exist():
    pipeline = load_pipeline(NOTEBOOKS / "pipeline.yaml")
    assert pipeline, "the pipeline lists no notebooks"
    missing = [name for name in pipeline if not (NOTEBOOKS / f"{name}.ipynb").is_file()]
    assert not missing, f"listed in pipeline.yaml but missing: {missing}"


@pytest.fixture(params=PATHS, ids=[p.stem for p in PATHS])
def notebook(request) -> tuple[str, dict]:
    return request.param.stem, json.loads(request.param.read_text(encoding="utf-8"))


def test_committed_without_outputs(notebook):
    name, nb = notebook
    assert nb.get("nbformat") == 4
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{name} cell {i} has outputs"
            assert cell.get("execution_count") is None, f"{name} cell {i} has an execution count"
        tags = cell.get("metadata", {}).get("tags", [])
        assert "injected-parameters" not in tags, f"{name}: papermill's injected cell committed"
    assert "papermill" not in nb.get("metadata", {}), f"{name}: an executed notebook was committed"


def test_kernelspec_is_python3(notebook):
    name, nb = notebook
    spec = nb.get("metadata", {}).get("kernelspec", {})
    assert spec.get("name") == "python3", f"{name}: kernelspec {spec.get('name')!r}"
    assert spec.get("language", "python") == "python"


def test_markdown_first_then_parameters_cell(notebook):
    name, nb = notebook
    cells = nb["cells"]
    assert len(cells) >= 3
    assert cells[0]["cell_type"] == "markdown" and _source(cells[0]).strip()
    assert cells[1]["cell_type"] == "code"
    assert "parameters" in cells[1].get("metadata", {}).get("tags", []), (
        f"{name}: the second cell must be the code cell tagged 'parameters'")
    tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{name}: {len(tagged)} cells tagged 'parameters'"
    assert parameters_cell(nb) is cells[1]


def test_parameter_defaults_work_as_they_are(notebook):
    name, nb = notebook
    defaults = parse_defaults(_source(nb["cells"][1]), notebook=name)  # literals only
    if name in _pipeline_names() or "years" not in defaults:
        assert isinstance(defaults.get("year"), int) and not isinstance(defaults["year"], bool), (
            f"{name}: the parameters cell needs an integer default for year")
        assert FIRST_YEAR <= defaults["year"] <= LAST_YEAR
    assert defaults.get("run_dir") == "", f"{name}: run_dir must default to '' (outputs/<year>)"
    if "lang" in defaults:
        assert defaults["lang"] in ("en", "nl")
