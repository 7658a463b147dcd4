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

# The shared jupyter_client helpers of the protocol checks; deadlines are hang guards only.
os.environ.setdefault("REPLAB_TEST_DEADLINE", "180")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocol"))
from kernel_harness import execute, start_kernel, stop_kernel  # noqa: E402

LINEAGE_MIME = "application/vnd.replab.lineage+json"


def run(kc, code):
    """The reply status and the last lineage bundle the cell displayed."""
    reply, iopub = execute(kc, code)
    bundles = [
        m["content"]["data"][LINEAGE_MIME]
        for m in iopub
        if m["msg_type"] in ("display_data", "execute_result")
        and LINEAGE_MIME in m["content"]["data"]
    ]
    return reply["content"]["status"], bundles[-1] if bundles else None


def start(notebook):
    os.environ["JPY_SESSION_NAME"] = notebook
    return start_kernel("replab", cwd=os.path.dirname(notebook))


def main():
    notebook, cells = sys.argv[1], json.loads(sys.argv[2])
    km, kc = start(notebook)
    statuses = [run(kc, code)[0] for code in cells]
    pid = km.provisioner.pid
    os.killpg(os.getpgid(pid), signal.SIGKILL)
    km.provisioner.process.wait(timeout=180)
    kc.stop_channels()
    km.cleanup_resources()
    km2, kc2 = start(notebook)
    _, lineage = run(kc2, "%lineage")
    stop_kernel(km2, kc2)
    print(json.dumps({"statuses": statuses, "lineage": lineage}))


main()
