/**
 * What the tracers collect for the cell that is running. Only one cell runs at a time, so
 * one active slot suffices; async completions arriving after the cell ended find it empty
 * and are dropped (they belong to no execution).
 */
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { callOrigin, calledFromOwnCode } from "./origin.js";
import type { PendingRead } from "./read-bytes.js";

/**
 * Stack looks per label and cell for reads made by packages. A package may read the clock in
 * a hot loop; past this many, the read is recorded as the cell's own, so nothing the cell
 * itself did is missed and the cost stays bounded.
 */
const PACKAGE_LOOKS = 1000;

/** Everything observed while one cell execution was active. */
export class CellTrace {
  /** Absolute paths read, in first-seen order. */
  readonly reads = new Set<string>();
  /** Absolute paths written, in first-seen order. */
  readonly writes = new Set<string>();
  /** Labels such as "clock:Date.now", or "clock:Date.now (danfojs-node)" for a package's read. */
  readonly nondeterminism = new Set<string>();
  /** Labels of reads packages made while they loaded, e.g. "clock:new Date() (jsbn)". */
  readonly loadTime = new Set<string>();
  /** Stack looks spent per plain label on reads packages made. */
  readonly looks = new Map<string, number>();
  /** Write streams the cell opened: their last bytes may land after its code returned. */
  readonly streams: Writable[] = [];

  /**
   * Wait until every write stream the cell ended has written its last byte, so the file is
   * hashed as it was finally written; a stream the cell left open (or one that does not
   * finish within STREAM_WAIT_MS) is flagged instead, since what it writes later is not seen.
   */
  async settleStreams(): Promise<void> {
    await Promise.all(
      this.streams.map(async (stream) => {
        if (stream.writableFinished || stream.destroyed) return;
        if (!stream.writableEnded || !(await finishes(stream)))
          this.nondeterminism.add(OPEN_STREAM);
      }),
    );
  }
}

/** The label of a write stream still writing when its cell was recorded. */
export const OPEN_STREAM = "unseen-io:createWriteStream";

/** How long a cell's record waits for a write stream it ended (a hang guard, not a timing). */
const STREAM_WAIT_MS = 30_000;

/** True when `stream` finishes (or fails: then it writes no more) before the wait runs out. */
async function finishes(stream: Writable): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((done) => {
    timer = setTimeout(() => done(false), STREAM_WAIT_MS);
    timer.unref();
  });
  const done = finished(stream).then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Receives reads as they are first seen. `content` carries the hash of the bytes the read
 * returned, for reads that hand over whole files; without it the file itself is hashed.
 */
export type ReadListener = (absolutePath: string, content?: PendingRead) => void;

/** The active-cell slot shared by all tracers. */
export class TraceState {
  private current: CellTrace | undefined;
  private readListener: ReadListener | undefined;
  /** Depth of asUser calls in progress. */
  private userDepth = 0;
  private randomKey: string | undefined;
  /** Child processes the running cell started so far. */
  private children = 0;
  /** Workers the running cell started so far. */
  private workers = 0;

  /** Start collecting for a new execution; `randomKey` is the cell's stream key, for its child processes. */
  begin(onRead?: ReadListener, randomKey?: string): CellTrace {
    this.current = new CellTrace();
    this.readListener = onRead;
    this.randomKey = randomKey;
    this.children = 0;
    this.workers = 0;
    return this.current;
  }

  /** The stream key of the next child process the running cell starts; undefined for replab's own. */
  childRandomKey(): string | undefined {
    if (this.current === undefined || this.randomKey === undefined || calledFromOwnCode())
      return undefined;
    return `${this.randomKey}:child:${this.children++}`;
  }

  /** The stream key of the next Worker the running cell starts; undefined for replab's own. */
  workerRandomKey(): string | undefined {
    if (this.current === undefined || this.randomKey === undefined || calledFromOwnCode())
      return undefined;
    return `${this.randomKey}:worker:${this.workers++}`;
  }

  /** Stop collecting; later observations are dropped. */
  end(): void {
    this.current = undefined;
    this.readListener = undefined;
    this.randomKey = undefined;
  }

  /** Note a source of nondeterminism; cheap when already noted or no cell is active. */
  nondeterminism(label: string): void {
    const trace = this.current;
    // Once the cell itself is known to read this source, no other caller adds anything.
    if (trace === undefined || trace.nondeterminism.has(label)) return;
    const looks = trace.looks.get(label) ?? 0;
    if (looks >= PACKAGE_LOOKS) {
      trace.nondeterminism.add(label);
      return;
    }
    const origin = callOrigin();
    if (origin.kind === "own") return;
    if (origin.kind === "user") {
      trace.nondeterminism.add(label);
      return;
    }
    trace.looks.set(label, looks + 1);
    (origin.loading ? trace.loadTime : trace.nondeterminism).add(`${label} (${origin.name})`);
  }

  /**
   * Note a file access (already resolved and filtered); a read may bring its bytes' hash.
   * Returns whether it is the running cell's (replab's own I/O is not).
   */
  file(kind: "read" | "write", absolutePath: string, content?: PendingRead): boolean {
    const trace = this.current;
    if (trace === undefined) return false;
    const set = kind === "read" ? trace.reads : trace.writes;
    if (set.has(absolutePath)) return true;
    if (this.userDepth === 0 && calledFromOwnCode()) return false;
    set.add(absolutePath);
    if (kind === "read") this.readListener?.(absolutePath, content);
    return true;
  }

  /** A write stream the cell opened on `absolutePath`: its file is hashed once it finished. */
  writeStream(absolutePath: string, stream: Writable): void {
    if (this.file("write", absolutePath)) this.current?.streams.push(stream);
  }

  /**
   * Run `f` with its file accesses counted as the cell's even though replab's code is on the
   * stack: the notebook's require() is replab's shim, and what it loads is the cell's read.
   */
  asUser<T>(f: () => T): T {
    this.userDepth++;
    try {
      return f();
    } finally {
      this.userDepth--;
    }
  }

  /** True while a cell is running. */
  get active(): boolean {
    return this.current !== undefined;
  }
}
