/**
 * The entry of `replab run`: it decides whether the run goes on in a child (relaunch.ts)
 * before the runner, the session and the audit modules load, so the child, which pays for its
 * own Node start and the snapshot, starts ~25 ms sooner. It reads only the arguments and the
 * notebook; anything unusual (help, several notebooks, --server, an error of any kind) goes
 * to runtime/cli/run.js unchanged, which reports it exactly as before.
 */
import { resolve } from "node:path";
import { notebookLanguage, readNotebook } from "../notebook/read.js";
import { parseRunArgs } from "./args.js";
import { isRunChild, relaunchRun } from "./relaunch.js";

/** `replab run ARGS`: the relaunched child's exit code, or what runtime/cli/run.js returns. */
export async function main(args: string[]): Promise<number> {
  const code = await relaunchEarly(args);
  if (code !== undefined) return code;
  return (await import("../cli/run.js")).main(args);
}

/**
 * The exit code of the child when `args` run one local notebook that needs one; undefined
 * when this process must load the runner (no relaunch, this is the child, or anything the
 * runner reports itself).
 */
async function relaunchEarly(args: string[]): Promise<number | undefined> {
  if (isRunChild()) return undefined;
  const options = (() => {
    try {
      return parseRunArgs(args);
    } catch {
      return undefined;
    }
  })();
  const file = options?.notebooks[0];
  if (options === undefined || file === undefined || options.help) return undefined;
  if (options.notebooks.length > 1 || options.jobs > 1 || options.server !== undefined) return;
  try {
    const stored = await readNotebook(resolve(file), file);
    return await relaunchRun(stored, notebookLanguage(stored, file));
  } catch {
    // Unreadable or invalid: the runner reads it again and says why, as it always did.
    return undefined;
  }
}
