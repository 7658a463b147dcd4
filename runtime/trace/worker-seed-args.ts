/**
 * The one rule for seeding a Worker (docs/determinism.md): where its options sit, when they
 * allow seeding, how the preload and the stream key are added, and which inherited options to
 * drop after a refusal. The kernel calls these (worker-seed.ts, machine.ts); the exported
 * pipeline carries their text (child-seed-pipeline.ts, through Function.prototype.toString),
 * so they use nothing from outside themselves, not even a named type.
 */

/** A Worker's constructor arguments with the seeding added; undefined when it cannot be seeded. */
export function workerSeedArgs(
  args: readonly unknown[],
  seeding: {
    /** The file `--require` loads in the worker: it seeds Math.random from the key. */
    readonly preload: string;
    /** The environment variable the preload reads the key from. */
    readonly variable: string;
    /** The worker's stream key, `<cell key>:worker:<n>`. */
    readonly key: string;
    /** The execArgv a worker inherits when its options give none (this thread's, less refusals). */
    readonly inherited: readonly string[];
    /** What a worker inherits when its options give no env (process.env). */
    readonly env: NodeJS.ProcessEnv;
  },
): unknown[] | undefined {
  const given = args[1];
  if (given !== undefined && (typeof given !== "object" || given === null)) return undefined;
  const options = (given ?? {}) as { execArgv?: string[]; env?: NodeJS.ProcessEnv | symbol };
  // env: SHARE_ENV: the worker's environment is not its own, so it cannot carry the key.
  if (typeof options.env === "symbol") return undefined;
  const execArgv = [...(options.execArgv ?? seeding.inherited), "--require", seeding.preload];
  const env = { ...(options.env ?? seeding.env), [seeding.variable]: seeding.key };
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
