"""Stopping a run: Ctrl-C stops the kernels at once; a killed runner leaves no kernel and no socket folder.

Real kernels (forked from the fork server) in a toy project whose one notebook sleeps for ten minutes.
The waits below are generous upper bounds for "stops without waiting for the notebook", not
performance targets.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.slow

SLEEPER = """\
import json, os, sys, time
from pathlib import Path
marker = Path(run_dir) / "started.json"
marker.write_text(json.dumps({"pid": os.getpid(), "argv": sys.argv}))
time.sleep(600)
"""


def sleeper_project(root: Path) -> Path:
    """A project with one notebook, ``sleep``, that writes its pid and argv, then sleeps."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('year = 2014\nrun_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Sleeps"), params, nbformat.v4.new_code_cell(SLEEPER)]
    (root / "notebooks").mkdir(parents=True)
    nbformat.write(nb, root / "notebooks" / "sleep.ipynb")
    (root / "notebooks" / "pipeline.yaml").write_text("notebooks:\n  sleep: []\n")
    (root / "data" / "reference").mkdir(parents=True)
    (root / "data" / "reference" / "toy.csv").write_text("a\n1\n")
    (root / "pyproject.toml").write_text("[project]\nname = 'toy'\n")
    (root / "requirements.lock").write_text("")
    return root


def _as_at_a_terminal() -> None:
    """Ctrl-C as a user at a terminal has it: a job started in the background by a
    non-interactive shell (as CI may start the tests) inherits SIGINT *ignored*."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_run(root: Path) -> tuple[subprocess.Popen, dict]:
    """``roeptoeter run`` in ``root``; returns the process and the kernel's marker once it sleeps."""
    env = {**os.environ, "ROEPTOETER_ROOT": str(root)}
    proc = subprocess.Popen([sys.executable, "-m", "helpers", "run", "--year", "2014", "--jobs", "1"],
                            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_as_at_a_terminal)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        found = list((root / "outputs").glob(".2014.tmp-*/started.json"))
        if found:
            return proc, json.loads(found[0].read_text())
        if proc.poll() is not None:
            raise AssertionError(f"run ended early: {proc.communicate()}")
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("the kernel did not start within 180 s")


def gone(pid: int, within_s: float) -> bool:
    """True when process ``pid`` has ended within ``within_s`` seconds."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def pool_folder(marker: dict) -> Path:
    """The kernel pool's private folder: where the kernel's connection file is."""
    argv = marker["argv"]
    return Path(argv[argv.index("-f") + 1]).parent


def test_ctrl_c_stops_the_kernel_at_once_and_keeps_outputs_untouched(tmp_path):
    root = sleeper_project(tmp_path / "proj")
    proc, marker = start_run(root)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)  # the notebook would sleep for 600 s
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err and "KeyboardInterrupt" not in err
    assert gone(marker["pid"], 10)
    assert not pool_folder(marker).exists()
    assert not (root / "outputs" / "2014").exists()


def test_a_killed_runner_leaves_no_kernel_and_no_socket_folder(tmp_path):
    root = sleeper_project(tmp_path / "proj")
    proc, marker = start_run(root)
    folder = pool_folder(marker)
    assert folder.is_dir()
    proc.kill()  # SIGKILL: the runner cleans nothing up itself
    proc.communicate(timeout=30)
    assert gone(marker["pid"], 20)  # the fork server notices, then its kernels
    deadline = time.monotonic() + 20
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not folder.exists()
