/**
 * Cells whose state the pipeline cannot rebuild: a variable a cell used came from an execution
 * of another cell that has since run again (an upstream cell edited and re-run in a kernel).
 * The export holds each cell's latest execution only, in execution order, so that cell would
 * run before the one it uses (and crash) or see another value: the export refuses, naming it.
 * A plain run in which a later cell declares a name again is not refused: the execution a
 * cell used is still in the pipeline, before it.
 */
import { ReplabError } from "../errors.js";
import type { ExportSource } from "./source.js";

/** Throw export-failed naming each exported cell that used an execution no longer in the export. */
export function refuseStale(source: ExportSource): void {
  const count = new Map(source.cells.map((c) => [c.id, c.executionCount]));
  const lost = new Map<string, Set<string>>();
  for (const edge of source.lineage.edges) {
    const [from, to] = [count.get(edge.from), count.get(edge.to)];
    if (edge.kind !== "var" || from === undefined || to === undefined || from < to) continue;
    lost.set(edge.to, (lost.get(edge.to) ?? new Set()).add(edge.label));
  }
  if (lost.size === 0) return;
  const named = source.cells
    .filter((c) => lost.has(c.id))
    .map((c) => `${c.id} (uses ${[...lost.get(c.id)!].join(", ")})`);
  throw new ReplabError(
    "export-failed",
    `stale cell(s) ${named.join(", ")}: a cell they use ran again after them, so their outputs are not what the notebook's state gives now; run them again (or Run All), then export`,
  );
}
