/**
 * The notebook a kernel serves and the seed its metadata names: the protocol process names
 * the seed in kernel_info's banner, the engine process seeds the session with it.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";

/** The notebook the kernel serves: Jupyter Server passes its path in JPY_SESSION_NAME. */
export function notebookLocation(): {
  dir: string;
  name: string | undefined;
  path: string | undefined;
} {
  const session = process.env["JPY_SESSION_NAME"];
  if (session === undefined || session === "")
    return { dir: process.cwd(), name: undefined, path: undefined };
  const path = resolve(process.cwd(), session);
  const dir = dirname(path);
  return { dir: existsSync(dir) ? dir : process.cwd(), name: basename(path), path };
}

/** Seed precedence for a kernel: REPLAB_SEED, then the notebook's metadata.replab.seed, then 42. */
export function seedFor(notebookPath: string | undefined): number | undefined {
  if (process.env["REPLAB_SEED"] !== undefined) return undefined;
  if (notebookPath === undefined || !existsSync(notebookPath)) return undefined;
  try {
    const seed = (
      JSON.parse(readFileSync(notebookPath, "utf8")) as {
        metadata?: { replab?: { seed?: unknown } };
      }
    ).metadata?.replab?.seed;
    return Number.isSafeInteger(seed) ? (seed as number) : undefined;
  } catch {
    return undefined;
  }
}
