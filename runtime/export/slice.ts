/**
 * `--target CELL_ID|VARIABLE`: keep only the cells the target depends on, found by walking
 * the lineage's var edges (cell -> cell) upstream from the target cell.
 */
import { ReplabError } from "../errors.js";
import type { ExportCell, ExportSource } from "./source.js";

/** The source reduced to the target's upstream cells (execution order kept). */
export function sliceToTarget(source: ExportSource, target: string): ExportSource {
  const targetCell = findTarget(source.cells, target, mutators(source, target));
  const keep = new Set<string>([targetCell.id]);
  const pending = [targetCell.id];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    for (const edge of source.lineage.edges) {
      if (edge.kind === "var" && edge.to === id && !keep.has(edge.from)) {
        keep.add(edge.from);
        pending.push(edge.from);
      }
    }
  }
  return { ...source, cells: source.cells.filter((c) => keep.has(c.id)) };
}

/** Cells the lineage says changed `name` in place (`xs.push(4)`): they wrote it too. */
function mutators(source: ExportSource, name: string): Set<string> {
  const ids = source.lineage.nodes.flatMap((n) =>
    n.kind === "cell" && n.mutates?.includes(name) === true ? [n.id] : [],
  );
  return new Set(ids);
}

function findTarget(cells: ExportCell[], target: string, mutatedBy: Set<string>): ExportCell {
  const byId = cells.find((c) => c.id === target);
  if (byId !== undefined) return byId;
  // A variable: the last execution that defined it or changed it in place left its value.
  const definer = cells.filter((c) => c.defines.includes(target) || mutatedBy.has(c.id)).at(-1);
  if (definer !== undefined) return definer;
  throw new ReplabError(
    "usage",
    `--target ${target} is neither an executed cell id nor a variable a cell defines (cells: ${cells.map((c) => c.id).join(", ")})`,
  );
}
