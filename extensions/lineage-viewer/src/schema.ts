/**
 * A hand-written mirror of schema/lineage.schema.json (docs/contracts.md, "Lineage JSON").
 *
 * The extension may not import runtime/, so the types live here too; the constant tables
 * below are what test/schema.test.ts compares with the schema file, so a change to the
 * schema that this mirror misses fails a test rather than a user's notebook.
 */

/** Version tag every graph carries. */
export const LINEAGE_SCHEMA = "replab.lineage/1";

/** MIME type of a lineage bundle (the `%lineage` output). */
export const LINEAGE_MIME = "application/vnd.replab.lineage+json";

/** Comm target the kernel pushes the graph over. */
export const LINEAGE_COMM_TARGET = "replab.lineage";

/** Cell statuses, in the schema's enum order. */
export const CELL_STATUSES = ["ok", "error", "not-run"] as const;

/** Edge kinds, in the schema's enum order. */
export const EDGE_KINDS = ["var", "read", "write", "frame"] as const;

/** How a cell's last execution ended. */
export type CellStatus = (typeof CELL_STATUSES)[number];

/** What an edge stands for: var cell->cell, read file->cell, write cell->file, frame cell->frame. */
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** A notebook cell in the graph. */
export interface CellNode {
  kind: "cell";
  id: string;
  executionCount: number | null;
  sourceSha256: string;
  defines: string[];
  uses: string[];
  status: CellStatus;
  stale: boolean;
  nondeterminism: string[];
  /** Clock or randomness reads packages made while they loaded: not the cell's result. */
  loadTime?: string[];
}

/** A file a cell read or wrote, hashed. */
export interface FileNode {
  kind: "file";
  id: string;
  path: string;
  sha256: string;
  bytes: number;
}

/** A dataframe a cell held, with its canonical content hash. */
export interface FrameNode {
  kind: "frame";
  id: string;
  sha256: string;
  rows: number;
  columns: string[];
}

/** Any node of the graph. */
export type LineageNode = CellNode | FileNode | FrameNode;

/** A labelled, directed edge. */
export interface LineageEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label: string;
  /** On read and write edges: sha256 of the content this cell read or left. */
  sha256?: string;
  /** On read and write edges: the size of that content. */
  bytes?: number;
}

/**
 * The notebook's last session before this kernel (one that crashed or was restarted), as the
 * kernel recovered it from that session's journal. Its cells are not this kernel's.
 */
export interface PreviousSession {
  /** The journal it was read from: relative to the notebook's folder, or absolute. */
  journal: string;
  /** Lines of the journal that were not whole records (skipped). */
  torn: number;
  /** What that session's executions built. */
  graph: LineageGraph;
  /** When that session wrote its last journal record (ISO 8601), when the kernel says. */
  endedAt?: string;
}

/** The whole lineage of one notebook. */
export interface LineageGraph {
  schema: typeof LINEAGE_SCHEMA;
  seed: number;
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** The session before this one, recovered from its journal (after a crash or restart). */
  previousSession?: PreviousSession;
}

/** Required fields per object kind, as the schema lists them (compared by the schema test). */
export const REQUIRED_FIELDS = {
  graph: ["schema", "seed", "nodes", "edges"],
  cellNode: [
    "kind",
    "id",
    "executionCount",
    "sourceSha256",
    "defines",
    "uses",
    "status",
    "stale",
    "nondeterminism",
  ],
  fileNode: ["kind", "id", "path", "sha256", "bytes"],
  frameNode: ["kind", "id", "sha256", "rows", "columns"],
  edge: ["from", "to", "kind", "label"],
  previousSession: ["journal", "torn", "graph"],
} as const;

/** Why incoming lineage JSON was refused; `code` is stable, `message` names the bad field. */
export class LineageFormatError extends Error {
  /** Stable code for tests and callers. */
  readonly code = "LINEAGE_FORMAT" as const;
  constructor(message: string) {
    super(message);
    this.name = "LineageFormatError";
  }
}

/** True when `e` is a LineageFormatError. */
export function isLineageFormatError(e: unknown): e is LineageFormatError {
  return e instanceof LineageFormatError;
}

const SHA256 = /^[0-9a-f]{64}$/;

type Obj = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new LineageFormatError(`${where}: ${what}`);
}

function obj(v: unknown, where: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(where, "expected an object");
  return v as Obj;
}

function str(o: Obj, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== "string") fail(`${where}.${key}`, "expected a string");
  return v;
}

function int(o: Obj, key: string, where: string, min = -Infinity): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    fail(
      `${where}.${key}`,
      min > -Infinity ? `expected an integer >= ${min}` : "expected an integer",
    );
  }
  return v;
}

function strings(o: Obj, key: string, where: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) {
    fail(`${where}.${key}`, "expected an array of strings");
  }
  return v as string[];
}

function sha(o: Obj, key: string, where: string): string {
  const v = str(o, key, where);
  if (!SHA256.test(v)) fail(`${where}.${key}`, "expected 64 lowercase hex digits");
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, where: string, allowed: readonly T[]): T {
  const v = o[key];
  if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
    fail(`${where}.${key}`, `expected one of ${allowed.join(", ")}`);
  }
  return v as T;
}

function parseNode(v: unknown, where: string): LineageNode {
  const o = obj(v, where);
  const kind = oneOf(o, "kind", where, ["cell", "file", "frame"] as const);
  switch (kind) {
    case "cell": {
      const id = str(o, "id", where);
      if (id.length === 0) fail(`${where}.id`, "must not be empty");
      const ec = o.executionCount;
      if (ec !== null && (typeof ec !== "number" || !Number.isInteger(ec))) {
        fail(`${where}.executionCount`, "expected an integer or null");
      }
      const stale = o.stale;
      if (typeof stale !== "boolean") fail(`${where}.stale`, "expected a boolean");
      return {
        ...o,
        kind,
        id,
        executionCount: ec,
        sourceSha256: sha(o, "sourceSha256", where),
        defines: strings(o, "defines", where),
        uses: strings(o, "uses", where),
        status: oneOf(o, "status", where, CELL_STATUSES),
        stale,
        nondeterminism: strings(o, "nondeterminism", where),
      };
    }
    case "file": {
      const id = str(o, "id", where);
      if (!id.startsWith("file:")) fail(`${where}.id`, 'must start with "file:"');
      return {
        ...o,
        kind,
        id,
        path: str(o, "path", where),
        sha256: sha(o, "sha256", where),
        bytes: int(o, "bytes", where, 0),
      };
    }
    case "frame": {
      const id = str(o, "id", where);
      if (!id.startsWith("frame:")) fail(`${where}.id`, 'must start with "frame:"');
      return {
        ...o,
        kind,
        id,
        sha256: sha(o, "sha256", where),
        rows: int(o, "rows", where, 0),
        columns: strings(o, "columns", where),
      };
    }
  }
}

function parseEdge(v: unknown, where: string): LineageEdge {
  const o = obj(v, where);
  return {
    ...o,
    from: str(o, "from", where),
    to: str(o, "to", where),
    kind: oneOf(o, "kind", where, EDGE_KINDS),
    label: str(o, "label", where),
  };
}

function parsePrevious(v: unknown, where: string): PreviousSession {
  const o = obj(v, where);
  const endedAt = o.endedAt;
  if (endedAt !== undefined && (typeof endedAt !== "string" || Number.isNaN(Date.parse(endedAt)))) {
    fail(`${where}.endedAt`, "expected a date-time string");
  }
  return {
    ...o,
    journal: str(o, "journal", where),
    torn: int(o, "torn", where, 0),
    graph: parseGraph(o.graph, `${where}.graph`),
  };
}

function parseGraph(value: unknown, where: string): LineageGraph {
  const o = obj(value, where);
  if (o.schema !== LINEAGE_SCHEMA) {
    fail(`${where}.schema`, `expected "${LINEAGE_SCHEMA}", got ${JSON.stringify(o.schema)}`);
  }
  const seed = int(o, "seed", where);
  if (!Array.isArray(o.nodes)) fail(`${where}.nodes`, "expected an array");
  if (!Array.isArray(o.edges)) fail(`${where}.edges`, "expected an array");
  const nodes = o.nodes.map((n, i) => parseNode(n, `${where}.nodes[${i}]`));
  const edges = o.edges.map((e, i) => parseEdge(e, `${where}.edges[${i}]`));
  const graph: LineageGraph = { ...o, schema: LINEAGE_SCHEMA, seed, nodes, edges };
  if (o.previousSession !== undefined) {
    graph.previousSession = parsePrevious(o.previousSession, `${where}.previousSession`);
  }
  return graph;
}

/**
 * Checks untrusted JSON (comm message, MIME bundle, notebook metadata) against the lineage
 * schema and returns it typed; throws LineageFormatError naming the first bad field.
 * Unknown extra fields are kept: the schema lets the kernel add fields.
 */
export function parseLineage(value: unknown): LineageGraph {
  return parseGraph(value, "lineage");
}
