/**
 * Routes what cells print (console, process.stdout/stderr) to the current OutputSink.
 * Output that arrives after a cell finished (timers, promises) goes to the latest cell's
 * sink, as in every Jupyter kernel; in `replab run` it goes to the cell whose code started
 * it (`attributeToOrigin`, cell-context.ts). replab's own diagnostics must use
 * `writeRealStderr`, which bypasses the capture.
 */
import type { OutputSink } from "../session/types.js";
import { CellContexts } from "./cell-context.js";
import type { CellScope } from "./run.js";

type Write = typeof process.stdout.write;

const realStdoutWrite: Write = process.stdout.write.bind(process.stdout);
const realStderrWrite: Write = process.stderr.write.bind(process.stderr);

/** Write to the process's real stderr, never to a cell's output. */
export function writeRealStderr(text: string): void {
  realStderrWrite(text);
}

/** Write to the process's real stdout, never to a cell's output. */
export function writeRealStdout(text: string): void {
  realStdoutWrite(text);
}

export class OutputRouter {
  private sink: OutputSink | undefined;
  private installed = false;
  private cells: CellContexts | undefined;

  /** The sink cells currently write to: the latest cell's, or with origins the writing code's cell's. */
  get current(): OutputSink | undefined {
    return this.cells?.current()?.sink ?? this.sink;
  }

  /**
   * From now on, what a cell's timers and promises write later goes to that cell (replab
   * run). Returns the scope the executor runs cells' code in.
   */
  attributeToOrigin(): CellScope {
    const cells = (this.cells ??= new CellContexts());
    return {
      run: (work) => cells.run(this.sink, work),
      abandon: () => cells.abandonLatest(),
      settle: (boundMs) => cells.settle(boundMs),
    };
  }

  /** Send cell output to `sink` from now on. */
  route(sink: OutputSink): void {
    this.sink = sink;
  }

  /** Replace process.stdout/stderr.write; idempotent. */
  install(): void {
    if (this.installed) return;
    this.installed = true;
    process.stdout.write = this.writer("stdout", realStdoutWrite);
    process.stderr.write = this.writer("stderr", realStderrWrite);
  }

  /** Put the real writers back. */
  uninstall(): void {
    this.cells?.dispose();
    if (!this.installed) return;
    this.installed = false;
    process.stdout.write = realStdoutWrite;
    process.stderr.write = realStderrWrite;
  }

  private writer(name: "stdout" | "stderr", real: Write): Write {
    return ((chunk: unknown, ...rest: unknown[]): boolean => {
      const sink = this.current;
      if (sink === undefined) return (real as (...args: unknown[]) => boolean)(chunk, ...rest);
      const text =
        typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
      sink.stream(name, text);
      const callback = rest.find((r): r is () => void => typeof r === "function");
      if (callback !== undefined) process.nextTick(callback);
      return true;
    }) as Write;
  }
}
