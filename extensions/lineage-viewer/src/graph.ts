/**
 * The lineage graph as the viewer needs it: indexed by id, with upstream and downstream
 * closures and the short texts each node shows. Pure: no DOM, no JupyterLab.
 */
import type { LineageEdge, LineageGraph, LineageNode } from "./schema";

/** Hex digits shown for a hash: enough to tell versions apart at a glance. */
export const SHORT_HASH_LENGTH = 8;

/** The first SHORT_HASH_LENGTH hex digits of a sha256. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, SHORT_HASH_LENGTH);
}

/** What a node shows: a title line, a detail line, and a tooltip with everything. */
export interface NodeText {
  title: string;
  detail: string;
  tooltip: string;
}

const MAX_LINE = 22;

/** Cuts `s` to MAX_LINE characters with an ellipsis, so every node has the same width. */
export function clip(s: string, max = MAX_LINE): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Byte counts the way people read them (1.2 kB), for file nodes. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/**
 * The texts shown on a node: execution count for cells, short hash for files and frames.
 * `frameVar` names the variable holding a frame (the label of its `frame` edge).
 */
export function nodeText(node: LineageNode, frameVar?: string): NodeText {
  switch (node.kind) {
    case "cell": {
      const count = node.executionCount === null ? " " : String(node.executionCount);
      const marks = [node.stale ? "stale" : "", node.nondeterminism.length > 0 ? "nondet" : ""]
        .filter(Boolean)
        .join(", ");
      const title = `[${count}]${node.status === "error" ? " error" : ""}${marks ? ` ${marks}` : ""}`;
      const detail = node.defines.length > 0 ? node.defines.join(", ") : "(defines nothing)";
      const lines = [
        `cell ${node.id}`,
        `execution count: ${node.executionCount ?? "not run"}`,
        `status: ${node.status}${node.stale ? " (stale: an input changed since it ran)" : ""}`,
        `defines: ${node.defines.join(", ") || "-"}`,
        `uses: ${node.uses.join(", ") || "-"}`,
      ];
      if (node.nondeterminism.length > 0) {
        lines.push(`nondeterminism: ${node.nondeterminism.join(", ")}`);
      }
      return { title: clip(title), detail: clip(detail), tooltip: lines.join("\n") };
    }
    case "file": {
      const base = node.path.split("/").pop() ?? node.path;
      return {
        title: clip(base),
        detail: `${shortHash(node.sha256)} · ${formatBytes(node.bytes)}`,
        tooltip: `file ${node.path}\nsha256 ${node.sha256}\n${node.bytes} bytes`,
      };
    }
    case "frame": {
      const shape = `${node.rows}×${node.columns.length}`;
      const name = frameVar ? `dataframe ${frameVar}` : "dataframe";
      return {
        title: clip(frameVar ? `${frameVar} ${shape}` : `frame ${shape}`),
        detail: shortHash(node.sha256),
        tooltip: `${name}, ${node.rows === 1 ? "1 row" : `${node.rows} rows`}\ncolumns: ${node.columns.join(", ")}\nsha256 ${node.sha256}`,
      };
    }
  }
}

/** A lineage graph indexed for the viewer; edges whose ends are missing are dropped. */
export class GraphIndex {
  /** Nodes by id, in the graph's order. */
  readonly nodes: ReadonlyMap<string, LineageNode>;
  /** Edges whose both ends exist. */
  readonly edges: readonly LineageEdge[];
  /** How many edges were dropped because an end was missing. */
  readonly droppedEdges: number;
  private readonly out = new Map<string, string[]>();
  private readonly in = new Map<string, string[]>();

  constructor(readonly graph: LineageGraph) {
    const nodes = new Map<string, LineageNode>();
    for (const n of graph.nodes) nodes.set(n.id, n);
    this.nodes = nodes;
    this.edges = graph.edges.filter((e) => nodes.has(e.from) && nodes.has(e.to));
    this.droppedEdges = graph.edges.length - this.edges.length;
    for (const e of this.edges) {
      push(this.out, e.from, e.to);
      push(this.in, e.to, e.from);
    }
  }

  /** The variable holding a frame node (its `frame` edge's label), or undefined. */
  frameVar(id: string): string | undefined {
    return this.edges.find((e) => e.to === id && e.kind === "frame")?.label;
  }

  /** The same graph restricted to `ids` (edges between them only): what focus mode shows. */
  subgraph(ids: ReadonlySet<string>): GraphIndex {
    return new GraphIndex({
      ...this.graph,
      nodes: this.graph.nodes.filter((n) => ids.has(n.id)),
      edges: this.edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
    });
  }

  /**
   * Nodes a search matches, case-insensitively: a cell by id, `[n]` or `n`, a variable it
   * defines or uses; a file by path; a frame by its variable; any node by an edge label.
   */
  search(query: string): Set<string> {
    const q = query
      .trim()
      .toLowerCase()
      .replace(/^\[(\d+)\]$/, "$1");
    const found = new Set<string>();
    if (q === "") return found;
    const has = (s: string): boolean => s.toLowerCase().includes(q);
    for (const n of this.nodes.values()) {
      const hit =
        n.kind === "cell"
          ? has(n.id) || String(n.executionCount) === q || [...n.defines, ...n.uses].some(has)
          : n.kind === "file"
            ? has(n.path)
            : has(this.frameVar(n.id) ?? "");
      if (hit) found.add(n.id);
    }
    return found;
  }

  /** Every node that `id` depends on, transitively (not including `id`). */
  upstream(id: string): Set<string> {
    return closure(id, this.in);
  }

  /** Every node that depends on `id`, transitively (not including `id`). */
  downstream(id: string): Set<string> {
    return closure(id, this.out);
  }

  /** Counts for the panel's summary line. */
  summary(): { cells: number; files: number; frames: number; stale: number; nondet: number } {
    let cells = 0;
    let files = 0;
    let frames = 0;
    let stale = 0;
    let nondet = 0;
    for (const n of this.nodes.values()) {
      if (n.kind === "cell") {
        cells++;
        if (n.stale) stale++;
        if (n.nondeterminism.length > 0) nondet++;
      } else if (n.kind === "file") files++;
      else frames++;
    }
    return { cells, files, frames, stale, nondet };
  }
}

function push(m: Map<string, string[]>, k: string, v: string): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function closure(start: string, next: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const cur = stack.pop() as string;
    for (const n of next.get(cur) ?? []) {
      if (n !== start && !seen.has(n)) {
        seen.add(n);
        stack.push(n);
      }
    }
  }
  return seen;
}
