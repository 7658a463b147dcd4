#!/usr/bin/env node
// What observing notebook globals costs (docs/lineage-semantics.md), run against the build in
// dist/ (`npm run build`). Runs itself twice, with REPLAB_OBSERVE=0 and =1, each time driving a
// real Session (JavaScript, so the type checker's time is not in the figures):
//   1. a trivial cell (`1 + 1`, and `g0.length`, which touches a global and so fingerprints
//      all 20 of the notebook's small globals): median time of Session.execute;
//   2. a cell looping 10^7 times over a global array of 10^6 numbers, into a global sum;
//   3. a notebook holding a 1M-row, 3-column danfo DataFrame: the end-of-cell work
//      (Recorder.finishRun + endCell) of a cell that reads the frame.
// Each part runs in its own processes, off and on alternated three times (the median round is
// kept), because the load of a shared machine drifts more than these differences.
// Prints one JSON object (for bench/RESULTS.md) and a summary on stderr. Not a test.
// Options: --rows N (default 1000000).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(import.meta.url);
const root = dirname(dirname(here));
const rowsAt = process.argv.indexOf("--rows");
const rows = rowsAt === -1 ? 1_000_000 : Number(process.argv[rowsAt + 1]);

/** @type {(values: number[]) => number} */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Time every execution's end-of-cell work (Recorder.finishRun through endCell), in ms. */
function timeEndWork(/** @type {import("../runtime/repro/recorder.js").Recorder} */ recorder) {
  /** @type {number[]} */
  const times = [];
  let started = 0;
  const finishRun = recorder.finishRun.bind(recorder);
  const endCell = recorder.endCell.bind(recorder);
  recorder.finishRun = () => {
    started = performance.now();
    finishRun();
  };
  recorder.endCell = async (facts) => {
    const record = await endCell(facts);
    times.push(performance.now() - started);
    return record;
  };
  return times;
}

/** One measuring run of one part, in this process, with observation as REPLAB_OBSERVE says. */
async function child(/** @type {string} */ part) {
  /** @type {typeof import("../runtime/session/session.js")} */
  const { createSession } = await import(join(root, "dist", "runtime/session/session.js"));
  mkdirSync(join(root, "test-output"), { recursive: true });
  const dir = mkdtempSync(join(root, "test-output", "lineage-cost-"));
  process.chdir(dir);
  const session = await createSession({ language: "javascript", notebookDir: dir, journal: false });
  const sink = { stream() {}, display() {}, clearOutput() {}, input: async () => "" };
  /** @type {(code: string) => Promise<number>} */
  const run = async (code) => {
    const start = performance.now();
    const outcome = await session.execute(
      { code, cellId: "bench", storeHistory: true, silent: false, allowStdin: false },
      sink,
    );
    if (outcome.status === "error") throw new Error(`${code}: ${outcome.evalue}`);
    return performance.now() - start;
  };
  /** @type {(code: string, n: number) => Promise<number>} */
  const timed = async (code, n) => {
    const times = [];
    for (let i = 0; i < n; i++) times.push(await run(code));
    return median(times);
  };
  /** @type {Record<string, number>} */
  const out = {};
  if (part === "trivial") {
    for (let i = 0; i < 20; i++)
      await run(`const g${i} = { id: ${i}, items: [1, 2, 3], tag: "t${i}" };`);
    await timed("1 + 1", 50);
    out["trivial"] = await timed("1 + 1", 300);
    out["touching"] = await timed("g0.items.length", 300);
    const endWork = timeEndWork(session.recorder);
    await timed("g0.items.length", 300);
    out["touchingEnd"] = median(endWork);
  } else if (part === "loop") {
    await run("const big = Array.from({ length: 1_000_000 }, (_, i) => i);");
    const loop =
      "let sum = 0;\nfor (let r = 0; r < 10; r++) for (let i = 0; i < big.length; i++) sum += big[i];";
    await run(loop);
    out["loop"] = await timed(loop, 5);
  } else {
    await run('import * as dfd from "danfojs-node";');
    await run(
      `const df = new dfd.DataFrame({ a: Array.from({ length: ${rows} }, (_, i) => i), b: Array.from({ length: ${rows} }, (_, i) => i * 0.5), c: Array.from({ length: ${rows} }, (_, i) => "r" + (i % 100)) });`,
    );
    const endWork = timeEndWork(session.recorder);
    for (let i = 0; i < 9; i++) await run("df.shape[0]");
    out["frameEnd"] = median(endWork);
  }
  await session.dispose();
  process.chdir(root);
  rmSync(dir, { recursive: true, force: true });
  writeSync(1, JSON.stringify(out));
}

const partAt = process.argv.indexOf("--child");
if (partAt !== -1) {
  await child(process.argv[partAt + 1] ?? "trivial");
} else {
  /** @type {(observe: string, part: string) => Record<string, number>} */
  const measure = (observe, part) =>
    JSON.parse(
      execFileSync(process.execPath, [here, "--child", part, "--rows", String(rows)], {
        env: { ...process.env, REPLAB_OBSERVE: observe },
        encoding: "utf8",
        maxBuffer: 1 << 20,
      }),
    );
  // On a shared machine the load drifts: alternate off and on, and keep the median round.
  /** @type {Record<string, Record<string, number[]>>} */
  const rounds = { off: {}, on: {} };
  for (const [part, n] of /** @type {[string, number][]} */ ([
    ["trivial", 3],
    ["loop", 3],
    ["frame", 1],
  ])) {
    for (let i = 0; i < n; i++) {
      for (const [mode, observe] of [
        ["off", "0"],
        ["on", "1"],
      ]) {
        const m = measure(observe ?? "0", part);
        const into = (rounds[mode ?? "off"] ??= {});
        for (const [k, v] of Object.entries(m)) (into[k] ??= []).push(v);
      }
    }
  }
  /** @type {(mode: string, key: string) => number} */
  const get = (mode, key) => median(rounds[mode]?.[key] ?? []);
  /** @type {(n: number) => number} */
  const ms = (n) => Math.round(n * 1000) / 1000;
  const result = {
    trivialCellMs: { off: ms(get("off", "trivial")), on: ms(get("on", "trivial")) },
    trivialAddedMs: ms(get("on", "trivial") - get("off", "trivial")),
    touchingCellMs: { off: ms(get("off", "touching")), on: ms(get("on", "touching")) },
    touchingAddedMs: ms(get("on", "touching") - get("off", "touching")),
    touchingEndOfCellMs: { off: ms(get("off", "touchingEnd")), on: ms(get("on", "touchingEnd")) },
    loopMs: { off: ms(get("off", "loop")), on: ms(get("on", "loop")) },
    loopRatio: ms(get("on", "loop") / get("off", "loop")),
    frameEndOfCellMs: { off: ms(get("off", "frameEnd")), on: ms(get("on", "frameEnd")) },
    rows,
  };
  writeSync(1, `${JSON.stringify(result, null, 2)}\n`);
  writeSync(
    2,
    `trivial cell ${result.trivialAddedMs >= 0 ? "+" : ""}${result.trivialAddedMs} ms, touching cell ${result.touchingAddedMs >= 0 ? "+" : ""}${result.touchingAddedMs} ms, 10^7 loop ${result.loopRatio}x, end of cell with a ${rows}-row frame ${result.frameEndOfCellMs.on} ms\n`,
  );
}
