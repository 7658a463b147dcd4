#!/usr/bin/env node
// Reproducibility-core benchmarks, run against the build in dist/ (`npm run build`):
//   1. per trivial cell: Recorder.beginCell + endCell (seeding, tracing, analysis, lineage,
//      journal) against running the same cell with no recorder (target: <= 0.5 ms more);
//   2. file hashing throughput against node:crypto sha256 over the same bytes in memory
//      (target: >= 90%);
//   3. canonical hash of a 1M-row, 8-column DataFrame against danfo's readCSV of the same data
//      (target: <= 0.5x).
// Prints one JSON object (for bench/RESULTS.md) and a human summary on stderr. Not a test:
// nothing here asserts. Options: --rows N (default 1000000), --file-mb N (default 512).
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** A module of the build in dist/; each use is typed by the module's source. */
const dist = (/** @type {string} */ path) => import(join(root, "dist", path));
/** @type {typeof import("../runtime/repro/recorder.js")} */
const { Recorder } = await dist("runtime/repro/recorder.js");
/** @type {typeof import("../runtime/hashing/sha256.js")} */
const { hashFile } = await dist("runtime/hashing/sha256.js");
/** @type {typeof import("../runtime/hashing/frame.js")} */
const { hashFrame } = await dist("runtime/hashing/frame.js");

/** @type {(name: string, fallback: number) => number} */
const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const rows = option("--rows", 1_000_000);
const fileMb = option("--file-mb", 512);
const scratch = mkdtempSync(join(os.tmpdir(), "replab-bench-repro-"));
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

async function perCell() {
  const cells = 2000;
  const code = "1 + 1";
  const run = () => (0, eval)(code);
  const off = await median(5, async () => {
    for (let i = 0; i < cells; i++) await run();
  });
  const recorder = new Recorder({ notebookDir: scratch, seed: 42 });
  /** @type {(i: number) => import("../runtime/repro/recorder.js").CellFacts} */
  const facts = (i) => ({
    cellId: `c${i % 10}`,
    executionCount: i,
    code,
    language: "typescript",
    status: "ok",
    bindings: new Map(),
  });
  await recorder.endCell(facts(0)); // load the analyser once, as the first cell of a session does
  let n = 1;
  const on = await median(5, async () => {
    for (let i = 0; i < cells; i++, n++) {
      recorder.beginCell(`c${n % 10}`, code);
      await run();
      await recorder.endCell(facts(n));
    }
  });
  recorder.dispose();
  const addedMs = (on - off) / cells;
  return {
    cells,
    offMsPerCell: off / cells,
    onMsPerCell: on / cells,
    addedMs,
    target: "<= 0.5 ms",
    met: addedMs <= 0.5,
  };
}

async function hashing() {
  const path = join(scratch, "hash.bin");
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 2654435761) >>> 24;
  const fd = openSync(path, "w");
  for (let i = 0; i < fileMb; i++) {
    block.writeUInt32BE(i, 0);
    writeSync(fd, block);
  }
  closeSync(fd);
  const bytes = fileMb * block.length;
  const inMemory = Buffer.alloc(bytes);
  for (let i = 0; i < fileMb; i++) {
    block.writeUInt32BE(i, 0);
    block.copy(inMemory, i * block.length);
  }
  await hashFile(path); // warm the page cache
  const file = await median(5, () => hashFile(path));
  const crypto = await median(5, () => createHash("sha256").update(inMemory).digest("hex"));
  rmSync(path);
  const ratio = crypto / file;
  return {
    bytes,
    fileMBps: bytes / 1e6 / (file / 1000),
    cryptoMBps: bytes / 1e6 / (crypto / 1000),
    ratio,
    target: ">= 0.90",
    met: ratio >= 0.9,
  };
}

async function frames() {
  const dfd = await import("danfojs-node");
  const path = join(scratch, "frame.csv");
  const lines = ["id,a,b,c,d,e,label,flag"];
  for (let i = 0; i < rows; i++) {
    const x = (i * 7919) % 1000;
    lines.push(
      `${i},${x / 7},${x * 3},${(x % 97) / 3},${i % 13},${(i * 0.5).toFixed(1)},k${x % 50},${x % 2 === 0}`,
    );
  }
  writeFileSync(path, `${lines.join("\n")}\n`);
  const readStart = now();
  const df = await dfd.readCSV(path);
  const read = now() - readStart;
  const hash = await median(3, () => hashFrame(df));
  rmSync(path);
  const ratio = hash / read;
  return {
    rows,
    columns: 8,
    readCsvMs: read,
    hashMs: hash,
    ratio,
    target: "<= 0.5",
    met: ratio <= 0.5,
  };
}

const results = { perCell: await perCell(), hashing: await hashing(), frames: await frames() };
rmSync(scratch, { recursive: true, force: true });
console.log(JSON.stringify(results, null, 2));
const f = (/** @type {number} */ x) => x.toFixed(3);
console.error(
  `per trivial cell: +${f(results.perCell.addedMs)} ms (${results.perCell.met ? "met" : "MISSED"} <= 0.5 ms)\n` +
    `file hashing: ${results.hashing.fileMBps.toFixed(0)} MB/s vs node:crypto ${results.hashing.cryptoMBps.toFixed(0)} MB/s = ${f(results.hashing.ratio)} (${results.hashing.met ? "met" : "MISSED"} >= 0.90)\n` +
    `frame hash ${rows}x8: ${results.frames.hashMs.toFixed(0)} ms vs readCSV ${results.frames.readCsvMs.toFixed(0)} ms = ${f(results.frames.ratio)} (${results.frames.met ? "met" : "MISSED"} <= 0.5)`,
);
