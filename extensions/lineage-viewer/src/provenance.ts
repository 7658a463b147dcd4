/**
 * Where the shown graph is from after a restart or a reopen: the kernel knows only the cells
 * it ran, the notebook still shows the outputs of the others. Pure, for unit tests.
 */
import type { LineageGraph } from "./schema";

/**
 * The graph to show after a restart: this kernel's, plus the cells the previous kernel ran
 * that this one has not (their outputs are still in the notebook), with the edges among them.
 */
export function mergePrevious(
  live: LineageGraph,
  previous: LineageGraph,
  inNotebook: ReadonlySet<string>,
): { graph: LineageGraph; notRunHere: Set<string> } {
  const liveIds = new Set(live.nodes.map((n) => n.id));
  const old = previous.nodes.filter(
    (n) => !liveIds.has(n.id) && (n.kind !== "cell" || inNotebook.has(n.id)),
  );
  const notRunHere = new Set(old.filter((n) => n.kind === "cell").map((n) => n.id));
  const ids = new Set([...liveIds, ...old.map((n) => n.id)]);
  const oldEdges = previous.edges.filter(
    (e) => (!liveIds.has(e.from) || !liveIds.has(e.to)) && ids.has(e.from) && ids.has(e.to),
  );
  return {
    graph: { ...live, nodes: [...live.nodes, ...old], edges: [...live.edges, ...oldEdges] },
    notRunHere,
  };
}
