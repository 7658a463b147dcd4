/**
 * Math.random in a child `node` process a cell starts (spawn, execFile, fork and their Sync
 * forms, when the command is Node itself) is seeded like the cell's own: from the cell's stream
 * key and the child's number within the cell, `<cell key>:child:<n>`, through NODE_OPTIONS
 * --import of child-seed-preload.js (docs/determinism.md). The child's files stay unseen, so
 * the cell is still flagged unseen-io. Which calls are seeded, and how, is childSeedArgs'
 * (child-seed-args.ts), shared with the exported pipeline.
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { childSeedArgs } from "./child-seed-args.js";
import { CHILD_RANDOM_VARIABLE } from "./child-seed-key.js";

const PRELOAD = new URL("./child-seed-preload.js", import.meta.url);
/** Only the built package has the preload as JavaScript (tests that load the .ts source do not). */
const PRELOAD_BUILT = existsSync(fileURLToPath(PRELOAD));

/** `args` of child_process[name] with the seeding environment added; undefined when it does not start Node. */
export function seededChildArgs(
  name: string,
  args: readonly unknown[],
  key: string,
): unknown[] | undefined {
  if (!PRELOAD_BUILT) return undefined;
  return childSeedArgs(name, args, {
    preloadHref: PRELOAD.href,
    execPath: process.execPath,
    basename,
    variable: CHILD_RANDOM_VARIABLE,
    key,
    env: process.env,
  });
}
