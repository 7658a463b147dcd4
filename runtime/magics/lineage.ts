/**
 * `%lineage` shows the notebook's lineage in any frontend: an SVG laid out in the kernel,
 * the graph as `application/vnd.replab.lineage+json` for the viewer, and a text summary.
 */
import type { Recorder } from "../repro/recorder.js";
import { LINEAGE_MIME, type LineageGraph } from "../lineage/types.js";
import type { ExecuteResultValue } from "../session/types.js";
import type { MagicContext } from "./registry.js";
import { counted } from "../words.js";

/** Services the lineage magic needs. */
export interface LineageServices {
  recorder: Recorder;
}

/** Handle `%lineage`. */
export async function lineageMagic(
  ctx: MagicContext<LineageServices>,
): Promise<ExecuteResultValue | undefined> {
  const graph = ctx.services.recorder.graph();
  const { renderSvg } = await import("../lineage/render/svg.js");
  return {
    data: {
      "image/svg+xml": renderSvg(graph),
      [LINEAGE_MIME]: graph,
      "text/plain": summary(graph),
    },
    metadata: {},
  };
}

/** One line per edge, grouped under the graph's counts. */
export function summary(graph: LineageGraph): string {
  const cells = graph.nodes.filter((node) => node.kind === "cell").length;
  const head = `lineage: ${counted(cells, "cell")}, ${counted(graph.nodes.length - cells, "data node")}, ${counted(graph.edges.length, "edge")} (seed ${graph.seed})`;
  const edges = graph.edges.map((e) => `  ${e.from} -[${e.kind}: ${e.label}]-> ${e.to}`);
  return [head, ...edges].join("\n");
}
