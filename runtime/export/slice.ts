/**
 * `--target CELL_ID|VARIABLE`: keep only the cells the target depends on, found by walking
 * the lineage's var edges (cell -> cell) upstream from the target cell, plus the cell declaring
 * each variable a kept cell assigns without declaring.
 */
import { cellSyntax } from "../compiler/syntax.js";
import { ReplabError } from "../errors.js";
import type { ExportCell, ExportSource } from "./source.js";

/** The source reduced to the target's upstream cells (execution order kept). */
export function sliceToTarget(source: ExportSource, target: string): ExportSource {
  const targetCell = findTarget(source.cells, target, mutators(source, target));
  const keep = new Set<string>([targetCell.id]);
  const pending = [targetCell.id];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const upstream = source.lineage.edges.flatMap((e) =>
      e.kind === "var" && e.to === id ? [e.from] : [],
    );
    for (const from of [...upstream, ...declarers(source, id)]) {
      if (!keep.has(from)) {
        keep.add(from);
        pending.push(from);
      }
    }
  }
  return { ...source, cells: source.cells.filter((c) => keep.has(c.id)) };
}

/**
 * The cells that declared what cell ID assigns without declaring (`rate = 5` after `let rate = 1`):
 * no var edge leads there when the old value went unread, yet without the declaration the
 * pipeline's assignment throws a ReferenceError (or, in TypeScript, does not type-check).
 */
function declarers(source: ExportSource, id: string): string[] {
  const at = source.cells.findIndex((c) => c.id === id);
  const cell = source.cells[at];
  if (cell === undefined) return [];
  const declared = (c: ExportCell): Set<string> =>
    cellSyntax(c.source, source.language).declaredNames;
  const own = declared(cell);
  const earlier = source.cells.slice(0, at);
  return cell.defines
    .filter((name) => !own.has(name))
    .flatMap((name) => earlier.filter((c) => declared(c).has(name)).slice(-1))
    .map((c) => c.id);
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
