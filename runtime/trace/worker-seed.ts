/**
 * Math.random in a Worker a cell starts is seeded like the cell's own: from the cell's stream
 * key and the worker's number within the cell, `<cell key>:worker:<n>`, through a `--require`
 * of worker-seed-preload.cjs in the worker's execArgv and the key in its environment
 * (docs/determinism.md). The worker's files stay unseen, so the cell is still flagged
 * unseen-io:Worker. A worker given `env: SHARE_ENV` is left alone: its environment is not its own.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CHILD_RANDOM_VARIABLE } from "./child-seed-key.js";

const PRELOAD = fileURLToPath(new URL("./worker-seed-preload.cjs", import.meta.url));
/** Only the built package has the preload as JavaScript (tests that load the .ts source do not). */
const PRELOAD_BUILT = existsSync(PRELOAD);

interface WorkerOptions {
  execArgv?: string[];
  env?: NodeJS.ProcessEnv | symbol;
}

/** A Worker's constructor arguments with the seeding added; undefined when it cannot be seeded. */
export function seededWorkerArgs(
  args: readonly unknown[],
  key: string,
  inherited: readonly string[],
): unknown[] | undefined {
  if (!PRELOAD_BUILT) return undefined;
  const given = args[1];
  if (given !== undefined && (typeof given !== "object" || given === null)) return undefined;
  const options = (given ?? {}) as WorkerOptions;
  if (typeof options.env === "symbol") return undefined;
  const execArgv = [...(options.execArgv ?? inherited), "--require", PRELOAD];
  const env = { ...(options.env ?? process.env), [CHILD_RANDOM_VARIABLE]: key };
  return [args[0], { ...options, execArgv, env }, ...args.slice(2)];
}

/**
 * The options of this thread's execArgv a Worker accepts. A Worker inherits its parent's
 * silently dropping the process-wide ones (--max-old-space-size, --snapshot-blob); given
 * explicitly, it refuses them, naming them in the error, which is how they are found.
 */
export function workerExecArgv(
  refusal: unknown,
  execArgv: readonly string[],
): string[] | undefined {
  const error = refusal as { code?: unknown; message?: unknown };
  if (error.code !== "ERR_WORKER_INVALID_EXEC_ARGV" || typeof error.message !== "string")
    return undefined;
  const listed = error.message.slice(error.message.indexOf(": ") + 2).split(", ");
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (!listed.includes(arg)) {
      kept.push(arg);
      continue;
    }
    // `--flag value` in two words: the value goes with its flag.
    const next = execArgv[i + 1];
    if (!arg.includes("=") && next !== undefined && !next.startsWith("-")) i++;
  }
  return kept.length < execArgv.length ? kept : undefined;
}
