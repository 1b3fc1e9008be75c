"""The loopback fake servers of ``tests/fixtures/<platform>/server.py`` (Mastodon, Bluesky).

The fixture folders are not packages, so each server module is loaded by its file path, once, and
shared by every test that needs it.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def server_module(platform: str) -> ModuleType:
    """The module ``tests/fixtures/<platform>/server.py`` (loaded on first use)."""
    name = f"fake_{platform}_server"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FIXTURES / platform / "server.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


FakeMastodon = server_module("mastodon").FakeMastodon
FakeBluesky = server_module("bluesky").FakeBluesky
