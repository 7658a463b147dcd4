/**
 * What `%repro export` exports: the live session's run, or, in a kernel where no code cell
 * has run yet (a notebook reopened after a restart), the run stored in the saved notebook:
 * the same source `replab export NB.ipynb` reads, so both give the same directory.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readNotebook } from "../notebook/read.js";
import { fromEngine, fromNotebook, type ExportSource, type LiveEngine } from "./source.js";

/** The live run when it has cells; else the notebook file's stored run when it has one. */
export async function liveOrStoredSource(
  engine: LiveEngine,
  notebookName: string,
  stdoutOf?: (cellId: string) => string | undefined,
): Promise<ExportSource> {
  const live = fromEngine(engine, notebookName, stdoutOf);
  if (live.cells.length > 0) return live;
  const path = join(engine.notebookDir, notebookName);
  if (!existsSync(path)) return live;
  const notebook = await readNotebook(path, notebookName);
  const replab = notebook.metadata["replab"] as { lineage?: unknown } | undefined;
  // Nothing stored either: the live source's own error ("no executed code cells") stands.
  if (replab?.lineage === undefined) return live;
  return fromNotebook(notebook, path, engine.notebookDir, engine.language);
}
