/**
 * `replab run` of a TypeScript notebook starts its cells from the warm-compiler snapshot when
 * the cache holds a usable one (runtime/runner/relaunch.ts): a child Node started from the
 * blob runs them, with the same outputs as a cold run; signals end the run as they did
 * before, and killing the command with -9 leaves no child running. The parent checks only
 * what Node needs to load the blob before the spawn: a snapshot whose typings changed is
 * still never used.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, readJson, replab, ROOT, scratch, writeNotebook } from "../cli/helpers.js";

const JOB = join(ROOT, "dist", "runtime", "compiler", "warm-build-job.js");
/** A cache of this test's own, holding a freshly built snapshot. */
const cache = mkdtempSync(join(tmpdir(), "replab-run-warm-"));
const ENV = { XDG_CACHE_HOME: cache };

const CELLS = [
  'const started: boolean = process.execArgv.includes("--snapshot-blob");\nstarted',
  "const squares: number[] = [1, 2, 3].map((n) => n * n);\nsquares",
  "Math.random()",
];

type Json = Record<string, unknown>;

function outputs(path: string): unknown[] {
  const cells = readJson(path)["cells"] as Json[];
  return cells.map((c) => c["outputs"]);
}

function recordOf(dir: string): Json | undefined {
  const runs = join(dir, ".replab", "runs");
  const file = existsSync(runs) ? readdirSync(runs).find((f) => f.endsWith(".json")) : undefined;
  if (file === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(join(runs, file), "utf8")) as Json;
  } catch {
    return undefined;
  }
}

/** The pids of `pid`'s children. */
function children(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8");
  return text
    .split(" ")
    .filter((c) => c.trim() !== "")
    .map(Number);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}

/** Start a run of a notebook whose second cell waits; resolve once the first is recorded. */
async function startLongRun(name: string) {
  const dir = scratch(name);
  writeNotebook(join(dir, "nb.ipynb"), [
    "const first: number = 1;\nfirst",
    'console.log("waiting");\nawait new Promise((resolve) => setTimeout(resolve, 600_000));',
  ]);
  const run = spawn(process.execPath, [BIN, "run", "nb.ipynb", "-o", "out.ipynb", "-q"], {
    cwd: dir,
    stdio: "ignore",
    env: { ...process.env, ...ENV, REPLAB_SEED: "" },
  });
  const exit = new Promise((resolve) => run.once("exit", (code, sig) => resolve(sig ?? code)));
  // Poll the record (the test's timeout bounds this loop, not its speed).
  while ((recordOf(dir)?.["cells"] as unknown[] | undefined)?.length !== 1)
    await new Promise((r) => setTimeout(r, 100));
  return { dir, run, exit };
}

describe("replab run from the warm-compiler snapshot", () => {
  beforeAll(() => {
    const built = spawnSync(process.execPath, [JOB], {
      env: { ...process.env, ...ENV },
      encoding: "utf8",
    });
    expect(built.status, built.stderr).toBe(0);
  }, 240_000);

  it("runs the cells in a Node started from the blob, with a cold run's outputs", () => {
    const dir = scratch("run-warm");
    writeNotebook(join(dir, "nb.ipynb"), CELLS);
    const warm = replab(["run", "nb.ipynb", "-o", "warm.ipynb"], { cwd: dir, env: ENV });
    expect(warm.code, warm.stderr).toBe(0);
    const cold = replab(["run", "nb.ipynb", "-o", "cold.ipynb"], {
      cwd: dir,
      env: { ...ENV, REPLAB_WARM: "0" },
    });
    expect(cold.code, cold.stderr).toBe(0);
    const [warmStarted, ...warmRest] = outputs(join(dir, "warm.ipynb"));
    const [coldStarted, ...coldRest] = outputs(join(dir, "cold.ipynb"));
    expect(JSON.stringify(warmStarted)).toContain('"true"');
    expect(JSON.stringify(coldStarted)).toContain('"false"');
    // Same numbers, seeded draws included; the same progress lines but for the timings.
    expect(warmRest).toEqual(coldRest);
    const progress = (text: string, out: string): string =>
      text.replaceAll(out, "OUT").replace(/\d+(\.\d+)?s/g, "T");
    expect(progress(warm.stderr, "warm.ipynb")).toBe(progress(cold.stderr, "cold.ipynb"));
  });

  it("gives a failing cell's exit status and a usage error's, as a cold run does", () => {
    const dir = scratch("run-warm-fail");
    writeNotebook(join(dir, "nb.ipynb"), ["const x: number = 1;", 'throw new Error("boom");']);
    const failed = replab(["run", "nb.ipynb", "-o", "out.ipynb"], { cwd: dir, env: ENV });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("boom");
    const missing = replab(["run", "nope.ipynb"], { cwd: dir, env: ENV });
    expect(missing.code).toBe(2);
  });

  it("SIGTERM: the run dies by it, its record says killed", { timeout: 240_000 }, async () => {
    const { dir, run, exit } = await startLongRun("run-warm-term");
    expect(children(run.pid ?? 0)).toHaveLength(1);
    run.kill("SIGTERM");
    expect(await exit).toBe("SIGTERM");
    expect(recordOf(dir)).toMatchObject({ status: "killed" });
    expect(existsSync(join(dir, "out.ipynb"))).toBe(false);
  });

  it("kill -9 of the command ends the run's child too", { timeout: 240_000 }, async () => {
    const { dir, run, exit } = await startLongRun("run-warm-kill");
    const [child] = children(run.pid ?? 0);
    expect(child).toBeGreaterThan(0);
    run.kill("SIGKILL");
    expect(await exit).toBe("SIGKILL");
    // The child looks for its parent twice a second (the timeout bounds this loop).
    while (running(child as number)) await new Promise((r) => setTimeout(r, 100));
    expect(recordOf(dir)).toMatchObject({ status: "running", endedAt: null });
  });

  it("runs cold with the snapshot's typings changed, and takes it out of use", () => {
    // A copy of the cache: the run below removes the stale snapshot's manifest.
    const stale = mkdtempSync(join(tmpdir(), "replab-run-stale-"));
    cpSync(join(cache, "replab"), join(stale, "replab"), { recursive: true });
    const name = readdirSync(join(stale, "replab")).find((f) => /^warm-.*\.json$/.test(f));
    const manifest = join(stale, "replab", name as string);
    // One declaration file "changed" since the build: its recorded hash no longer matches.
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { files: { sha256: string }[] };
    (parsed.files[0] as { sha256: string }).sha256 = "0".repeat(64);
    writeFileSync(manifest, JSON.stringify(parsed));
    const dir = scratch("run-stale");
    // Whether the snapshot's compiler is still in the heap (started from the blob or not).
    const kept =
      "const key = Symbol.for('replab.warmCompiler');\n" +
      "const kept: boolean = (globalThis as Record<symbol, unknown>)[key] !== undefined;\nkept";
    writeNotebook(join(dir, "nb.ipynb"), [kept, ...CELLS.slice(1)]);
    const warm = replab(["run", "nb.ipynb", "-o", "warm.ipynb"], { cwd: dir, env: ENV });
    expect(warm.code, warm.stderr).toBe(0);
    const run = replab(["run", "nb.ipynb", "-o", "stale.ipynb"], {
      cwd: dir,
      env: { XDG_CACHE_HOME: stale },
    });
    expect(run.code, run.stderr).toBe(0);
    const [warmStarted, ...warmRest] = outputs(join(dir, "warm.ipynb"));
    const [staleStarted, ...staleRest] = outputs(join(dir, "stale.ipynb"));
    // The fresh snapshot is used, the stale one is not, and the cells' outputs agree.
    expect(JSON.stringify(warmStarted)).toContain('"true"');
    expect(JSON.stringify(staleStarted)).toContain('"false"');
    expect(staleRest).toEqual(warmRest);
    expect(existsSync(manifest)).toBe(false);
  });
});
