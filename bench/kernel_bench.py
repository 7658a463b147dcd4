"""Drive one kernel through jupyter_client and time what users wait for.

Usage: python kernel_bench.py KERNEL_NAME [--defines] [--import-cell CODE] [--repeat N]
Prints one JSON object. Every kernel is driven by this same client in the same run, so
the numbers compare kernels, not clients.
"""
import argparse
import sys
import json
import queue
import statistics
import time

from jupyter_client.manager import KernelManager


def round_trip(client, code, timeout=600):
    """Seconds from sending execute_request until both the reply and the idle status arrived."""
    start = time.perf_counter()
    msg_id = client.execute(code, store_history=True)
    while True:
        reply = client.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    while True:
        msg = client.get_iopub_msg(timeout=timeout)
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "status"
            and msg["content"]["execution_state"] == "idle"
        ):
            break
    elapsed = time.perf_counter() - start
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell failed: {reply['content']}")
    return elapsed


def start(name):
    """Start a kernel; return (manager, client, seconds to the first kernel_info_reply)."""
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    return km, kc, time.perf_counter() - t0


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def define_cell(i, per_cell=50):
    lines = []
    for j in range(per_cell):
        prev = f"v{i - 1}_{j}" if i > 0 else "0"
        lines.append(f"const v{i}_{j}: number = {j} + {prev};")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kernel")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--trivial", default="1 + 1")
    parser.add_argument("--defines", action="store_true")
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--import-cell")
    args = parser.parse_args()
    result = {"kernel": args.kernel}

    startups = []
    for _ in range(args.repeat):
        km, kc, seconds = start(args.kernel)
        startups.append(seconds)
        stop(km, kc)
    result["startup_s"] = statistics.median(startups)

    km, kc, _ = start(args.kernel)
    for _ in range(3):
        round_trip(kc, args.trivial)
    result["trivial_s"] = statistics.median(round_trip(kc, args.trivial) for _ in range(30))
    stop(km, kc)

    if args.defines:
        km, kc, _ = start(args.kernel)
        times = []
        for i in range(args.cells):
            try:
                times.append(round_trip(kc, define_cell(i), timeout=120))
            except queue.Empty:  # a kernel that stops answering is a result, not a crash
                result["define_stopped_at_cell"] = i + 1
                result["define_error"] = "no reply within 120 s"
                break
            except Exception as error:
                result["define_stopped_at_cell"] = i + 1
                result["define_error"] = f"{type(error).__name__}: {error}"
                break
            if i % 50 == 49:
                print(f"{args.kernel}: define cell {i + 1}: {times[-1] * 1000:.0f} ms", file=sys.stderr)
        km.shutdown_kernel(now=True)
        result["define_cell10_s"] = statistics.median(times[7:12])
        if len(times) == args.cells:
            result["define_cell300_s"] = statistics.median(times[-5:])
        result["define_last_s"] = statistics.median(times[-5:])
        result["define_cells"] = len(times)

    if args.import_cell:
        samples = []
        for _ in range(max(1, args.repeat // 2)):
            km, kc, _ = start(args.kernel)
            round_trip(kc, args.trivial)
            samples.append(round_trip(kc, args.import_cell))
            stop(km, kc)
        result["import_s"] = statistics.median(samples)

    print(json.dumps(result))


if __name__ == "__main__":
    main()
