/** Shared by test/cli, test/runner and test/export: run the built CLI, golden files, nbformat validation. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = join(ROOT, "dist/bin/replab.js");
export const FIXTURES = join(ROOT, "test/fixtures");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `replab ARGS` as a user would (the built CLI in a fresh process). */
export function replab(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): CliResult {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, REPLAB_SEED: "", ...options.env },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A scratch directory inside the repo (so exports resolve the repo's node_modules and lockfile). */
export function scratch(name: string): string {
  const base = join(ROOT, "test-output");
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${name}-`));
}

/** Replace what changes between runs (timings, scratch paths) so output can be compared to a golden file. */
export function normalise(text: string, dir?: string): string {
  let out = text.replace(/\d+\.\d\ds\b/g, "<t>s");
  if (dir !== undefined) out = out.split(dir).join("<dir>");
  return out.split(ROOT).join("<root>");
}

/**
 * Compare `actual` with the golden file test/fixtures/NAME; a missing golden file fails the test.
 * To write or rewrite golden files, run the tests with UPDATE_GOLDEN=1
 * (`UPDATE_GOLDEN=1 npx vitest run test/cli/help.test.ts`), then read the diff before committing.
 */
export function expectGolden(name: string, actual: string): void {
  const path = join(FIXTURES, name);
  if (process.env["UPDATE_GOLDEN"] === "1") {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  if (!existsSync(path)) {
    expect.fail(
      `golden file test/fixtures/${name} is missing: run the test with UPDATE_GOLDEN=1 to write it from this output, then check it by eye`,
    );
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

/** Python with the pinned nbformat: the repo's .venv, or a development venv. */
function python(): string {
  for (const candidate of [join(ROOT, ".venv/bin/python"), "/tmp/runner-venv/bin/python"]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error("no Python venv with nbformat: run test/setup/prepare.sh");
}

/** Validate a notebook file with the real nbformat package; returns its error text, or "" when valid. */
export function nbformatErrors(path: string): string {
  const code =
    "import nbformat, sys\nnb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)\nnbformat.validate(nb)\n";
  const result = spawnSync(python(), ["-c", code, path], { encoding: "utf8" });
  return result.status === 0 ? "" : result.stderr;
}

/** Write a notebook with the given code cells (ids c1, c2, ...) and kernel. */
export function writeNotebook(
  path: string,
  cells: (string | { source: string; tags?: string[]; id?: string })[],
  kernel = "replab",
): void {
  const language =
    kernel === "replab-js" ? "javascript" : kernel === "python3" ? "python" : "typescript";
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: kernel, language } },
    cells: cells.map((cell, i) => {
      const c = typeof cell === "string" ? { source: cell } : cell;
      return {
        cell_type: "code",
        id: c.id ?? `c${i + 1}`,
        metadata: c.tags === undefined ? {} : { tags: c.tags },
        source: c.source,
        outputs: [],
        execution_count: null,
      };
    }),
  };
  writeFileSync(path, `${JSON.stringify(nb, null, 1)}\n`);
}

/** Read a notebook's JSON. */
export function readJson(path: string): Record<string, unknown> & {
  cells: Record<string, unknown>[];
  metadata: Record<string, unknown>;
} {
  return JSON.parse(readFileSync(path, "utf8")) as ReturnType<typeof readJson>;
}
