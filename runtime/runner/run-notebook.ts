/**
 * Runs a parsed notebook through a CellEngine, top to bottom, with the notebook's own cell
 * ids, and fills in outputs, execution counts and replab metadata. It knows nothing about
 * files or the command line (runtime/cli/run.ts does that) and never loads ZeroMQ.
 */
import { performance } from "node:perf_hooks";
import type { LineageGraph } from "../lineage/types.js";
import { joinSource, type CodeCell, type Notebook } from "../notebook/types.js";
import { serializeNotebook } from "../notebook/write.js";
import type { CellEngine, CellError } from "../session/types.js";
import { markKilledOnSignal } from "../tracking/signals.js";
import type { RunTracker } from "../tracking/tracker.js";
import { writeRealStderr } from "../executor/capture.js";
import { NotebookOutputSink } from "./outputs.js";
import { outputSha256, sha256 } from "./output-hash.js";
import type { Progress } from "./progress.js";
import { NEVER_SETTLES, withSettleWatch } from "./settle-watch.js";
import { withTimeout } from "./timeout.js";

/** What the runner needs of an engine: a local Session or a remote kernel (runner/remote.ts). */
/** A local engine has an interrupt flag; a remote one (--server) is interrupted by its kernel. */
/** A local session also keeps the run record (runtime/tracking); a remote kernel keeps its own. */
/** A local session can wait for the timers its cells left (executor/cell-context.ts); a remote one cannot. */
export type RunnerEngine = Pick<CellEngine, "execute" | "interrupt" | "lineage"> &
  Partial<Pick<CellEngine, "interruptFlag">> & {
    readonly tracker?: RunTracker | undefined;
    settleTimers?(boundMs: number | undefined): Promise<boolean>;
  };

export interface ExecuteOptions {
  allowErrors: boolean;
  timeoutMs: number | undefined;
  progress: Progress;
  /** `--mlflow URI`: where the run is logged; MLFLOW_TRACKING_URI when absent. */
  mlflow?: string | undefined;
  /**
   * A cell ended the process (process.exit): called, synchronously, with the notebook as far
   * as it ran, the ending cell's outputs closed by an error that says so, and the lineage of
   * the cells that finished (undefined if the engine could not give it).
   */
  onProcessExit?: ((notebook: Notebook, lineage: LineageGraph | undefined) => void) | undefined;
}

/** The first failing cell of a run. */
export interface CellFailure {
  cellId: string;
  /** 1-based position among the notebook's code cells. */
  position: number;
  error: CellError;
}

export interface ExecuteResult {
  failures: CellFailure[];
  lineage: LineageGraph;
  /** How many cells ran (empty cells and those after a stopping failure do not). */
  cellsRun: number;
}

/** Execute every code cell of `notebook` in place. */
export async function executeNotebook(
  notebook: Notebook,
  engine: RunnerEngine,
  options: ExecuteOptions,
): Promise<ExecuteResult> {
  const cells = notebook.cells.filter((c): c is CodeCell => c.cell_type === "code");
  const failures: CellFailure[] = [];
  let cellsRun = 0;
  const tracker = engine.tracker;
  if (tracker !== undefined) {
    // Loaded here: reading the parameters cell needs TypeScript's parser, a remote run need not load it.
    const { notebookParams, notebookSourceSha256 } = await import("../tracking/params.js");
    tracker.beginRun(notebookSourceSha256(notebook), notebookParams(notebook));
  }
  const unwatch = tracker === undefined ? undefined : markKilledOnSignal(tracker);
  const state: RunState = { cells, ran: [], running: undefined };
  const onExit = (code: number): void => endedByExit(notebook, state, code, engine, options);
  process.on("exit", onExit);
  try {
    for (const [i, cell] of cells.entries()) {
      const stop = failures.length > 0 && !options.allowErrors;
      if (stop || joinSource(cell.source).trim() === "") {
        clearCell(cell);
        continue;
      }
      const done = await executeCell(cell, engine, options, i + 1, state);
      state.ran.push(done);
      cellsRun++;
      if (done.error !== undefined)
        failures.push({ cellId: cell.id, position: i + 1, error: done.error });
    }
    // What the cells' timers print after their replies belongs in the notebook, as `node` would print it.
    await settleTimers(engine, options.timeoutMs);
    for (const done of state.ran) storeOutputs(done, engine);
  } finally {
    process.off("exit", onExit);
    unwatch?.();
  }
  options.progress.done();
  const status = failures.length > 0 ? "failed" : "finished";
  await tracker?.finish(status, serializeNotebook(notebook), options.mlflow);
  return { failures, lineage: engine.lineage(), cellsRun };
}

/** A cell that ran: its sink still collects what its timers print later (README, "Late output"). */
interface RanCell {
  cell: CodeCell;
  code: string;
  sink: NotebookOutputSink;
  durationMs: number;
  error: CellError | undefined;
}

async function settleTimers(engine: RunnerEngine, timeoutMs: number | undefined): Promise<void> {
  if (engine.settleTimers === undefined || (await engine.settleTimers(timeoutMs))) return;
  writeRealStderr(
    `replab: timers the cells started were still pending after --timeout ${(timeoutMs ?? 0) / 1000} s; what they print later is not in the notebook\n`,
  );
}

/** Where the run is, for a process.exit that ends it (endedByExit). */
interface RunState {
  readonly cells: readonly CodeCell[];
  readonly ran: RanCell[];
  /** The cell being executed, with its 1-based position; undefined between cells and after the last. */
  running:
    | { cell: CodeCell; code: string; sink: NotebookOutputSink; position: number; began: number }
    | undefined;
}

/**
 * Cell code (or a timer it left) called process.exit: the run ends there, as a Node script
 * would, but first the cell shows why, the cells after it are cleared, the run record says
 * failed, and the caller writes the notebook (onProcessExit). Everything here is synchronous:
 * it runs in the process's "exit" event. An exit with code 0 becomes 1: cells did not run.
 */
function endedByExit(
  notebook: Notebook,
  state: RunState,
  code: number,
  engine: RunnerEngine,
  options: ExecuteOptions,
): void {
  for (const done of state.ran) storeOutputs(done, engine);
  const { running } = state;
  if (running === undefined) {
    writeRealStderr(
      `\nreplab: process.exit(${code}) was called by a timer after the last cell had run, which ended the run early\n`,
    );
  } else {
    const { cell, code: source, sink, position, began } = running;
    const evalue = `process.exit(${code}) was called while this cell ran, which ended the run: the cells after it did not run`;
    sink.error("ProcessExit", evalue, [`ProcessExit: ${evalue}`]);
    const durationMs = Math.round(performance.now() - began);
    storeOutputs({ cell, code: source, sink, durationMs, error: undefined }, engine);
    for (const later of state.cells.slice(position)) clearCell(later);
    writeRealStderr(`\nreplab: cell ${cell.id} (code cell ${position}): ${evalue}\n`);
  }
  if (code === 0) process.exitCode = 1;
  engine.tracker?.end("failed");
  options.onProcessExit?.(notebook, lineageIfAny(engine));
}

function lineageIfAny(engine: RunnerEngine): LineageGraph | undefined {
  try {
    return engine.lineage();
  } catch {
    return undefined; // The notebook is still written, without the run's metadata.
  }
}

async function executeCell(
  cell: CodeCell,
  engine: RunnerEngine,
  options: ExecuteOptions,
  position: number,
  state: RunState,
): Promise<RanCell> {
  const total = state.cells.length;
  const code = joinSource(cell.source);
  const sink = new NotebookOutputSink();
  options.progress.start(position, total, cell.id);
  const began = performance.now();
  state.running = { cell, code, sink, position, began };
  const request = { code, cellId: cell.id, silent: false, storeHistory: true, allowStdin: false };
  const {
    value: { value: outcome, timedOut },
    neverSettled,
  } = await withSettleWatch(
    () =>
      withTimeout(
        async () => {
          const outcome = await engine.execute(request, sink);
          sink.markReply();
          return outcome;
        },
        options.timeoutMs,
        () => engine.interrupt(),
        engine.interruptFlag,
      ),
    () => engine.interrupt(),
  );
  state.running = undefined;
  const durationMs = Math.round(performance.now() - began);
  let error: CellError | undefined;
  if (outcome.status === "ok") {
    if (outcome.result !== undefined) sink.result(outcome.result, outcome.executionCount);
  } else {
    if (neverSettled) error = neverSettledError(outcome);
    else error = timedOut ? timeoutError(outcome, options.timeoutMs ?? 0) : outcome;
    sink.error(error.ename, error.evalue, error.traceback);
  }
  cell.execution_count = outcome.executionCount;
  const ran = { cell, code, sink, durationMs, error };
  storeOutputs(ran, engine);
  options.progress.finish(position, total, cell.id, error === undefined, durationMs);
  return ran;
}

/** The cell's outputs so far into the notebook, its metadata and the run record. */
function storeOutputs({ cell, code, sink, durationMs }: RanCell, engine: RunnerEngine): void {
  cell.outputs = sink.outputs();
  const outputs = outputSha256(cell.outputs);
  cell.metadata = {
    ...cell.metadata,
    replab: { sourceSha256: sha256(code), outputSha256: outputs, durationMs },
  };
  engine.tracker?.setOutputHash(cell.id, outputs);
}

function timeoutError(error: CellError, ms: number): CellError {
  const evalue = `the cell ran longer than --timeout ${ms / 1000} s and was interrupted`;
  return { ename: "Timeout", evalue, traceback: [`Timeout: ${evalue}`, ...error.traceback] };
}

function neverSettledError(error: CellError): CellError {
  const evalue = NEVER_SETTLES;
  const traceback = error.ename === "Interrupted" ? [] : error.traceback;
  return {
    ename: "UnsettledAwait",
    evalue,
    traceback: [`UnsettledAwait: ${evalue}`, ...traceback],
  };
}

/** A cell this run did not execute keeps no outputs from an earlier run. */
function clearCell(cell: CodeCell): void {
  cell.outputs = [];
  cell.execution_count = null;
  const metadata = { ...cell.metadata };
  delete metadata["replab"];
  cell.metadata = metadata;
}
