/**
 * Crash-safe lineage: an append-only JSON-lines file in `<notebookDir>/.replab/`, one record
 * per line. Each record is in the kernel's file (the OS page cache) when append returns, so a
 * killed kernel loses nothing; an fdatasync then runs on the thread pool, so the disk catches
 * up without the cell waiting for it. Replaying the lines rebuilds the graph.
 */
import fs from "node:fs";
import { join } from "node:path";
import { ReplabError } from "../errors.js";
import type { ExecutionRecord } from "./execution.js";
import { LineageBuilder } from "./graph.js";
import { LINEAGE_SCHEMA } from "./types.js";

// Captured before the tracers patch fs: the journal is replab's own I/O, never a cell's.
const { openSync, writeSync, fdatasync, closeSync, mkdirSync, readFileSync } = fs;

/** One line of the journal. */
export type JournalRecord =
  | {
      type: "session";
      schema: typeof LINEAGE_SCHEMA;
      seed: number;
      environment: Record<string, string>;
    }
  | { type: "seed"; seed: number }
  | ({ type: "execution" } & ExecutionRecord);

/** An open journal file; every append reaches the disk before it returns. */
export class Journal {
  private fd: number | undefined;
  private syncing = false;
  private syncAgain = false;
  private closed = false;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Create `<dir>/<name>.jsonl` (and the directory); appends when the file exists. */
  static open(dir: string, name: string): Journal {
    try {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${name}.jsonl`);
      return new Journal(path, openSync(path, "a"));
    } catch (cause) {
      throw new ReplabError("io", `cannot open the lineage journal in ${dir}: ${String(cause)}`, {
        cause,
      });
    }
  }

  /** Append one record as one line and flush it to disk. */
  append(record: JournalRecord): void {
    if (this.fd === undefined || this.closed) return;
    const line = Buffer.from(`${JSON.stringify(record)}\n`, "utf8");
    let written = 0;
    while (written < line.length) written += writeSync(this.fd, line, written);
    this.sync();
  }

  /** Close the file once the last flush is done; later appends are ignored. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.syncing && this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** One fdatasync in flight at a time; appends during it get one more afterwards. */
  private sync(): void {
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
        this.sync();
      }
    });
  }
}

/** Read a journal's records; a torn last line (power loss mid-write) is skipped. */
export function readJournal(path: string): JournalRecord[] {
  const lines = readFileSync(path, "utf8").split("\n");
  const records: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (cause) {
      if (i < lines.length - 2) {
        throw new ReplabError("io", `${path}:${i + 1} is not a journal record`, { cause });
      }
    }
  });
  return records;
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
