"""The layers hold: import-linter's contract (pyproject.toml) is kept, and no module imports in a circle.

``make lint`` runs the same contract; this test makes ``make test`` fail too when a change breaks a
layer, so CI catches it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def test_layer_contract_is_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def test_no_import_circles_between_modules():
    graph = grimp.build_graph("helpers", cache_dir=None)
    modules = sorted(m for m in graph.modules if m != "helpers")
    circles = []
    for module in modules:
        for other in graph.find_modules_directly_imported_by(module):
            if other != module and other != "helpers" and graph.chain_exists(
                    importer=other, imported=module, as_packages=False):
                circles.append((module, other))
    assert circles == []
