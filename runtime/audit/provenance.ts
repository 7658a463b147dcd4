/**
 * "What produced this output": for every file a cell wrote, frame a cell bound, model a cell
 * holds, and what a cell showed in the notebook (its stdout, each displayed result: a chart, a
 * table), the cell that made it, the cells it depends on by lineage, and the input files those
 * cells read with the content they saw. Seed and environment are the run's, shown once. Shown
 * outputs are hashed as repro.lock.json records them, so an auditor can match the two.
 */
import type { LineageGraph } from "../lineage/types.js";
import type { LockDisplay } from "../export/verify-outputs.js";
import { sha256 } from "../runner/output-hash.js";
import { executedCells, type AuditCapture } from "./capture.js";
import { reach } from "./cards.js";

/** What a cell showed in the notebook: its stdout and its displayed results, as the lock hashes them. */
export interface ShownOutputs {
  stdout: string;
  displays: LockDisplay[];
}

/** One output and where it came from. */
export interface ProvenanceRow {
  kind: "file" | "frame" | "model" | "stdout" | "display";
  /** Path, variable, model variable, or the cell that showed it (and which display). */
  name: string;
  /** The content's sha256; for a display, that of its first MIME type in `mimes`. */
  sha256: string;
  /** A display's sha256 per MIME type, the richest first (text/plain last). */
  mimes?: { mime: string; sha256: string }[];
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
  shown: Map<string, ShownOutputs>,
): ProvenanceRow[] {
  const rows: ProvenanceRow[] = [];
  const row = (
    kind: ProvenanceRow["kind"],
    name: string,
    sha256: string,
    cell: string,
    mimes?: ProvenanceRow["mimes"],
  ): void => {
    const cells = reach(lineage, [cell], "backward");
    const inputs = readsOf(lineage, cells);
    rows.push({ kind, name, sha256, ...(mimes ? { mimes } : {}), producedBy: cell, cells, inputs });
  };
  for (const e of lineage.edges) {
    if (e.kind === "write")
      row("file", e.to.slice("file:".length), e.sha256 ?? fileSha(lineage, e.to), e.from);
    if (e.kind === "frame") row("frame", e.label, e.to.slice("frame:".length), e.from);
  }
  for (const model of capture?.models ?? [])
    row("model", model.variable, model.weightsSha256, model.cellId);
  for (const { id: cell } of executedCells(lineage)) {
    const out = shown.get(cell);
    if (out === undefined) continue;
    if (out.stdout !== "") row("stdout", `cell ${cell}`, sha256(out.stdout), cell);
    out.displays.forEach((display, i) => {
      const mimes = richestFirst(display);
      const what = display.output_type === "execute_result" ? "result" : `#${i + 1}`;
      row("display", `cell ${cell} ${what}`, mimes[0]?.sha256 ?? "", cell, mimes);
    });
  }
  return rows;
}

/** A display's MIME types with their hashes, text/plain (the fallback a viewer shows last) at the end. */
function richestFirst(display: LockDisplay): { mime: string; sha256: string }[] {
  const mimes = Object.entries(display.data).map(([mime, c]) => ({ mime, sha256: c.sha256 }));
  const plain = (m: { mime: string }): number => (m.mime === "text/plain" ? 1 : 0);
  return mimes.sort((a, b) => plain(a) - plain(b));
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
