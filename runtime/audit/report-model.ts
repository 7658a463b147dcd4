/**
 * The audit report as data (docs/contracts.md, "Audit"): what `replab report` and
 * `%repro report` render as HTML or Markdown. Built from what a run recorded (the lineage,
 * `metadata.replab`, the end-of-run capture) and, when asked, a fresh verify of an export.
 * Everything here is a fact replab recorded; what only the author knows is a card prompt.
 */
import type { CellNode, FileNode, FrameNode, LineageGraph } from "../lineage/types.js";
import type { RuntimeVersions } from "../repro/versions.js";
import type { AuditCapture, FrameProfile } from "./capture.js";
import { dataCards, modelCards, type DataCard, type ModelCard } from "./cards.js";
import type { PackageRow } from "./environment.js";
import { provenanceRows, type ProvenanceRow, type ShownOutputs } from "./provenance.js";
import { verdictOf, type Verdict } from "./verdict.js";
import type { VerifyOutcome } from "./verify-outcome.js";

/** What a report is built from; the CLI reads it from a notebook, the magic from the session. */
export interface ReportInput {
  notebookName: string;
  lineage: LineageGraph;
  seed: number;
  runtime: RuntimeVersions | undefined;
  packages: PackageRow[];
  capture: AuditCapture | undefined;
  /** Each cell's source and what it printed or returned (text), by cell id. */
  sources: Map<string, string>;
  outputs: Map<string, string>;
  /** What each cell showed (stdout, displayed results) as repro.lock.json hashes it, by cell id. */
  shown: Map<string, ShownOutputs>;
  /** The time zone and default locale the run used, when it recorded them. */
  timeZone: string | undefined;
  locale: string | undefined;
  /** ename and evalue of each cell that failed, by cell id. */
  errors: Map<string, { ename: string; evalue: string }>;
  /** Whether each input file on disk still has the recorded content, by path. */
  onDisk: Map<string, DiskState>;
  verify: VerifyOutcome | undefined;
  /** Training params and final metrics from the run record (runtime/tracking), when there is one. */
  runRecord: RunRecordFacts | undefined;
}

/** What the model card takes from a tracking run record. */
export interface RunRecordFacts {
  id: string;
  params: Record<string, unknown>;
  metrics: Record<string, number | null>;
}

/** "matches": same sha256 as recorded; "differs": changed since; "missing": gone. */
export type DiskState = "matches" | "differs" | "missing";

/** One row of the cells table. */
export interface CellRow {
  id: string;
  executionCount: number | null;
  status: "ok" | "error" | "not-run";
  stale: boolean;
  /** Variables it used that a later execution wrote again (why it is stale). */
  staleBecause: string[];
  error: { ename: string; evalue: string } | undefined;
  sourceSha256: string;
  /** The code it ran, when the notebook or the session still has it. */
  source: string | undefined;
  /** Its text output (stdout, results), when known. */
  output: string | undefined;
  defines: string[];
  uses: string[];
  nondeterminism: { label: string; source: string; origin: string }[];
  loadTime: string[];
}

/** A file the run read or wrote. */
export interface FileRow {
  path: string;
  sha256: string;
  bytes: number;
  readBy: string[];
  writtenBy: string[];
  onDisk: DiskState | undefined;
}

/** A dataframe a cell bound. */
export interface FrameRow {
  sha256: string;
  rows: number;
  columns: string[];
  madeBy: string[];
  variables: string[];
  profile: FrameProfile | undefined;
}

/** The whole report. */
export interface AuditReport {
  notebookName: string;
  verdict: Verdict;
  seed: number;
  runtime: RuntimeVersions | undefined;
  timeZone: string | undefined;
  locale: string | undefined;
  determinismVariables: Record<string, string>;
  packages: PackageRow[];
  cells: CellRow[];
  inputs: FileRow[];
  outputs: FileRow[];
  frames: FrameRow[];
  provenance: ProvenanceRow[];
  verify: VerifyOutcome | undefined;
  dataCards: DataCard[];
  modelCards: ModelCard[];
  lineage: LineageGraph;
}

/** Build the report from what the run recorded. */
export function buildReport(input: ReportInput): AuditReport {
  const { lineage } = input;
  const cells = cellRows(input);
  const files = fileRows(lineage, input.onDisk);
  const frames = frameRows(lineage, input.capture);
  const inputs = files.filter((f) => f.writtenBy.length === 0);
  const outputs = files.filter((f) => f.writtenBy.length > 0);
  return {
    notebookName: input.notebookName,
    verdict: verdictOf(cells, inputs, input.verify),
    seed: input.seed,
    runtime: input.runtime,
    timeZone: input.timeZone,
    locale: input.locale,
    determinismVariables: lineage.environment ?? {},
    packages: input.packages,
    cells,
    inputs,
    outputs,
    frames,
    provenance: provenanceRows(lineage, input.capture, input.shown),
    verify: input.verify,
    dataCards: dataCards(lineage, inputs, frames),
    modelCards: modelCards(lineage, input.capture, input.runRecord),
    lineage,
  };
}

/** Cells in execution order; cells never run last, in notebook order. */
export function cellNodes(lineage: LineageGraph): CellNode[] {
  const cells = lineage.nodes.filter((n): n is CellNode => n.kind === "cell");
  const order = (c: CellNode): number => c.executionCount ?? Number.MAX_SAFE_INTEGER;
  return cells
    .map((c, i) => ({ c, i }))
    .sort((a, b) => order(a.c) - order(b.c) || a.i - b.i)
    .map(({ c }) => c);
}

function cellRows({ lineage, errors, sources, outputs }: ReportInput): CellRow[] {
  return cellNodes(lineage).map((cell) => ({
    id: cell.id,
    executionCount: cell.executionCount,
    status: cell.status,
    stale: cell.stale,
    staleBecause: cell.stale ? rewritten(lineage, cell) : [],
    error: errors.get(cell.id),
    sourceSha256: cell.sourceSha256,
    source: sources.get(cell.id),
    output: outputs.get(cell.id),
    defines: cell.defines,
    uses: cell.uses,
    nondeterminism: cell.nondeterminism.map(describeLabel),
    loadTime: cell.loadTime ?? [],
  }));
}

/** The names a stale cell used that a later execution of another cell defined again. */
function rewritten(lineage: LineageGraph, cell: CellNode): string[] {
  const after = lineage.nodes.filter(
    (n): n is CellNode =>
      n.kind === "cell" &&
      n.id !== cell.id &&
      (n.executionCount ?? 0) > (cell.executionCount ?? Number.MAX_SAFE_INTEGER),
  );
  return cell.uses.filter((name) =>
    after.some((n) => n.defines.includes(name) || (n.mutates ?? []).includes(name)),
  );
}

const SOURCE_WORDS: Record<string, string> = {
  clock: "reads the clock",
  crypto: "draws cryptographic randomness",
  network: "uses the network",
  machine: "reads the state of the machine",
  "unseen-io": "starts a process or thread replab cannot see into",
};

/** "clock:process.hrtime (@tensorflow/tfjs-core)" -> what it is and who did it. */
export function describeLabel(label: string): { label: string; source: string; origin: string } {
  const match = /^([a-z-]+):(.+?)(?: \(([^()]+)\))?$/.exec(label);
  if (match === null) return { label, source: label, origin: "the cell" };
  const [, kind = "", call = "", pkg] = match;
  const what = SOURCE_WORDS[kind] ?? kind;
  return {
    label,
    source: `${what} (${call})`,
    origin: pkg === undefined ? "the cell's own code" : `package ${pkg}`,
  };
}

function fileRows(lineage: LineageGraph, onDisk: Map<string, DiskState>): FileRow[] {
  const files = lineage.nodes.filter((n): n is FileNode => n.kind === "file");
  return files
    .map((file) => {
      const readBy = edgeCells(lineage, "read", file.id, "to");
      const writtenBy = edgeCells(lineage, "write", file.id, "from");
      return { ...pick(file), readBy, writtenBy, onDisk: onDisk.get(file.path) };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function pick(file: FileNode): { path: string; sha256: string; bytes: number } {
  return { path: file.path, sha256: file.sha256, bytes: file.bytes };
}

/** Cells at the other end of `kind` edges touching node `id` (deduplicated, in edge order). */
function edgeCells(
  lineage: LineageGraph,
  kind: "read" | "write" | "frame",
  id: string,
  cellEnd: "from" | "to",
): string[] {
  const nodeEnd = cellEnd === "from" ? "to" : "from";
  const cells = lineage.edges
    .filter((e) => e.kind === kind && e[nodeEnd] === id)
    .map((e) => e[cellEnd]);
  return [...new Set(cells)];
}

function frameRows(lineage: LineageGraph, capture: AuditCapture | undefined): FrameRow[] {
  const frames = lineage.nodes.filter((n): n is FrameNode => n.kind === "frame");
  return frames.map((frame) => {
    const edges = lineage.edges.filter((e) => e.kind === "frame" && e.to === frame.id);
    return {
      sha256: frame.sha256,
      rows: frame.rows,
      columns: frame.columns,
      madeBy: [...new Set(edges.map((e) => e.from))],
      variables: [...new Set(edges.map((e) => e.label))],
      profile: capture?.frames.find((p) => p.sha256 === frame.sha256),
    };
  });
}
