/**
 * What an exported pipeline DISPLAYED, for `replab verify` (docs/integrity.md). Under verify
 * the pipeline's notebook shim loads this module from the verifying replab, so `display.*`,
 * `newDisplay()` and a cell's last expression go through the kernel's own code: the notebook
 * module (display/notebook-module.ts), the result formatting (display/format.ts, with
 * Promise results settled as executor/settle.ts does) and the one conversion to wire JSON
 * (display/wire-json.ts). Each output is written to stdout as one record,
 * `\x1e<mark>:<JSON>\n`, where the mark is the random token verify chose for this run; the
 * record names the cell that was running when the output was asked for, as the kernel's sink
 * does. Outside verify the pipeline never loads this module and displays nothing.
 */
import { formatResult } from "../display/format.js";
import { createNotebookModule } from "../display/notebook-module.js";
import { toWireJson } from "../display/wire-json.js";
import { ReplabError } from "../errors.js";
import { settleResult } from "../executor/settle.js";
import type { MimeBundle, OutputMetadata, OutputSink } from "../session/types.js";

/** One output a cell asked for, as a record carries it. */
export type CaptureRecord =
  | { cell: string; kind: "display"; data: MimeBundle; displayId: string | null; update: boolean }
  | { cell: string; kind: "result"; data: MimeBundle }
  | { cell: string; kind: "clear"; wait: boolean };

/** What the pipeline's shim uses: the notebook module's displays, and the cell's result. */
export interface PipelineCapture {
  /** The cell that starts now; outputs asked for from here on belong to it. */
  cell(id: string): void;
  display: unknown;
  newDisplay: unknown;
  /** Show a cell's last-expression value as the kernel does (settled, then formatted). */
  result(value: unknown): Promise<void>;
}

/** The capture for one pipeline run; `mark` is verify's token, `seed` the notebook's. */
export function capture(mark: string, seed: number): PipelineCapture {
  let current = "";
  const write = (record: CaptureRecord): void => {
    // JSON.stringify escapes every control character, so a record is one line without \x1e.
    process.stdout.write(`\x1e${mark}:${JSON.stringify(toWireJson(record))}\n`);
  };
  const sinkFor = (cell: string): OutputSink => ({
    stream: () => {}, // a cell's printed text is the real stdout, read between the marks
    display: (data: MimeBundle, _m: OutputMetadata, id: string | undefined, update: boolean) =>
      write({ cell, kind: "display", data, displayId: id ?? null, update }),
    clearOutput: (wait: boolean) => write({ cell, kind: "clear", wait }),
    input: () =>
      Promise.reject(new ReplabError("stdin-not-allowed", "input() has no user in a pipeline")),
  });
  const module = createNotebookModule({
    sink: () => sinkFor(current),
    seed: () => seed,
    lineage: () => ({ schema: "replab.lineage/1", seed, nodes: [], edges: [] }),
  });
  return {
    cell: (id) => {
      current = id;
    },
    display: module["display"],
    newDisplay: module["newDisplay"],
    result: async (value) => {
      const cell = current;
      const [settled] = await settleResult(value);
      const shown = await formatResult(settled);
      if (shown !== undefined) write({ cell, kind: "result", data: shown.data });
    },
  };
}
