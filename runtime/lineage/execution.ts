/**
 * One recorded execution: the unit the journal stores and the graph is rebuilt from.
 */
import type { CellStatus } from "./types.js";

/** A file a cell read or wrote, hashed. */
export interface FileRecord {
  path: string;
  sha256: string;
  bytes: number;
}

/** A dataframe a top-level name held when the cell ended. */
export interface FrameRecord {
  name: string;
  sha256: string;
  rows: number;
  columns: string[];
}

/** Everything the lineage keeps about one execution of one cell. */
export interface ExecutionRecord {
  cellId: string;
  executionCount: number;
  seed: number;
  language: "typescript" | "javascript";
  sourceSha256: string;
  status: Exclude<CellStatus, "not-run">;
  defines: string[];
  uses: string[];
  mutates: string[];
  reads: FileRecord[];
  writes: FileRecord[];
  frames: FrameRecord[];
  nondeterminism: string[];
  /**
   * True when defines/uses/mutates were observed at run time (docs/lineage-semantics.md):
   * then a failed execution's writes count. Absent: they come from the static analysis.
   */
  observed?: boolean;
  /** Nondeterministic reads packages made while they loaded (see CellNode.loadTime). */
  loadTime?: string[];
}
