/** Helpers for the reproducibility tests: a temporary notebook directory and a recorder driver. */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Recorder, type CellFacts } from "../../runtime/repro/recorder.js";

/** A fresh directory to act as the notebook's. */
export function tempNotebookDir(prefix = "replab-repro-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `sha256sum FILE`, the independent reference the file hashes must equal. */
export function sha256sum(path: string): string {
  return execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0] ?? "";
}

/** Run `body` as cell `cellId` between beginCell and endCell, like the engine does. */
export async function runCell(
  recorder: Recorder,
  cell: Partial<CellFacts> & { cellId: string; executionCount: number },
  body: () => unknown = () => undefined,
): Promise<unknown> {
  recorder.beginCell(cell.cellId, cell.executionCount);
  let status: "ok" | "error" = "ok";
  let value: unknown;
  try {
    value = await body();
  } catch {
    status = "error";
  }
  await recorder.endCell({
    code: "",
    language: "typescript",
    status,
    bindings: new Map(),
    ...cell,
  });
  return value;
}
