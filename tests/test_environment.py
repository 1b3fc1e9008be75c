"""environment.yml (conda-forge) names the same direct dependencies, at the same versions, as the lock."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: conda-forge package names that differ from the PyPI name.
CONDA_TO_PYPI = {"mastodon.py": "mastodon-py", "python-duckdb": "duckdb"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _direct_deps() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = meta["dependencies"] + [d for ds in meta["optional-dependencies"].values() for d in ds]
    return {_norm(re.split(r"[<>=!~\[; ]", s, maxsplit=1)[0]) for s in specs}


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if m:
            pins[_norm(m.group(1))] = m.group(2)
    return pins


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep["pip"]:
                if "==" in spec:
                    name, ver = spec.split("==")
                    pins[_norm(name)] = ver
            continue
        if "=" not in dep:
            continue
        name, ver = dep.split("=", 1)
        if name in ("python",):
            continue
        pins[_norm(CONDA_TO_PYPI.get(name, name))] = ver.lstrip("=")
    return pins


def test_environment_names_every_direct_dependency_and_nothing_else():
    assert set(_environment()) == _direct_deps()


def test_environment_versions_match_the_lock():
    lock, env = _lock(), _environment()
    mismatched = {n: (v, lock.get(n)) for n, v in env.items() if lock.get(n) != v}
    assert mismatched == {}


def test_environment_installs_the_project_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
