/**
 * `%repro export DIR [--target X] [--include-data] [--force]` (docs/contracts.md, "Magics"): export
 * the live session's lineage as a pipeline directory. DIR is relative to the notebook.
 */
import { isAbsolute, join } from "node:path";
import { parseExportArgs } from "../cli/export.js";
import { exportPipeline } from "../export/export.js";
import { sliceToTarget } from "../export/slice.js";
import { fromEngine, type LiveEngine } from "../export/source.js";
import { liveOrStoredSource } from "../export/stored.js";
import type { MagicHandler } from "./registry.js";
import { counted } from "../words.js";

/** What the magic needs from the session. */
export interface ReproExportServices {
  engine: LiveEngine;
  /** The notebook's file name, for the export's README; "notebook.ipynb" when the client did not say. */
  notebookName?: string | undefined;
  /** A cell's stdout in its latest execution, when the session keeps it; the lockfile then records its hash. */
  stdoutOf?: ((cellId: string) => string | undefined) | undefined;
}

/** The handler for `%repro export`; accepts its arguments with or without the leading "export". */
export const reproExport: MagicHandler<ReproExportServices> = async ({ args, sink, services }) => {
  const words = args[0] === "export" ? args.slice(1) : args;
  const options = parseExportArgs(words, true);
  const { engine } = services;
  const dir = isAbsolute(options.dir) ? options.dir : join(engine.notebookDir, options.dir);
  // A kernel where nothing ran yet exports the run the saved notebook holds (export/stored.ts).
  const source =
    services.notebookName === undefined
      ? fromEngine(engine, "notebook.ipynb", services.stdoutOf)
      : await liveOrStoredSource(engine, services.notebookName, services.stdoutOf);
  const notify = (message: string): void => sink.stream("stderr", `${message}\n`);
  const count = await exportPipeline(source, { ...options, dir, notify });
  // With --target only the cells the target depends on are exported: say how many those are.
  const cells = options.target === undefined ? source : sliceToTarget(source, options.target);
  sink.stream(
    "stdout",
    `exported ${counted(cells.cells.length, "cell")} to ${options.dir} (${counted(count, "file")})\n`,
  );
  return undefined;
};
