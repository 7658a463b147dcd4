/**
 * The frames a cell bound, profiled for the run record: the recorder decides which values are
 * the cell's frames (its `frame` edges in the lineage); this reads their columns once more.
 */
import { isFrame } from "../hashing/frame.js";
import type { FrameNode, LineageGraph } from "../lineage/types.js";
import { profileFrame } from "./profile.js";
import type { FrameProfile } from "./record.js";

/**
 * Profiles of the frames `cellId` bound, by variable. The graph is built only when one of the
 * cell's bindings is a frame, so cells without dataframes pay a type check per name.
 */
export function cellFrames(
  cellId: string,
  bindings: ReadonlyMap<string, unknown>,
  lineage: () => LineageGraph,
): FrameProfile[] {
  const candidates = [...bindings].filter(([, value]) => safeIsFrame(value));
  if (candidates.length === 0) return [];
  const graph = lineage();
  const nodes = new Map(
    graph.nodes.filter((n): n is FrameNode => n.kind === "frame").map((n) => [n.id, n]),
  );
  const profiles: FrameProfile[] = [];
  for (const edge of graph.edges) {
    if (edge.kind !== "frame" || edge.from !== cellId) continue;
    const node = nodes.get(edge.to);
    const columns =
      node === undefined ? undefined : safely(() => profileFrame(bindings.get(edge.label)));
    if (node === undefined || columns === undefined) continue;
    profiles.push({ cellId, variable: edge.label, sha256: node.sha256, rows: node.rows, columns });
  }
  return profiles;
}

function safeIsFrame(value: unknown): boolean {
  return safely(() => isFrame(value)) === true;
}

/** User objects may throw from getters; such a value is not profiled. */
function safely<T>(f: () => T | undefined): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
