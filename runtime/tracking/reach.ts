/**
 * Which cells a change reaches through the lineage: a changed file reaches the cells that
 * read it, a changed cell the cells that use its variables or read the files it wrote, and
 * so on downstream. `runs compare` names these for every difference it reports.
 */
import type { LineageGraph } from "../lineage/types.js";

/** Cell ids downstream of `start` (node ids: `file:PATH` or a cell id), in the given order. */
export function reachedCells(
  graph: LineageGraph,
  start: readonly string[],
  order: readonly string[],
): string[] {
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (edge.kind === "frame") continue;
    const list = next.get(edge.from) ?? [];
    list.push(edge.to);
    next.set(edge.from, list);
  }
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const to of next.get(id) ?? []) {
      if (seen.has(to)) continue;
      seen.add(to);
      queue.push(to);
    }
  }
  const cells = new Set(graph.nodes.filter((n) => n.kind === "cell").map((n) => n.id));
  const reached = [...seen].filter((id) => cells.has(id) && !start.includes(id));
  const rank = (id: string): number => {
    const at = order.indexOf(id);
    return at === -1 ? order.length : at;
  };
  return reached.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}
