"""What a year folder says about itself (demo or not, when it ran), read leniently, and pages written
atomically into it.

Must not import: :mod:`helpers.pipeline`, :mod:`helpers.cli` or another module of
:mod:`helpers.present.report`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from helpers.core import io


def _write_text(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically, readable by everyone (pages are meant to be shared)."""
    path = Path(path)
    with io.atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
    return path


# --- provenance -----------------------------------------------------------------------------------
def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from ``path``, or ``{}`` when the file is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_demo(folder: Path) -> bool:
    """True when a year folder was built from demo data (its ``data/provenance.json`` or manifest)."""
    folder = Path(folder)
    provenance = read_json(folder / "data" / "provenance.json")
    if "demo" in provenance:
        return bool(provenance["demo"])
    manifest = read_json(folder / "manifest.json")
    if "demo" in manifest:
        return bool(manifest["demo"])
    return bool(manifest.get("provenance", {}).get("demo", False))


def run_date(manifest: Mapping[str, Any]) -> str:
    """When a year's run finished: the latest notebook ``end`` time of the manifest (ISO, UTC).

    Falls back to a top-level ``finished``/``end``/``date``; empty when the manifest has none.
    """
    ends = [
        str(info.get("end"))
        for info in (manifest.get("notebooks") or {}).values()
        if isinstance(info, Mapping) and info.get("end")
    ]
    if ends:
        return max(ends)
    for key in ("finished", "end", "date", "run_date"):
        if manifest.get(key):
            return str(manifest[key])
    return ""


def _year_folders(outputs: Path) -> list[Path]:
    return sorted(
        (p for p in outputs.iterdir() if p.is_dir() and p.name.isdigit()),
        key=lambda p: int(p.name),
        reverse=True,
    )
