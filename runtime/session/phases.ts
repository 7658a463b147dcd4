/**
 * Where a cell's time goes, for profiling the execute hot path (issue 12): with
 * REPLAB_PHASES=1 each thread that handles an execution writes one line to fd 2,
 *
 *   [replab] phases engine #7 at=1764659711123.456 check=0.041 compile=0.008 ... total=0.412
 *
 * `at` is the absolute time (ms since the epoch) of the first mark, so the protocol process's
 * line and the engine's line for the same execution id can be laid side by side
 * (bench/phases.mjs does); each other field is the ms since the previous mark. Off (the
 * default) every call is one comparison, cheap enough to leave in the hot path.
 */
import { writeSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** Read once: profiling is chosen when the process starts. */
const enabled = process.env["REPLAB_PHASES"] === "1";
/**
 * Taken before the clock tracer patches performance.now (runtime/trace/clock.ts): the patched
 * one looks at the stack to tell a cell's reads from replab's, ~30 µs a call, which the
 * marks inside a running cell would otherwise add to the phases they measure.
 */
const now = performance.now.bind(performance);

interface Timing {
  thread: string;
  label: string;
  at: number;
  last: number;
  start: number;
  fields: string[];
}

/**
 * The timings open in this thread, by key: the engine's execution id, or the protocol
 * thread's request object (it is timed from its arrival, before it has an id).
 */
const open = new Map<unknown, Timing>();
/** The execution this thread times last began; marks without a key go to it. */
let running: unknown;

/** Start timing `key` in this thread (`thread` names the line: "protocol", "engine"). */
export function phaseBegin(thread: string, key: unknown): void {
  if (!enabled) return;
  const started = now();
  const label = typeof key === "number" ? `#${key}` : "#?";
  open.set(key, {
    thread,
    label,
    at: performance.timeOrigin + started,
    last: started,
    start: started,
    fields: [],
  });
  running = key;
}

/** Name `key`'s line by the engine call id `id`, so both threads' lines of a cell can be joined. */
export function phaseLabel(key: unknown, id: number): void {
  const timing = enabled ? open.get(key) : undefined;
  if (timing !== undefined) timing.label = `#${id}`;
}

/** The time since the previous mark of `key` (default: the latest begun) was spent in `name`. */
export function phase(name: string, key: unknown = running): void {
  if (!enabled || key === undefined) return;
  const timing = open.get(key);
  if (timing === undefined) return;
  const at = now();
  timing.fields.push(`${name}=${(at - timing.last).toFixed(3)}`);
  timing.last = at;
}

/** Mark `name`, then write `key`'s line and forget it. */
export function phaseEnd(name: string, key: unknown = running): void {
  if (!enabled || key === undefined) return;
  phase(name, key);
  const timing = open.get(key);
  if (timing === undefined) return;
  open.delete(key);
  if (running === key) running = undefined;
  const total = (timing.last - timing.start).toFixed(3);
  const line = `[replab] phases ${timing.thread} ${timing.label} at=${timing.at.toFixed(3)} ${timing.fields.join(" ")} total=${total}\n`;
  try {
    writeSync(2, line);
  } catch {
    // Profiling output is best effort.
  }
}
