/**
 * The report's input from an executed notebook: `metadata.replab` (seed, lineage, runtime,
 * the end-of-run capture), the cells' code and text outputs, the input files as they are on
 * disk now, the packages the project's lockfile pins, and the run record when there is one.
 */
import { join } from "node:path";
import { ReplabError } from "../errors.js";
import { hashFile } from "../hashing/sha256.js";
import { storedLineage } from "../lineage/stored.js";
import type { LineageGraph } from "../lineage/types.js";
import { joinSource, type CodeCell, type Notebook, type Output } from "../notebook/types.js";
import { lockDisplays } from "../export/verify-outputs.js";
import { stdoutOf } from "../runner/output-hash.js";
import { storedCapture, storedRuntime } from "./stored-metadata.js";
import { packageRows } from "./environment.js";
import type { DiskState, ReportInput } from "./report-model.js";
import { runRecordFacts } from "./run-record.js";
import { verifyForReport } from "./verify-outcome.js";

interface StoredReplab {
  seed?: unknown;
  runtime?: unknown;
  audit?: unknown;
  timeZone?: unknown;
  locale?: unknown;
}

/** Read what a report needs from `notebook` (at `notebookDir`, named `name`); verify `verifyDir` first when given. */
export async function reportInputFromNotebook(
  notebook: Notebook,
  name: string,
  notebookDir: string,
  verifyDir: string | undefined,
): Promise<ReportInput> {
  const replab = notebook.metadata["replab"] as StoredReplab | undefined;
  const lineage = storedLineage(notebook, name);
  if (lineage === undefined) {
    throw new ReplabError(
      "notebook-invalid",
      `${name} has no stored lineage; run it with replab run first (replab run ${name} --inplace)`,
    );
  }
  const verify =
    verifyDir === undefined ? undefined : await verifyForReport(verifyDir, notebookDir, lineage);
  const cells = notebook.cells.filter((c): c is CodeCell => c.cell_type === "code");
  const sources = new Map(cells.map((c) => [c.id, joinSource(c.source)]));
  return {
    notebookName: name,
    lineage,
    seed: typeof replab?.seed === "number" ? replab.seed : lineage.seed,
    runtime: storedRuntime(replab?.runtime, name),
    packages: packageRows([...sources.values()], notebookDir),
    capture: storedCapture(replab?.audit, name),
    sources,
    outputs: new Map(cells.map((c) => [c.id, outputText(c.outputs)])),
    shown: new Map(
      cells.map((c) => [c.id, { stdout: stdoutOf(c.outputs), displays: lockDisplays(c.outputs) }]),
    ),
    timeZone: typeof replab?.timeZone === "string" ? replab.timeZone : undefined,
    locale: typeof replab?.locale === "string" ? replab.locale : undefined,
    errors: new Map(cells.flatMap((c) => errorOf(c))),
    onDisk: await diskStates(lineage, notebookDir),
    verify,
    runRecord: runRecordFacts(notebookDir, lineage),
  };
}

/** What a cell printed and returned, as text (images and HTML are left to the notebook). */
export function outputText(outputs: Output[]): string {
  return outputs
    .map((o) => {
      if (o.output_type === "stream") return joinSource(o.text);
      if (o.output_type === "error") return `${o.ename}: ${o.evalue}\n`;
      const text = o.data["text/plain"];
      return text === undefined ? "" : `${joinSource(text as string | string[])}\n`;
    })
    .join("");
}

function errorOf(cell: CodeCell): [string, { ename: string; evalue: string }][] {
  const error = cell.outputs.find(
    (o): o is Extract<Output, { output_type: "error" }> => o.output_type === "error",
  );
  return error === undefined ? [] : [[cell.id, { ename: error.ename, evalue: error.evalue }]];
}

/** Hash every file a cell read and none wrote, as it is on disk now. */
export async function diskStates(
  lineage: LineageGraph,
  notebookDir: string,
): Promise<Map<string, DiskState>> {
  const written = new Set(lineage.edges.filter((e) => e.kind === "write").map((e) => e.to));
  const states = new Map<string, DiskState>();
  for (const node of lineage.nodes) {
    if (node.kind !== "file" || written.has(node.id)) continue;
    const now = await hashFile(join(notebookDir, node.path)).catch(() => undefined);
    states.set(
      node.path,
      now === undefined ? "missing" : now.sha256 === node.sha256 ? "matches" : "differs",
    );
  }
  return states;
}
