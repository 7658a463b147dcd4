/**
 * How a value becomes a MIME bundle. An object may declare its own display through
 * `Symbol.for("Jupyter.display")` (the open protocol Deno's kernel uses); dataframes and
 * tensors are recognised by shape; everything else is shown as util.inspect would.
 */
import { inspect } from "node:util";
import type { ExecuteResultValue, MimeBundle } from "../session/types.js";
import { describe, toWireJson } from "./wire-json.js";

/** The protocol symbol: `[Symbol.for("Jupyter.display")]() => MimeBundle`. */
export const JUPYTER_DISPLAY = Symbol.for("Jupyter.display");

/** Format a cell's result; undefined shows nothing (as in a REPL). */
export async function formatResult(value: unknown): Promise<ExecuteResultValue | undefined> {
  if (value === undefined) return undefined;
  return { data: await toBundle(value), metadata: {} };
}

/** A MIME bundle for any value; always has text/plain. */
export async function toBundle(value: unknown): Promise<MimeBundle> {
  try {
    const declared = await declaredBundle(value);
    if (declared !== undefined) return { "text/plain": plain(value), ...declared };
    if (isDataFrameLike(value)) return dataFrameBundle(value);
    if (isTensorLike(value)) return { "text/plain": String(value.toString()) };
  } catch {
    // A value whose shape or display cannot be read is shown as util.inspect shows it.
  }
  return { "text/plain": plain(value) };
}

async function declaredBundle(value: unknown): Promise<MimeBundle | undefined> {
  if (value === null || (typeof value !== "object" && typeof value !== "function"))
    return undefined;
  // A display method that throws or returns no object falls back to text/plain.
  try {
    const method = (value as Record<symbol, unknown>)[JUPYTER_DISPLAY];
    if (typeof method !== "function") return undefined;
    const bundle: unknown = await (method as () => unknown).call(value);
    if (bundle === null || typeof bundle !== "object" || Array.isArray(bundle)) return undefined;
    return toWireJson(bundle) as MimeBundle;
  } catch {
    return undefined;
  }
}

function plain(value: unknown): string {
  try {
    return inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 });
  } catch (error) {
    return `[value that cannot be shown: ${describe(error)}]`;
  }
}

interface DataFrameLike {
  columns: string[];
  values: unknown[][];
  shape: [number, number];
  index: unknown[];
}

/** danfo.js DataFrame (and look-alikes): columns, index, 2-D values and a shape. */
export function isDataFrameLike(value: unknown): value is DataFrameLike {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  try {
    return (
      Array.isArray(v["columns"]) &&
      Array.isArray(v["index"]) &&
      Array.isArray(v["shape"]) &&
      Array.isArray(v["values"]) &&
      (v["shape"] as unknown[]).length === 2
    );
  } catch {
    return false;
  }
}

interface TensorLike {
  shape: number[];
  dtype: string;
  dataSync: () => unknown;
  toString: () => string;
}

function isTensorLike(value: unknown): value is TensorLike {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return (
    Array.isArray(v["shape"]) &&
    typeof v["dtype"] === "string" &&
    typeof v["dataSync"] === "function"
  );
}

const MAX_ROWS = 50;

function dataFrameBundle(df: DataFrameLike): MimeBundle {
  const rows = df.values.slice(0, MAX_ROWS);
  const index = df.index.slice(0, MAX_ROWS);
  const escape = (x: unknown): string =>
    String(x).replace(
      /[&<>"]/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c,
    );
  const header = `<tr><th></th>${df.columns.map((c) => `<th>${escape(c)}</th>`).join("")}</tr>`;
  const body = rows
    .map(
      (row, i) =>
        `<tr><th>${escape(index[i])}</th>${row.map((x) => `<td>${escape(x)}</td>`).join("")}</tr>`,
    )
    .join("");
  const more = df.shape[0] > MAX_ROWS ? `<p>${df.shape[0]} rows × ${df.shape[1]} columns</p>` : "";
  const html = `<table class="dataframe"><thead>${header}</thead><tbody>${body}</tbody></table>${more}`;
  return { "text/plain": textTable(df.columns, rows, index, df.shape), "text/html": html };
}

function textTable(
  columns: string[],
  rows: unknown[][],
  index: unknown[],
  shape: [number, number],
): string {
  const cells = [["", ...columns], ...rows.map((r, i) => [String(index[i]), ...r.map(String)])];
  const widths = cells[0]?.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length))) ?? [];
  const lines = cells.map((r) => r.map((x, c) => x.padStart(widths[c] ?? 0)).join("  "));
  if (shape[0] > rows.length) lines.push(`[${shape[0]} rows × ${shape[1]} columns]`);
  return lines.join("\n");
}
