/**
 * `replab verify DIR`: run an exported pipeline in a fresh Node process and compare every
 * data file and every cell's stdout with repro.lock.json. The first difference is named.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ReplabError } from "../errors.js";
import { parseLock, type LockCell, type ReproLock } from "./lock-check.js";

export interface VerifyResult {
  cells: number;
  files: number;
}

/**
 * Verify `dir`. Data files are read from `dataDir`; by default from DIR/data when the export
 * includes them, else from `fallbackDataDir` (the notebook's directory for the magic, the
 * current directory for the CLI).
 */
export async function verifyExport(
  dir: string,
  dataDir?: string,
  fallbackDataDir = process.cwd(),
): Promise<VerifyResult> {
  const lock = await readLock(dir);
  await checkInstalled(dir);
  const root = resolve(dataDir ?? (lock.dataIncluded ? join(dir, "data") : fallbackDataDir));
  for (const file of lock.data) await checkData(root, file);
  const report = await runPipeline(dir, root);
  compareCells(lock.cells, report);
  return { cells: lock.cells.length, files: lock.data.length };
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

async function checkData(
  root: string,
  file: { path: string; sha256: string; bytes: number },
): Promise<void> {
  const data = await readFile(join(root, file.path)).catch(() => undefined);
  if (data === undefined) {
    throw new ReplabError("hash-mismatch", `data file ${file.path} is missing from ${root}`);
  }
  const actual = createHash("sha256").update(data).digest("hex");
  if (actual !== file.sha256 || data.length !== file.bytes) {
    throw new ReplabError(
      "hash-mismatch",
      `data file ${file.path} differs: expected sha256 ${file.sha256} (${file.bytes} bytes), found ${actual} (${data.length} bytes)`,
    );
  }
}

interface Report {
  cells: { id: string; stdoutSha256: string; bytes: number }[];
}

async function runPipeline(dir: string, dataDir: string): Promise<Report> {
  const reportPath = join(tmpdir(), `replab-verify-${randomBytes(6).toString("hex")}.json`);
  const env = { ...process.env, REPLAB_REPORT: reportPath, REPLAB_DATA_DIR: dataDir, TZ: "UTC" };
  try {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((done) => {
      const child = spawn(process.execPath, ["pipeline.mjs"], {
        cwd: dir,
        env,
        stdio: ["ignore", "ignore", "pipe"],
      });
      let err = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
      child.on("close", (c) => done({ code: c ?? 1, stderr: err }));
    });
    if (code !== 0) {
      throw new ReplabError(
        "verify-mismatch",
        `the pipeline failed with exit ${code}:\n${stderr.trimEnd().split("\n").slice(-12).join("\n")}`,
      );
    }
    return JSON.parse(await readFile(reportPath, "utf8")) as Report;
  } finally {
    await rm(reportPath, { force: true });
  }
}

function compareCells(expected: LockCell[], report: Report): void {
  for (const cell of expected) {
    const got = report.cells.find((c) => c.id === cell.id);
    if (got === undefined)
      throw new ReplabError("verify-mismatch", `cell ${cell.id} did not run in the pipeline`);
    if (cell.stdout !== null && got.stdoutSha256 !== cell.stdout.sha256) {
      throw new ReplabError(
        "verify-mismatch",
        `cell ${cell.id}: stdout differs: expected sha256 ${cell.stdout.sha256} (${cell.stdout.bytes} bytes), got ${got.stdoutSha256} (${got.bytes} bytes)`,
      );
    }
  }
}
