"""Kill a real replab kernel mid-notebook and start another, for test/repro/recover.test.ts.

usage: recover_kernel.py NOTEBOOK CELLS_JSON
The first kernel serves NOTEBOOK (JPY_SESSION_NAME, as Jupyter Server sets it) and runs the
cells; then its whole process group gets SIGKILL, with no chance to flush or say goodbye. A
second kernel for the same notebook runs `%lineage`. Prints JSON: the first kernel's reply
statuses and the lineage bundle the second kernel displayed.
"""
import json
import os
import signal
import sys

from jupyter_client.manager import KernelManager

DEADLINE = 180
LINEAGE_MIME = "application/vnd.replab.lineage+json"


def run(kc, code):
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=DEADLINE)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=DEADLINE)
    bundle = None
    while True:
        msg = kc.get_iopub_msg(timeout=DEADLINE)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] in ("display_data", "execute_result"):
            bundle = msg["content"]["data"].get(LINEAGE_MIME, bundle)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return reply["content"]["status"], bundle


def start(notebook):
    os.environ["JPY_SESSION_NAME"] = notebook
    km = KernelManager(kernel_name="replab")
    km.start_kernel(cwd=os.path.dirname(notebook))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=DEADLINE)
    return km, kc


def main():
    notebook, cells = sys.argv[1], json.loads(sys.argv[2])
    km, kc = start(notebook)
    statuses = [run(kc, code)[0] for code in cells]
    pid = km.provisioner.pid
    os.killpg(os.getpgid(pid), signal.SIGKILL)
    km.provisioner.process.wait(timeout=DEADLINE)
    kc.stop_channels()
    km.cleanup_resources()
    km2, kc2 = start(notebook)
    _, lineage = run(kc2, "%lineage")
    kc2.stop_channels()
    km2.shutdown_kernel(now=False)
    print(json.dumps({"statuses": statuses, "lineage": lineage}))


main()
