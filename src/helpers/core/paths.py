"""Project paths, resolved from the project root — never from the current directory.

JupyterLab starts kernels in the notebook's folder, papermill in the caller's; both must see the same
files, so every path in the collection is built here from :func:`project_root`.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variable that points the collection at another project root (used by tests that run
#: the whole collection in a temporary copy).
ROOT_ENV = "ROEPTOETER_ROOT"


def project_root() -> Path:
    """The project root: ``$ROEPTOETER_ROOT`` if set, else the folder holding ``pyproject.toml``.

    Returns
    -------
    Path
        Absolute path of the root folder.
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    raise RuntimeError(
        f"cannot find the project root above {here}; set {ROOT_ENV} to the folder with pyproject.toml"
    )


def reference_dir() -> Path:
    """``data/reference/``: the shipped register, population, codebook and rule sets."""
    return project_root() / "data" / "reference"


def raw_dir(year: int) -> Path:
    """``data/raw/<year>/``: real raw inputs as received; never modified by the collection."""
    return project_root() / "data" / "raw" / str(year)


def demo_raw_dir(year: int, seed: int, sample: int = 0, scale: float = 1.0) -> Path:
    """``data/raw/demo/<year>-s<seed>[...]/``: raw files written by the demo generator.

    The folder name holds every argument the generator's output depends on, so two settings never
    share a folder.
    """
    name = f"{year}-s{seed}"
    if sample:
        name += f"-n{sample}"
    if scale != 1.0:
        name += f"-x{scale:g}"
    return project_root() / "data" / "raw" / "demo" / name


def outputs_dir() -> Path:
    """``outputs/``: every year's results, the index page and the trends."""
    return project_root() / "outputs"


def notebooks_dir() -> Path:
    """``notebooks/``: the collection's parameterized notebooks (committed without outputs)."""
    return project_root() / "notebooks"


def year_dir(year: int, run_dir: str | os.PathLike[str] = "") -> Path:
    """Where a notebook writes the results of ``year``.

    Parameters
    ----------
    year : int
        The study year.
    run_dir : str or path, optional
        Set by the batch runner to its temporary sibling folder (``outputs/.<year>.tmp-…``), so that a
        run replaces ``outputs/<year>/`` only when every notebook succeeded. Empty (the default in
        JupyterLab) means ``outputs/<year>/`` itself. Must lie inside the project.

    Returns
    -------
    Path
        The folder (not created).
    """
    if not run_dir:
        return outputs_dir() / str(year)
    return inside_project(run_dir, what="run_dir")


def inside_project(path: str | os.PathLike[str], *, what: str = "path") -> Path:
    """Resolve ``path`` against the project root and refuse anything outside the project.

    Raises
    ------
    ValueError
        If the resolved path is not inside the project root; the message names the parameter.
    """
    root = project_root()
    p = Path(path)
    p = (p if p.is_absolute() else root / p).resolve()
    if p != root and root not in p.parents:
        raise ValueError(
            f"{what}={str(path)!r} resolves to {p}, outside the project {root}; "
            "give a path inside the project (for example data/raw/2014)"
        )
    return p


def is_hidden(path: Path, folder: Path) -> bool:
    """True when ``path`` (inside ``folder``) is hidden or lies in a hidden or cache folder.

    Hidden means a name starting with ``.`` (``.ipynb_checkpoints/``, ``.DS_Store``, ``._x.csv``,
    ``.~lock.x.csv#``) or ``__pycache__``, for any part of the path below ``folder``. This is the one
    predicate by which every importer and the up-to-date key skip such files, so that what the key
    sees is what the collection reads.
    """
    rel = Path(path).relative_to(folder)
    return any(part.startswith(".") or part == "__pycache__" for part in rel.parts)


def visible_files(folder: Path, pattern: str = "**/*") -> list[Path]:
    """The files under ``folder`` matching ``pattern``, hidden ones left out (:func:`is_hidden`), sorted.

    A missing folder gives an empty list.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.glob(pattern)) if p.is_file() and not is_hidden(p, folder)]
