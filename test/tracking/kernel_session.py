"""Drive a replab kernel through jupyter_client as a notebook frontend would, for
test/tracking/kernel.test.ts: the kernel serves NOTEBOOK (JPY_SESSION_NAME, as Jupyter Server
sets it), runs CODE cells one by one, then `%repro runs`, and is shut down politely.

usage: kernel_session.py NOTEBOOK CODE_JSON
Prints JSON: each cell's reply status, and the text/plain of `%repro runs`.
"""
import json
import os
import sys

# The shared jupyter_client helpers of the protocol checks; deadlines are hang guards only.
os.environ.setdefault("REPLAB_TEST_DEADLINE", "180")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocol"))
from kernel_harness import execute, start_kernel, stop_kernel  # noqa: E402

def run(kc, code):
    """The reply status and the text/plain of the cell's execute_result."""
    reply, iopub = execute(kc, code)
    results = [m for m in iopub if m["msg_type"] == "execute_result"]
    text = results[-1]["content"]["data"].get("text/plain") if results else None
    return reply["content"]["status"], text


def main():
    notebook, cells = sys.argv[1], json.loads(sys.argv[2])
    os.environ["JPY_SESSION_NAME"] = notebook
    km, kc = start_kernel("replab", cwd=os.path.dirname(notebook))
    statuses = [run(kc, code)[0] for code in cells]
    _, runs = run(kc, "%repro runs")
    stop_kernel(km, kc)
    print(json.dumps({"statuses": statuses, "runs": runs}))


main()
