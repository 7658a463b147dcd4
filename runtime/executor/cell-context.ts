/**
 * Which cell a piece of code runs for, across its timers and promises, in `replab run`
 * (README, "Late output"): a cell's code runs in an async context of its own, so what a
 * timer it started prints later goes to that cell, not to whichever cell happens to be
 * running when the timer fires (that depends on how long the later cells take, so a
 * --check would see the line move). The kernel keeps Jupyter's rule instead (the latest
 * cell: a frontend shows no output of a request it has finished with).
 *
 * The same context tells which timers the notebook's cells left pending, so the run can
 * wait for them before it writes the notebook, as `node` waits for them before it exits.
 */
import { AsyncLocalStorage, createHook, type AsyncHook } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import type { OutputSink } from "../session/types.js";

/**
 * Taken before the clock tracer patches performance.now (runtime/trace/clock.ts): the init
 * hook below runs inside a cell's setTimeout, and its reads are replab's, not the cell's (the
 * patched one took a cell that only waited on a timer for one that reads the clock).
 */
const clock = performance.now.bind(performance);

/** One cell execution's context: where its output goes, and whether it was stopped. */
export interface CellContext {
  sink: OutputSink | undefined;
  /** Interrupted (a timeout, an await that could never settle): its timers are not waited for. */
  abandoned: boolean;
}

/**
 * The parts of Node's Timeout and Immediate objects read here. `_destroyed` (fired or
 * cleared) and `_repeat` (an interval) are Node internals, stable since Node 10; without
 * them a timer counts as pending until its due time has passed.
 */
interface TimerResource {
  hasRef?: () => boolean;
  _destroyed?: boolean;
  _repeat?: number | null;
  _idleTimeout?: number;
}

interface Pending {
  timer: TimerResource;
  cell: CellContext;
  /** performance.now() when it is due (Immediates: when created). */
  due: number;
}

/** Tracked timers before dead ones are dropped; doubles with the live ones, so pruning stays amortised O(1). */
const PRUNE_AT = 1024;

/** Async contexts of cell executions, and the timers each started. */
export class CellContexts {
  private readonly storage = new AsyncLocalStorage<CellContext>();
  private pending: Pending[] = [];
  private pruneAt = PRUNE_AT;
  private latest: CellContext | undefined;
  private readonly hook: AsyncHook;

  constructor() {
    // init only: a destroy hook would make Node track every promise's end (several times slower).
    this.hook = createHook({ init: (_id, type, _trigger, resource) => this.track(type, resource) });
    this.hook.enable();
  }

  /** The context of the code running now; undefined outside any cell's code. */
  current(): CellContext | undefined {
    return this.storage.getStore();
  }

  /** Run `work` (a cell's code) in a new context whose output goes to `sink`. */
  run<T>(sink: OutputSink | undefined, work: () => T): T {
    const cell: CellContext = { sink, abandoned: false };
    this.latest = cell;
    return this.storage.run(cell, work);
  }

  /** The cell that ran last was interrupted: its timers are no longer the run's business. */
  abandonLatest(): void {
    if (this.latest !== undefined) this.latest.abandoned = true;
  }

  /**
   * Wait until no timer a cell started is pending (setTimeout, setImmediate and
   * timers/promises; not intervals, nor unref'd timers, which would not keep `node` alive
   * either), or until `boundMs` has passed. True when none is left.
   */
  async settle(boundMs: number | undefined): Promise<boolean> {
    const until = boundMs === undefined ? Infinity : clock() + boundMs;
    for (;;) {
      const live = this.live();
      if (live.length === 0) return true;
      const now = clock();
      if (now >= until) return false;
      const latestDue = live.reduce((at, p) => Math.max(at, p.due), 0);
      // A timer fires at its due time or later; waking 1 ms after the last one sees it done.
      const wait = Math.min(Math.max(latestDue - now, 0) + 1, until - now);
      await new Promise<void>((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Stop tracking; the contexts already made keep their sinks. */
  dispose(): void {
    this.hook.disable();
    this.pending = [];
  }

  private track(type: string, resource: unknown): void {
    if (type !== "Timeout" && type !== "Immediate") return;
    const cell = this.storage.getStore();
    if (cell === undefined) return;
    const timer = resource as TimerResource;
    const delay = type === "Timeout" ? (timer._idleTimeout ?? 1) : 0;
    this.pending.push({ timer, cell, due: clock() + delay });
    if (this.pending.length >= this.pruneAt) {
      this.pending = this.pending.filter((p) => !isDone(p));
      this.pruneAt = Math.max(PRUNE_AT, this.pending.length * 2);
    }
  }

  private live(): Pending[] {
    this.pending = this.pending.filter((p) => !isDone(p));
    return this.pending.filter(
      (p) => !p.cell.abandoned && p.timer._repeat == null && p.timer.hasRef?.() !== false,
    );
  }
}

function isDone({ timer, due }: Pending): boolean {
  return timer._destroyed ?? clock() > due;
}
