/**
 * `--target` slices of a sloppy JavaScript export. The slice follows the lineage, which records
 * no undeclared global (`x = 5`) as defined or used, so without this a slice could leave out
 * the cell that assigned a global a kept cell reads, and `--target x` would not find x.
 */
import { globalAssignments } from "../compiler/const-checks.js";
import { cellSyntax } from "../compiler/syntax.js";
import { sliceToTarget } from "./slice.js";
import { planSloppy } from "./sloppy.js";
import type { ExportSource } from "./source.js";

/**
 * `--target NAME` for an undeclared global, which the lineage does not record as defined: the
 * last cell that assigns it. Any other target is returned as it is, for slice.ts.
 */
export function sloppyTarget(source: ExportSource, target: string): string {
  if (source.language !== "javascript") return target;
  if (source.cells.some((c) => c.id === target || c.defines.includes(target))) return target;
  const implicit = planSloppy(source.cells.map((c) => c.source)).globals.at(-1);
  if (implicit?.has(target) !== true) return target;
  const assigns = (code: string): boolean =>
    globalAssignments(cellSyntax(code, "javascript").sourceFile).includes(target);
  return source.cells.filter((c) => assigns(c.source)).at(-1)?.id ?? target;
}

/**
 * A `--target` slice with the cells it needs for the undeclared globals its cells use: the
 * slice follows the lineage's var edges, which do not record such globals, so a kept cell
 * that mentions one would run without the earlier cells that assign it (a ReferenceError, or
 * another value). Each such cell comes back with its own upstream slice, until none is missing.
 */
export function withSloppyUpstream(full: ExportSource, sliced: ExportSource): ExportSource {
  if (full.language !== "javascript" || sliced.cells.length === full.cells.length) return sliced;
  const implicit = planSloppy(full.cells.map((c) => c.source)).globals.at(-1) ?? new Set();
  if (implicit.size === 0) return sliced;
  const kept = new Set(sliced.cells.map((c) => c.id));
  for (;;) {
    const missing = missingAssigners(full, kept, implicit);
    if (missing.length === 0) break;
    for (const id of missing) for (const cell of sliceToTarget(full, id).cells) kept.add(cell.id);
  }
  return { ...sliced, cells: full.cells.filter((c) => kept.has(c.id)) };
}

/** Cells left out of KEPT that assign an implicit global a kept cell after them mentions. */
function missingAssigners(
  full: ExportSource,
  kept: ReadonlySet<string>,
  implicit: ReadonlySet<string>,
): string[] {
  const assigners = new Map<string, string[]>();
  const missing = new Set<string>();
  for (const cell of full.cells) {
    const syntax = cellSyntax(cell.source, "javascript");
    if (kept.has(cell.id)) {
      for (const name of syntax.mentionedNames)
        for (const id of assigners.get(name) ?? []) if (!kept.has(id)) missing.add(id);
    }
    for (const name of globalAssignments(syntax.sourceFile)) {
      if (implicit.has(name)) assigners.set(name, [...(assigners.get(name) ?? []), cell.id]);
    }
  }
  return [...missing];
}
