"""A throwaway copy of the project for tests that run the collection or its command line.

``copy_project(root)`` lays out what a run needs (the notebooks, the shipped reference data, the
files of the up-to-date key) in ``root``; tests then point ``ROEPTOETER_ROOT`` at it, so a run never
touches the checkout's ``outputs/`` or ``data/raw/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_project(root: Path, *, raw: dict[str, Path] | None = None) -> Path:
    """Copy notebooks, ``data/reference`` and the key files into ``root``; returns ``root``.

    Parameters
    ----------
    root : Path
        The new project root (created when missing).
    raw : dict, optional
        Year (as text) -> a folder copied to ``data/raw/<year>/``.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for name in ("pyproject.toml", "requirements.lock"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(ROOT / "data" / "reference", root / "data" / "reference")
    for year, folder in (raw or {}).items():
        shutil.copytree(folder, root / "data" / "raw" / str(year))
    return root


def toy_project(root: Path) -> Path:
    """A throwaway project with the runner's toy notebooks (``load -> double -> check``), a pipeline,
    one reference file and a lock file, in ``root``; returns ``root``."""
    fixtures = ROOT / "tests" / "fixtures" / "runner"
    root = Path(root)
    shutil.copytree(fixtures / "notebooks", root / "notebooks")
    shutil.copy(fixtures / "pipeline.yaml", root / "notebooks" / "pipeline.yaml")
    (root / "data" / "reference").mkdir(parents=True)
    (root / "data" / "reference" / "toy.csv").write_text("a,b\n1,2\n")
    (root / "pyproject.toml").write_text("[project]\nname = 'toy'\n")
    (root / "requirements.lock").write_text("pandas==3.1.1\n")
    return root
