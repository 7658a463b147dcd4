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

/** Lays the graph out top to bottom (data flows downwards). */
export function layoutGraph(index: GraphIndex): Layout {
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
  for (const node of index.nodes.values()) {
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
  for (const node of index.nodes.values()) {
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
