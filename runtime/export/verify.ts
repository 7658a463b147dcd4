/**
 * `replab verify DIR`: run an exported pipeline in a fresh Node process and compare every
 * data file, every cell's REAL stdout (the child's stdout bytes, verify-run.ts), every cell's
 * displayed results (captured through the kernel's own display code, verify-capture.ts) and
 * every file the cells write with repro.lock.json, or with the executed notebook
 * (`--against`, verify-against.ts). The first difference is named; one in a cell flagged
 * nondeterministic is reported as such instead. What this proves: docs/integrity.md.
 */
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { ReplabError } from "../errors.js";
import { hashFile, type FileHash } from "../hashing/sha256.js";
import { stdoutOf } from "../runner/output-hash.js";
import { parseLock, type LockContent, type LockFile, type ReproLock } from "./lock-check.js";
import { lockFromNotebook } from "./verify-against.js";
import { displayDifference, firstDifferingLine, type StoredCell } from "./verify-outputs.js";
import { runPipeline, type Printed, type PrintedCell } from "./verify-run.js";

/** What verify checked. */
export interface VerifyResult {
  cells: number;
  /** Data files read (checked before the run). */
  files: number;
  /** Files the cells wrote (checked after the run). */
  written: number;
  /** Displayed results compared (display_data and execute_result outputs). */
  displays: number;
  /** Differences in cells the lineage flagged nondeterministic: reported, not failures. */
  marked: string[];
  /** Cells whose displayed results the lock does not record (a live session's export): not compared. */
  unrecorded: string[];
}

/**
 * Verify `dir`. Data files are read from `dataDir`; by default from DIR/data when the export
 * includes them, else from `fallbackDataDir` (the notebook's directory for the magic, the
 * current directory for the CLI). With `against`, an executed notebook's stored run supplies
 * the expectations instead of DIR's lock.
 */
export async function verifyExport(
  dir: string,
  dataDir?: string,
  fallbackDataDir = process.cwd(),
  against?: string,
): Promise<VerifyResult> {
  const dirLock = await readLock(dir);
  const expected =
    against === undefined ? undefined : await lockFromNotebook(dir, dirLock, against);
  const lock = expected?.lock ?? dirLock;
  unverifiable(lock);
  await checkInstalled(dir);
  // The notebook's own modules the export carries run as part of the pipeline: they must be as exported.
  for (const file of lock.modules ?? []) await checkFile(resolve(dir), file, "module");
  const root = resolve(dataDir ?? (lock.dataIncluded ? join(dir, "data") : fallbackDataDir));
  // Not copied into the export: the notebook's folder holds them, and it may not be here.
  const where = lock.dataIncluded || dataDir !== undefined ? "" : DATA_HINT;
  for (const file of lock.data) await checkFile(root, file, "data file", where);
  const writes = lock.writes ?? [];
  const before = await Promise.all(writes.map((file) => stamp(join(root, file.path))));
  const printed = await runPipeline(dir, { REPLAB_DATA_DIR: root });
  const shown = compareCells(lock, printed, expected?.stored);
  for (const [i, file] of writes.entries()) {
    // A file left by an earlier run proves nothing about this one.
    const was = before[i];
    if (was !== undefined && was === (await stamp(join(root, file.path))))
      throw new ReplabError(
        "verify-mismatch",
        `written file ${file.path} was not written by the pipeline: it is as it was before the run`,
      );
    await checkFile(root, file, "written file");
  }
  await expected?.checkLock();
  return { cells: lock.cells.length, files: lock.data.length, written: writes.length, ...shown };
}

async function readLock(dir: string): Promise<ReproLock> {
  const path = join(dir, "repro.lock.json");
  const text = await readFile(path, "utf8").catch(() => {
    throw new ReplabError(
      "notebook-unreadable",
      `${dir} is not a replab export: no repro.lock.json`,
    );
  });
  return parseLock(text, path);
}

/** A cell whose stdout the run did not keep cannot be checked, so the lock cannot verify. */
function unverifiable(lock: ReproLock): void {
  const unknown = lock.cells.filter((c) => c.stdout === null).map((c) => c.id);
  if (unknown.length > 0)
    throw new ReplabError(
      "verify-mismatch",
      `repro.lock.json records no stdout for cell(s) ${unknown.join(", ")}, so their output cannot be checked: export from a notebook that replab run executed`,
    );
}

/** The pipeline's packages must resolve from DIR (its own node_modules, or an enclosing project's). */
async function checkInstalled(dir: string): Promise<void> {
  const path = join(dir, "package.json");
  const text = await readFile(path, "utf8").catch(() => {
    throw new ReplabError("notebook-unreadable", `${dir} has no package.json: export it again`);
  });
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    throw new ReplabError("notebook-invalid", `${path} is not valid JSON`);
  }
  // Node itself fails on a package.json that is not an object, before the pipeline runs.
  if (typeof pkg !== "object" || pkg === null || Array.isArray(pkg))
    throw new ReplabError("notebook-invalid", `${path} is not a JSON object: export it again`);
  const dependencies = (pkg as { dependencies?: unknown }).dependencies ?? {};
  if (typeof dependencies !== "object" || dependencies === null)
    throw new ReplabError("notebook-invalid", `${path}: dependencies is not an object`);
  const missing = Object.keys(dependencies).filter((name) => !resolvable(dir, name));
  if (missing.length > 0) {
    throw new ReplabError(
      "usage",
      `packages not installed for ${dir} (${missing.join(", ")}): run \`npm ci\` in ${dir} first`,
    );
  }
}

function resolvable(dir: string, name: string): boolean {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, "node_modules", name, "package.json"))) return true;
    if (dirname(d) === d) return false;
  }
}

/** When and where a file last changed (inode, mtime and ctime in ns); undefined when it does not exist. */
async function stamp(path: string): Promise<string | undefined> {
  const s = await stat(path, { bigint: true }).catch(() => undefined);
  return s === undefined ? undefined : `${s.ino}:${s.mtimeNs}:${s.ctimeNs}`;
}

/** What to do when a data file the export does not carry is not in the current directory. */
const DATA_HINT =
  ": the export does not carry its data, so verify reads it from the current directory; run it from the notebook's directory or pass --data DATA_DIR (or export with --include-data)";

/** A file must hold what the lock says; it is streamed, so its size does not matter. */
async function checkFile(root: string, file: LockFile, what: string, hint = ""): Promise<void> {
  const actual: FileHash | undefined = await hashFile(join(root, file.path)).catch(() => undefined);
  if (actual === undefined) {
    throw new ReplabError("hash-mismatch", `${what} ${file.path} is missing from ${root}${hint}`);
  }
  if (actual.sha256 !== file.sha256 || actual.bytes !== file.bytes) {
    throw new ReplabError(
      "hash-mismatch",
      `${what} ${file.path} differs: expected sha256 ${file.sha256} (${file.bytes} bytes), found ${actual.sha256} (${actual.bytes} bytes)`,
    );
  }
}

/**
 * Each cell's stdout and displayed results against the lock (`stored`: the notebook's own, with
 * --against). A difference fails verify, except in a cell the lineage flagged nondeterministic,
 * where it is marked as such and reported.
 */
function compareCells(
  lock: ReproLock,
  printed: Printed,
  stored: Map<string, StoredCell> | undefined,
): Pick<VerifyResult, "displays" | "marked" | "unrecorded"> {
  if (printed.stray > 0)
    throw new ReplabError(
      "verify-mismatch",
      `the pipeline printed ${printed.stray} bytes before its first cell started`,
    );
  const shown = { displays: 0, marked: [] as string[], unrecorded: [] as string[] };
  for (const cell of lock.cells) {
    const got = printed.cells.get(cell.id);
    if (got === undefined)
      throw new ReplabError(
        "verify-mismatch",
        `cell ${cell.id} did not run in the pipeline (nothing of it appeared on its stdout)`,
      );
    const differences = [
      stdoutDifference(cell.id, cell.stdout, got, stored?.get(cell.id)),
      cell.displays === undefined
        ? undefined
        : displayDifference(cell.id, cell.displays, got.outputs, stored?.get(cell.id)?.displays),
    ].filter((d): d is string => d !== undefined);
    if (cell.displays === undefined) shown.unrecorded.push(cell.id);
    else shown.displays += cell.displays.length;
    const flags = cell.nondeterminism ?? [];
    const [first] = differences;
    if (first !== undefined && flags.length === 0) throw new ReplabError("verify-mismatch", first);
    for (const d of differences)
      shown.marked.push(`${d} (the cell is flagged nondeterministic: ${flags.join(", ")})`);
  }
  const extra = [...printed.cells.keys()].filter((id) => !lock.cells.some((c) => c.id === id));
  if (extra.length > 0)
    throw new ReplabError(
      "verify-mismatch",
      `the pipeline ran cell(s) ${extra.join(", ")} that repro.lock.json does not list`,
    );
  return shown;
}

/** How a cell's stdout differs from the lock's hash (and, when known, the notebook's text). */
function stdoutDifference(
  cellId: string,
  want: LockContent | null,
  got: PrintedCell,
  stored: StoredCell | undefined,
): string | undefined {
  if (want === null || (got.stdout.sha256 === want.sha256 && got.stdout.bytes === want.bytes))
    return undefined;
  const line =
    stored === undefined ? "" : `; ${firstDifferingLine(stored.stdout, stdoutOf(got.outputs))}`;
  return `cell ${cellId}: stdout differs: expected sha256 ${want.sha256} (${want.bytes} bytes), got ${got.stdout.sha256} (${got.stdout.bytes} bytes)${line}`;
}
