#!/usr/bin/env node
// Experiment-tracking benchmarks, run against the build in dist/ (`npm run build`):
//   1. one `log.metric` call through the notebook module, as a cell makes it (target: <= 0.1 ms);
//   2. per trivial cell of a JavaScript session, tracking on against off, with no log call
//      (what tracking costs a notebook that does not use it: the record rewritten after the cell);
//   3. `runs compare` of two records of 50 cells with 10,000-point metrics, md and html.
// Prints one JSON object (for bench/RESULTS.md) and a human summary on stderr. Not a test:
// nothing here asserts.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** A module of the build in dist/; each use is typed by the module's source. */
const dist = (/** @type {string} */ path) => import(join(root, "dist", path));
/** @type {typeof import("../runtime/tracking/tracker.js")} */
const { RunTracker } = await dist("runtime/tracking/tracker.js");
/** @type {typeof import("../runtime/display/notebook-module.js")} */
const { createNotebookModule } = await dist("runtime/display/notebook-module.js");
/** @type {typeof import("../runtime/session/session.js")} */
const { createSession } = await dist("runtime/session/session.js");
/** @type {typeof import("../runtime/tracking/compare.js")} */
const { compareRuns } = await dist("runtime/tracking/compare.js");
/** @type {typeof import("../runtime/tracking/render.js")} */
const { comparisonHtml, comparisonMarkdown } = await dist("runtime/tracking/render.js");

const scratch = mkdtempSync(join(os.tmpdir(), "replab-bench-tracking-"));
const now = () => performance.now();

/**
 * Median of `runs` timings of `body`, in ms.
 * @param {number} runs
 * @param {() => unknown} body
 * @returns {Promise<number>}
 */
async function median(runs, body) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = now();
    await body();
    times.push(now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** @type {import("../runtime/lineage/types.js").LineageGraph} */
const graph = { schema: "replab.lineage/1", seed: 42, nodes: [], edges: [] };

function perMetric() {
  const calls = 100_000;
  const tracker = new RunTracker({
    notebookDir: scratch,
    notebookName: "bench.ipynb",
    kind: "run",
    lineage: () => graph,
    warn: () => {},
  });
  const module = createNotebookModule({
    sink: () => undefined,
    seed: () => 42,
    lineage: () => graph,
    log: () => tracker,
  });
  const log = /** @type {import("../runtime/tracking/tracker.js").RunLog} */ (module["log"]);
  let step = 0;
  return median(5, () => {
    for (let i = 0; i < calls; i++) log.metric("loss", 1 / (i + 1), { step: step++ });
  }).then((ms) => ({ calls, msPerCall: ms / calls, target: "<= 0.1 ms", met: ms / calls <= 0.1 }));
}

/**
 * Per-cell time of `cells` trivial cells in a fresh JavaScript session.
 * @param {boolean} tracking
 * @param {number} cells
 */
async function sessionCells(tracking, cells) {
  const dir = mkdtempSync(join(scratch, tracking ? "on-" : "off-"));
  const session = await createSession({ language: "javascript", notebookDir: dir, tracking });
  /** @type {import("../runtime/session/types.js").OutputSink} */
  const sink = {
    stream: () => {},
    display: () => {},
    clearOutput: () => {},
    input: async () => "",
  };
  /** @param {number} i */
  const run = (i) =>
    session.execute(
      {
        code: `const v${i} = ${i};`,
        cellId: `c${i}`,
        silent: false,
        storeHistory: true,
        allowStdin: false,
      },
      sink,
    );
  for (let i = 0; i < 20; i++) await run(i); // warm the compiler and the analyser
  const start = now();
  for (let i = 20; i < 20 + cells; i++) await run(i);
  const perCell = (now() - start) / cells;
  await session.dispose();
  return perCell;
}

async function perCell() {
  const cells = 300;
  const off = [];
  const on = [];
  for (let round = 0; round < 5; round++) {
    off.push(await sessionCells(false, cells));
    on.push(await sessionCells(true, cells));
  }
  const mid = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[2] ?? NaN;
  return { cells, offMsPerCell: mid(off), onMsPerCell: mid(on), addedMs: mid(on) - mid(off) };
}

/**
 * A synthetic record of 50 cells with a `points`-point metric.
 * @param {string} id
 * @param {number} points
 * @param {number} scale
 * @returns {import("../runtime/tracking/record.js").RunRecord}
 */
function record(id, points, scale) {
  const hash = (/** @type {number} */ n) => n.toString(16).padStart(64, "0");
  return {
    schema: "replab.run/1",
    id,
    kind: "run",
    notebook: { path: "bench.ipynb", sourceSha256: hash(1) },
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:01:00.000Z",
    status: "finished",
    seed: 42,
    params: { lr: scale },
    metrics: {
      loss: Array.from({ length: points }, (_, step) => ({
        step,
        value: scale / (step + 1),
        timestamp: step,
      })),
    },
    tags: {},
    inputs: [{ path: "data.csv", sha256: hash(scale * 10), bytes: 100 }],
    outputs: [],
    artifacts: [],
    cells: Array.from({ length: 50 }, (_, i) => ({
      id: `c${i}`,
      executionCount: i + 1,
      sourceSha256: hash(i),
      status: "ok",
    })),
    frames: [],
    environment: { node: "20", replab: "0", typescript: "6", platform: "linux-x64", variables: {} },
    lineage: {
      schema: "replab.lineage/1",
      seed: 42,
      nodes: [],
      edges: Array.from({ length: 49 }, (_, i) => ({
        from: `c${i}`,
        to: `c${i + 1}`,
        kind: "var",
        label: `v${i}`,
      })),
    },
  };
}

/** What the session adds per cell for tracking, measured alone: the cell's entry, the frame check, the throttled save. */
async function trackerPerCell() {
  const cells = 20_000;
  /** @type {typeof import("../runtime/tracking/frames.js")} */
  const { cellFrames } = await dist("runtime/tracking/frames.js");
  /** @type {typeof import("../runtime/hashing/sha256.js")} */
  const { sha256Hex } = await dist("runtime/hashing/sha256.js");
  const tracker = new RunTracker({
    notebookDir: scratch,
    notebookName: "bench.ipynb",
    kind: "kernel",
    lineage: () => graph,
    warn: () => {},
  });
  /** @type {Map<string, unknown>} */
  const bindings = new Map(
    /** @type {[string, unknown][]} */ ([
      ["v", 1],
      ["w", "text"],
      ["x", [1, 2, 3]],
    ]),
  );
  const ms = await median(5, async () => {
    for (let i = 0; i < cells; i++) {
      const id = `c${i % 50}`;
      tracker.cellStarted(id);
      const sourceSha256 = sha256Hex(`const v${i} = ${i};`);
      const frames = cellFrames(id, bindings, () => graph);
      await tracker.cellEnded({ id, executionCount: i, sourceSha256, status: "ok" }, frames);
    }
  });
  tracker.end("finished");
  return { cells, msPerCell: ms / cells };
}

async function compare() {
  const points = 10_000;
  const records = [
    record("20260101-000000-aaaaaa", points, 1),
    record("20260101-000100-bbbbbb", points, 2),
  ];
  const md = await median(5, () => comparisonMarkdown(compareRuns(records)));
  const html = await median(5, () => comparisonHtml(compareRuns(records)));
  return { points, runs: 2, mdMs: md, htmlMs: html };
}

const results = {
  perMetric: await perMetric(),
  trackerPerCell: await trackerPerCell(),
  perCell: await perCell(),
  compare: await compare(),
};
rmSync(scratch, { recursive: true, force: true });
console.log(JSON.stringify(results, null, 2));
console.error(
  `log.metric: ${(results.perMetric.msPerCall * 1000).toFixed(2)} us per call; ` +
    `tracker alone per cell: ${(results.trackerPerCell.msPerCell * 1000).toFixed(1)} us; ` +
    `tracking per trivial cell: +${results.perCell.addedMs.toFixed(3)} ms ` +
    `(${results.perCell.offMsPerCell.toFixed(3)} -> ${results.perCell.onMsPerCell.toFixed(3)} ms); ` +
    `compare of 2 x ${results.compare.points} points: md ${results.compare.mdMs.toFixed(1)} ms, html ${results.compare.htmlMs.toFixed(1)} ms`,
);
