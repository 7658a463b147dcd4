/**
 * The report's input from a live session (`%repro report`): the recorder's lineage, the code
 * of each cell's latest execution from the history, the values the cells hold now, and the same
 * disk, package and run-record facts `replab report` reads for a saved notebook.
 */
import type { CellNode } from "../lineage/types.js";
import type { LiveEngine } from "../export/source.js";
import { runtimeVersions } from "../repro/versions.js";
import { captureAudit } from "./capture.js";
import { packageRows } from "./environment.js";
import { diskStates } from "./from-notebook.js";
import type { ReportInput } from "./report-model.js";
import { runRecordFacts } from "./run-record.js";
import { verifyForReport } from "./verify-outcome.js";

/** Build the input from `engine`; `stdoutOf` gives a cell's printed text when the session kept it. */
export async function reportInputFromSession(
  engine: LiveEngine,
  notebookName: string,
  stdoutOf: ((cellId: string) => string | undefined) | undefined,
  verifyDir: string | undefined,
): Promise<ReportInput> {
  const lineage = engine.lineage();
  const inputs = new Map(engine.history().map((h) => [h.line, h.input]));
  const cells = lineage.nodes.filter((n): n is CellNode => n.kind === "cell");
  const sources = new Map<string, string>();
  for (const cell of cells) {
    const source = inputs.get(cell.executionCount ?? -1);
    if (source !== undefined) sources.set(cell.id, source);
  }
  const outputs = new Map<string, string>();
  for (const cell of cells) {
    const text = stdoutOf?.(cell.id);
    if (text !== undefined) outputs.set(cell.id, text);
  }
  const options = Intl.DateTimeFormat().resolvedOptions();
  const global = globalThis as Record<string, unknown>;
  const dir = engine.notebookDir;
  return {
    notebookName,
    lineage,
    seed: lineage.seed,
    runtime: runtimeVersions(),
    packages: packageRows([...sources.values()], dir),
    capture: captureAudit(lineage, (name) => global[name]),
    sources,
    outputs,
    // A session keeps only what cells printed; their displayed results are in the notebook.
    shown: new Map([...outputs].map(([id, stdout]) => [id, { stdout, displays: [] }])),
    timeZone: options.timeZone,
    locale: options.locale,
    errors: new Map(),
    onDisk: await diskStates(lineage, dir),
    verify: verifyDir === undefined ? undefined : await verifyForReport(verifyDir, dir, lineage),
    runRecord: runRecordFacts(dir, lineage),
  };
}
