"""The provenance manifest of a year's run (``outputs/<year>/manifest.json``) and the up-to-date key.

The manifest says what produced the results: the parameters of each notebook, the git commit (and
whether the working tree had uncommitted changes), the Python and package versions, the SHA-256 of the
lock file and of every input file read, and per notebook its start, end, duration and status. Apart
from the times it is deterministic: keys are sorted and no absolute paths are stored.

The *up-to-date key* is a SHA-256 over everything a year's results depend on; a year whose manifest
has status ``ok`` and the same key is skipped by the runner.
"""

from __future__ import annotations

import hashlib
import json
import platform
import subprocess
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from helpers.core.paths import is_hidden, visible_files  # noqa: F401  (re-exported)

MANIFEST = "manifest.json"
LOCK_FILE = "requirements.lock"
#: Packages whose versions the manifest records.
KEY_PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "papermill",
    "pandera",
    "pyarrow",
)
#: Bumped when the manifest's layout changes.
SCHEMA_VERSION = 1


def sha256_bytes(data: bytes) -> str:
    """SHA-256 of ``data`` as hex."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes as hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def tree_hashes(folder: Path, pattern: str = "**/*", *, relative_to: Path | None = None) -> dict:
    """``{relative path: sha256}`` of the files under ``folder`` matching ``pattern`` (sorted).

    Paths are POSIX-style and relative to ``relative_to`` (default ``folder``); ``__pycache__`` and
    hidden files and folders are skipped (:func:`is_hidden`). A missing folder gives an empty mapping.
    """
    folder = Path(folder)
    base = Path(relative_to) if relative_to is not None else folder
    return {p.relative_to(base).as_posix(): sha256_file(p) for p in visible_files(folder, pattern)}


def notebook_source_hash(path: Path) -> str:
    """SHA-256 of a notebook's cell types and sources only: outputs, counts and metadata stripped.

    Opening and saving a notebook in JupyterLab, or running it, does not change this hash; editing a
    cell does.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = []
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        tags = sorted(cell.get("metadata", {}).get("tags", []))
        cells.append([cell.get("cell_type"), tags, source])
    return sha256_bytes(json.dumps(cells, ensure_ascii=False).encode("utf-8"))


def up_to_date_key(
    notebook_hashes: Mapping[str, str],
    helper_hashes: Mapping[str, str],
    lock_hash: str | None,
    reference_hashes: Mapping[str, str],
    raw_hashes: Mapping[str, str],
    parameters: Mapping[str, Mapping[str, Any]],
) -> str:
    """SHA-256 over everything a year's results depend on.

    Parameters
    ----------
    notebook_hashes : mapping
        ``{notebook: notebook_source_hash}`` of the notebooks of the run.
    helper_hashes : mapping
        ``{relative path: sha256}`` of the ``helpers`` package's ``.py`` files.
    lock_hash : str or None
        SHA-256 of ``requirements.lock`` (``None`` when there is none).
    reference_hashes, raw_hashes : mapping
        ``{relative path: sha256}`` of ``data/reference/`` and of ``data/raw/<year>/``.
    parameters : mapping
        The effective parameters per notebook (``run_dir`` left out).

    Returns
    -------
    str
        64 hex digits; equal inputs give equal keys, whatever the order of the mappings.
    """
    blob = {
        "schema": SCHEMA_VERSION,
        "notebooks": dict(sorted(notebook_hashes.items())),
        "helpers": dict(sorted(helper_hashes.items())),
        "lock": lock_hash,
        "reference": dict(sorted(reference_hashes.items())),
        "raw": dict(sorted(raw_hashes.items())),
        "parameters": {k: dict(sorted(v.items())) for k, v in sorted(parameters.items())},
    }
    text = json.dumps(blob, sort_keys=True, ensure_ascii=False, default=str)
    return sha256_bytes(text.encode("utf-8"))


def git_state(root: Path) -> dict[str, Any]:
    """``{"commit": sha or None, "dirty": bool or None}`` of the project's git working tree.

    ``None`` values when git is not installed or ``root`` is not a git checkout. ``dirty`` means a
    tracked file has uncommitted changes; untracked files (outputs, raw data) do not count.
    """
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit or None, "dirty": bool(status.strip())}


def package_versions(names: Iterable[str] = KEY_PACKAGES) -> dict[str, str | None]:
    """Installed versions of ``names`` (``None`` for a package that is not installed)."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def environment(root: Path) -> dict[str, Any]:
    """The parts of the manifest that describe the software: git, Python, packages, lock hash."""
    lock = Path(root) / LOCK_FILE
    return {
        "git": git_state(root),
        "python": platform.python_version(),
        "packages": package_versions(),
        "lock_sha256": sha256_file(lock) if lock.is_file() else None,
    }


def build_manifest(
    *,
    year: int,
    key: str,
    status: str,
    parameters: Mapping[str, Mapping[str, Any]],
    notebooks: Mapping[str, Mapping[str, Any]],
    env: Mapping[str, Any],
    inputs: Mapping[str, str],
    records: list[dict[str, Any]],
) -> dict[str, Any]:
    """Assemble the manifest of one year's run (see the module docstring for the meaning).

    ``notebooks`` maps each notebook to ``{"start", "end", "duration_s", "status"}`` (ISO 8601 UTC
    times, seconds); ``inputs`` maps each input file read (relative path) to its SHA-256.
    """
    return {
        "schema": SCHEMA_VERSION,
        "year": int(year),
        "status": status,
        "key": key,
        "parameters": {k: dict(sorted(v.items())) for k, v in sorted(parameters.items())},
        "notebooks": {k: dict(v) for k, v in sorted(notebooks.items())},
        **{k: env[k] for k in sorted(env)},
        "inputs": dict(sorted(inputs.items())),
        "records": records,
    }


def build_trends_manifest(
    *,
    key: str,
    year_manifests: Mapping[str, Path],
    env: Mapping[str, Any],
    duration_s: float,
) -> dict[str, Any]:
    """The manifest of a trends run (``outputs/trends/manifest.json``): the same provenance as a year.

    Parameters
    ----------
    key : str
        The trends up-to-date key (notebook, helpers and every year manifest hashed).
    year_manifests : mapping
        ``{year: path of outputs/<year>/manifest.json}`` of the years the trends read.
    env : mapping
        :func:`environment`: git commit, Python, package versions, lock hash.
    duration_s : float
        Wall time of the trends notebook, seconds.

    Returns
    -------
    dict
        ``status`` (``ok``), ``key``, ``years``, ``year_manifests`` (per year: SHA-256 of the
        manifest read, its status, key and git commit), the ``env`` entries and ``duration_s``.
    """
    read: dict[str, Any] = {}
    for year, path in sorted(year_manifests.items()):
        year_manifest = read_manifest(Path(path).parent) or {}
        read[str(year)] = {
            "path": f"{year}/{MANIFEST}",
            "sha256": sha256_file(Path(path)),
            "status": year_manifest.get("status"),
            "key": year_manifest.get("key"),
            "git_commit": (year_manifest.get("git") or {}).get("commit"),
        }
    return {
        "schema": SCHEMA_VERSION,
        "status": "ok",
        "key": key,
        "years": sorted(read),
        "year_manifests": read,
        **{k: env[k] for k in sorted(env)},
        "duration_s": float(duration_s),
    }


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``<folder>/manifest.json`` (sorted keys, UTF-8, trailing newline)."""
    path = Path(folder) / MANIFEST
    text = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of a year folder, or ``None`` when it is missing or unreadable."""
    path = Path(folder) / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
