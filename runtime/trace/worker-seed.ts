/**
 * Math.random in a Worker a cell starts is seeded like the cell's own: from the cell's stream
 * key and the worker's number within the cell, `<cell key>:worker:<n>`, through a `--require`
 * of worker-seed-preload.cjs in the worker's execArgv and the key in its environment
 * (docs/determinism.md). The worker's files stay unseen, so the cell is still flagged
 * unseen-io:Worker. A worker given `env: SHARE_ENV` is left alone: its environment is not its own.
 * Which workers are seeded, and how, is worker-seed-args.ts', shared with the exported pipeline.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CHILD_RANDOM_VARIABLE } from "./child-seed-key.js";
import { workerSeedArgs } from "./worker-seed-args.js";

const PRELOAD = fileURLToPath(new URL("./worker-seed-preload.cjs", import.meta.url));
/** Only the built package has the preload as JavaScript (tests that load the .ts source do not). */
const PRELOAD_BUILT = existsSync(PRELOAD);

/** A Worker's constructor arguments with the seeding added; undefined when it cannot be seeded. */
export function seededWorkerArgs(
  args: readonly unknown[],
  key: string,
  inherited: readonly string[],
): unknown[] | undefined {
  if (!PRELOAD_BUILT) return undefined;
  return workerSeedArgs(args, {
    preload: PRELOAD,
    variable: CHILD_RANDOM_VARIABLE,
    key,
    inherited,
    env: process.env,
  });
}
