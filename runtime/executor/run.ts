/**
 * Runs compiled cells in the main Node context, so objects from cells and from packages
 * share one realm. Interrupts: a synchronous loop is broken by SIGINT through vm's
 * breakOnSigint; a pending await is abandoned when `interrupt()` is called (the kernel
 * calls it from its SIGINT listener). A loop that starts after an await cannot be broken
 * without losing the notebook's state; that limit is documented in docs/interrupts.md.
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

  /** Run a script; resolves with the cell's value, rejects with what the cell threw. */
  async run(script: string, filename: string): Promise<unknown> {
    const compiled = new vm.Script(script, {
      filename,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
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
    this.abandon?.(new InterruptedError());
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
