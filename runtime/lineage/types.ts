/**
 * The lineage graph contract (docs/contracts.md, "Lineage JSON"; schema/lineage.schema.json).
 * These types and the JSON Schema must change together; fields may be added, never removed.
 */

/** Version tag stored in every graph. */
export const LINEAGE_SCHEMA = "replab.lineage/1";

/** MIME type of a lineage bundle (the `%lineage` output and the viewer's renderer). */
export const LINEAGE_MIME = "application/vnd.replab.lineage+json";

/** Comm target the kernel pushes the graph over. */
export const LINEAGE_COMM_TARGET = "replab.lineage";

export type CellStatus = "ok" | "error" | "not-run";

export interface CellNode {
  kind: "cell";
  /** nbformat cell id (or `count-N` when the client sent none). */
  id: string;
  executionCount: number | null;
  sourceSha256: string;
  /** Variables the execution assigned (docs/lineage-semantics.md). */
  defines: string[];
  /** Variables it read at run time that an earlier execution had written. */
  uses: string[];
  /** Names the cell changed in place (`x.push(1)`, `df.addColumn(...)`); it is their latest writer. */
  mutates?: string[];
  status: CellStatus;
  /** True when a name this cell used was written again by another execution after it ran. */
  stale: boolean;
  /** Sources of nondeterminism seen while the cell ran, e.g. "clock:Date.now". */
  nondeterminism: string[];
  /**
   * Clock or randomness reads a package made while it loaded ("clock:new Date() (jsbn)"):
   * they happen once per process, not because of what the cell computes, so they do not make
   * the cell's result nondeterministic. Absent when there were none.
   */
  loadTime?: string[];
}

export interface FileNode {
  kind: "file";
  /** "file:" + path. */
  id: string;
  /** Relative to the notebook's directory, "/"-separated. */
  path: string;
  sha256: string;
  bytes: number;
}

export interface FrameNode {
  kind: "frame";
  /** "frame:" + sha256. */
  id: string;
  /** Canonical content hash (docs/frame-hash.md). */
  sha256: string;
  rows: number;
  columns: string[];
}

export type LineageNode = CellNode | FileNode | FrameNode;

export type EdgeKind = "var" | "read" | "write" | "frame";

/** var: cell -> cell (label = variable); read: file -> cell; write: cell -> file; frame: cell -> frame. */
export interface LineageEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label: string;
  /**
   * On read and write edges: the content this cell read or left. The file node holds the
   * latest content only; a cell that read a file a later cell (or itself) rewrote read this.
   */
  sha256?: string;
  /** On read and write edges: the size of that content. */
  bytes?: number;
}

export interface LineageGraph {
  schema: typeof LINEAGE_SCHEMA;
  seed: number;
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** Environment variables replab set for determinism (e.g. TF_DETERMINISTIC_OPS=1). */
  environment?: Record<string, string>;
  /** The lineage of the notebook's last session before this one, recovered from its journal. */
  previousSession?: PreviousSession;
}

/** A session that ended (crashed, or was restarted) before the current one, as its journal holds it. */
export interface PreviousSession {
  /** The journal it was read from: relative to the notebook directory, or absolute (the fallback). */
  journal: string;
  /** Lines of the journal that were not whole records (skipped). */
  torn: number;
  /** What that session's executions built; its cells are not the current session's. */
  graph: LineageGraph;
  /** When that session wrote its last journal record (ISO 8601): a killed kernel writes nothing later. */
  endedAt?: string;
}
