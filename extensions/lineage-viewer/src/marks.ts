/**
 * What the notebook shows at each cell: why its output may be out of date, and whether it
 * drew on the clock or randomness. Pure: the graph, the cells' current source hashes and the
 * inputs that changed on disk go in, a mark per cell comes out (cell-marks.ts draws them).
 */
import type { GraphIndex } from "./graph";
import type { CellNode } from "./schema";

/** One reason a cell is marked, strongest first in MARK_KINDS. */
export type MarkKind =
  "edited" | "input-changed" | "stale" | "downstream" | "not-run-here" | "nondeterministic";

/** Every mark kind, in the order the badge picks its label. */
export const MARK_KINDS: readonly MarkKind[] = [
  "edited",
  "input-changed",
  "stale",
  "downstream",
  "not-run-here",
  "nondeterministic",
];

/** The short word a cell's badge shows for each kind. */
export const MARK_LABELS: Record<MarkKind, string> = {
  edited: "edited",
  "input-changed": "new input",
  stale: "stale",
  downstream: "stale ↓",
  "not-run-here": "not run",
  nondeterministic: "⚠",
};

/** A cell's marks: the kinds that apply and one sentence per kind saying why. */
export interface CellMark {
  kinds: MarkKind[];
  reasons: string[];
}

/** What the notebook knows beyond the graph. */
export interface NotebookFacts {
  /** sha256 of each code cell's current source, by cell id. */
  sources: ReadonlyMap<string, string>;
  /** sha256 of each file on disk now, by file node id; "" for a file that is gone; absent: not checked. */
  files: ReadonlyMap<string, string>;
  /** Cells the previous kernel ran that this kernel has not (after a restart), or empty. */
  notRunHere: ReadonlySet<string>;
}

/** The marks kinds that mean "running the cell again would change its output". */
const OUT_OF_DATE: ReadonlySet<MarkKind> = new Set([
  "edited",
  "input-changed",
  "stale",
  "downstream",
]);

/** `[n]`, the way the notebook labels a cell by its execution count. */
export function cellLabel(node: CellNode | undefined): string {
  return node?.executionCount == null ? "[ ]" : `[${node.executionCount}]`;
}

/** `1 cell`, `2 cells`: a count with its noun in the right number. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

function cellNode(index: GraphIndex, id: string): CellNode | undefined {
  const n = index.nodes.get(id);
  return n?.kind === "cell" ? n : undefined;
}

/** Why a kernel-stale cell is stale: the inputs redefined after it ran. */
function staleReason(index: GraphIndex, cell: CellNode): string {
  const ran = cell.executionCount ?? -Infinity;
  const why = index.edges
    .filter((e) => e.to === cell.id && e.kind === "var")
    .map((e) => ({ e, from: cellNode(index, e.from) }))
    .filter(({ from }) => (from?.executionCount ?? -Infinity) > ran)
    .map(({ e, from }) => `uses \`${e.label}\`, redefined by ${cellLabel(from)}`);
  return why.length > 0 ? why.join("; ") : "an input changed since it ran";
}

/** The roots a downstream cell depends on, as `[n]` labels. */
function downstreamReason(index: GraphIndex, roots: string[]): string {
  const labels = roots.map((id) => cellLabel(cellNode(index, id)));
  return `depends on ${labels.join(", ")}, which ${roots.length === 1 ? "is" : "are"} out of date`;
}

/**
 * The files a cell read whose content on disk is not what it read (nor what it wrote there
 * itself), with how they changed.
 */
function changedReads(
  index: GraphIndex,
  cellId: string,
  files: ReadonlyMap<string, string>,
): string[] {
  const out: string[] = [];
  for (const e of index.edges) {
    if (e.to !== cellId || e.kind !== "read") continue;
    const now = files.get(e.from);
    const file = index.nodes.get(e.from);
    if (now === undefined || file?.kind !== "file") continue;
    const read = e.sha256 ?? file.sha256;
    const wrote = index.edges.some(
      (w) => w.from === cellId && w.to === e.from && (w.sha256 ?? file.sha256) === now,
    );
    if (now === read || wrote) continue;
    out.push(now === "" ? `${file.path} (deleted)` : file.path);
  }
  return out;
}

/** The marks of every marked cell of the graph (unmarked cells are absent). */
export function cellMarks(index: GraphIndex, facts: NotebookFacts): Map<string, CellMark> {
  const marks = new Map<string, CellMark>();
  const add = (id: string, kind: MarkKind, reason: string): void => {
    const m = marks.get(id) ?? { kinds: [], reasons: [] };
    if (m.kinds.includes(kind)) return;
    m.kinds.push(kind);
    m.reasons.push(reason);
    marks.set(id, m);
  };
  const roots: string[] = [];
  for (const node of index.nodes.values()) {
    if (node.kind !== "cell") continue;
    const source = facts.sources.get(node.id);
    if (facts.notRunHere.has(node.id)) {
      add(node.id, "not-run-here", "not run in this kernel: its output is from the previous one");
    }
    if (source !== undefined && node.status !== "not-run" && source !== node.sourceSha256) {
      add(node.id, "edited", "edited since it ran: the output is from the old code");
    }
    const changed = changedReads(index, node.id, facts.files);
    if (changed.length > 0) {
      add(node.id, "input-changed", `reads ${changed.join(", ")}, changed on disk since it ran`);
    }
    if (node.stale) add(node.id, "stale", staleReason(index, node));
    if ((marks.get(node.id)?.kinds ?? []).some((k) => OUT_OF_DATE.has(k))) roots.push(node.id);
    if (node.nondeterminism.length > 0) {
      add(node.id, "nondeterministic", `nondeterministic: ${node.nondeterminism.join(", ")}`);
    }
  }
  const rootsOf = new Map<string, string[]>();
  for (const root of roots) {
    for (const id of index.downstream(root)) {
      if (cellNode(index, id)) rootsOf.set(id, [...(rootsOf.get(id) ?? []), root]);
    }
  }
  for (const [id, from] of rootsOf) {
    if (marks.get(id)?.kinds.some((k) => OUT_OF_DATE.has(k))) continue;
    add(id, "downstream", downstreamReason(index, from));
  }
  for (const m of marks.values()) {
    const order = m.kinds.map((k, i) => ({ k, r: m.reasons[i] as string }));
    order.sort((a, b) => MARK_KINDS.indexOf(a.k) - MARK_KINDS.indexOf(b.k));
    m.kinds = order.map((o) => o.k);
    m.reasons = order.map((o) => o.r);
  }
  return marks;
}

/** The cells whose outputs are out of date: what "Run stale cells" runs. */
export function outOfDate(marks: ReadonlyMap<string, CellMark>): Set<string> {
  const ids = new Set<string>();
  for (const [id, m] of marks) if (m.kinds.some((k) => OUT_OF_DATE.has(k))) ids.add(id);
  return ids;
}
