"""Shared helpers for the jupyter_client protocol checks: start a replab kernel from its
kernelspec (JUPYTER_PATH points at a fresh `replab install --prefix`), run requests with
deadlines, and collect the iopub messages that belong to one request."""
from __future__ import annotations

import os
import time
import unittest
from typing import Any

import zmq
from jupyter_client.manager import KernelManager

# Deadlines are hang guards only: every wait below returns as soon as its message arrives.
DEADLINE = float(os.environ.get("REPLAB_TEST_DEADLINE", "60"))

Msg = dict[str, Any]


class KernelCase(unittest.TestCase):
    """One kernel per test class, started the way JupyterLab starts it."""

    kernel_name = "replab"
    km: KernelManager
    kc: Any

    @classmethod
    def setUpClass(cls) -> None:
        cls.km, cls.kc = start_kernel(cls.kernel_name)

    @classmethod
    def tearDownClass(cls) -> None:
        stop_kernel(cls.km, cls.kc)

    def setUp(self) -> None:
        drain(self.kc)

    def execute(self, code: str, **options: Any) -> tuple[Msg, list[Msg]]:
        """Run code; return the execute_reply and the iopub messages it caused, busy to idle."""
        return execute(self.kc, code, **options)

    def shell(self, msg_id: str) -> Msg:
        return reply_to(self.kc.get_shell_msg, msg_id)

    def value(self, code: str) -> str:
        """text/plain of a cell's execute_result."""
        reply, iopub = self.execute(code)
        self.assertEqual(reply["content"]["status"], "ok", reply["content"])
        results = [m for m in iopub if m["msg_type"] == "execute_result"]
        self.assertEqual(len(results), 1, [m["msg_type"] for m in iopub])
        return results[0]["content"]["data"]["text/plain"]


def start_kernel(name: str, **kwargs: Any) -> tuple[KernelManager, Any]:
    km = KernelManager(kernel_name=name)
    km.start_kernel(**kwargs)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=DEADLINE)
    drain(kc)
    return km, kc


def stop_kernel(km: KernelManager, kc: Any) -> None:
    kc.stop_channels()
    if km.has_kernel:
        km.shutdown_kernel(now=False)


def drain(kc: Any) -> None:
    """Drop messages left over from earlier requests."""
    for get in (kc.get_iopub_msg, kc.get_shell_msg, kc.get_stdin_msg, kc.get_control_msg):
        while True:
            try:
                get(timeout=0.05)
            except Exception:
                break


def reply_to(get: Any, msg_id: str, deadline: float = DEADLINE) -> Msg:
    """The reply whose parent is msg_id, skipping others, within the deadline."""
    end = time.monotonic() + deadline
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no reply to {msg_id} within {deadline}s")
        msg = get(timeout=left)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def iopub_until_idle(kc: Any, msg_id: str, deadline: float = DEADLINE) -> list[Msg]:
    """iopub messages whose parent is msg_id, from busy up to and including idle."""
    end = time.monotonic() + deadline
    seen: list[Msg] = []
    while True:
        left = end - time.monotonic()
        if left <= 0:
            types = [m["msg_type"] for m in seen]
            raise AssertionError(f"no idle for {msg_id} within {deadline}s; saw {types}")
        msg = kc.get_iopub_msg(timeout=left)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        seen.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return seen


def iopub_where(kc: Any, accept: Any, deadline: float = DEADLINE) -> Msg:
    """The first iopub message for which accept(msg) is true."""
    end = time.monotonic() + deadline
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no matching iopub message within {deadline}s")
        msg = kc.get_iopub_msg(timeout=left)
        if accept(msg):
            return msg


def execute(kc: Any, code: str, **options: Any) -> tuple[Msg, list[Msg]]:
    msg_id = kc.execute(code, **options)
    reply = reply_to(kc.get_shell_msg, msg_id)
    return reply, iopub_until_idle(kc, msg_id)


def send_shell(kc: Any, msg_type: str, content: dict[str, Any]) -> str:
    """Send any shell message jupyter_client has no method for (comm_open, comm_msg...)."""
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return msg["header"]["msg_id"]


def send_control(kc: Any, msg_type: str, content: dict[str, Any] | None = None) -> str:
    msg = kc.session.msg(msg_type, content or {})
    kc.control_channel.send(msg)
    return msg["header"]["msg_id"]


def heartbeat_answers(km: KernelManager, timeout: float = 10.0) -> bool:
    """Ping the heartbeat socket once with a fresh REQ socket; True if it echoes."""
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.REQ)
    sock.linger = 0
    try:
        sock.connect(f"{km.transport}://{km.ip}:{km.hb_port}")
        sock.send(b"replab-ping")
        if sock.poll(int(timeout * 1000)) == 0:
            return False
        return sock.recv() == b"replab-ping"
    finally:
        sock.close()


def wait_until(predicate: Any, deadline: float = DEADLINE, step: float = 0.05) -> bool:
    """Poll predicate until true or the deadline passes."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
