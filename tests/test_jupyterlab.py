"""A real JupyterLab on loopback: the notebooks are listed and a python3 kernel started there runs in
the project's environment and imports ``helpers``.

The server runs headless on a free 127.0.0.1 port with a random token; it is always killed at the end,
and every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 90
EXECUTE_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """``(base_url, headers, token)`` of a running JupyterLab on the project root."""
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    env.pop("ROEPTOETER_ROOT", None)
    log = open(tmp_path / "lab.log", "wb")  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={ROOT}",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"token {token}"}
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited: {(tmp_path / 'lab.log').read_text()[-2000:]}")
            try:
                if requests.get(f"{base}/api/status", headers=headers, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"jupyter lab did not answer within {START_TIMEOUT_S} s")
            time.sleep(0.3)
        yield base, headers, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


async def _execute(url: str, code: str) -> tuple[str, list[str]]:
    """Run ``code`` over the kernel's websocket; returns (stdout, error lines)."""
    conn = await asyncio.wait_for(websocket_connect(url), timeout=30)
    session, msg_id = uuid.uuid4().hex, uuid.uuid4().hex
    conn.write_message(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": session,
                   "msg_type": "execute_request", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
    }))
    out, errors = [], []
    deadline = time.monotonic() + EXECUTE_TIMEOUT_S
    try:
        while True:
            raw = await asyncio.wait_for(conn.read_message(), deadline - time.monotonic())
            if raw is None:
                raise AssertionError("kernel websocket closed")
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out), errors
    finally:
        conn.close()


@pytest.mark.slow
def test_jupyterlab_lists_notebooks_and_runs_project_kernel(lab):
    base, headers, token = lab
    listing = requests.get(f"{base}/api/contents/notebooks", headers=headers, timeout=30)
    assert listing.status_code == 200
    listed = {item["name"] for item in listing.json()["content"] if item["type"] == "notebook"}
    assert listed == {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert requests.get(f"{base}/api/contents/notebooks", timeout=30).status_code == 403  # token

    kernel = requests.post(f"{base}/api/kernels", json={"name": "python3"}, headers=headers,
                           timeout=60)
    assert kernel.status_code == 201, kernel.text
    kid = kernel.json()["id"]
    try:
        ws = f"ws://127.0.0.1:{base.rsplit(':', 1)[1]}/api/kernels/{kid}/channels?token={token}"
        code = "import helpers, sys\nprint(sys.prefix)\nprint(helpers.__file__)"
        out, errors = asyncio.run(_execute(ws, code))
        assert errors == []
        prefix, helpers_file = out.strip().splitlines()
        assert prefix == sys.prefix
        assert Path(helpers_file).resolve() == ROOT / "src" / "helpers" / "__init__.py"
    finally:
        requests.delete(f"{base}/api/kernels/{kid}", headers=headers, timeout=30)
