"""Drive several kernels through jupyter_client, A/B interleaved, and time what users wait for.

Usage: python kernel_bench.py --kernels replab,replab-js,deno,tslab,python3 [--rounds N]
           [--defines KERNELS] [--cells N] [--import-cell CODE --import-kernels KERNELS]
       python kernel_bench.py --kernels replab,deno --start-only   (the start-up figures alone)
           [--start-only]
       python kernel_bench.py --kernels replab,deno --round-trips-only 60   (the `1 + 1` figures alone)
Prints one JSON object keyed by kernel name. Every kernel is driven by this same client in the
same run, and each measure takes its samples round by round across the kernels (the order
rotates every round), so a loaded machine slows every kernel alike instead of the last one.
Each figure is {"median", "min", "max", "n"} in seconds (bytes for RSS).
"""
import argparse
import json
import os
import queue
import re
import statistics
import sys
import tempfile
import time

from jupyter_client.manager import KernelManager

# The first cell a user of each language would type; TypeScript kernels must type-check it.
FIRST = {
    "typescript": "const answer: number = 6 * 7; answer",
    "javascript": "const answer = 6 * 7; answer",
    "python": "answer = 6 * 7; answer",
}
FLOOD = {
    "typescript": "for (let i = 0; i < 20000; i++) console.log(i)",
    "javascript": "for (let i = 0; i < 20000; i++) console.log(i)",
    "python": "for i in range(20000): print(i)",
}
FLOOD_LINES = 20000
FLOOD_TIMEOUT_S = 120
WORKDIR = tempfile.mkdtemp(prefix="replab-bench-kernels-")
# Deno colours its text/plain results.
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def summary(samples):
    """Median with min and max, so a reader sees the spread of a loaded machine."""
    if not samples:
        return None
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "n": len(samples),
    }


def language(km):
    return km.kernel_spec.language.lower()


def rss_bytes(pid):
    """Resident memory of the kernel process and its children (a launcher counts too)."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{current}/task/{current}/children") as children:
                pids.extend(int(p) for p in children.read().split())
        except FileNotFoundError:
            continue
    return total


def cpu_seconds(pid):
    """User + system CPU of the kernel process and its children so far: on a shared machine
    it says what a start costs where wall time says mostly what else ran."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            with open(f"/proc/{current}/task/{current}/children") as children:
                pids.extend(int(p) for p in children.read().split())
        except FileNotFoundError:
            continue
    return total


def kernel_pid(km):
    return km.provisioner.process.pid


def remaining(deadline):
    """Seconds left until `deadline` (a perf_counter time); queue.Empty once it has passed, so
    a kernel that keeps publishing other messages cannot hold a wait past its timeout."""
    left = deadline - time.perf_counter()
    if left <= 0:
        raise queue.Empty
    return left


def wait_reply(client, msg_id, timeout):
    deadline = time.perf_counter() + timeout
    while True:
        reply = client.get_shell_msg(timeout=remaining(deadline))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def wait_idle(client, msg_id, timeout, on_message=None):
    deadline = time.perf_counter() + timeout
    while True:
        msg = client.get_iopub_msg(timeout=remaining(deadline))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if on_message is not None:
            on_message(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return


def round_trip(client, code, timeout=600):
    """Seconds from execute_request until both the reply and the idle status arrived, and to the reply alone."""
    start = time.perf_counter()
    msg_id = client.execute(code, store_history=True)
    reply = wait_reply(client, msg_id, timeout)
    replied = time.perf_counter() - start
    wait_idle(client, msg_id, timeout)
    elapsed = time.perf_counter() - start
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell failed: {reply['content']}")
    return elapsed, replied


def raw_reply(km, socket, code):
    """Seconds from sending a pre-signed execute_request on a raw shell socket to its reply's
    frames, with no client-side message work (jupyter_client's JSON, HMAC and date parsing)
    inside the timer: the kernel's work plus the transport, as the heartbeat echo is the transport."""
    msg = km.session.msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                             "user_expressions": {}, "allow_stdin": False,
                                             "stop_on_error": True})
    frames = km.session.serialize(msg)
    marker = msg["header"]["msg_id"].encode()
    start = time.perf_counter()
    socket.send_multipart(frames)
    reply = socket.recv_multipart()
    elapsed = time.perf_counter() - start
    if not any(marker in frame for frame in reply):
        raise RuntimeError("raw shell socket: a reply to another request")
    return elapsed


def heartbeat_round_trip(socket):
    """Seconds for one heartbeat echo: the transport alone, with no kernel work behind it."""
    start = time.perf_counter()
    socket.send(b"ping")
    socket.recv()
    return time.perf_counter() - start


def start(name, cwd=None):
    """Start a kernel; return (manager, client, t0, seconds to ready, kernel_info requests sent)."""
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=name)
    # A folder of their own, as a notebook's: no project tsconfig.json or node_modules.
    km.start_kernel(cwd=cwd or WORKDIR)
    kc = km.client()
    kc.start_channels()
    # wait_for_ready sends kernel_info again when no iopub message followed the reply within
    # 0.2 s (iopub not connected yet): each extra request is one more round of that wait.
    sent = [0]
    request = kc.kernel_info

    def counted():
        sent[0] += 1
        return request()

    kc.kernel_info = counted
    kc.wait_for_ready(timeout=120)
    kc.kernel_info = request
    return km, kc, t0, time.perf_counter() - t0, sent[0]


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def first_result(name):
    """Launch to kernel_info_reply, and launch to the first execute_result of FIRST; RSS then."""
    km, kc, t0, ready, requests = start(name)
    msg_id = kc.execute(FIRST[language(km)])
    result = None
    idle = False
    # Kernels differ in whether idle comes before or after the result: wait for both.
    while result is None or not idle:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result" or msg["msg_type"] == "stream":
            # tslab prints a cell's value on stdout instead of sending an execute_result.
            content = msg["content"]
            shown = content["text"] if "text" in content else content["data"].get("text/plain", "")
            if ANSI.sub("", shown).strip() != "42":
                raise RuntimeError(f"{name}: first result was {content}")
            result = time.perf_counter() - t0
        elif msg["msg_type"] == "error":
            raise RuntimeError(f"{name}: first cell failed: {msg['content']}")
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    cpu = cpu_seconds(kernel_pid(km))
    wait_reply(kc, msg_id, 120)
    rss = rss_bytes(kernel_pid(km))
    stop(km, kc)
    return ready, result, rss, cpu, requests


def rotated(items, shift):
    shift %= len(items)
    return items[shift:] + items[:shift]


def measure_start(kernels, rounds, result):
    samples = {k: ([], [], [], []) for k in kernels}
    retried = {k: 0 for k in kernels}
    # The first results of launches whose client sent kernel_info once: without the 0.2 s
    # retry, a kernel's first result as it is when its iopub connected in time.
    once = {k: [] for k in kernels}
    for r in range(rounds):
        for name in rotated(kernels, r):
            try:
                ready, first, rss, cpu, requests = first_result(name)
            except Exception as error:  # one kernel failing is a result, not the end of the run
                result[name]["first_result_error"] = f"{type(error).__name__}: {error}"
                print(f"{name}: first result failed: {error}", file=sys.stderr)
                continue
            samples[name][0].append(ready)
            samples[name][1].append(first)
            samples[name][2].append(rss)
            samples[name][3].append(cpu)
            retried[name] += requests > 1
            if requests == 1:
                once[name].append(first)
            print(f"{name}: ready {ready * 1000:.0f} ms, first result {first * 1000:.0f} ms", file=sys.stderr)
    for name, (ready, first, rss, cpu) in samples.items():
        result[name]["cpu_to_first_result_s"] = summary(cpu)
        result[name]["kernel_info_s"] = summary(ready)
        result[name]["first_result_s"] = summary(first)
        result[name]["rss_after_start_bytes"] = summary(rss)
        result[name]["kernel_info_retried"] = {"launches": len(first), "retried": retried[name]}
        result[name]["first_result_one_request_s"] = summary(once[name])


def flood(client, lang):
    """Lines of a 20,000-line cell that reached the client before idle, and the seconds it took."""
    start_time = time.perf_counter()
    msg_id = client.execute(FLOOD[lang])
    lines = []

    def collect(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            lines.append(msg["content"]["text"])

    # 120 s: every kernel here takes under 2 s; Deno 2.9.6 once kept publishing without idle.
    wait_idle(client, msg_id, FLOOD_TIMEOUT_S, collect)
    elapsed = time.perf_counter() - start_time
    text = "".join(lines)
    return sum(1 for line in text.split("\n") if line != ""), elapsed


def measure_running(kernels, rounds, result, trips_only=False, trip_rounds=30):
    """Round trips, heartbeat, 1,000 cells and a 20,000-line flood, with every kernel running at once."""
    running = {}
    beats = {}
    shells = {}
    for name in kernels:
        km, kc, _, _, _ = start(name)
        running[name] = (km, kc)
        # A socket of our own: the client's heartbeat channel belongs to its thread.
        beats[name] = km.connect_hb()
        shells[name] = km.connect_shell()
        for _ in range(5):
            round_trip(kc, "1 + 1")
    measure_trips(kernels, running, beats, shells, result, trip_rounds)
    if not trips_only:
        measure_cells_and_flood(kernels, running, rounds, result)
    for socket in [*beats.values(), *shells.values()]:
        socket.close(linger=0)
    for km, kc in running.values():
        stop(km, kc)


def measure_trips(kernels, running, beats, shells, result, trip_rounds):
    """`1 + 1` to reply and to idle, on a raw shell socket, and a heartbeat echo, round by round."""
    trips = {k: ([], [], [], []) for k in kernels}
    for r in range(trip_rounds):
        for name in rotated(kernels, r):
            km, kc = running[name]
            elapsed, replied = round_trip(kc, "1 + 1")
            trips[name][0].append(elapsed)
            trips[name][1].append(replied)
            trips[name][2].append(heartbeat_round_trip(beats[name]))
            trips[name][3].append(raw_reply(km, shells[name], "1 + 1"))
    # A new small cell each round (a call with a fresh literal): what a user's next line costs,
    # with nothing an identical-source cache or an arithmetic-only path could reuse.
    fresh = {k: [] for k in kernels}
    for r in range(trip_rounds):
        for name in rotated(kernels, r):
            km, kc = running[name]
            call = f"max({r + 7}, 3)" if language(km) == "python" else f"Math.max({r + 7}, 3)"
            fresh[name].append(round_trip(kc, call)[0])
    for name, samples in fresh.items():
        result[name]["fresh_cell_s"] = summary(samples)
    for name, (elapsed, replied, beat, raw) in trips.items():
        result[name]["trivial_s"] = summary(elapsed)
        result[name]["trivial_reply_s"] = summary(replied)
        result[name]["heartbeat_s"] = summary(beat)
        result[name]["raw_reply_s"] = summary(raw)
        # The kernel's own share, receive to reply: a raw request's reply beyond a bare echo
        # (jupyter_client's own message work would otherwise count as the kernel's).
        result[name]["kernel_share_s"] = statistics.median(raw) - statistics.median(beat)


def measure_cells_and_flood(kernels, running, rounds, result):
    """RSS after 1,000 more cells, then the 20,000-line flood."""
    failed = set()
    for block in range(10):
        for name in rotated(kernels, block):
            kc = running[name][1]
            for cell in range(100):
                if name in failed:
                    break
                try:
                    round_trip(kc, "1 + 1", timeout=60)
                except queue.Empty:  # a lost reply or idle is a result, not the end of the run
                    failed.add(name)
                    result[name]["cells_error"] = f"no reply or idle within 60 s at cell {block * 100 + cell + 1}"
    for name in kernels:
        if name not in failed:
            result[name]["rss_after_1000_cells_bytes"] = rss_bytes(kernel_pid(running[name][0]))
    floods = {k: ([], []) for k in kernels}
    for r in range(rounds):
        for name in rotated(kernels, r):
            km, kc = running[name]
            if name in failed:
                continue
            try:
                lines, seconds = flood(kc, language(km))
            except queue.Empty:
                failed.add(name)
                result[name]["flood_error"] = f"no idle within {FLOOD_TIMEOUT_S} s"
                continue
            floods[name][0].append(lines)
            floods[name][1].append(seconds)
    for name, (lines, seconds) in floods.items():
        if not lines:
            continue
        result[name]["flood_lines_min"] = min(lines)
        result[name]["flood_expected"] = FLOOD_LINES
        result[name]["flood_s"] = summary(seconds)


def define_cell(i, per_cell=50):
    lines = []
    for j in range(per_cell):
        prev = f"v{i - 1}_{j}" if i > 0 else "0"
        lines.append(f"const v{i}_{j}: number = {j} + {prev};")
    return "\n".join(lines)


def measure_defines(name, cells, result):
    """Cells of 50 declarations each, one after another: does cell 300 cost what cell 10 did?"""
    km, kc, _, _, _ = start(name)
    times = []
    for i in range(cells):
        try:
            times.append(round_trip(kc, define_cell(i), timeout=120)[0])
        except queue.Empty:  # a kernel that stops answering is a result, not a crash
            result["define_stopped_at_cell"] = i + 1
            result["define_error"] = "no reply within 120 s"
            break
        except Exception as error:
            result["define_stopped_at_cell"] = i + 1
            result["define_error"] = f"{type(error).__name__}: {error}"
            break
        if i % 50 == 49:
            print(f"{name}: define cell {i + 1}: {times[-1] * 1000:.0f} ms", file=sys.stderr)
    km.shutdown_kernel(now=True)
    result["define_cell10_s"] = statistics.median(times[7:12])
    if len(times) == cells:
        result["define_cell300_s"] = statistics.median(times[-5:])
    result["define_last_s"] = statistics.median(times[-5:])
    result["define_cells"] = len(times)


def measure_import(kernels, rounds, code, result):
    """The import cell in a fresh kernel, each launch after an untimed first one: a notebook a
    user opens again (the OS has the package's files cached, replab its compiled code)."""
    samples = {k: [] for k in kernels}
    for r in range(-1, rounds):
        for name in rotated(kernels, max(r, 0)):
            # In the repository, where danfojs-node is installed (and its tsconfig.json applies).
            km, kc, _, _, _ = start(name, cwd=os.getcwd())
            round_trip(kc, "1 + 1")
            elapsed = round_trip(kc, code)[0]
            if r >= 0:
                samples[name].append(elapsed)
            stop(km, kc)
    for name, values in samples.items():
        result[name]["import_s"] = summary(values)


def names(text):
    return [k for k in (text or "").split(",") if k]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kernels", required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--start-rounds",
        type=int,
        help="launches per kernel for the start-up figures (default: --rounds); a first result "
        "is bimodal (one or two kernel_info rounds), so it needs more samples than a round trip",
    )
    parser.add_argument("--defines", help="kernels to run the 300-cell define series on")
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--import-cell")
    parser.add_argument("--import-kernels")
    parser.add_argument(
        "--round-trips-only",
        type=int,
        metavar="ROUNDS",
        help="measure only the `1 + 1` round trips and heartbeat, over ROUNDS rounds (A/B of the hot path)",
    )
    parser.add_argument("--start-only", action="store_true", help="only the start-up figures")
    args = parser.parse_args()
    kernels = names(args.kernels)
    result = {k: {"kernel": k} for k in kernels}
    if args.round_trips_only:
        measure_running(kernels, 0, result, trips_only=True, trip_rounds=args.round_trips_only)
        print(json.dumps(result))
        return
    measure_start(kernels, args.start_rounds or args.rounds, result)
    if args.start_only:
        print(json.dumps(result))
        return
    measure_running(kernels, min(args.rounds, 3), result)
    if args.import_cell:
        try:
            measure_import(names(args.import_kernels), max(1, args.rounds // 2), args.import_cell, result)
        except Exception as error:  # the figures so far still count
            result["_meta_import_error"] = f"{type(error).__name__}: {error}"
    for name in names(args.defines):
        measure_defines(name, args.cells, result[name])
    result["_meta"] = {"pid": os.getpid(), "rounds": args.rounds, "start_rounds": args.start_rounds or args.rounds}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
