"""Drive a replab kernel through jupyter_client as a notebook frontend would, for
test/tracking/kernel.test.ts: the kernel serves NOTEBOOK (JPY_SESSION_NAME, as Jupyter Server
sets it), runs CODE cells one by one, then `%repro runs`, and is shut down politely.

usage: kernel_session.py NOTEBOOK CODE_JSON
Prints JSON: each cell's reply status, and the text/plain of `%repro runs`.
"""
import json
import os
import sys

from jupyter_client.manager import KernelManager

DEADLINE = 180


def run(kc, code):
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=DEADLINE)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=DEADLINE)
    text = None
    while True:
        msg = kc.get_iopub_msg(timeout=DEADLINE)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result":
            text = msg["content"]["data"].get("text/plain")
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return reply["content"]["status"], text


def main():
    notebook, cells = sys.argv[1], json.loads(sys.argv[2])
    os.environ["JPY_SESSION_NAME"] = notebook
    km = KernelManager(kernel_name="replab")
    km.start_kernel(cwd=os.path.dirname(notebook))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=DEADLINE)
    statuses = [run(kc, code)[0] for code in cells]
    _, runs = run(kc, "%repro runs")
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    print(json.dumps({"statuses": statuses, "runs": runs}))


main()
