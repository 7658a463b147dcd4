/**
 * Where a session's seed comes from (docs/determinism.md): the seed its caller resolved (a
 * notebook's metadata.replab.seed), else REPLAB_SEED, else 42. A module of its own so the
 * kernel can name the seed in its banner before it loads the session.
 */

/** The seed a session uses; `warn` hears why a REPLAB_SEED that is not an integer is skipped. */
export function sessionSeed(seed: number | undefined, warn: (message: string) => void): number {
  return seed ?? seedFromEnvironment(warn) ?? 42;
}

function seedFromEnvironment(warn: (message: string) => void): number | undefined {
  const raw = process.env["REPLAB_SEED"];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) {
    warn(`replab: REPLAB_SEED=${raw} is not an integer; using the next seed source\n`);
    return undefined;
  }
  return value;
}
