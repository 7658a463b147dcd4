/**
 * The report's verify section: `replab report --verify DIR` re-runs the export in DIR
 * (runtime/export/verify.ts, what `replab verify` does) and checks that the export was made
 * from this run: the same data hashes and cell sources as the notebook's lineage.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isReplabError } from "../errors.js";
import { parseLock } from "../export/lock-check.js";
import { verifyExport } from "../export/verify.js";
import type { CellNode, FileNode, LineageGraph } from "../lineage/types.js";

/** What the report says about a verify. */
export interface VerifyOutcome {
  /** The export directory as the user named it. */
  dir: string;
  /** ISO 8601 time the verify ran. */
  at: string;
  ok: boolean;
  cells: number;
  files: number;
  /** The first difference verify found, when it failed. */
  message: string;
  /** Ways the export differs from the notebook's run ("holds data/x.csv with another sha256"). */
  mismatches: string[];
}

/** Verify DIR now and compare its lock with `lineage`; a failure is an outcome, not a throw. */
export async function verifyForReport(
  dir: string,
  notebookDir: string,
  lineage: LineageGraph,
  now: () => Date = () => new Date(),
): Promise<VerifyOutcome> {
  const at = now().toISOString();
  const mismatches = await lockMismatches(dir, lineage);
  try {
    const result = await verifyExport(dir, undefined, notebookDir);
    return { dir, at, ok: true, ...result, message: "", mismatches };
  } catch (error) {
    if (!isReplabError(error)) throw error;
    return { dir, at, ok: false, cells: 0, files: 0, message: error.message, mismatches };
  }
}

async function lockMismatches(dir: string, lineage: LineageGraph): Promise<string[]> {
  const path = join(dir, "repro.lock.json");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return []; // verifyExport names the missing lock
  }
  let lock: ReturnType<typeof parseLock>;
  try {
    lock = parseLock(text, path);
  } catch {
    return []; // verifyExport names what is wrong with the lock
  }
  const files = new Map(
    lineage.nodes.filter((n): n is FileNode => n.kind === "file").map((f) => [f.path, f]),
  );
  const cells = new Map(
    lineage.nodes.filter((n): n is CellNode => n.kind === "cell").map((c) => [c.id, c]),
  );
  const out: string[] = [];
  for (const file of lock.data) {
    const recorded = files.get(file.path);
    if (recorded === undefined) out.push(`reads ${file.path}, which this run did not read`);
    else if (recorded.sha256 !== file.sha256)
      out.push(`expects ${file.path} with another sha256 than this run read`);
  }
  for (const cell of lock.cells) {
    const recorded = cells.get(cell.id);
    if (recorded === undefined) out.push(`has cell ${cell.id}, which this run does not`);
    else if (cell.sourceSha256 !== undefined && cell.sourceSha256 !== recorded.sourceSha256)
      out.push(`has another source for cell ${cell.id} than this run ran`);
  }
  return out;
}
