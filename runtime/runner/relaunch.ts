/**
 * A `replab run` runs itself again, once, in a child process when this one cannot run the
 * notebook as it should, or as fast as it could, because Node fixes both at start-up:
 * - the default locale: a run uses the one the notebook recorded (run-locale.ts), passed as
 *   LC_ALL;
 * - the start-up snapshot: a TypeScript notebook's first check reuses the warm-compiler
 *   snapshot's parsed declarations (docs/startup.md) only in a Node started from the blob,
 *   which spares it parsing and binding 163 declaration files (quickstart: 1.2 -> 0.8 s).
 * The parent decides before it loads the runner (early-relaunch.ts). Before the spawn it checks
 * only what Node needs to load the blob (the manifest's Node binary, the blob's size); the
 * typings' hashes it checks after, on this core while the child loads the blob on the other,
 * and tells the child on a pipe. Before any cell is compiled the child keeps the snapshot only
 * on that word, else checks it itself (adoptSnapshot) and runs cold when it is stale.
 * The child inherits stdio and the environment. This process passes SIGINT, SIGTERM and SIGHUP
 * on and ends as the child ended: its exit code, or the same signal. A child whose parent is
 * gone (killed with -9) kills itself the same way, so no run outlives the command that
 * started it.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { closeSync, readSync } from "node:fs";
import type { Writable } from "node:stream";
import type { Notebook } from "../notebook/types.js";
import type { Language } from "../session/types.js";
import {
  adoptSnapshot,
  candidateSnapshot,
  startedFromSnapshot,
  usableSnapshot,
  WARM_CHILD_ENV,
  warmEnabled,
} from "../warm/snapshot.js";
import { posixLocale, wantedLocale } from "./run-locale.js";

/** Set in the child, so it relaunches no further (whatever its locale) and watches its parent. */
const CHILD_ENV = "REPLAB_RUN_CHILD";
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** Names, in the child, the descriptor on which the parent says whether the blob is usable. */
const VERDICT_ENV = "REPLAB_RUN_VERDICT_FD";
const VERDICT_FD = 3;
/** The verdict byte for a blob whose manifest matches what is installed. */
const USABLE = "1";
/** How often a child looks for its parent (process.ppid: one getppid call). */
const PARENT_POLL_MS = 500;

/**
 * Run this command again in a child when `notebook` needs another locale or can start from the
 * warm-compiler snapshot; resolves to the exit code to return, or undefined when this process
 * runs the notebook itself (it is that child, or neither applies).
 */
export async function relaunchRun(
  notebook: Notebook,
  language: Language,
): Promise<number | undefined> {
  if (isRunChild()) {
    exitWithParent();
    dropStaleSnapshot();
    return undefined;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, [CHILD_ENV]: "1" };
  const locale = wantedLocale(notebook);
  if (locale !== undefined) env["LC_ALL"] = posixLocale(locale);
  const blob = language === "typescript" ? snapshotBlob() : undefined;
  if (blob !== undefined) env[WARM_CHILD_ENV] = "1";
  if (locale === undefined && blob === undefined) return undefined;
  const snapshot = blob === undefined ? [] : ["--snapshot-blob", blob];
  const args = [...process.execArgv, ...snapshot, ...process.argv.slice(1)];
  const verdict = blob !== undefined && process.platform !== "win32";
  if (verdict) env[VERDICT_ENV] = String(VERDICT_FD);
  const stdio = verdict ? ["inherit", "inherit", "inherit", "pipe"] : "inherit";
  const child = spawn(process.execPath, args, { stdio: stdio as StdioOptions, env });
  if (verdict) sendVerdict(child, blob);
  return endAsChild(child);
}

/**
 * In the parent, right after the spawn: check the manifest (the typings' hashes) on this core
 * while the child loads the blob on the other, and tell it on VERDICT_FD whether it may keep it.
 */
function sendVerdict(child: ChildProcess, blob: string): void {
  const pipe = child.stdio[VERDICT_FD] as Writable | null | undefined;
  if (pipe === null || pipe === undefined) return;
  // A child that is gone reads nothing; its exit is reported as usual.
  pipe.on("error", () => undefined);
  let usable = false;
  try {
    const found = usableSnapshot();
    usable = "blob" in found && found.blob === blob;
  } catch {
    // Unknown is not usable: the child checks for itself.
  }
  pipe.end(usable ? USABLE : "0");
}

/**
 * In the child, before any cell is compiled: keep the snapshot when the parent found its
 * manifest matching; otherwise (stale, or no word from the parent) check it here
 * (adoptSnapshot), which drops a stale one so the run goes on cold.
 */
function dropStaleSnapshot(): void {
  const said = parentVerdict();
  if (!startedFromSnapshot() || said === USABLE) return;
  try {
    adoptSnapshot();
  } catch {
    // The stale compiler is dropped before the cache is cleaned: a read-only cache is no failure.
  }
}

/** The parent's verdict on the blob, read (blocking) from VERDICT_FD, which is then closed. */
function parentVerdict(): string | undefined {
  const named = process.env[VERDICT_ENV];
  // The cells' own processes must not look for a pipe they do not have.
  delete process.env[VERDICT_ENV];
  if (named !== String(VERDICT_FD)) return undefined;
  const byte = Buffer.alloc(1);
  try {
    return readSync(VERDICT_FD, byte) === 1 ? byte.toString() : undefined;
  } catch {
    return undefined;
  } finally {
    closeQuietly(VERDICT_FD);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing leaks.
  }
}

/** Whether this process is the child of a relaunched run. */
export function isRunChild(): boolean {
  return process.env[CHILD_ENV] === "1";
}

/**
 * The warm-compiler blob Node can start from, when this process did not start from it already:
 * a manifest of this Node binary and a blob of the size it names, so Node can load it. The
 * typings' hashes are checked after the spawn (sendVerdict), so this costs a read, no hashing.
 */
function snapshotBlob(): string | undefined {
  if (!warmEnabled() || startedFromSnapshot() || process.env[WARM_CHILD_ENV] === "1") return;
  try {
    return candidateSnapshot();
  } catch {
    // No snapshot yet, or an unreadable cache: a cold start, never a failed run.
    return undefined;
  }
}

/** Pass signals to `child`; resolve to its exit code, or die by the signal that ended it. */
function endAsChild(child: ReturnType<typeof spawn>): Promise<number> {
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(
        `replab: could not run the notebook in a new process: ${error.message}\n`,
      );
      resolve(1);
    });
    child.on("exit", (code, signal) => {
      for (const name of FORWARDED) process.off(name, forward);
      if (signal !== null) process.kill(process.pid, signal);
      resolve(code ?? 1);
    });
  });
}

/** In the child: once the parent is gone (reparented), die as it did, by SIGKILL. */
function exitWithParent(): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, "SIGKILL");
  }, PARENT_POLL_MS);
  // The watch alone must never keep a finished run alive.
  timer.unref();
}
