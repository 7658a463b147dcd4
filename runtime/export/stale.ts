/**
 * Cells that are stale (docs/lineage-semantics.md, "Staleness"): a variable their latest
 * execution used was written again by a later execution, as when an upstream cell is edited
 * and re-run in a kernel. Their outputs came from a state the notebook no longer has, and in
 * execution order they run before the cell they use, so a pipeline would crash or print
 * something else: the export refuses, naming them.
 */
import { ReplabError } from "../errors.js";
import type { CellNode } from "../lineage/types.js";
import type { ExportSource } from "./source.js";

/** Throw export-failed naming the exported cells the lineage marks stale, and what they used. */
export function refuseStale(source: ExportSource): void {
  const nodes = new Map(
    source.lineage.nodes.filter((n): n is CellNode => n.kind === "cell").map((n) => [n.id, n]),
  );
  const stale = source.cells.filter((c) => nodes.get(c.id)?.stale === true);
  if (stale.length === 0) return;
  const named = stale.map((c) => {
    const used = usedAgain(c.id, nodes, source);
    return used === "" ? c.id : `${c.id} (uses ${used})`;
  });
  throw new ReplabError(
    "export-failed",
    `stale cell(s) ${named.join(", ")}: a cell they use ran again after them, so their outputs are not what the notebook's state gives now; run them again (or Run All), then export`,
  );
}

/** The names a stale cell used that a later execution wrote. */
function usedAgain(id: string, nodes: Map<string, CellNode>, source: ExportSource): string {
  const node = nodes.get(id);
  if (node === undefined) return "";
  const later = source.cells.filter(
    (c) => c.executionCount > (node.executionCount ?? 0) && c.id !== id,
  );
  const written = new Set(
    later.flatMap((c) => [...c.defines, ...(nodes.get(c.id)?.mutates ?? [])]),
  );
  return node.uses.filter((name) => written.has(name)).join(", ");
}
