"""Kill a real replab kernel while a cell runs, for test/tracking/lifecycle.test.ts: the kernel
serves NOTEBOOK (JPY_SESSION_NAME, as Jupyter Server sets it), runs CELLS, starts LONG_CELL
and, once that cell has printed and the run record on disk holds every cell of CELLS, gets
SIGNAL (SIGKILL or SIGTERM), sent to the kernel process alone as a user's `kill` would.

usage: kill_kernel.py NOTEBOOK SIGNAL CELLS_JSON LONG_CELL
Prints JSON: the reply status of each of CELLS, the kernel's exit status, and whether a
process the kernel started (its engine) was still there a minute after the signal.
"""
import glob
import json
import os
import signal
import sys

# The shared jupyter_client helpers of the protocol checks; deadlines are hang guards only.
os.environ.setdefault("REPLAB_TEST_DEADLINE", "180")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "protocol"))
from kernel_harness import DEADLINE, execute, iopub_where, start_kernel, wait_until  # noqa: E402


def saved_cells(notebook):
    """How many cells the notebook's one run record holds (0 while there is none)."""
    files = glob.glob(os.path.join(os.path.dirname(notebook), ".replab", "runs", "*.json"))
    if len(files) != 1:
        return 0
    try:
        with open(files[0], encoding="utf8") as f:
            return len(json.load(f)["cells"])
    except (OSError, ValueError):
        return 0


def children_of(pid):
    """The pids of a process's children (Linux)."""
    with open(f"/proc/{pid}/task/{pid}/children", encoding="utf8") as f:
        return [int(c) for c in f.read().split()]


def alive(pid):
    """Whether `pid` is a live process (a zombie waiting for its reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def main():
    notebook, name, cells, long_cell = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
    os.environ["JPY_SESSION_NAME"] = notebook
    km, kc = start_kernel("replab", cwd=os.path.dirname(notebook))
    statuses = [execute(kc, code)[0]["content"]["status"] for code in cells]
    msg_id = kc.execute(long_cell)
    # The long cell is running once it has printed.
    iopub_where(
        kc,
        lambda m: m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream",
    )
    if not wait_until(lambda: saved_cells(notebook) == len(cells), DEADLINE, 0.1):
        raise AssertionError("the run record never held the cells that ran")
    pid = km.provisioner.pid
    children = children_of(pid)
    os.kill(pid, getattr(signal, name))
    code = km.provisioner.process.wait(timeout=DEADLINE)
    left = not wait_until(lambda: not any(alive(c) for c in children), 60, 0.1)
    kc.stop_channels()
    km.cleanup_resources()
    print(json.dumps({"statuses": statuses, "exit": code, "left": left, "children": len(children)}))


main()
