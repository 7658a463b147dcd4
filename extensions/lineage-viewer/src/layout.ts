/**
 * Positions for the lineage graph, computed with dagre (MIT). Pure: no DOM, so it is unit
 * tested and timed in Node. Every node has one fixed size so a 200-cell graph stays
 * readable: the view scrolls rather than shrinking text.
 */
import dagre from "@dagrejs/dagre";
import type { GraphIndex } from "./graph";
import type { EdgeKind, LineageNode } from "./schema";

/** Node box size in px; texts are clipped to fit (graph.ts clip). */
export const NODE_WIDTH = 168;
/** Node box height in px: two text lines. */
export const NODE_HEIGHT = 42;
/** Approximate width of one character of an edge label at the label font size. */
const LABEL_CHAR_WIDTH = 6.2;
const LABEL_HEIGHT = 14;
const MAX_LABEL_CHARS = 18;

/** A placed node: centre x, y and size. */
export interface PlacedNode {
  id: string;
  node: LineageNode;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A routed edge: polyline points and where its label sits. */
export interface PlacedEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  label: string;
  points: { x: number; y: number }[];
  labelX: number;
  labelY: number;
  /** How the label text is anchored at (labelX, labelY). */
  labelAnchor: "middle" | "end";
}

/** A laid-out graph; width and height include the margins. */
export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** Edge label text as drawn: clipped so one long name cannot widen a whole rank. */
export function edgeLabelText(label: string): string {
  return label.length <= MAX_LABEL_CHARS ? label : `${label.slice(0, MAX_LABEL_CHARS - 1)}…`;
}

/**
 * Above this many nodes dagre's layered layout stops being readable or quick: long edges
 * (one dataframe used by 60 cells) become thousands of dummy nodes, 4000 px wide, and took
 * 0.4 to 3.7 s for 200 cells in Node. Larger graphs use the notebook-order layout below.
 */
export const DAGRE_MAX_NODES = 60;

/**
 * Lays the graph out: dagre for notebook-sized graphs, notebook order for large ones.
 * `cellOrder` lists cell ids in notebook order (the kernel lists them in execution order);
 * nodes are placed and tabbed through in that order, unknown ones after, as the graph has them.
 */
export function layoutGraph(
  index: GraphIndex,
  cellOrder: readonly string[] = [],
  maxWidth = 0,
): Layout {
  const ordered = orderNodes(index, cellOrder);
  // dagre reports -Infinity for the size of an empty graph.
  if (ordered.length === 0) return { width: 0, height: 0, nodes: [], edges: [] };
  const preferred =
    ordered.length <= DAGRE_MAX_NODES
      ? layoutLayered(index, ordered)
      : layoutColumns(index, ordered);
  // A sidebar is narrower than either: then one column that fits its width.
  return maxWidth > 0 && preferred.width > maxWidth
    ? layoutStack(index, ordered, maxWidth)
    : preferred;
}

/** The graph's nodes with cells sorted by `cellOrder`; other nodes keep their places. */
export function orderNodes(index: GraphIndex, cellOrder: readonly string[]): LineageNode[] {
  const nodes = [...index.nodes.values()];
  if (cellOrder.length === 0) return nodes;
  const rank = new Map(cellOrder.map((id, i) => [id, i]));
  const cells = nodes
    .map((n, i) => ({ n, i }))
    .filter((x) => x.n.kind === "cell")
    .sort((a, b) => (rank.get(a.n.id) ?? Infinity) - (rank.get(b.n.id) ?? Infinity) || a.i - b.i)
    .map((x) => x.n);
  let next = 0;
  return nodes.map((n) => (n.kind === "cell" ? cells[next++] : n));
}

/** Lays the graph out with dagre, top to bottom (data flows downwards). */
export function layoutLayered(
  index: GraphIndex,
  ordered: readonly LineageNode[] = [...index.nodes.values()],
): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({
    rankdir: "TB",
    nodesep: 24,
    edgesep: 12,
    ranksep: 36,
    marginx: 12,
    marginy: 12,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of ordered) {
    g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  }
  index.edges.forEach((e, i) => {
    const text = edgeLabelText(e.label);
    g.setEdge(
      e.from,
      e.to,
      {
        width: text.length * LABEL_CHAR_WIDTH + 6,
        height: LABEL_HEIGHT,
        labelpos: "c",
        minlen: 1,
      },
      String(i),
    );
  });
  dagre.layout(g);

  const nodes: PlacedNode[] = [];
  for (const node of ordered) {
    const n = g.node(node.id);
    nodes.push({
      id: node.id,
      node,
      x: n.x ?? 0,
      y: n.y ?? 0,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
    });
  }
  const edges: PlacedEdge[] = index.edges.map((e, i) => {
    const label = g.edge({ v: e.from, w: e.to, name: String(i) });
    const points = (label.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y }));
    const mid = points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
    return {
      from: e.from,
      to: e.to,
      kind: e.kind,
      label: edgeLabelText(e.label),
      points,
      labelX: label.x ?? mid.x,
      labelY: label.y ?? mid.y,
      labelAnchor: "middle",
    };
  });
  const graphLabel = g.graph();
  return {
    width: Math.ceil(graphLabel.width ?? 0),
    height: Math.ceil(graphLabel.height ?? 0),
    nodes,
    edges,
  };
}

const MARGIN = 12;
const ROW_GAP = 14;
const LANE_GAP = 8;
const MAX_LANES = 24;
const LABEL_SPACE = 84;
const SIDE_GAP = 56;

/**
 * The notebook-order layout for large graphs: cells in one column in graph (notebook) order,
 * each file or frame beside the first cell that touches it, and cell-to-cell edges as lanes
 * on the left, one lane per (source cell, variable) so a variable used by many cells is one
 * vertical line with a tick into each user. Linear in nodes plus edges, and never wider than
 * the lanes, the labels and the side columns.
 */
export function layoutColumns(
  index: GraphIndex,
  ordered: readonly LineageNode[] = [...index.nodes.values()],
): Layout {
  const cells = ordered.filter((n) => n.kind === "cell");
  const row = new Map<string, number>(cells.map((c, i) => [c.id, i]));
  // A side node sits in the row of the first cell it is connected to.
  const sideRow = new Map<string, number>();
  for (const e of index.edges) {
    for (const [side, cell] of [
      [e.from, e.to],
      [e.to, e.from],
    ]) {
      const r = row.get(cell);
      if (!row.has(side) && r !== undefined) {
        sideRow.set(side, Math.min(sideRow.get(side) ?? Infinity, r));
      }
    }
  }
  let lastRow = cells.length - 1;
  for (const n of ordered) {
    if (n.kind !== "cell" && !sideRow.has(n.id)) sideRow.set(n.id, ++lastRow);
  }
  const sideCol = new Map<string, number>();
  const usedCols = new Map<number, number>();
  for (const n of ordered) {
    if (n.kind === "cell") continue;
    const r = sideRow.get(n.id) as number;
    const col = usedCols.get(r) ?? 0;
    usedCols.set(r, col + 1);
    sideCol.set(n.id, col);
  }

  // Lanes: group cell->cell edges by (source, label); each group spans source..last target.
  const groups = new Map<string, { from: number; to: number; lane: number }>();
  for (const e of index.edges) {
    const a = row.get(e.from);
    const b = row.get(e.to);
    if (a === undefined || b === undefined) continue;
    const key = `${e.from}\u0000${e.label}`;
    const g = groups.get(key);
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    if (g) {
      g.from = Math.min(g.from, lo);
      g.to = Math.max(g.to, hi);
    } else groups.set(key, { from: lo, to: hi, lane: 0 });
  }
  // Interval colouring, shortest spans nearest the cells so short edges stay short.
  const laneEnds: number[] = [];
  const sorted = [...groups.values()].sort(
    (x, y) => x.to - x.from - (y.to - y.from) || x.from - y.from,
  );
  for (const g of sorted) {
    let lane = laneEnds.findIndex((end, i) => i < MAX_LANES && end < g.from);
    if (lane < 0) lane = laneEnds.length < MAX_LANES ? laneEnds.length : g.from % MAX_LANES;
    laneEnds[lane] = Math.max(laneEnds[lane] ?? -1, g.to);
    g.lane = lane;
  }
  const lanes = Math.max(1, laneEnds.length);
  const cellLeft = MARGIN + lanes * LANE_GAP + LABEL_SPACE;
  const cellX = cellLeft + NODE_WIDTH / 2;
  const rowY = (r: number) => MARGIN + NODE_HEIGHT / 2 + r * (NODE_HEIGHT + ROW_GAP);
  const laneX = (lane: number) => cellLeft - LABEL_SPACE - lane * LANE_GAP - LANE_GAP / 2;

  const nodes: PlacedNode[] = [];
  for (const n of ordered) {
    const isCell = n.kind === "cell";
    const r = isCell ? (row.get(n.id) as number) : (sideRow.get(n.id) as number);
    const x = isCell
      ? cellX
      : cellX + (NODE_WIDTH + SIDE_GAP) * ((sideCol.get(n.id) as number) + 1);
    nodes.push({ id: n.id, node: n, x, y: rowY(r), width: NODE_WIDTH, height: NODE_HEIGHT });
  }
  const pos = new Map(nodes.map((p) => [p.id, p]));

  // Several edges into one cell get their own tick heights so their labels do not overlap.
  const incoming = new Map<string, number>();
  const edges: PlacedEdge[] = index.edges.map((e) => {
    const a = pos.get(e.from) as PlacedNode;
    const b = pos.get(e.to) as PlacedNode;
    const label = edgeLabelText(e.label);
    if (row.has(e.from) && row.has(e.to)) {
      const lane = groups.get(`${e.from}\u0000${e.label}`)?.lane ?? 0;
      const k = incoming.get(e.to) ?? 0;
      incoming.set(e.to, k + 1);
      const tickY = b.y - NODE_HEIGHT / 2 + 8 + ((k * 11) % (NODE_HEIGHT - 10));
      const left = cellLeft;
      const x = laneX(lane);
      return {
        from: e.from,
        to: e.to,
        kind: e.kind,
        label,
        points: [
          { x: left, y: a.y + 6 },
          { x, y: a.y + 6 },
          { x, y: tickY },
          { x: left, y: tickY },
        ],
        labelX: left - 4,
        labelY: tickY - 2,
        labelAnchor: "end",
      };
    }
    // Edges to and from side nodes run between the cell's right side and the node's left.
    const cellEnd = row.has(e.from) ? a : b;
    const sideEnd = cellEnd === a ? b : a;
    const p = { x: cellEnd.x + NODE_WIDTH / 2, y: cellEnd.y };
    const q = { x: sideEnd.x - NODE_WIDTH / 2, y: sideEnd.y };
    const points = cellEnd === a ? [p, q] : [q, p];
    return {
      from: e.from,
      to: e.to,
      kind: e.kind,
      label,
      points,
      labelX: (p.x + q.x) / 2,
      labelY: (p.y + q.y) / 2 - 4,
      labelAnchor: "middle",
    };
  });
  const cols = Math.max(0, ...usedCols.values());
  return {
    width: Math.ceil(cellLeft + NODE_WIDTH + cols * (NODE_WIDTH + SIDE_GAP) + MARGIN),
    height: Math.ceil(rowY(lastRow) + NODE_HEIGHT / 2 + MARGIN),
    nodes,
    edges,
  };
}

/** The narrowest a node gets in the stacked layout; below it texts are too short to read. */
export const MIN_NODE_WIDTH = 120;
const STACK_LABEL_SPACE = 58;
const STACK_LANE_GAP = 6;
/** Edge labels in the stacked layout: what fits in its label space. */
const STACK_LABEL_CHARS = 9;

/**
 * Every node in one column, top to bottom, so the graph fits a sidebar's width: cells in
 * notebook order, a file a cell reads just above it, what a cell writes or holds just below.
 * Edges run as lanes on the left (one per source and label), their labels beside the arrow.
 * Nodes are as wide as `width` allows after the lanes, never under MIN_NODE_WIDTH.
 */
export function layoutStack(
  index: GraphIndex,
  ordered: readonly LineageNode[],
  width: number,
): Layout {
  const sequence = stackSequence(index, ordered);
  const row = new Map(sequence.map((n, i) => [n.id, i]));
  const spans = laneSpans(index, row);
  const room = width - 2 * MARGIN - STACK_LABEL_SPACE - MIN_NODE_WIDTH;
  const maxLanes = Math.max(1, Math.floor(room / STACK_LANE_GAP));
  const lanes = assignLanes([...spans.values()], maxLanes);
  const left = MARGIN + lanes * STACK_LANE_GAP + STACK_LABEL_SPACE;
  const nodeWidth = Math.max(MIN_NODE_WIDTH, Math.min(NODE_WIDTH, width - left - MARGIN));
  const rowY = (r: number): number => MARGIN + NODE_HEIGHT / 2 + r * (NODE_HEIGHT + ROW_GAP);
  const laneX = (lane: number): number =>
    left - STACK_LABEL_SPACE - lane * STACK_LANE_GAP - STACK_LANE_GAP / 2;
  // Listed in graph order, as the other layouts do, so Tab walks the cells as the notebook does.
  const nodes: PlacedNode[] = ordered.map((n) => ({
    id: n.id,
    node: n,
    x: left + nodeWidth / 2,
    y: rowY(row.get(n.id) as number),
    width: nodeWidth,
    height: NODE_HEIGHT,
  }));
  const incoming = new Map<string, number>();
  const edges: PlacedEdge[] = index.edges.map((e) => {
    const a = rowY(row.get(e.from) as number);
    const b = rowY(row.get(e.to) as number);
    const k = incoming.get(e.to) ?? 0;
    incoming.set(e.to, k + 1);
    const tickY = b - NODE_HEIGHT / 2 + 8 + ((k * 11) % (NODE_HEIGHT - 10));
    const x = laneX(spans.get(spanKey(e.from, e.label))?.lane ?? 0);
    const label = e.label.length <= STACK_LABEL_CHARS ? e.label : `${e.label.slice(0, 8)}…`;
    return {
      from: e.from,
      to: e.to,
      kind: e.kind,
      label,
      points: [
        { x: left, y: a + 6 },
        { x, y: a + 6 },
        { x, y: tickY },
        { x: left, y: tickY },
      ],
      labelX: left - 4,
      labelY: tickY - 2,
      labelAnchor: "end",
    };
  });
  return {
    width: Math.ceil(left + nodeWidth + MARGIN),
    height: Math.ceil(rowY(sequence.length - 1) + NODE_HEIGHT / 2 + MARGIN),
    nodes,
    edges,
  };
}

/** The stacked layout's order: each cell with the files it reads above and what it makes below. */
function stackSequence(index: GraphIndex, ordered: readonly LineageNode[]): LineageNode[] {
  const placed = new Set<string>();
  const out: LineageNode[] = [];
  const place = (n: LineageNode | undefined): void => {
    if (n && !placed.has(n.id)) {
      placed.add(n.id);
      out.push(n);
    }
  };
  for (const cell of ordered) {
    if (cell.kind !== "cell") continue;
    for (const e of index.edges)
      if (e.to === cell.id && e.kind === "read") place(index.nodes.get(e.from));
    place(cell);
    for (const e of index.edges) {
      if (e.from === cell.id && e.kind !== "var") place(index.nodes.get(e.to));
    }
  }
  for (const n of ordered) place(n);
  return out;
}

const spanKey = (from: string, label: string): string => `${from}\u0000${label}`;

/** One lane span per (source, label): from its first to its last row. */
function laneSpans(
  index: GraphIndex,
  row: ReadonlyMap<string, number>,
): Map<string, { from: number; to: number; lane: number }> {
  const spans = new Map<string, { from: number; to: number; lane: number }>();
  for (const e of index.edges) {
    const a = row.get(e.from) as number;
    const b = row.get(e.to) as number;
    const key = spanKey(e.from, e.label);
    const s = spans.get(key);
    if (s) {
      s.from = Math.min(s.from, a, b);
      s.to = Math.max(s.to, a, b);
    } else spans.set(key, { from: Math.min(a, b), to: Math.max(a, b), lane: 0 });
  }
  return spans;
}

/** Interval colouring, shortest spans nearest the nodes; past `max` lanes they share. Returns the lane count. */
function assignLanes(spans: { from: number; to: number; lane: number }[], max: number): number {
  const ends: number[] = [];
  spans.sort((x, y) => x.to - x.from - (y.to - y.from) || x.from - y.from);
  for (const s of spans) {
    let lane = ends.findIndex((end) => end < s.from);
    if (lane < 0) lane = ends.length < max ? ends.length : s.from % max;
    ends[lane] = Math.max(ends[lane] ?? -1, s.to);
    s.lane = lane;
  }
  return Math.max(1, ends.length);
}
