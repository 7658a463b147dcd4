/**
 * `replab runs compare`: what differs between runs (params, metrics, input data with column
 * drift, cell code, outputs), each difference with the cells it reaches through the lineage of
 * the run that differs. The first run is the baseline; every other run is compared with it.
 */
import {
  pointValue,
  type ColumnProfile,
  type FileEntry,
  type FrameProfile,
  type JsonValue,
  type RunRecord,
} from "./record.js";
import { reachedCells } from "./reach.js";

/** A relative change of a mean or of min/max beyond this counts as drift. */
export const DRIFT_THRESHOLD = 0.05;

/** One value per run (undefined: the run has none). */
export type PerRun<T> = (T | undefined)[];

/** The comparison of two or more runs. */
export interface Comparison {
  runs: { id: string; startedAt: string; status: string; notebook: string }[];
  params: { name: string; values: PerRun<JsonValue> }[];
  /** Metrics whose history differs: last values per run, and whether the steps and values match. */
  metrics: { name: string; last: PerRun<number | null>; history: "differs" | "same-last" }[];
  /** Every metric's history per run, for the chart. */
  histories: { name: string; runs: { step: number; value: number | null }[][] }[];
  seed: PerRun<number>;
  inputs: FileChange[];
  outputs: FileChange[];
  cells: CellChange[];
  drift: ColumnDrift[];
}

/** A file whose content differs between runs. */
export interface FileChange {
  path: string;
  sha256: PerRun<string>;
  bytes: PerRun<number>;
  /** Cells it reaches in the runs that differ. */
  reaches: string[];
}

/** A cell whose code or outputs differ. */
export interface CellChange {
  id: string;
  what: "code" | "outputs" | "only-in-some";
  reaches: string[];
}

/** A column of a frame whose profile moved. */
export interface ColumnDrift {
  cellId: string;
  variable: string;
  column: string;
  /** Run index (into `runs`) of the run that drifted from the baseline. */
  run: number;
  /** "mean 12.1 -> 19.8", "nulls 0 -> 37", "added", "removed", "dtype number -> string". */
  changes: string[];
  /** Files read by the cell that bound the frame. */
  sources: string[];
}

/** Compare runs, the first being the baseline. */
export function compareRuns(records: readonly RunRecord[]): Comparison {
  return {
    runs: records.map((r) => ({
      id: r.id,
      startedAt: r.startedAt,
      status: r.status,
      notebook: r.notebook.path,
    })),
    params: differingParams(records),
    metrics: differingMetrics(records),
    histories: histories(records),
    seed: records.map((r) => r.seed),
    inputs: fileChanges(
      records,
      (r) => r.inputs,
      (path) => [`file:${path}`],
    ),
    outputs: fileChanges(
      records,
      (r) => r.outputs,
      (path) => [`file:${path}`],
    ),
    cells: cellChanges(records),
    drift: records.slice(1).flatMap((r, i) => frameDrift(records[0] as RunRecord, r, i + 1)),
  };
}

function union<T>(lists: Iterable<T>[]): T[] {
  const all = new Set<T>();
  for (const list of lists) for (const item of list) all.add(item);
  return [...all];
}

const same = (values: readonly unknown[]): boolean =>
  values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));

function differingParams(records: readonly RunRecord[]): Comparison["params"] {
  const names = union(records.map((r) => Object.keys(r.params))).sort();
  return names
    .map((name) => ({ name, values: records.map((r) => r.params[name]) }))
    .filter((p) => !same(p.values));
}

function differingMetrics(records: readonly RunRecord[]): Comparison["metrics"] {
  const names = union(records.map((r) => Object.keys(r.metrics))).sort();
  const found: Comparison["metrics"] = [];
  for (const name of names) {
    const series = records.map((r) =>
      r.metrics[name]?.map((p) => [p.step, p.value, p.nonFinite ?? null]),
    );
    if (same(series)) continue;
    const last = records.map((r) => {
      const point = r.metrics[name]?.at(-1);
      return point === undefined ? undefined : pointValue(point);
    });
    // Object.is: NaN is the same as NaN, and JSON would spell NaN and Infinity alike.
    const sameLast = last.every((v) => Object.is(v, last[0]));
    found.push({ name, last, history: sameLast ? "same-last" : "differs" });
  }
  return found;
}

function histories(records: readonly RunRecord[]): Comparison["histories"] {
  const names = union(records.map((r) => Object.keys(r.metrics))).sort();
  return names.map((name) => ({
    name,
    runs: records.map((r) =>
      (r.metrics[name] ?? []).map((p) => ({ step: p.step, value: p.value })),
    ),
  }));
}

/** Execution order of a run's cells, for listing reached cells as the notebook runs them. */
const order = (r: RunRecord): string[] => r.cells.map((c) => c.id);

function fileChanges(
  records: readonly RunRecord[],
  files: (r: RunRecord) => FileEntry[],
  nodes: (path: string) => string[],
): FileChange[] {
  const byPath = records.map((r) => new Map(files(r).map((f) => [f.path, f])));
  const paths = union(byPath.map((m) => m.keys())).sort();
  const changes: FileChange[] = [];
  for (const path of paths) {
    const entries = byPath.map((m) => m.get(path));
    const sha256 = entries.map((e) => e?.sha256);
    if (same(sha256)) continue;
    const reaches = union(
      records
        .filter((_, i) => i === 0 || sha256[i] !== sha256[0])
        .map((r) => reachedCells(r.lineage, nodes(path), order(r))),
    );
    changes.push({ path, sha256, bytes: entries.map((e) => e?.bytes), reaches });
  }
  return changes;
}

function cellChanges(records: readonly RunRecord[]): CellChange[] {
  const byId = records.map((r) => new Map(r.cells.map((c) => [c.id, c])));
  const ids = union(records.map(order));
  const changes: CellChange[] = [];
  for (const id of ids) {
    // The cell `-p` inserts is named by its content: its difference is the params' difference.
    if (id.startsWith("injected-")) continue;
    const cells = byId.map((m) => m.get(id));
    const what = cells.some((c) => c === undefined)
      ? "only-in-some"
      : !same(cells.map((c) => c?.sourceSha256))
        ? "code"
        : !same(cells.map((c) => c?.outputSha256))
          ? "outputs"
          : undefined;
    if (what === undefined) continue;
    const reaches = union(
      records
        .filter((_, i) => byId[i]?.has(id))
        .map((r) => reachedCells(r.lineage, [id], order(r))),
    );
    changes.push({ id, what, reaches });
  }
  return changes;
}

/** Columns of frames bound by the same cell and variable whose profile moved. */
function frameDrift(base: RunRecord, other: RunRecord, run: number): ColumnDrift[] {
  const key = (f: FrameProfile): string => `${f.cellId}\u0000${f.variable}`;
  const before = new Map(base.frames.map((f) => [key(f), f]));
  const drift: ColumnDrift[] = [];
  for (const frame of other.frames) {
    const old = before.get(key(frame));
    if (old === undefined || old.sha256 === frame.sha256) continue;
    const sources = cellReads(other, frame.cellId);
    const columns = new Map(old.columns.map((c) => [c.name, c]));
    for (const column of frame.columns) {
      const was = columns.get(column.name);
      const changes = was === undefined ? ["added"] : columnChanges(was, column);
      if (changes.length > 0)
        drift.push({
          cellId: frame.cellId,
          variable: frame.variable,
          column: column.name,
          run,
          changes,
          sources,
        });
    }
    for (const gone of old.columns.filter((c) => !frame.columns.some((n) => n.name === c.name)))
      drift.push({
        cellId: frame.cellId,
        variable: frame.variable,
        column: gone.name,
        run,
        changes: ["removed"],
        sources,
      });
  }
  return drift;
}

function cellReads(record: RunRecord, cellId: string): string[] {
  return record.lineage.edges
    .filter((e) => e.kind === "read" && e.to === cellId)
    .map((e) => e.from.replace(/^file:/, ""));
}

/** What moved in one column: dtype, nulls, distinct count, or min/max/mean past the threshold. */
export function columnChanges(was: ColumnProfile, now: ColumnProfile): string[] {
  const changes: string[] = [];
  if (was.dtype !== now.dtype) changes.push(`dtype ${was.dtype} -> ${now.dtype}`);
  if (was.nulls !== now.nulls) changes.push(`nulls ${was.nulls} -> ${now.nulls}`);
  for (const stat of ["mean", "min", "max"] as const) {
    const a = was[stat];
    const b = now[stat];
    if (a === undefined && b === undefined) continue;
    if (moved(a ?? null, b ?? null)) changes.push(`${stat} ${num(a)} -> ${num(b)}`);
  }
  if (was.distinct !== now.distinct && (was.distinct !== undefined || now.distinct !== undefined))
    changes.push(`distinct ${was.distinct ?? "-"} -> ${now.distinct ?? "-"}`);
  return changes;
}

function moved(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a !== b;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? false : Math.abs(a - b) / scale > DRIFT_THRESHOLD;
}

/** A number as a reader wants it: up to 4 significant digits past the integer part. */
export function num(value: number | null | undefined): string {
  if (value === undefined) return "-";
  if (value === null) return "null";
  if (Number.isInteger(value)) return String(value);
  return String(
    Math.abs(value) >= 1000 ? Math.round(value * 10) / 10 : Number(value.toPrecision(4)),
  );
}
