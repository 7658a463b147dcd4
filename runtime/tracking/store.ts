/**
 * Reading and writing run records in `<notebookDir>/.replab/runs/<id>.json`. A record is
 * rewritten whole through a temporary sibling and a rename after every cell, so a reader (or
 * a run killed at any instant) sees the previous complete record or the next, never half.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ReplabError } from "../errors.js";
import { RUN_SCHEMA, runsDir, type RunRecord } from "./record.js";

/** A new run id: sortable by its UTC start second, unique by 24 random bits. */
export function newRunId(started: Date): string {
  const stamp = started.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

/**
 * Write the record synchronously (a signal handler must be able to call this): temp file,
 * then rename. Synchronous JS cannot be interrupted by a signal handler, and SIGKILL between
 * the two calls leaves only the temp file beside the previous complete record.
 */
export function writeRecordSync(notebookDir: string, record: RunRecord): string {
  const dir = runsDir(notebookDir);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${record.id}.json`);
  const temp = join(dir, `.${record.id}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, `${JSON.stringify(record, null, 1)}\n`);
    renameSync(temp, path);
  } catch (cause) {
    rmSync(temp, { force: true });
    throw new ReplabError("io", `cannot write run record ${path}: ${String(cause)}`, { cause });
  }
  return path;
}

/** Every readable record in a notebook directory, oldest first; `notebook` keeps one notebook's. */
export function readRecords(notebookDir: string, notebook?: string): RunRecord[] {
  let names: string[];
  try {
    names = readdirSync(runsDir(notebookDir));
  } catch {
    return [];
  }
  const records: RunRecord[] = [];
  for (const name of names.filter((n) => n.endsWith(".json") && !n.startsWith("."))) {
    const record = parseRecord(join(runsDir(notebookDir), name));
    if (record !== undefined && (notebook === undefined || record.notebook.path === notebook))
      records.push(record);
  }
  // Ids sort by their start second only, and two runs (a fast `replab run`, then a kernel)
  // often start in one second: the start time's milliseconds order them, the id breaks ties.
  return records.sort((a, b) => order(a.startedAt, b.startedAt) || order(a.id, b.id));
}

/** Code-unit order: ISO 8601 UTC times of one length compare as the times they name. */
function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parse one record file, or undefined when it is not one (another tool's file, another schema). */
export function parseRecord(path: string): RunRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as Partial<RunRecord>;
    if (value.schema !== RUN_SCHEMA || typeof value.id !== "string") return undefined;
    return value as RunRecord;
  } catch {
    return undefined;
  }
}

/**
 * The record an id names: the whole id or a unique prefix of it, among `records`. Errors name
 * what to do: list the runs, or give more of the id.
 */
export function findRecord(records: readonly RunRecord[], id: string, where: string): RunRecord {
  const exact = records.find((r) => r.id === id);
  if (exact !== undefined) return exact;
  const matches = records.filter((r) => r.id.startsWith(id));
  if (matches.length === 1) return matches[0] as RunRecord;
  if (matches.length === 0)
    throw new ReplabError(
      "usage",
      `no run ${id} in ${where}; 'replab runs NB.ipynb' lists the runs (ids are the file names under .replab/runs/)`,
    );
  throw new ReplabError(
    "usage",
    `run id ${id} is ambiguous in ${where}: it starts ${matches.map((r) => r.id).join(", ")}; give more of it`,
  );
}
