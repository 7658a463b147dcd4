/**
 * "What produced this output": for every file a cell wrote, frame a cell bound and model a cell
 * holds, the cell that made it, the cells it depends on by lineage, and the input files those
 * cells read with the content they saw. Seed and environment are the run's, shown once.
 */
import type { LineageGraph } from "../lineage/types.js";
import type { AuditCapture } from "./capture.js";
import { reach } from "./cards.js";

/** One output and where it came from. */
export interface ProvenanceRow {
  kind: "file" | "frame" | "model";
  /** Path, variable or model variable. */
  name: string;
  sha256: string;
  producedBy: string;
  /** The producing cell and every cell it depends on, in execution order. */
  cells: string[];
  /** Files those cells read, with the sha256 of the content they read. */
  inputs: { path: string; sha256: string }[];
}

/** Provenance of every output of the run. */
export function provenanceRows(
  lineage: LineageGraph,
  capture: AuditCapture | undefined,
): ProvenanceRow[] {
  const rows: ProvenanceRow[] = [];
  const row = (kind: ProvenanceRow["kind"], name: string, sha256: string, cell: string): void => {
    const cells = reach(lineage, [cell], "backward");
    rows.push({ kind, name, sha256, producedBy: cell, cells, inputs: readsOf(lineage, cells) });
  };
  for (const e of lineage.edges) {
    if (e.kind === "write")
      row("file", e.to.slice("file:".length), e.sha256 ?? fileSha(lineage, e.to), e.from);
    if (e.kind === "frame") row("frame", e.label, e.to.slice("frame:".length), e.from);
  }
  for (const model of capture?.models ?? [])
    row("model", model.variable, model.weightsSha256, model.cellId);
  return rows;
}

function fileSha(lineage: LineageGraph, id: string): string {
  const node = lineage.nodes.find((n) => n.id === id);
  return node !== undefined && node.kind === "file" ? node.sha256 : "";
}

function readsOf(lineage: LineageGraph, cells: string[]): ProvenanceRow["inputs"] {
  const seen = new Map<string, string>();
  for (const e of lineage.edges) {
    if (e.kind !== "read" || !cells.includes(e.to)) continue;
    seen.set(`${e.from}\n${e.sha256 ?? ""}`, e.sha256 ?? fileSha(lineage, e.from));
  }
  return [...seen].map(([key, sha256]) => ({
    path: (key.split("\n")[0] ?? "").slice("file:".length),
    sha256,
  }));
}
