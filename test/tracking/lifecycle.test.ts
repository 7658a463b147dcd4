/**
 * A run record is never torn and always says how the run ended: a run killed midway by
 * SIGTERM leaves a complete record with status "killed", one killed by SIGKILL a complete
 * record with status "running" as of the last cell that ended, a failing cell "failed". The
 * same holds for a kernel session killed while a cell runs.
 */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, replab, scratch, writeNotebook } from "../cli/helpers.js";
import { runKernelScript } from "../protocol/unittest.js";

type Json = Record<string, unknown>;

const CELLS = [
  'import { log } from "replab";\nlog.metric("progress", 1);\nlog.param("phase", "first");',
  // Long enough that only the signal ends it.
  "await new Promise((resolve) => setTimeout(resolve, 600_000));",
  'log.metric("progress", 2);',
];

function runFiles(dir: string): string[] {
  const runs = join(dir, ".replab", "runs");
  return existsSync(runs) ? readdirSync(runs) : [];
}

function onlyRecord(dir: string): Json {
  const files = runFiles(dir);
  // Complete records only: no temporary file was left beside them.
  expect(files.filter((f) => !f.endsWith(".json"))).toEqual([]);
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(dir, ".replab", "runs", files[0] as string), "utf8")) as Json;
}

/** Start a run, wait until its first cell is in the record, send `signal`, await the exit. */
async function killMidway(signal: NodeJS.Signals): Promise<{ dir: string; exit: unknown }> {
  const dir = scratch(`killed-${signal}`);
  writeNotebook(join(dir, "nb.ipynb"), CELLS, "replab-js");
  const child = spawn(process.execPath, [BIN, "run", "nb.ipynb", "-o", "out.ipynb", "-q"], {
    cwd: dir,
    stdio: "ignore",
    env: { ...process.env, REPLAB_SEED: "" },
  });
  const exit = new Promise((resolve) => child.once("exit", (code, sig) => resolve(sig ?? code)));
  // Poll the record (a hang guard bounds the test, not this loop's speed).
  for (;;) {
    const file = runFiles(dir).find((f) => f.endsWith(".json"));
    const record =
      file === undefined
        ? undefined
        : (JSON.parse(readFileSync(join(dir, ".replab", "runs", file), "utf8")) as Json);
    if ((record?.["cells"] as unknown[] | undefined)?.length === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill(signal);
  return { dir, exit: await exit };
}

describe("run status", () => {
  it(
    "SIGTERM midway: the record says killed, with what the first cell logged",
    { timeout: 240_000 },
    async () => {
      const { dir, exit } = await killMidway("SIGTERM");
      expect(exit).toBe("SIGTERM");
      const record = onlyRecord(dir);
      expect(record).toMatchObject({ status: "killed", params: { phase: "first" } });
      expect(record["endedAt"]).toEqual(expect.any(String));
      expect((record["metrics"] as Json)["progress"]).toMatchObject([
        { step: 0, value: 1, cellId: "c1" },
      ]);
      expect(existsSync(join(dir, "out.ipynb"))).toBe(false);
    },
  );

  it("SIGKILL midway: the record is complete and says running", { timeout: 240_000 }, async () => {
    const { dir, exit } = await killMidway("SIGKILL");
    expect(exit).toBe("SIGKILL");
    const record = onlyRecord(dir);
    expect(record).toMatchObject({ status: "running", endedAt: null, params: { phase: "first" } });
    expect((record["cells"] as Json[]).map((c) => c["id"])).toEqual(["c1"]);
  });

  it(
    "a failing cell: the record says failed and keeps the cells that ran",
    { timeout: 240_000 },
    () => {
      const dir = scratch("failed");
      writeNotebook(
        join(dir, "nb.ipynb"),
        ["const a = 1;", 'throw new Error("boom");', "a;"],
        "replab-js",
      );
      const run = replab(["run", "nb.ipynb", "-o", "out.ipynb", "-q"], { cwd: dir });
      expect(run.code).toBe(1);
      const record = onlyRecord(dir);
      expect(record).toMatchObject({ status: "failed", kind: "run" });
      expect((record["cells"] as Json[]).map((c) => [c["id"], c["status"]])).toEqual([
        ["c1", "ok"],
        ["c2", "error"],
      ]);
    },
  );
});

/**
 * A kernel session runs CELLS[0], then gets `signal` while `long` runs (by default CELLS[1],
 * which waits; test/tracking/kill_kernel.py).
 */
function killKernelMidway(
  signal: NodeJS.Signals,
  long = `console.log("waiting");\n${CELLS[1] as string}`,
): {
  dir: string;
  exit: number;
  left: boolean;
  children: number;
} {
  const dir = scratch(`kernel-killed-${signal}`);
  const notebook = join(dir, "nb.ipynb");
  writeNotebook(notebook, CELLS);
  const session = runKernelScript("test/tracking/kill_kernel.py", [
    notebook,
    signal,
    JSON.stringify([CELLS[0]]),
    long,
  ]);
  expect(session.status, session.stderr).toBe(0);
  const { statuses, exit, left, children } = JSON.parse(session.stdout) as {
    statuses: string[];
    exit: number;
    left: boolean;
    children: number;
  };
  expect(statuses).toEqual(["ok"]);
  return { dir, exit, left, children };
}

describe("kernel session status", () => {
  it(
    "kill -9 of a kernel while a cell runs: the record is complete, the cell killed, nothing left running",
    { timeout: 600_000 },
    () => {
      const { dir, exit, left, children } = killKernelMidway("SIGKILL");
      // Popen's returncode: killed by signal 9.
      expect(exit).toBe(-9);
      // The engine process outlives the kernel's process only long enough to say so.
      expect(children).toBeGreaterThan(0);
      expect(left).toBe(false);
      const record = onlyRecord(dir);
      expect(record).toMatchObject({
        kind: "kernel",
        status: "killed",
        notebook: { path: "nb.ipynb" },
        params: { phase: "first" },
      });
      expect(record["endedAt"]).toEqual(expect.any(String));
      expect((record["cells"] as Json[]).map((c) => c["status"])).toEqual(["ok"]);
      expect((record["metrics"] as Json)["progress"]).toMatchObject([{ step: 0, value: 1 }]);
    },
  );

  it(
    "kill -9 of a kernel while a cell spins: the engine ends too, its record as last saved",
    { timeout: 600_000 },
    () => {
      // The engine's main thread never sees the protocol process go; its relay thread does,
      // and kills it, as kill -9 of a one-process kernel would have.
      const spin = 'console.log("waiting");\nwhile (true) {}';
      const { dir, exit, left, children } = killKernelMidway("SIGKILL", spin);
      expect(exit).toBe(-9);
      expect(children).toBeGreaterThan(0);
      expect(left).toBe(false);
      const record = onlyRecord(dir);
      expect(record).toMatchObject({ kind: "kernel", status: "running", endedAt: null });
      expect((record["cells"] as Json[]).map((c) => c["status"])).toEqual(["ok"]);
    },
  );

  it(
    "SIGTERM of a kernel while a cell runs: the record says killed, not finished",
    { timeout: 600_000 },
    () => {
      const { dir } = killKernelMidway("SIGTERM");
      const record = onlyRecord(dir);
      expect(record).toMatchObject({
        kind: "kernel",
        status: "killed",
        params: { phase: "first" },
      });
      expect(record["endedAt"]).toEqual(expect.any(String));
      expect((record["cells"] as Json[]).map((c) => c["status"])).toEqual(["ok"]);
    },
  );
});
