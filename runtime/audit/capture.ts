/**
 * What the report's data and model cards need that the lineage does not hold: the column
 * profiles of each frame (the run record's, runtime/tracking/profile.ts), and a summary of
 * each @tensorflow/tfjs model a cell holds at the end of a run. Read from the live values once the last cell has run, stored at
 * `metadata.replab.audit` (docs/contracts.md, "Audit").
 */
import type { CellNode, LineageGraph } from "../lineage/types.js";
import type { Notebook } from "../notebook/types.js";
import { hashFrame, isFrame } from "../hashing/frame.js";
import { profileFrame } from "../tracking/profile.js";
import type { ColumnProfile } from "../tracking/record.js";
import { modelSummary, type ModelSummary } from "./model-summary.js";

/** A frame's schema and missing values, keyed by its canonical hash (the lineage's frame node). */
export interface FrameProfile {
  sha256: string;
  /** The variable that holds it at the end of the run, and the cell that last wrote that variable. */
  variable: string;
  cellId: string;
  rows: number;
  /** dtype family, missing values (`nulls`) and min/max/mean or distinct count, per column. */
  columns: ColumnProfile[];
}

/** Everything captured at the end of a run. */
export interface AuditCapture {
  frames: FrameProfile[];
  models: ModelSummary[];
}

/** Profile the frames and summarise the models the notebook's variables hold now. */
export function captureAudit(
  graph: LineageGraph,
  valueOf: (name: string) => unknown,
): AuditCapture {
  const frames: FrameProfile[] = [];
  const models: ModelSummary[] = [];
  for (const [variable, cellId] of holders(graph)) {
    const value = safely(() => valueOf(variable));
    if (isFrame(value)) {
      const profile = safely(() => frameProfile(value, variable, cellId));
      if (profile !== undefined) frames.push(profile);
      continue;
    }
    const model = safely(() => modelSummary(value, variable, cellId));
    if (model !== undefined) models.push(model);
  }
  return { frames, models };
}

/** Capture from this process's globals (where cells keep their top-level names) into the notebook. */
export function storeAuditCapture(notebook: Notebook, graph: LineageGraph): void {
  const global = globalThis as Record<string, unknown>;
  const audit = captureAudit(graph, (name) => global[name]);
  const replab = notebook.metadata["replab"] as Record<string, unknown> | undefined;
  if (replab !== undefined) replab["audit"] = audit;
}

/** The cells that ran, in execution order. */
export function executedCells(graph: LineageGraph): CellNode[] {
  return graph.nodes
    .filter((n): n is CellNode => n.kind === "cell" && n.executionCount !== null)
    .sort((a, b) => (a.executionCount ?? 0) - (b.executionCount ?? 0));
}

/** Each variable with the cell that last defined or mutated it, in execution order. */
export function holders(graph: LineageGraph): Map<string, string> {
  const held = new Map<string, string>();
  for (const cell of executedCells(graph)) {
    for (const name of [...cell.defines, ...(cell.mutates ?? [])]) held.set(name, cell.id);
  }
  return new Map([...held].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The frame's hash (runtime/hashing/frame.ts) and column profiles (runtime/tracking/profile.ts). */
function frameProfile(value: unknown, variable: string, cellId: string): FrameProfile | undefined {
  const hash = hashFrame(value);
  const columns = profileFrame(value);
  if (hash === undefined || columns === undefined) return undefined;
  return { sha256: hash.sha256, variable, cellId, rows: hash.rows, columns };
}

/** A getter that throws (a user's proxy, a disposed tensor) must not cost the run its metadata. */
function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
