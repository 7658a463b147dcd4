/**
 * Math.random in a child `node` process a cell starts (spawn, execFile, fork and their Sync
 * forms, when the command is Node itself) is seeded like the cell's own: from the cell's stream
 * key and the child's number within the cell, `<cell key>:child:<n>`, through NODE_OPTIONS
 * --import of child-seed-preload.js (docs/determinism.md). The child's files stay unseen, so
 * the cell is still flagged unseen-io. Other commands (a shell, another program) are left alone:
 * an older Node they might start would refuse the option.
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { CHILD_RANDOM_VARIABLE } from "./child-seed-key.js";

const PRELOAD = new URL("./child-seed-preload.js", import.meta.url);
/** Only the built package has the preload as JavaScript (tests that load the .ts source do not). */
const PRELOAD_BUILT = existsSync(fileURLToPath(PRELOAD));

/** The calls whose first argument is the program (fork's is a module: Node runs it). */
const PROGRAM_FIRST = new Set(["spawn", "spawnSync", "execFile", "execFileSync"]);

/** `args` of child_process[name] with the seeding environment added; undefined when it does not start Node. */
export function seededChildArgs(
  name: string,
  args: readonly unknown[],
  key: string,
): unknown[] | undefined {
  if (!PRELOAD_BUILT) return undefined;
  if (!(name === "fork" || (PROGRAM_FIRST.has(name) && isNode(args[0])))) return undefined;
  const at = Array.isArray(args[1]) ? 2 : 1;
  const given = args[at];
  const isOptions = typeof given === "object" && given !== null;
  if (!isOptions && given !== undefined && typeof given !== "function") return undefined;
  const options = (isOptions ? given : {}) as { env?: NodeJS.ProcessEnv };
  const env = options.env ?? process.env;
  const nodeOptions = `${env["NODE_OPTIONS"] ?? ""} --import=${PRELOAD.href}`.trim();
  const seeded = {
    ...options,
    env: { ...env, NODE_OPTIONS: nodeOptions, [CHILD_RANDOM_VARIABLE]: key },
  };
  const out = [...args];
  if (isOptions || given === undefined) out[at] = seeded;
  else out.splice(at, 0, seeded);
  return out;
}

function isNode(command: unknown): boolean {
  return (
    typeof command === "string" && (command === process.execPath || basename(command) === "node")
  );
}
