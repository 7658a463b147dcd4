/**
 * Writing notebooks and other files atomically: the content goes to a temporary file in the
 * same directory, then is renamed over the target, so a crash never leaves half a file.
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ReplabError } from "../errors.js";
import type { Notebook } from "./types.js";

/** Serialise as Jupyter does (one-space indent, trailing newline), so diffs stay small. */
export function serializeNotebook(notebook: Notebook): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

/** Signals that would end the process while the temporary file exists; they wait for the rename. */
const HELD_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Write `content` to `path` through a temporary sibling and a rename. The write is
 * synchronous and SIGINT, SIGTERM and SIGHUP are held until it is over, so an interrupt
 * never leaves the temporary file (empty or not) beside the target: it is renamed or
 * removed, then the held signal is raised again.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const held: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals): void => void held.push(signal);
  for (const signal of HELD_SIGNALS) process.on(signal, hold);
  const failure = writeFileAtomicSync(path, content);
  // A signal that came during the write is read in the loop's poll phase: two immediates
  // (the second queued from the first) have one full poll phase between them.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  for (const signal of HELD_SIGNALS) process.off(signal, hold);
  const signal = held[0];
  if (signal !== undefined) process.kill(process.pid, signal);
  if (failure !== undefined) throw failure;
}

/**
 * The temporary sibling, then the rename; the temporary file never outlives a failure, which
 * is returned. Alone (without writeFileAtomic's held signals) for a process that is ending:
 * an "exit" listener, where nothing asynchronous runs and no signal comes in between.
 */
export function writeFileAtomicSync(
  path: string,
  content: string | Uint8Array,
): ReplabError | undefined {
  // The temporary name only has to be unique; it never survives into the result.
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, content, { flag: "wx" });
    renameSync(temp, path);
    return undefined;
  } catch (cause) {
    rmSync(temp, { force: true });
    return new ReplabError("io", `cannot write ${path}: ${String(cause)}`, { cause });
  }
}
