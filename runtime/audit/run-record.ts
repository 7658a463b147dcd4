/**
 * The model card's training parameters and final metrics from the experiment-tracking run
 * record of this run (`.replab/runs/*.json`, schema/run-record.schema.json), read by its
 * published shape. The record that belongs to the run is the newest one whose cells ran the
 * same sources the notebook's lineage records (the record names the notebook that was run,
 * which `replab run -o` saves under another name).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CellNode, LineageGraph } from "../lineage/types.js";
import type { RunRecordFacts } from "./report-model.js";

interface RecordShape {
  schema?: unknown;
  id?: unknown;
  params?: unknown;
  metrics?: Record<string, { value?: unknown; nonFinite?: unknown }[]>;
  cells?: { id?: unknown; sourceSha256?: unknown }[];
}

/** The facts of the newest matching record, or undefined when there is none. */
export function runRecordFacts(
  notebookDir: string,
  lineage: LineageGraph,
): RunRecordFacts | undefined {
  const dir = join(notebookDir, ".replab", "runs");
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json") && !n.startsWith("."));
  } catch {
    return undefined;
  }
  const ran = cellSources(lineage);
  for (const name of names.sort().reverse()) {
    const record = parse(join(dir, name));
    if (record !== undefined && sameCells(record, ran)) return facts(record);
  }
  return undefined;
}

function parse(path: string): RecordShape | undefined {
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as RecordShape;
    return value.schema === "replab.run/1" && typeof value.id === "string" ? value : undefined;
  } catch {
    return undefined; // not a record of ours
  }
}

function cellSources(lineage: LineageGraph): Map<string, string> {
  const cells = lineage.nodes.filter(
    (n): n is CellNode => n.kind === "cell" && n.executionCount !== null,
  );
  return new Map(cells.map((c) => [c.id, c.sourceSha256]));
}

function sameCells(record: RecordShape, ran: Map<string, string>): boolean {
  const cells = Array.isArray(record.cells) ? record.cells : [];
  return cells.length === ran.size && cells.every((c) => ran.get(String(c.id)) === c.sourceSha256);
}

function facts(record: RecordShape): RunRecordFacts {
  const params =
    typeof record.params === "object" && record.params !== null
      ? (record.params as Record<string, unknown>)
      : {};
  const metrics: Record<string, number | null> = {};
  for (const [key, points] of Object.entries(record.metrics ?? {})) {
    const point = Array.isArray(points) ? points[points.length - 1] : undefined;
    const last = point?.value;
    // A null is NaN or an infinity when the record names which (its nonFinite).
    const named = ["NaN", "Infinity", "-Infinity"].includes(String(point?.nonFinite));
    if (last === null && named) metrics[key] = Number(point?.nonFinite);
    else if (typeof last === "number" || last === null) metrics[key] = last;
  }
  return { id: String(record.id), params, metrics };
}
