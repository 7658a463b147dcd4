/**
 * Peer kernels for differential tests: a JUPYTER_PATH holding a kernelspec that runs a peer
 * (tslab, Deno) from this repository's node_modules, and a notebook executed under it with
 * `jupyter nbconvert --execute --allow-errors` from the test venv.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { ROOT } from "../cli/helpers.js";

/** The test venv's jupyter. */
export const JUPYTER = join(ROOT, ".venv/bin/jupyter");
/** Whether the test venv (test/setup) is there to run nbconvert. */
export const HAS_JUPYTER =
  existsSync(join(ROOT, ".venv/.requirements.sha256")) && existsSync(JUPYTER);

/** A kernelspec NAME running ARGV, written under DIR/jupyter; returns that JUPYTER_PATH. */
export function peerKernel(dir: string, name: string, argv: string[], language: string): string {
  const kernels = join(dir, "jupyter", "kernels", name);
  mkdirSync(kernels, { recursive: true });
  writeFileSync(
    join(kernels, "kernel.json"),
    JSON.stringify({ argv, display_name: name, language }),
  );
  return join(dir, "jupyter");
}

/** Execute DIR/INPUT under the kernel its metadata names, into DIR/OUTPUT; fails the test if nbconvert does. */
export function nbconvertExecute(
  dir: string,
  input: string,
  output: string,
  env: NodeJS.ProcessEnv,
): void {
  const args = ["nbconvert", "--to", "notebook", "--execute", "--allow-errors", input];
  const converted = spawnSync(JUPYTER, [...args, "--output", output], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  expect(converted.status, converted.stderr).toBe(0);
}
