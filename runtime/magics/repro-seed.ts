/**
 * `%repro seed N` sets the notebook seed for every later execution (it outranks REPLAB_SEED
 * and the notebook's metadata, docs/contracts.md, "Determinism rules"); `%repro seed` prints it.
 */
import { ReplabError } from "../errors.js";
import type { Recorder } from "../repro/recorder.js";
import type { ExecuteResultValue } from "../session/types.js";
import type { MagicContext } from "./registry.js";

/** Services the seed magic needs. */
export interface ReproSeedServices {
  recorder: Recorder;
}

/** Handle `%repro seed [N]`; args may start with the subcommand word "seed". */
export async function reproSeed(
  ctx: MagicContext<ReproSeedServices>,
): Promise<ExecuteResultValue | undefined> {
  const args = ctx.args[0] === "seed" ? ctx.args.slice(1) : ctx.args;
  const { recorder } = ctx.services;
  if (args.length === 0) {
    ctx.sink.stream("stdout", `seed ${recorder.seed}\n`);
    return undefined;
  }
  const seed = args.length === 1 && /^-?\d+$/.test(args[0] ?? "") ? Number(args[0]) : NaN;
  if (!Number.isSafeInteger(seed)) {
    throw new ReplabError(
      "usage",
      `usage: %repro seed [N] with N an integer, got '${args.join(" ")}'`,
    );
  }
  recorder.setSeed(seed);
  ctx.sink.stream("stdout", `seed ${seed}\n`);
  return undefined;
}
