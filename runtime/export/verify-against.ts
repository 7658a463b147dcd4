/**
 * `replab verify DIR --against EXECUTED.ipynb`: the expectations come from the executed
 * notebook, a source the pipeline cannot rewrite. The lock and pipeline.mjs replab export
 * writes for the lock's cells are generated again from the notebook's stored run; DIR's
 * copies must be exactly those, and the run is then compared with the regenerated lock (so
 * with the notebook's stored outputs and read hashes), not with DIR's. DIR's pipeline is
 * checked before the run; DIR's lock after it, so an output that differs is named first.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { ReplabError } from "../errors.js";
import { notebookLanguage, readNotebook } from "../notebook/read.js";
import { reproLock } from "./files.js";
import { parseLock, type ReproLock } from "./lock-check.js";
import { pipelineMjs, pipelineTs } from "./pipeline.js";
import { fromNotebook } from "./source.js";
import { withLocalModules } from "./local-modules.js";
import type { StoredCell } from "./verify-outputs.js";

/** What the executed notebook expects of a run, and what it stored for each of the lock's cells. */
export interface NotebookExpectations {
  lock: ReproLock;
  /** Per cell id: the stdout and displayed results the notebook stored, for naming the line that differs. */
  stored: Map<string, StoredCell>;
  /** Check DIR's repro.lock.json is what export writes for the notebook (after the run, so a changed output is named first). */
  checkLock(): Promise<void>;
}

/**
 * The lock the notebook's run gives for `dirLock`'s cells, after DIR's pipeline is checked
 * against it; DIR's lock is checked by `checkLock`.
 */
export async function lockFromNotebook(
  dir: string,
  dirLock: ReproLock,
  notebookPath: string,
): Promise<NotebookExpectations> {
  const path = resolve(notebookPath);
  const notebook = await readNotebook(path, notebookPath);
  const full = fromNotebook(
    notebook,
    path,
    dirname(path),
    notebookLanguage(notebook, notebookPath),
  );
  const executed = new Set(full.cells.map((c) => c.id));
  const wanted = new Set(dirLock.cells.map((c) => c.id));
  for (const id of wanted)
    if (!executed.has(id))
      throw mismatch(
        `cell ${id} of ${dir}/repro.lock.json is not an executed cell of ${notebookPath}`,
      );
  // The name only labels the files; a renamed notebook still verifies.
  const name = dirLock.notebook ?? basename(path);
  // The notebook's own modules, carried as export carries them (export/local-modules.ts).
  const source = withLocalModules({
    ...full,
    name,
    cells: full.cells.filter((c) => wanted.has(c.id)),
  });
  const lockText = reproLock(
    source,
    dirLock.dataIncluded,
    dirLock.node ?? process.versions.node,
    dirLock.platform ?? `${process.platform}-${process.arch}`,
  );
  await sameAs(
    join(dir, "pipeline.mjs"),
    pipelineMjs(pipelineTs(source, dirLock.dataIncluded), source.notebookDir),
    notebookPath,
  );
  const stored = new Map(
    source.cells.map((c) => [c.id, { stdout: c.stdout ?? "", displays: c.displays ?? [] }]),
  );
  return {
    lock: parseLock(lockText, `the lock of ${notebookPath}`),
    stored,
    checkLock: () => sameAs(join(dir, "repro.lock.json"), lockText, notebookPath),
  };
}

/** `path` must hold exactly `expected`; the first differing line is named. */
async function sameAs(path: string, expected: string, notebookPath: string): Promise<void> {
  const actual = await readFile(path, "utf8").catch(() => undefined);
  if (actual === expected) return;
  if (actual === undefined) throw mismatch(`${path} is missing`);
  const got = actual.split("\n");
  const want = expected.split("\n");
  const line = want.findIndex((text, i) => got[i] !== text);
  const at = line === -1 ? want.length : line;
  throw mismatch(
    `${path} is not what replab export writes for ${notebookPath}'s stored run (line ${at + 1} differs: expected ${JSON.stringify(want[at] ?? "")}, found ${JSON.stringify(got[at] ?? "")}): it was edited, or exported from another run`,
  );
}

function mismatch(message: string): ReplabError {
  return new ReplabError("verify-mismatch", message);
}
