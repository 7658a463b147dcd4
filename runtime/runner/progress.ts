/**
 * What `replab run` shows while it works, on stderr: a single updating line on a terminal
 * (cell n of N, cell id, elapsed), plain lines otherwise (CI logs), nothing with --quiet.
 * It writes through the real stderr because cells' output is captured while they run.
 */
import { writeRealStderr } from "../executor/capture.js";

export interface Progress {
  start(index: number, total: number, cellId: string): void;
  finish(index: number, total: number, cellId: string, ok: boolean, ms: number): void;
  done(): void;
}

/** Pick the display for this process's stderr. */
export function createProgress(quiet: boolean, tty = process.stderr.isTTY === true): Progress {
  if (quiet) return { start: () => {}, finish: () => {}, done: () => {} };
  return tty ? new TerminalProgress() : new PlainProgress();
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

class PlainProgress implements Progress {
  start(): void {}
  finish(index: number, total: number, cellId: string, ok: boolean, ms: number): void {
    writeRealStderr(`[${index}/${total}] ${cellId} ${ok ? "ok" : "FAILED"} ${seconds(ms)}\n`);
  }
  done(): void {}
}

class TerminalProgress implements Progress {
  private timer: NodeJS.Timeout | undefined;
  private line = "";

  start(index: number, total: number, cellId: string): void {
    const began = Date.now();
    const draw = (): void =>
      this.draw(`cell ${index} of ${total}  ${cellId}  ${seconds(Date.now() - began)}`);
    draw();
    clearInterval(this.timer);
    this.timer = setInterval(draw, 200);
    this.timer.unref();
  }

  finish(): void {
    clearInterval(this.timer);
  }

  done(): void {
    clearInterval(this.timer);
    if (this.line !== "") writeRealStderr("\r\x1b[2K");
    this.line = "";
  }

  private draw(text: string): void {
    const width = process.stderr.columns ?? 80;
    this.line = text.slice(0, Math.max(10, width - 1));
    writeRealStderr(`\r\x1b[2K${this.line}`);
  }
}
