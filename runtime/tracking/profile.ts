/**
 * Column profiles of dataframes, so a changed input shows between runs as "column `price`:
 * mean 12.1 -> 19.8, nulls 0 -> 37" and not only as a different hash. One pass over the rows
 * the frame hash already reads (runtime/hashing/frame.ts owns how a frame's columns are read).
 */
import { frameTable } from "../hashing/frame.js";
import type { ColumnProfile } from "./record.js";

/** Distinct values are counted up to this many per column; past it the count says "at least". */
const DISTINCT_LIMIT = 10_000;

/** Profiles of a frame's columns, or undefined when the value is not a danfo-like frame. */
export function profileFrame(value: unknown): ColumnProfile[] | undefined {
  const table = frameTable(value);
  if (table === undefined) return undefined;
  return table.columns.map((name, i) =>
    profileColumn(
      name,
      table.dtypes[i] ?? "unknown",
      table.rows.map((row) => row[i]),
    ),
  );
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
}

function profileColumn(name: string, dtype: string, values: unknown[]): ColumnProfile {
  const present = values.filter((v) => !isMissing(v));
  const nulls = values.length - present.length;
  if (dtype === "number") return { name, dtype, nulls, ...numberStats(present) };
  const distinct = new Set<string>();
  for (const v of present) {
    if (distinct.size >= DISTINCT_LIMIT) break;
    distinct.add(typeof v === "string" ? v : JSON.stringify(v));
  }
  return { name, dtype, nulls, distinct: distinct.size };
}

function numberStats(values: unknown[]): {
  min: number | null;
  max: number | null;
  mean: number | null;
} {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (typeof v !== "number" || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  if (count === 0) return { min: null, max: null, mean: null };
  return { min, max, mean: sum / count };
}
