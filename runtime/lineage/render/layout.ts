/**
 * Lays the lineage out with dagre (a maintained layered-graph layout), left to right.
 * Nodes and edges are added in the graph's order, so the same graph gets the same layout.
 */
import dagre from "@dagrejs/dagre";
import type { LineageEdge, LineageGraph, LineageNode } from "../types.js";
import { nodeLabel } from "./labels.js";

/** A node with its box (centre x, y and size) and label lines. */
export interface PlacedNode {
  node: LineageNode;
  lines: string[];
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An edge with the polyline dagre routed for it. */
export interface PlacedEdge {
  edge: LineageEdge;
  points: { x: number; y: number }[];
}

/** The whole drawing. */
export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

const CHAR_WIDTH = 7;
const LINE_HEIGHT = 16;
const PADDING = 10;

/** Compute positions for every node and edge. */
export function layoutGraph(graph: LineageGraph): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 60, edgesep: 12, marginx: 8, marginy: 8 });
  const sizes = new Map<string, { lines: string[]; width: number; height: number }>();
  for (const node of graph.nodes) {
    const lines = nodeLabel(node);
    const width = Math.max(...lines.map((l) => l.length)) * CHAR_WIDTH + 2 * PADDING;
    const size = { lines, width, height: lines.length * LINE_HEIGHT + PADDING };
    sizes.set(node.id, size);
    g.setNode(node.id, { width: size.width, height: size.height });
  }
  const known = graph.edges.filter((e) => sizes.has(e.from) && sizes.has(e.to));
  known.forEach((e, i) => g.setEdge(e.from, e.to, {}, `e${i}`));
  dagre.layout(g);
  const nodes = graph.nodes.map((node) => {
    const placed = g.node(node.id) as { x: number; y: number };
    const size = sizes.get(node.id) as { lines: string[]; width: number; height: number };
    return { node, ...size, x: placed.x, y: placed.y };
  });
  const edges = known.map((edge, i) => {
    const routed = g.edge(edge.from, edge.to, `e${i}`) as { points?: { x: number; y: number }[] };
    return { edge, points: routed.points ?? [] };
  });
  const size = g.graph() as { width?: number; height?: number };
  return { width: size.width ?? 0, height: size.height ?? 0, nodes, edges };
}
