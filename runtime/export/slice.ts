/**
 * `--target CELL_ID|VARIABLE`: keep only the cells the target depends on, found by walking
 * the lineage's var edges (cell -> cell) upstream from the target cell.
 */
import { ReplabError } from "../errors.js";
import type { ExportCell, ExportSource } from "./source.js";

/** The source reduced to the target's upstream cells (execution order kept). */
export function sliceToTarget(source: ExportSource, target: string): ExportSource {
  const targetCell = findTarget(source.cells, target);
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

function findTarget(cells: ExportCell[], target: string): ExportCell {
  const byId = cells.find((c) => c.id === target);
  if (byId !== undefined) return byId;
  // A variable: the last execution that defined it produced its current value.
  const definer = cells.filter((c) => c.defines.includes(target)).at(-1);
  if (definer !== undefined) return definer;
  throw new ReplabError(
    "usage",
    `--target ${target} is neither an executed cell id nor a variable a cell defines (cells: ${cells.map((c) => c.id).join(", ")})`,
  );
}
