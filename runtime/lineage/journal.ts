/**
 * Crash-safe lineage: an append-only JSON-lines file in `<notebookDir>/.replab/`, one record
 * per line. Each record is in the kernel's file (the OS page cache) when append returns, so a
 * killed kernel loses nothing; an fdatasync then runs on the thread pool, SYNC_DELAY_MS later
 * and once for all the records appended meanwhile, so the disk catches up without the cell
 * (or its reply) waiting for it. Replaying the lines rebuilds the graph.
 *
 * The journal is replab's, never the cell's: when it cannot be written (a read-only notebook
 * directory, a `.replab` that is a file, a full disk) the cell's result stands and the owner
 * is told through `onFailure`; a record cut short by a failed write is ended before the next
 * one, and readers skip such a line wherever it is (docs/contracts.md, "Journal").
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReplabError } from "../errors.js";
import { firstViolation } from "../json-schema.js";
import { JOURNAL_RECORD_SCHEMA } from "./journal-schema.js";
import type { ExecutionRecord } from "./execution.js";
import { LineageBuilder } from "./graph.js";
import { LINEAGE_SCHEMA } from "./types.js";

// Captured before the tracers patch fs: the journal is replab's own I/O, never a cell's.
const { openSync, writeSync, fdatasync, fdatasyncSync, closeSync, mkdirSync, readFileSync } = fs;

/**
 * How long after an append its fdatasync is issued. Issuing one costs the engine ~0.07 ms and
 * wakes a thread-pool thread that competes with the kernel on a small machine; issued at once,
 * both fell inside every cell's reply. Only power loss within this window can lose a record
 * (a killed process cannot: the record is in the page cache already).
 */
export const SYNC_DELAY_MS = 20;

/** One line of the journal. */
export type JournalRecord =
  | {
      type: "session";
      schema: typeof LINEAGE_SCHEMA;
      seed: number;
      environment: Record<string, string>;
      /** The notebook's file name, when the session knows it: how a later session finds its journal. */
      notebook?: string;
    }
  | { type: "seed"; seed: number }
  | ({ type: "execution" } & ExecutionRecord);

/**
 * Where a notebook's journal goes when its own directory cannot take one: a folder per
 * notebook directory under the system's temporary directory.
 */
export function fallbackJournalDir(notebookDir: string): string {
  const key = createHash("sha256").update(notebookDir).digest("hex").slice(0, 16);
  return join(tmpdir(), "replab-journals", key);
}

/** Called when an append could not be written, with the error. */
export type JournalFailure = (error: Error) => void;

/** An open journal file; every append reaches the disk before it returns. */
export class Journal {
  private fd: number | undefined;
  private syncing = false;
  private syncAgain = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** A failed write may have left part of a line: the next record starts on a new line. */
  private torn = false;
  /** Told about failed appends. */
  onFailure: JournalFailure | undefined;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Create `<dir>/<name>.jsonl` (and the directory); appends when the file exists. */
  static open(dir: string, name: string): Journal {
    try {
      makeDir(dir);
      const path = join(dir, `${name}.jsonl`);
      return new Journal(path, openSync(path, "a"));
    } catch (cause) {
      throw new ReplabError("io", `cannot open the lineage journal in ${dir}: ${String(cause)}`, {
        cause,
      });
    }
  }

  /** Append one record as one line and flush it to disk; never throws (see onFailure). */
  append(record: JournalRecord): void {
    if (this.fd === undefined || this.closed) return;
    const line = Buffer.from(`${this.torn ? "\n" : ""}${JSON.stringify(record)}\n`, "utf8");
    let written = 0;
    try {
      while (written < line.length) written += writeSync(this.fd, line, written);
      this.torn = false;
    } catch (error) {
      this.torn = this.torn || written > 0;
      this.onFailure?.(error as Error);
      return;
    }
    this.sync();
  }

  /** Close the file once the last flush is done; later appends are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.syncTimer !== undefined) {
      // A flush was still to be issued: do it now, the session is ending.
      clearTimeout(this.syncTimer);
      this.syncTimer = undefined;
      if (!this.syncing && this.fd !== undefined) syncQuietly(this.fd);
    }
    if (!this.syncing && this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Flush SYNC_DELAY_MS from now, once for every append until then. */
  private sync(): void {
    if (this.syncTimer !== undefined) return;
    // unref: a pending flush must not keep a finished process alive; close() flushes it.
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.syncNow();
    }, SYNC_DELAY_MS).unref();
  }

  /** One fdatasync in flight at a time; appends during it get one more afterwards. */
  private syncNow(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    const fd = this.fd;
    if (fd === undefined) return;
    this.syncing = true;
    fdatasync(fd, () => {
      // A failed flush leaves the record in the page cache; the next append retries.
      this.syncing = false;
      if (this.closed) {
        closeSync(fd);
        this.fd = undefined;
      } else if (this.syncAgain) {
        this.syncAgain = false;
        this.syncNow();
      }
    });
  }
}

/** A flush at close; a failure leaves the records in the page cache, as an async one would. */
function syncQuietly(fd: number): void {
  try {
    fdatasyncSync(fd);
  } catch {
    // Nothing to tell: the appends themselves succeeded.
  }
}

/** mkdir -p; on failure, the error of the directory itself (recursive mkdir says ENOENT for EROFS). */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    mkdirSync(dir);
    throw error;
  }
}

/**
 * Read a journal's records. A torn line (power loss mid-write, or a write that failed on a
 * full disk) is skipped wherever it is; `torn` counts them.
 */
export function readJournal(path: string): JournalRecord[] & { torn: number } {
  const records = Object.assign([] as JournalRecord[], { torn: 0 });
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const record = parseRecord(line);
    if (record === undefined) records.torn++;
    else records.push(record);
  }
  return records;
}

/** A line as a record, or undefined when it is torn or not a record replab writes. */
function parseRecord(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return firstViolation(JOURNAL_RECORD_SCHEMA, value) === undefined
    ? (value as JournalRecord)
    : undefined;
}

/** Rebuild the lineage from a journal's records. */
export function replayJournal(records: readonly JournalRecord[]): LineageBuilder {
  let builder = new LineageBuilder(42);
  for (const record of records) {
    switch (record.type) {
      case "session":
        builder = new LineageBuilder(record.seed, record.environment);
        break;
      case "seed":
        builder.setSeed(record.seed);
        break;
      case "execution": {
        builder.apply(withoutType(record));
        break;
      }
    }
  }
  return builder;
}

function withoutType(record: { type: "execution" } & ExecutionRecord): ExecutionRecord {
  const execution: Partial<typeof record> = { ...record };
  delete execution.type;
  return execution as ExecutionRecord;
}
