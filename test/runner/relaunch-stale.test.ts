/**
 * `replab run` starts its child from the warm-compiler snapshot after checking only what Node
 * needs to load it; the typings' hashes are checked while the child starts
 * (runtime/runner/relaunch.ts). A snapshot whose typings changed since its build must still
 * never be used: the cells run with the compiler and typings loaded from disk, with a cold
 * run's outputs, and the snapshot is taken out of use.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readJson, replab, ROOT, scratch, writeNotebook } from "../cli/helpers.js";

const JOB = join(ROOT, "dist", "runtime", "compiler", "warm-build-job.js");
const cache = mkdtempSync(join(tmpdir(), "replab-run-stale-"));
const ENV = { XDG_CACHE_HOME: cache };
const CELLS = [
  "const key = Symbol.for('replab.warmCompiler');\n" +
    "const warm: boolean = (globalThis as Record<symbol, unknown>)[key] !== undefined;\nwarm",
  "const squares: number[] = [1, 2, 3].map((n) => n * n);\nsquares",
];

type Json = Record<string, unknown>;

function outputs(path: string): unknown[] {
  return (readJson(path)["cells"] as Json[]).map((c) => c["outputs"]);
}

function manifestPath(): string | undefined {
  const name = readdirSync(join(cache, "replab")).find((f) => /^warm-.*\.json$/.test(f));
  return name === undefined ? undefined : join(cache, "replab", name);
}

describe("replab run with a stale warm-compiler snapshot", () => {
  beforeAll(() => {
    const built = spawnSync(process.execPath, [JOB], {
      env: { ...process.env, ...ENV },
      encoding: "utf8",
    });
    expect(built.status, built.stderr).toBe(0);
  }, 240_000);

  it("runs cold with the snapshot's typings changed, and takes it out of use", () => {
    const dir = scratch("run-stale");
    writeNotebook(join(dir, "nb.ipynb"), CELLS);
    const warm = replab(["run", "nb.ipynb", "-o", "warm.ipynb"], { cwd: dir, env: ENV });
    expect(warm.code, warm.stderr).toBe(0);
    const [warmStarted] = outputs(join(dir, "warm.ipynb"));
    // The fresh snapshot is used: what makes the stale case below mean something.
    expect(JSON.stringify(warmStarted)).toContain('"true"');

    // One declaration file "changed" since the build: its recorded hash no longer matches.
    const manifest = manifestPath() as string;
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { files: { sha256: string }[] };
    (parsed.files[0] as { sha256: string }).sha256 = "0".repeat(64);
    writeFileSync(manifest, JSON.stringify(parsed));

    const stale = replab(["run", "nb.ipynb", "-o", "stale.ipynb"], { cwd: dir, env: ENV });
    expect(stale.code, stale.stderr).toBe(0);
    const [staleStarted, ...staleRest] = outputs(join(dir, "stale.ipynb"));
    expect(JSON.stringify(staleStarted)).toContain('"false"');
    expect(staleRest).toEqual(outputs(join(dir, "warm.ipynb")).slice(1));
    expect(existsSync(manifest)).toBe(false);
  });
});
