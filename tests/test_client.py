"""The warm-kernel handshake (helpers.pipeline.client.wait_ready), on fake channels."""

from __future__ import annotations

import asyncio
from queue import Empty

import pytest

from helpers.pipeline import client


class _Channel:
    """Hands out queued messages; ``Empty`` when none is left (as a channel after its timeout)."""

    def __init__(self) -> None:
        self.queue: list[dict] = []

    async def get_msg(self, timeout: float | None = None) -> dict:
        if not self.queue:
            raise Empty
        return self.queue.pop(0)


class _Kernel:
    """A kernel client whose kernel answers ``kernel_info`` on shell, and on IOPub only from the
    ``iopub_from``-th request on (a subscription that is not live yet misses the earlier ones)."""

    def __init__(self, iopub_from: int = 1, alive: bool = True) -> None:
        self.shell_channel, self.iopub_channel = _Channel(), _Channel()
        self.sent: list[str] = []
        self.iopub_from, self.alive = iopub_from, alive

    def kernel_info(self) -> str:
        msg_id = f"info-{len(self.sent) + 1}"
        self.sent.append(msg_id)
        if not self.alive:
            return msg_id
        parent = {"msg_id": msg_id}
        self.shell_channel.queue.append({"parent_header": parent, "msg_type": "kernel_info_reply"})
        if len(self.sent) >= self.iopub_from:
            self.iopub_channel.queue += [
                {"parent_header": {"msg_id": "old"}, "msg_type": "status",
                 "content": {"execution_state": "idle"}},
                {"parent_header": parent, "msg_type": "status", "content": {"execution_state": "busy"}},
                {"parent_header": parent, "msg_type": "status", "content": {"execution_state": "idle"}},
            ]
        return msg_id

    async def is_alive(self) -> bool:
        return self.alive


def test_ready_after_one_request_when_iopub_is_live():
    kc = _Kernel()
    asyncio.run(client.wait_ready(kc, timeout=5))
    assert kc.sent == ["info-1"]


def test_an_idle_missed_on_iopub_sends_the_request_again(monkeypatch):
    monkeypatch.setattr(client, "STEP_S", 0.01)
    kc = _Kernel(iopub_from=3)  # the subscription becomes live at the third request
    asyncio.run(client.wait_ready(kc, timeout=5))
    assert kc.sent == ["info-1", "info-2", "info-3"]


def test_a_dead_kernel_is_reported(monkeypatch):
    monkeypatch.setattr(client, "STEP_S", 0.01)
    with pytest.raises(RuntimeError, match="died"):
        asyncio.run(client.wait_ready(_Kernel(alive=False), timeout=5))


def test_papermill_connects_through_the_warm_handshake():
    # nbclient binds its synchronous wrapper to its own coroutine: the subclass must rebind it
    assert client.WarmClient.start_new_kernel_client is not \
        client.PapermillNotebookClient.start_new_kernel_client
