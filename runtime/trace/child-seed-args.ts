/**
 * The one rule for seeding a child `node` process (docs/determinism.md): which child_process
 * calls start Node, where their options argument sits, and how NODE_OPTIONS --import and the
 * stream key are added. The kernel calls it (child-seed.ts); the exported pipeline carries its
 * text (child-seed-pipeline.ts, through Function.prototype.toString), so it uses nothing from
 * outside itself, not even a named type: everything comes in through its parameters.
 */

/** The child_process calls a cell may start a process with; each one counts as a child. */
export const CHILD_PROCESS_CALLS: readonly string[] = [
  "spawn",
  "spawnSync",
  "exec",
  "execSync",
  "execFile",
  "execFileSync",
  "fork",
];

/** `args` of child_process[name] with the seeding environment added; undefined when it does not start Node. */
export function childSeedArgs(
  name: string,
  args: readonly unknown[],
  seeding: {
    /** The URL NODE_OPTIONS --import loads in the child: a module seeding its Math.random. */
    readonly preloadHref: string;
    /** This process's Node (process.execPath): a program equal to it is Node. */
    readonly execPath: string;
    /** path.basename: a program named `node` is Node too. */
    readonly basename: (path: string) => string;
    /** The environment variable the preload reads the key from. */
    readonly variable: string;
    /** The child's stream key, `<cell key>:child:<n>`. */
    readonly key: string;
    /** What a child inherits when its options give no env (process.env). */
    readonly env: NodeJS.ProcessEnv;
  },
): unknown[] | undefined {
  // fork's first argument is a module, which Node runs; the others' is the program. Other
  // programs (a shell, another tool) are left alone: an older Node they start would refuse
  // the option.
  const program = args[0];
  const node =
    typeof program === "string" &&
    (program === seeding.execPath || seeding.basename(program) === "node");
  const programFirst = ["spawn", "spawnSync", "execFile", "execFileSync"].includes(name);
  if (!(name === "fork" || (programFirst && node))) return undefined;
  const at = Array.isArray(args[1]) ? 2 : 1;
  const given = args[at];
  const isOptions = typeof given === "object" && given !== null;
  // Something else where the options go: the call is left as the cell wrote it.
  if (!isOptions && given !== undefined && typeof given !== "function") return undefined;
  const options = (isOptions ? given : {}) as { env?: NodeJS.ProcessEnv };
  const env = options.env ?? seeding.env;
  const nodeOptions = `${env["NODE_OPTIONS"] ?? ""} --import=${seeding.preloadHref}`.trim();
  const seeded = {
    ...options,
    env: { ...env, NODE_OPTIONS: nodeOptions, [seeding.variable]: seeding.key },
  };
  const out = [...args];
  if (isOptions || given === undefined) out[at] = seeded;
  else out.splice(at, 0, seeded);
  return out;
}
