/**
 * Graphviz DOT of the lineage: cells as boxes, files as notes, frames as ellipses; dashed
 * edges for data, solid for variables; stale cells dashed, failed cells red.
 */
import type { LineageGraph, LineageNode } from "../types.js";
import { nodeLabel } from "./labels.js";

/** Render the graph as DOT; same graph, same bytes. */
export function renderDot(graph: LineageGraph): string {
  const q = (s: string): string => JSON.stringify(s);
  const nodes = graph.nodes.map((n) => `  ${q(n.id)} [${attributes(n)}];`);
  const edges = graph.edges.map((e) => {
    const style = e.kind === "var" ? "" : ", style=dashed";
    return `  ${q(e.from)} -> ${q(e.to)} [label=${q(e.label)}${style}];`;
  });
  const body = [...nodes, ...edges].join("\n");
  return `digraph lineage {\n  rankdir=LR;\n  node [fontname="Helvetica"];\n${body}\n}\n`;
}

function attributes(node: LineageNode): string {
  const label = `label=${JSON.stringify(nodeLabel(node).join("\n"))}`;
  switch (node.kind) {
    case "cell": {
      const style = node.status === "error" ? ", color=red" : node.stale ? ", style=dashed" : "";
      return `shape=box, ${label}${style}`;
    }
    case "file":
      return `shape=note, ${label}`;
    case "frame":
      return `shape=ellipse, ${label}`;
  }
}
