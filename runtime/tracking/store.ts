/**
 * Reading and writing run records in `<notebookDir>/.replab/runs/<id>.json`. A record is
 * rewritten whole through a temporary sibling and a rename after every cell, so a reader (or
 * a run killed at any instant) sees the previous complete record or the next, never half.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ReplabError } from "../errors.js";
import { firstViolation } from "../json-schema.js";
import { PACKAGE_ROOT } from "../paths.js";
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

/** A file in .replab/runs that says it is a run record but is not one replab wrote, and why. */
export interface SkippedRecord {
  path: string;
  problem: string;
}

/**
 * Every readable record in a notebook directory, oldest first; `notebook` keeps one notebook's.
 * A file tagged as a record that breaks the schema (hand-edited, forged, another version's) is
 * left out and told to `skipped`, so one bad file neither hides the other runs nor crashes them.
 */
export function readRecords(
  notebookDir: string,
  notebook?: string,
  skipped: (skip: SkippedRecord) => void = () => {},
): RunRecord[] {
  let names: string[];
  try {
    names = readdirSync(runsDir(notebookDir));
  } catch {
    return [];
  }
  const records: RunRecord[] = [];
  for (const name of names.filter((n) => n.endsWith(".json") && !n.startsWith("."))) {
    const path = join(runsDir(notebookDir), name);
    const parsed = parseRecord(path);
    if (typeof parsed === "string") skipped({ path, problem: parsed });
    else if (parsed !== undefined && (notebook === undefined || parsed.notebook.path === notebook))
      records.push(parsed);
  }
  // Ids sort by their start second only, and two runs (a fast `replab run`, then a kernel)
  // often start in one second: the start time's milliseconds order them, the id breaks ties.
  return records.sort((a, b) => order(a.startedAt, b.startedAt) || order(a.id, b.id));
}

/** Code-unit order: ISO 8601 UTC times of one length compare as the times they name. */
function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Parse one record file: the record; undefined when it is not one (another tool's file, another
 * schema's tag); or, for a file tagged as one that is not JSON or breaks
 * schema/run-record.schema.json, what is wrong with it.
 */
export function parseRecord(path: string): RunRecord | string | undefined {
  let value: unknown;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    value = JSON.parse(text);
  } catch (error) {
    // Only a file that names our schema is ours to complain about.
    return text.includes(RUN_SCHEMA) ? `not JSON (${(error as Error).message})` : undefined;
  }
  const tagged = value as Partial<RunRecord> | null;
  if (typeof tagged !== "object" || tagged === null || tagged.schema !== RUN_SCHEMA)
    return undefined;
  return recordViolation(value) ?? (value as RunRecord);
}

let schemas: { record: Record<string, unknown>; lineage: Record<string, unknown> } | undefined;

/** Where `value` breaks the run-record schema (its lineage checked against the lineage schema). */
function recordViolation(value: unknown): string | undefined {
  schemas ??= {
    record: readSchema("run-record.schema.json"),
    lineage: readSchema("lineage.schema.json"),
  };
  // The checker resolves local $refs only: the record's lineage is checked on its own.
  const properties = { ...(schemas.record["properties"] as object), lineage: {} };
  const lineage = (value as Record<string, unknown>)["lineage"];
  return (
    firstViolation({ ...schemas.record, properties }, value) ??
    prefixed("lineage", firstViolation(schemas.lineage, lineage))
  );
}

function prefixed(where: string, problem: string | undefined): string | undefined {
  if (problem === undefined) return undefined;
  return problem.startsWith("the top level")
    ? problem.replace("the top level", where)
    : `${where}.${problem}`;
}

function readSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, "schema", name), "utf8")) as Record<
    string,
    unknown
  >;
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
