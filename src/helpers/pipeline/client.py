"""papermill's notebook client for a kernel that is already running: it connects without
jupyter_client's fixed wait.

Before the first cell, nbclient connects a client to the kernel and calls jupyter_client's
``wait_for_ready``. That call ends by reading the kernel's IOPub channel until it stays quiet for
0.2 s, so every notebook, and every profile page on a reused kernel, starts 0.2 s late with
the kernel idle. For 403 profile pages that is 80 kernel-seconds; for a year's notebooks, 2 s.

:class:`WarmClient` checks readiness as the handshake needs: a ``kernel_info`` reply on the shell
channel, then the same request's ``idle`` status on IOPub. The second step proves that the
IOPub subscription is live, so the first cell's outputs cannot be lost.

Must not import: the runner, the report or the command line.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_core.utils import ensure_async, run_sync
from nbclient.util import run_hook
from papermill.clientwrap import PapermillNotebookClient

#: Longest wait, in seconds, for one reply before the request is sent again.
STEP_S = 0.5


async def wait_ready(kc: Any, timeout: float) -> None:
    """Return once the kernel behind ``kc`` answers ``kernel_info`` on the shell channel and
    reports that request's ``idle`` status on IOPub.

    Raises
    ------
    RuntimeError
        When it does not within ``timeout`` seconds, or the kernel died.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg_id = kc.kernel_info()
        if await _reply(kc.shell_channel, msg_id, deadline) and await _idle(kc.iopub_channel,
                                                                             msg_id, deadline):
            return
        if not await ensure_async(kc.is_alive()):
            raise RuntimeError("the kernel died before it was ready")
    raise RuntimeError(f"the kernel did not answer within {timeout:g} s")


async def _reply(channel: Any, msg_id: str, deadline: float) -> bool:
    """True once ``channel`` delivers the reply to ``msg_id``; False after :data:`STEP_S`."""
    return await _first(channel, deadline, lambda msg: _parent(msg) == msg_id)


async def _idle(channel: Any, msg_id: str, deadline: float) -> bool:
    """True once IOPub reports ``idle`` for ``msg_id``; False after :data:`STEP_S`."""
    return await _first(channel, deadline, lambda msg: (
        _parent(msg) == msg_id and msg.get("msg_type") == "status"
        and msg.get("content", {}).get("execution_state") == "idle"))


def _parent(msg: dict) -> Any:
    return msg.get("parent_header", {}).get("msg_id")


async def _first(channel: Any, deadline: float, wanted: Any) -> bool:
    """True once ``channel`` delivers a message ``wanted`` accepts (others are dropped, as nbclient
    drops messages of other requests); False after :data:`STEP_S` or at ``deadline``."""
    step_end = min(deadline, time.monotonic() + STEP_S)
    while (left := step_end - time.monotonic()) > 0:
        try:
            msg = await ensure_async(channel.get_msg(timeout=left))
        except Empty:
            return False
        if wanted(msg):
            return True
    return False


class WarmClient(PapermillNotebookClient):
    """papermill's nbclient subclass, connecting through :func:`wait_ready`."""

    async def async_start_new_kernel_client(self) -> Any:
        """Connect a client to the running kernel (as nbclient does, without the quiet wait)."""
        assert self.km is not None
        try:
            self.kc = self.km.client()
            await ensure_async(self.kc.start_channels())
            await wait_ready(self.kc, float(self.startup_timeout))
        except Exception:
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    #: papermill connects through the synchronous wrapper, which nbclient binds to its own method
    start_new_kernel_client = run_sync(async_start_new_kernel_client)
