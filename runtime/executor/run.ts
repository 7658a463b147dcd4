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

export class Executor {
  private abandon: ((error: Error) => void) | undefined;
  /** Nonzero asks the running cell's loops to stop; shared with whichever thread interrupts. */
  readonly stop = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));

  /** Run a script; resolves with the cell's value, rejects with what the cell threw. */
  async run(script: string, filename: string): Promise<unknown> {
    const compiled = new vm.Script(script, {
      filename,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    Atomics.store(this.stop, 0, 0);
    const interrupted = new Promise<never>((_, reject) => {
      this.abandon = reject;
    });
    try {
      const pending = runSync(compiled);
      return await Promise.race([pending, interrupted]);
    } finally {
      this.abandon = undefined;
    }
  }

  /** Abandon the running cell's pending await, if any. */
  interrupt(): void {
    // Also stops the loops of a continuation that keeps running after its cell was abandoned.
    Atomics.store(this.stop, 0, 1);
    this.abandon?.(new InterruptedError());
  }

  /** What a loop check calls when `stop` is set. */
  halt(): never {
    throw new InterruptedError();
  }
}

function runSync(script: vm.Script): Promise<unknown> {
  try {
    return Promise.resolve(script.runInThisContext({ breakOnSigint: true, displayErrors: false }));
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_SCRIPT_EXECUTION_INTERRUPTED") {
      return Promise.reject(new InterruptedError());
    }
    return Promise.reject(error as Error);
  }
}
