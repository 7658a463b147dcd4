/**
 * What an export is made from, whichever side it comes from: an executed notebook (its
 * stored lineage and outputs) or a live engine (for `%repro export`). Both become the same
 * ExportSource, so the generator has one input.
 */
import { basename } from "node:path";
import { ReplabError } from "../errors.js";
import type { CellNode, FileNode, LineageGraph } from "../lineage/types.js";
import { storedLineage } from "../lineage/stored.js";
import { parseMagic } from "../magics/registry.js";
import { joinSource, type CodeCell, type Notebook, type Output } from "../notebook/types.js";
import { outputSha256, sha256, stdoutOf } from "../runner/output-hash.js";
import type { HistoryEntry, Language } from "../session/types.js";
import type { CarriedModules } from "./local-modules.js";

/** A data file a cell reads, checked before that cell runs. */
export interface DataFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface ExportCell {
  id: string;
  executionCount: number;
  source: string;
  sourceSha256: string;
  /** What the cell printed to stdout in the run being exported; undefined when unknown. */
  stdout: string | undefined;
  outputSha256: string | undefined;
  /** The displayed results the notebook stored (display_data, execute_result); undefined when unknown (a live session). */
  displays?: Output[] | undefined;
  /** What the lineage flagged in the cell (its `nondeterminism`): verify marks its outputs, not fails them. */
  nondeterminism?: string[];
  reads: DataFile[];
  /** Paths of the files the cell wrote (a later cell may read them: they are outputs, not inputs). */
  writes: string[];
  defines: string[];
}

export interface ExportSource {
  /** File name of the notebook (no directory: exports hold no absolute paths). */
  name: string;
  language: Language;
  notebookDir: string;
  seed: number;
  /** Executed cells in execution order (magic cells left out). */
  cells: ExportCell[];
  lineage: LineageGraph;
  /** The time zone and default locale the run recorded (metadata.replab), which the pipeline sets. */
  timeZone?: string | undefined;
  locale?: string | undefined;
  /** The notebook's own modules the cells load, carried into the export (export/local-modules.ts). */
  modules?: CarriedModules | undefined;
}

/** Build the source from an executed notebook. */
export function fromNotebook(
  notebook: Notebook,
  path: string,
  notebookDir: string,
  language: Language,
): ExportSource {
  const replab = notebook.metadata["replab"] as
    { seed?: unknown; timeZone?: unknown; locale?: unknown } | undefined;
  const lineage = storedLineage(notebook, basename(path));
  if (replab === undefined || lineage === undefined) {
    throw new ReplabError(
      "export-failed",
      `${basename(path)} has no replab run metadata; run it first: replab run ${basename(path)} --inplace`,
    );
  }
  const seed = typeof replab.seed === "number" ? replab.seed : lineage.seed;
  const codeCells = new Map(
    notebook.cells.filter((c): c is CodeCell => c.cell_type === "code").map((c) => [c.id, c]),
  );
  const cells = executedCells(lineage, codeCells).map((node) => {
    const cell = codeCells.get(node.id);
    if (cell === undefined) {
      throw new ReplabError(
        "export-failed",
        `cell ${node.id} is in the lineage but not in the notebook`,
      );
    }
    const source = joinSource(cell.source);
    checkUnchanged(node, source);
    return {
      ...base(node, source, lineage),
      stdout: stdoutOf(cell.outputs),
      outputSha256: outputSha256(cell.outputs),
      displays: cell.outputs.filter(
        (o) => o.output_type === "display_data" || o.output_type === "execute_result",
      ),
    };
  });
  const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  return {
    name: basename(path),
    language,
    notebookDir,
    seed,
    cells: dropMagics(cells),
    lineage,
    timeZone: text(replab.timeZone),
    locale: text(replab.locale),
  };
}

/** What `%repro export` needs from the live session. */
export interface LiveEngine {
  readonly language: Language;
  readonly notebookDir: string;
  lineage(): LineageGraph;
  history(): readonly HistoryEntry[];
}

/** Build the source from a live engine; `stdoutOf` gives a cell's printed text when the session kept it. */
export function fromEngine(
  engine: LiveEngine,
  name: string,
  stdoutOfCell?: (cellId: string) => string | undefined,
): ExportSource {
  const lineage = engine.lineage();
  const inputs = new Map(engine.history().map((h) => [h.line, h.input]));
  const cells = executedCells(lineage, undefined).map((node) => {
    const source = inputs.get(node.executionCount ?? -1);
    if (source === undefined) {
      throw new ReplabError(
        "export-failed",
        `no source recorded for cell ${node.id} (execution ${node.executionCount})`,
      );
    }
    return {
      ...base(node, source, lineage),
      stdout: stdoutOfCell?.(node.id),
      outputSha256: undefined,
    };
  });
  const { language, notebookDir } = engine;
  const exported = dropMagics(cells);
  return { name, language, notebookDir, seed: lineage.seed, cells: exported, lineage };
}

/**
 * The cells that produced the current state, in execution order. Without cell nodes in the
 * lineage (a notebook run before lineage was recorded) the notebook's execution counts give
 * the order.
 */
function executedCells(
  lineage: LineageGraph,
  fallback: Map<string, CodeCell> | undefined,
): CellNode[] {
  let nodes = lineage.nodes.filter((n): n is CellNode => n.kind === "cell");
  if (nodes.length === 0 && fallback !== undefined) nodes = nodesFromCounts(fallback);
  refuseFailedUpstream(nodes, lineage);
  return nodes
    .filter((n) => n.executionCount !== null && n.status === "ok")
    .sort((a, b) => (a.executionCount ?? 0) - (b.executionCount ?? 0));
}

/**
 * Throw export-failed when a cell that ran used a variable from a cell whose last run failed:
 * the export holds only cells that succeeded, so the pipeline would run it without what the
 * failed cell had set before it threw (a ReferenceError, or another value).
 */
function refuseFailedUpstream(nodes: CellNode[], lineage: LineageGraph): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const edge of lineage.edges) {
    const [from, to] = [byId.get(edge.from), byId.get(edge.to)];
    if (edge.kind !== "var" || from === undefined || to === undefined) continue;
    if (from.status !== "error" || to.status !== "ok" || to.executionCount === null) continue;
    throw new ReplabError(
      "export-failed",
      `cell ${to.id} uses ${edge.label} from cell ${from.id}, whose last run failed: the pipeline runs only the cells that succeeded, so ${to.id} would not get it; fix ${from.id} and run it and ${to.id} again, then export`,
    );
  }
}

function nodesFromCounts(cells: Map<string, CodeCell>): CellNode[] {
  return [...cells.values()].map((c) => ({
    kind: "cell",
    id: c.id,
    executionCount: c.execution_count,
    sourceSha256: sha256(joinSource(c.source)),
    defines: [],
    uses: [],
    status: c.outputs.some((o) => o.output_type === "error") ? "error" : "ok",
    stale: false,
    nondeterminism: [],
  }));
}

function base(
  node: CellNode,
  source: string,
  lineage: LineageGraph,
): Omit<ExportCell, "stdout" | "outputSha256"> {
  return {
    id: node.id,
    executionCount: node.executionCount ?? 0,
    source,
    sourceSha256: sha256(source),
    reads: readsOf(node.id, lineage),
    writes: writesOf(node.id, lineage),
    defines: node.defines,
    nondeterminism: node.nondeterminism,
  };
}

function checkUnchanged(node: CellNode, source: string): void {
  if (node.sourceSha256 !== sha256(source)) {
    throw new ReplabError(
      "export-failed",
      `cell ${node.id} was edited after it ran, so its outputs are not what its code gives; run the notebook again before exporting`,
    );
  }
}

/** The files a cell read, from the lineage's read edges, sorted by path. */
function readsOf(cellId: string, lineage: LineageGraph): DataFile[] {
  const files = new Map(
    lineage.nodes.filter((n): n is FileNode => n.kind === "file").map((n) => [n.id, n]),
  );
  // The edge holds what this cell read; the node, what the file holds last (lineage written
  // before edges carried content has only the node).
  const reads = lineage.edges
    .filter((e) => e.kind === "read" && e.to === cellId)
    .flatMap((e) => {
      const f = files.get(e.from);
      if (f === undefined) return [];
      return [{ path: f.path, sha256: e.sha256 ?? f.sha256, bytes: e.bytes ?? f.bytes }];
    });
  return [...new Map(reads.map((r) => [r.path, r])).values()].sort((a, b) =>
    a.path.localeCompare(b.path, "en"),
  );
}

/** The files a cell wrote, from the lineage's write edges. */
function writesOf(cellId: string, lineage: LineageGraph): string[] {
  const paths = new Map(
    lineage.nodes.filter((n): n is FileNode => n.kind === "file").map((n) => [n.id, n.path]),
  );
  return lineage.edges
    .filter((e) => e.kind === "write" && e.from === cellId)
    .map((e) => paths.get(e.to))
    .filter((p): p is string => p !== undefined);
}

/** The files the pipeline needs before it starts: read by a cell, written by none of them. */
export function inputFiles(cells: ExportCell[]): DataFile[] {
  const written = new Set(cells.flatMap((c) => c.writes));
  const inputs = new Map<string, DataFile>();
  for (const cell of cells) {
    for (const file of cell.reads) if (!written.has(file.path)) inputs.set(file.path, file);
  }
  return [...inputs.values()].sort((a, b) => a.path.localeCompare(b.path, "en"));
}

/** Magic cells (`%lineage`, `%repro ...`) talk to the kernel; a plain script has none. */
function dropMagics(cells: ExportCell[]): ExportCell[] {
  return cells.filter((c) => parseMagic(c.source) === undefined);
}
