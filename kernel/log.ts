/**
 * Kernel diagnostics go straight to file descriptor 2: the engine routes the main thread's
 * process.stderr into cell output, and a worker's streams are forwarded through it.
 */
import { writeSync } from "node:fs";

/** One line to the kernel's log (Jupyter shows it in the server console); never log the key. */
export function log(message: string): void {
  try {
    writeSync(2, `[replab] ${message}\n`);
  } catch {
    // The log is best effort; a closed stderr must not take the kernel down.
  }
}
