/**
 * A `replab run` runs itself again, once, in a child process when this one cannot run the
 * notebook as it should, or as fast as it could, because Node fixes both at start-up:
 * - the default locale: a run uses the one the notebook recorded (run-locale.ts), passed as
 *   LC_ALL;
 * - the start-up snapshot: a TypeScript notebook's first check reuses the warm-compiler
 *   snapshot's parsed declarations (docs/startup.md) only in a Node started from the blob,
 *   which spares it parsing and binding 163 declaration files (quickstart: 1.2 -> 0.8 s).
 * The child inherits stdio and the environment. This process passes SIGINT, SIGTERM and SIGHUP
 * on and ends as the child ended: its exit code, or the same signal. A child whose parent is
 * gone (killed with -9) kills itself the same way, so no run outlives the command that
 * started it.
 */
import { spawn } from "node:child_process";
import type { Notebook } from "../notebook/types.js";
import type { Language } from "../session/types.js";
import {
  startedFromSnapshot,
  usableSnapshot,
  WARM_CHILD_ENV,
  warmEnabled,
} from "../warm/snapshot.js";
import { posixLocale, wantedLocale } from "./run-locale.js";

/** Set in the child, so it relaunches no further (whatever its locale) and watches its parent. */
const CHILD_ENV = "REPLAB_RUN_CHILD";
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
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
  if (process.env[CHILD_ENV] === "1") {
    exitWithParent();
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
  return endAsChild(spawn(process.execPath, args, { stdio: "inherit", env }));
}

/** The usable warm-compiler blob, when this process did not start from it already. */
function snapshotBlob(): string | undefined {
  if (!warmEnabled() || startedFromSnapshot() || process.env[WARM_CHILD_ENV] === "1") return;
  try {
    const found = usableSnapshot();
    return "blob" in found ? found.blob : undefined;
  } catch {
    // An unreadable cache is a cold start, never a failed run.
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
