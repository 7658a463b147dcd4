/**
 * Runs compiled cells in the main Node context, so objects from cells and from packages
 * share one realm. Interrupts: a synchronous loop is broken by SIGINT through vm's
 * breakOnSigint; a pending await is abandoned when `interrupt()` is called (the kernel
 * calls it from its SIGINT listener); a loop that runs after an await checks `stop`, a flag
 * another thread can set while this one spins (compiler/loop-checks.ts, docs/interrupts.md).
 */
import vm from "node:vm";
import { ReplabError } from "../errors.js";

/** Raised when a cell was interrupted; reported with ename "Interrupted". */
export class InterruptedError extends ReplabError {
  override readonly name = "Interrupted";
  constructor() {
    super("interrupted", "The cell was interrupted.");
  }
}

/**
 * What a cell's code runs inside: by default nothing; in `replab run` an async context that
 * keeps its later output with it and tracks the timers it leaves (executor/cell-context.ts).
 */
export interface CellScope {
  run<T>(work: () => T): T;
  /** The running cell was interrupted. */
  abandon(): void;
  /** Wait at most `boundMs` for the timers cells left pending; true when none is left. */
  settle(boundMs: number | undefined): Promise<boolean>;
}

const PLAIN_SCOPE: CellScope = {
  run: (work) => work(),
  abandon: () => undefined,
  settle: () => Promise.resolve(true),
};

/**
 * Source made only of number literals, arithmetic, comparison and logical operators and
 * parentheses (`1 + 1`, `(2 ** 10) % 7 > 3`): no names, no strings, no brackets, no `/`
 * (which could start a regular expression). Such code only computes with primitive numbers,
 * so it calls no function, getter or conversion anyone could have patched.
 */
const ARITHMETIC_ONLY = /^[\s\d.+\-*%<>=!&|^~?:,;()]*$/;

/**
 * Whether running `source` needs vm's breakOnSigint. It costs 0.1-0.5 ms a run (Node starts
 * and joins a watchdog thread and re-registers every SIGINT listener), a third of a trivial
 * cell's time; arithmetic-only source cannot loop, so there is nothing to interrupt.
 */
export function needsSigintBreak(source: string): boolean {
  return !ARITHMETIC_ONLY.test(source);
}

export class Executor {
  private abandon: ((error: Error) => void) | undefined;
  /** Where cells' code runs; set by the session (replab run's attributes late output, capture.ts). */
  scope: CellScope = PLAIN_SCOPE;
  /** Nonzero asks the running cell's loops to stop; shared with whichever thread interrupts. */
  readonly stop: Int32Array;

  /** `flag`: the buffer `stop` views, when the caller shares it already (else a new one). */
  constructor(flag = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.stop = new Int32Array(flag);
  }

  /**
   * Run a script; resolves with the cell's value, rejects with what the cell threw.
   * `breakOnSigint` false only for code that cannot loop (needsSigintBreak).
   */
  async run(script: string, filename: string, breakOnSigint = true): Promise<unknown> {
    const compiled = new vm.Script(script, {
      filename,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    Atomics.store(this.stop, 0, 0);
    const interrupted = new Promise<never>((_, reject) => {
      this.abandon = reject;
    });
    try {
      const pending = this.scope.run(() => runSync(compiled, breakOnSigint));
      return await Promise.race([pending, interrupted]);
    } finally {
      this.abandon = undefined;
    }
  }

  /** Abandon the running cell's pending await, if any. */
  interrupt(): void {
    // Also stops the loops of a continuation that keeps running after its cell was abandoned.
    Atomics.store(this.stop, 0, 1);
    this.scope.abandon();
    this.abandon?.(new InterruptedError());
  }

  /** What a loop check calls when `stop` is set. */
  halt(): never {
    throw new InterruptedError();
  }
}

function runSync(script: vm.Script, breakOnSigint: boolean): Promise<unknown> {
  try {
    return Promise.resolve(script.runInThisContext({ breakOnSigint, displayErrors: false }));
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
      return Promise.reject(new InterruptedError());
    }
    return Promise.reject(error as Error);
  }
}
