/**
 * The notebook's lineage graph (docs/contracts.md, "Lineage JSON"), rebuilt from executions in the
 * order they happened. Var edges come from the latest writer of each used name at the time
 * of the execution; a cell is stale when a name it used was written by a later execution.
 */
import type { NameLookup } from "./analysis.js";
import type { ExecutionRecord } from "./execution.js";
import {
  LINEAGE_SCHEMA,
  type CellNode,
  type FileNode,
  type FrameNode,
  type LineageEdge,
  type LineageGraph,
} from "./types.js";

/** An execution with its position and the var edges it had when it ran. */
interface Applied {
  seq: number;
  record: ExecutionRecord;
  varEdges: LineageEdge[];
}

/** Accumulates executions; `graph()` is a pure view of them. */
export class LineageBuilder {
  private readonly latest = new Map<string, Applied>();
  /** name -> cell id and sequence number of its latest writer. */
  private readonly writers = new Map<string, { cellId: string; seq: number }>();
  private seq = 0;

  constructor(
    private seed: number,
    private readonly environment: Record<string, string> = {},
  ) {}

  /** Record one execution (in execution order). */
  apply(record: ExecutionRecord): void {
    const seq = this.seq++;
    const varEdges: LineageEdge[] = [];
    for (const name of record.uses) {
      const writer = this.writers.get(name);
      if (writer !== undefined && writer.cellId !== record.cellId) {
        varEdges.push({ from: writer.cellId, to: record.cellId, kind: "var", label: name });
      }
    }
    // An observed execution that threw still wrote what it assigned before throwing; for a
    // static record of a failed cell nobody knows how far it got.
    if (record.status === "ok" || record.observed === true) {
      for (const name of [...record.defines, ...record.mutates]) {
        this.writers.set(name, { cellId: record.cellId, seq });
      }
    }
    this.latest.delete(record.cellId);
    this.latest.set(record.cellId, { seq, record, varEdges });
  }

  /** Change the seed later executions use (and the graph reports). */
  setSeed(seed: number): void {
    this.seed = seed;
  }

  /** Every name a successful execution has defined or mutated so far. */
  knownNames(): NameLookup {
    // A view, not a copy: a notebook defines thousands of names and this runs every cell.
    return this.writers;
  }

  /** Cell ids in the order of the executions that produced the current state. */
  executionOrder(): string[] {
    return [...this.latest.values()].sort((a, b) => a.seq - b.seq).map((a) => a.record.cellId);
  }

  /** The graph as of now; same executions give the same graph, byte for byte once serialised. */
  graph(): LineageGraph {
    const applied = [...this.latest.values()].sort((a, b) => a.seq - b.seq);
    const cells: CellNode[] = [];
    const files = new Map<string, FileNode>();
    const frames = new Map<string, FrameNode>();
    const edges: LineageEdge[] = [];
    for (const a of applied) {
      cells.push(this.cellNode(a));
      edges.push(...a.varEdges, ...this.dataEdges(a.record, files, frames));
    }
    const byId = (x: { id: string }, y: { id: string }): number => compare(x.id, y.id);
    const graph: LineageGraph = {
      schema: LINEAGE_SCHEMA,
      seed: this.seed,
      nodes: [...cells, ...[...files.values()].sort(byId), ...[...frames.values()].sort(byId)],
      edges,
    };
    if (Object.keys(this.environment).length > 0) graph.environment = { ...this.environment };
    return graph;
  }

  private cellNode({ seq, record }: Applied): CellNode {
    return {
      kind: "cell",
      id: record.cellId,
      executionCount: record.executionCount,
      sourceSha256: record.sourceSha256,
      defines: record.defines,
      uses: record.uses,
      mutates: record.mutates,
      status: record.status,
      stale: record.uses.some((name) => (this.writers.get(name)?.seq ?? -1) > seq),
      nondeterminism: record.nondeterminism,
      ...(record.loadTime !== undefined && record.loadTime.length > 0
        ? { loadTime: record.loadTime }
        : {}),
    };
  }

  private dataEdges(
    record: ExecutionRecord,
    files: Map<string, FileNode>,
    frames: Map<string, FrameNode>,
  ): LineageEdge[] {
    const edges: LineageEdge[] = [];
    const cell = record.cellId;
    for (const f of record.reads) {
      const id = fileNode(f, files);
      edges.push({
        from: id,
        to: cell,
        kind: "read",
        label: f.path,
        sha256: f.sha256,
        bytes: f.bytes,
      });
    }
    for (const f of record.writes) {
      const id = fileNode(f, files);
      edges.push({
        from: cell,
        to: id,
        kind: "write",
        label: f.path,
        sha256: f.sha256,
        bytes: f.bytes,
      });
    }
    for (const f of record.frames) {
      const id = `frame:${f.sha256}`;
      frames.set(id, { kind: "frame", id, sha256: f.sha256, rows: f.rows, columns: f.columns });
      edges.push({ from: cell, to: id, kind: "frame", label: f.name });
    }
    return edges;
  }
}

function fileNode(
  f: { path: string; sha256: string; bytes: number },
  files: Map<string, FileNode>,
): string {
  const id = `file:${f.path}`;
  files.set(id, { kind: "file", id, path: f.path, sha256: f.sha256, bytes: f.bytes });
  return id;
}

/** Code-unit order, independent of locale, so output never depends on the machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
