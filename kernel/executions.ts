/**
 * The protocol process's record of executions: the execution count, which execute is running,
 * and which request a cell's output is parented to. Only the latest execute is kept, so the
 * map does not grow with every cell; later output of older cells is parented to it.
 */
import type { HistoryEntry } from "../runtime/session/types.js";
import type { Message } from "./messages.js";
import type { Queued } from "./requests.js";

export class Executions {
  /** The execution count the engine last reported. */
  count = 0;
  private readonly byId = new Map<number, Queued<"execute_request">>();
  private latestId: number | undefined;
  /** The execute the engine is running now, if any. */
  running: number | undefined;
  /**
   * Every counted input, as the engine numbers it: history_request is answered from here, so
   * it never waits on the engine (which may still be loading the compiler).
   */
  readonly history: HistoryEntry[] = [];

  /** A counted execute starts: it becomes history line count + 1, as in the engine. */
  recordInput(code: string): void {
    this.history.push({ session: 1, line: this.count + 1, input: code });
  }

  /** An execute starts under engine call id `id`. */
  begin(id: number, request: Queued<"execute_request">): void {
    if (this.latestId !== undefined) this.byId.delete(this.latestId);
    this.byId.set(id, request);
    this.latestId = id;
    this.running = id;
  }

  /** The execute a running cell's engine call id belongs to, while it is the latest. */
  own(id: number): Queued<"execute_request"> | undefined {
    return this.byId.get(id);
  }

  /** The request an execution's output is parented to: its own, or else the latest execute's. */
  parentOf(id: number | undefined): Message<string, unknown> | undefined {
    const own = id === undefined ? undefined : this.byId.get(id);
    const latest = this.latestId === undefined ? undefined : this.byId.get(this.latestId);
    return (own ?? latest)?.message;
  }

  /** The engine call id output without one is attributed to. */
  get latest(): number | undefined {
    return this.latestId;
  }
}
