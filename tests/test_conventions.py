"""Project conventions: licence, citation metadata, pre-commit hooks, ``roeptoeter list``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from helpers import cli
from helpers.pipeline.notebook_params import parameter_help
from helpers.pipeline.runner import Project, describe

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "runner"


def test_license_is_mit_for_the_contributors() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 Roeptoeter contributors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text
    assert "Code: MIT" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_citation_cff_has_the_required_keys_and_cites_the_2014_studies() -> None:
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    # Required keys of CFF 1.2.0 for the top level, and for each reference.
    assert {"cff-version", "message", "title", "authors"} <= set(cff)
    assert cff["cff-version"] == "1.2.0"
    assert cff["type"] == "software" and cff["license"] == "MIT"
    assert all("name" in a or "family-names" in a for a in cff["authors"])
    version = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), re.M)
    assert version is not None and str(cff["version"]) == version.group(1)
    refs = cff["references"]
    for ref in refs:
        assert {"type", "title", "authors"} <= set(ref)
        assert ref["year"] == 2014
        assert "doi" not in ref and "url" not in ref  # none verified: none given
    names = {a["name"] for ref in refs for a in ref["authors"]}
    assert {"GemeenteBuzz", "Socialmediameetlat.nl", "SIM groep"} <= names


def test_pre_commit_runs_ruff_and_nbstripout_at_the_locked_ruff_version() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: repo for repo in config["repos"] for h in repo["hooks"]}
    assert set(hooks) == {"ruff", "nbstripout"}
    locked = re.search(r"^ruff==(\S+)$", (ROOT / "requirements.lock").read_text(), re.M)
    assert locked is not None and hooks["ruff"]["rev"] == f"v{locked.group(1)}"
    assert re.fullmatch(r"\d+\.\d+\.\d+", hooks["nbstripout"]["rev"])


def _notebook(path: Path, source: str) -> None:
    cell = {"id": "params", "cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": source,
            "outputs": [], "execution_count": None}
    nb = {"cells": [cell], "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                                      "display_name": "Python 3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_parameter_help_is_the_comment_beside_each_parameter(tmp_path: Path) -> None:
    nb = tmp_path / "x.ipynb"
    _notebook(nb, 'year = 2014  # study year\nlang = "en"\ntop = 20  # bars shown, largest first\n')
    assert parameter_help(nb) == {"year": "study year", "lang": "", "top": "bars shown, largest first"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "notebooks", root / "notebooks")
    shutil.copy(FIXTURES / "pipeline.yaml", root / "notebooks" / "pipeline.yaml")
    _notebook(root / "notebooks" / "trends.ipynb", 'years = ""  # years to compare; empty: all run\n')
    monkeypatch.setenv("ROEPTOETER_ROOT", str(root))
    return Project.at(root)


def test_list_shows_descriptions_and_the_notebooks_beside_the_pipeline(project, capsys) -> None:
    items = describe(project)
    assert [i["notebook"] for i in items if not i["pipeline"]] == ["trends"]  # no profile file here
    assert items[-1]["help"] == {"years": "years to compare; empty: all run"}
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "trends  (not part of the per-year pipeline: run after the years" in out
    assert "    years = ''  (str)  # years to compare; empty: all run" in out


def test_real_notebooks_are_all_listed() -> None:
    names = [i["notebook"] for i in describe(Project.at(ROOT))]
    assert names[:1] == ["01_collect"] and names[-2:] == ["trends", "profile"]
    assert len(names) == len(set(names))
    assert {"02_presence", "08_report"} <= set(names)
