/**
 * Runs an exported pipeline for `replab verify` and reads what it REALLY printed: the child's
 * stdout bytes, cut into cells at the marks the pipeline writes before each cell when
 * REPLAB_VERIFY_MARK is set (a fresh random token per run, so no cell output contains it).
 * Nothing the pipeline reports about itself is trusted: a cell's text is the bytes that
 * followed its mark on the stream.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { ReplabError } from "../errors.js";
import type { LockContent } from "./lock-check.js";

/** What the pipeline printed: per cell (in the order they ran), and before the first cell. */
export interface Printed {
  cells: Map<string, LockContent>;
  /** Bytes printed before any cell started (the pipeline's own code prints nothing). */
  stray: number;
}

/** Run `node pipeline.mjs` in `dir` with `env` added; a failure is a verify-mismatch. */
export async function runPipeline(dir: string, env: Record<string, string>): Promise<Printed> {
  const mark = randomBytes(16).toString("hex");
  const { code, stdout, stderr } = await new Promise<{
    code: number;
    stdout: Buffer;
    stderr: string;
  }>((done, fail) => {
    const child = spawn(process.execPath, ["pipeline.mjs"], {
      cwd: dir,
      env: { ...process.env, ...env, REPLAB_VERIFY_MARK: mark },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", fail);
    child.on("close", (c) => done({ code: c ?? 1, stdout: Buffer.concat(out), stderr: err }));
  });
  if (code !== 0) {
    throw new ReplabError(
      "verify-mismatch",
      `the pipeline failed with exit ${code}:\n${stderr.trimEnd().split("\n").slice(-12).join("\n")}`,
    );
  }
  return splitByMarks(stdout, mark);
}

/** Cut stdout at each `\x1e<mark> <cell id>\n`; each cell's bytes are hashed as they are. */
export function splitByMarks(stdout: Buffer, mark: string): Printed {
  const token = Buffer.from(`\x1e${mark} `, "utf8");
  const cells = new Map<string, LockContent>();
  let at = stdout.indexOf(token);
  const stray = at === -1 ? stdout.length : at;
  while (at !== -1) {
    const idEnd = stdout.indexOf(0x0a, at + token.length);
    if (idEnd === -1) break;
    const id = stdout.subarray(at + token.length, idEnd).toString("utf8");
    const next = stdout.indexOf(token, idEnd + 1);
    const text = stdout.subarray(idEnd + 1, next === -1 ? stdout.length : next);
    cells.set(id, { sha256: createHash("sha256").update(text).digest("hex"), bytes: text.length });
    at = next;
  }
  return { cells, stray };
}
