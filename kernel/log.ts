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

/** Lines a RateLimitedLog writes per window before it only counts. */
export const LOG_BURST = 100;
/** The window of a RateLimitedLog, in ms. */
export const LOG_WINDOW_MS = 1000;

/**
 * A log for lines anyone who can reach a port can cause (dropped messages): LOG_BURST lines
 * per window, then one summary line per window with how many were left out.
 */
export class RateLimitedLog {
  private written = 0;
  private suppressed = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly what: string) {}

  /** Log a line, or count it if this window's burst is spent. */
  line(message: string): void {
    if (this.timer === undefined)
      this.timer = setTimeout(() => this.rollOver(), LOG_WINDOW_MS).unref();
    if (this.written++ < LOG_BURST) log(message);
    else this.suppressed++;
  }

  private rollOver(): void {
    this.timer = undefined;
    if (this.suppressed > 0)
      log(`${this.what}: ${this.suppressed} more not logged (at most ${LOG_BURST} a second)`);
    this.written = 0;
    this.suppressed = 0;
  }
}
