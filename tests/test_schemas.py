"""The data dictionary (data/README.md) lists exactly the columns of every tidy table's schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.core.schemas import SCHEMA_LOCATIONS, schema

README = Path(__file__).resolve().parents[1] / "data" / "README.md"


def _documented() -> dict[str, list[str]]:
    tables: dict[str, list[str]] = {}
    current = None
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            head = re.match(r"^## (\w+)\s*$", line)
            current = head.group(1) if head else None  # other sections are prose, not tables
            if current:
                tables[current] = []
            continue
        cell = re.match(r"^\| ([a-z_0-9]+) \|", line)
        if current and cell and cell.group(1) != "column":
            tables[current].append(cell.group(1))
    return tables


@pytest.mark.parametrize("name", sorted(SCHEMA_LOCATIONS))
def test_dictionary_matches_schema(name):
    documented = _documented()
    assert name in documented, f"data/README.md has no section '## {name}'"
    named = [c for c, col in schema(name).columns.items() if not col.regex]
    assert documented[name] == named, name
    # columns matched by a pattern (extra survey items of a local codebook) are described in prose
    for col in schema(name).columns.values():
        if col.regex:
            section = README.read_text(encoding="utf-8").split(f"## {name}\n", 1)[1]
            assert "`<prefix>_<key>`" in section.split("\n## ", 1)[0], name
