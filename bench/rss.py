"""Resident memory of kernels over many executions: does a kernel grow with every cell?

Usage: python rss.py [--kernels replab,replab-js,python3] [--executions 10000] [--code "1 + 1"]
           [--cell-id ID]
Each kernel is started from its kernelspec through jupyter_client and runs the same cell N
times, as nbclient sends it (no cell id: every execution is a new cell to replab's lineage),
or with --cell-id as JupyterLab sends it (metadata.cellId: one cell run again and again); the RSS of the kernel process and its children is read from /proc every N/10
executions. Prints one JSON object keyed by kernel name: the samples, and the growth per
execution as the least-squares slope of RSS over the samples after the first (which holds
start-up and the compiler's warm-up), in bytes.
"""
import argparse
import json
import queue
import sys
import time

from jupyter_client.manager import KernelManager


def tree_rss(pid):
    """VmRSS of pid and its descendants, in bytes (a launcher that starts the kernel counts)."""
    total, pids = 0, [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += sum(int(l.split()[1]) * 1024 for l in status if l.startswith("VmRSS:"))
            with open(f"/proc/{current}/task/{current}/children") as children:
                pids.extend(int(p) for p in children.read().split())
        except FileNotFoundError:
            continue
    return total


def run_once(kc, code, cell_id, timeout=120):
    if cell_id is None:
        msg_id = kc.execute(code, store_history=True)
    else:
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        msg = kc.session.msg("execute_request", content, metadata={"cellId": cell_id})
        kc.shell_channel.send(msg)
        msg_id = msg["header"]["msg_id"]
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"cell failed: {reply['content']}")
            return


def drain_iopub(kc):
    """The client keeps what it has not read; reading it keeps this process small too."""
    while True:
        try:
            kc.get_iopub_msg(timeout=0)
        except queue.Empty:
            return


def slope(points):
    """Least-squares slope of (x, y) points."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def measure(name, executions, code, cell_id):
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        pid = km.provisioner.process.pid
        step = max(1, executions // 10)
        samples = []
        started = time.monotonic()
        for i in range(1, executions + 1):
            run_once(kc, code, cell_id)
            if i % 100 == 0:
                drain_iopub(kc)
            if i % step == 0:
                samples.append((i, tree_rss(pid)))
        elapsed = time.monotonic() - started
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    later = samples[1:]
    return {
        "samples": samples,
        "growth_per_execution_bytes": round(slope(later), 1),
        "growth_first_to_last_sample_bytes": later[-1][1] - later[0][1],
        "seconds": round(elapsed, 1),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernels", default="replab,replab-js,python3")
    parser.add_argument("--executions", type=int, default=10000)
    parser.add_argument("--code", default="1 + 1")
    parser.add_argument("--cell-id", default=None)
    args = parser.parse_args()
    result = {}
    for name in args.kernels.split(","):
        print(f"{name}: {args.executions} executions of {args.code!r}", file=sys.stderr)
        result[name] = measure(name, args.executions, args.code, args.cell_id)
        # Each kernel's figures as soon as it is done, so a long run is never all lost.
        print(json.dumps({name: result[name]}), file=sys.stderr)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
