#!/usr/bin/env node
// Where a TypeScript kernel's start-up goes, cold and from the warm-compiler snapshot
// (docs/startup.md). Prints one JSON object; bench/run.mjs writes it into RESULTS.md.
// Times are CPU milliseconds of this process (user + system), medians over REPEATS fresh
// processes: CPU time, unlike wall time, means the same on a loaded machine and a quiet one.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const REPEATS = Number(process.env["REPLAB_PROFILE_REPEATS"] ?? 5);

/** The phases of one cold check, measured inside a fresh process (the code runs there). */
const phases = `
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const out = { nodeStartMs: cpu() };
let t = cpu();
// The checker's module graph, typescript.js included (from require's cache when warm).
const { CellTypeChecker } = await import(${JSON.stringify(join(root, "dist/runtime/compiler/service.js"))});
out.loadCompilerMs = cpu() - t;
const { createRequire } = await import("node:module");
const ts = createRequire(${JSON.stringify(join(root, "dist/runtime/compiler/service.js"))})("typescript");
ts.performance.enable();
t = cpu();
const checker = new CellTypeChecker(process.argv[1]);
checker.check("");
out.firstCheckMs = cpu() - t;
const measures = {};
ts.performance.forEachMeasure((name, ms) => (measures[name] = ms));
out.parseWallMs = measures.Parse ?? 0;
out.bindWallMs = measures.Bind ?? 0;
out.programWallMs = measures.Program ?? 0;
t = cpu();
const answer = "const answer: number = 6 * 7; answer";
const checked = checker.check(answer);
out.answerCheckMs = cpu() - t;
// What else the first cell costs before it runs: its declarations emitted for later cells
// (commit), then its JavaScript; both start compiled from the snapshot (its warm-up cell).
const { compileCell } = await import(${JSON.stringify(join(root, "dist/runtime/compiler/compile.js"))});
t = cpu();
if (checked.ok) checked.commit();
compileCell(answer, "typescript");
out.answerCommitCompileMs = cpu() - t;
const program = checker["service"].getProgram();
out.declarationFiles = program.getSourceFiles().length;
out.declarationBytes = program.getSourceFiles().reduce((n, f) => n + f.text.length, 0);
out.warm = globalThis[Symbol.for("replab.warmCompiler")] !== undefined;
out.totalMs = cpu();
console.log(JSON.stringify(out));
`;

/**
 * One fresh process; `cache` false runs it with REPLAB_WARM=0 (no code cache either).
 * @param {string[]} nodeArgs @param {boolean} [cache]
 */
function run(nodeArgs, cache = true) {
  const dir = mkdtempSync(join(os.tmpdir(), "replab-profile-"));
  const env = cache ? process.env : { ...process.env, REPLAB_WARM: "0" };
  const out = execFileSync(
    process.execPath,
    [...nodeArgs, "--input-type=module", "-e", phases, dir],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env },
  );
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
}

/** @param {string[]} nodeArgs */
function bareStartMs(nodeArgs) {
  const out = execFileSync(
    process.execPath,
    [...nodeArgs, "-e", "const u = process.cpuUsage(); console.log((u.user + u.system) / 1000)"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  return Number(out.trim());
}

/** @param {Record<string, number | boolean>[]} samples */
function medians(samples) {
  /** @type {Record<string, number | boolean>} */
  const result = {};
  for (const key of Object.keys(samples[0] ?? {})) {
    const values = samples.map((s) => s[key]);
    if (typeof values[0] !== "number") {
      result[key] = /** @type {boolean} */ (values[0]);
      continue;
    }
    const sorted = /** @type {number[]} */ (values).sort((a, b) => a - b);
    result[key] = Math.round(sorted[Math.floor(sorted.length / 2)] * 10) / 10;
  }
  return result;
}

const blob = process.argv[2];
const cold = [];
// Cold but with typescript.js's V8 code cache (docs/startup.md): how a JavaScript kernel or
// a first start loads the compiler. The first run writes the cache when there is none.
const coldCached = [];
run([]);
const warm = [];
const bare = [];
const bareWarm = [];
for (let i = 0; i < REPEATS; i++) {
  cold.push(run([], false));
  coldCached.push(run([]));
  bare.push(bareStartMs([]));
  if (blob !== undefined) {
    warm.push(run(["--snapshot-blob", blob]));
    bareWarm.push(bareStartMs(["--snapshot-blob", blob]));
  }
}
const median = (/** @type {number[]} */ xs) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify({
    repeats: REPEATS,
    cold: medians(cold),
    coldCached: medians(coldCached),
    warm: blob === undefined ? undefined : medians(warm),
    bareNodeMs: median(bare),
    bareNodeFromSnapshotMs: blob === undefined ? undefined : median(bareWarm),
  }),
);
