/**
 * The exported pipeline seeds a child `node` process and a Worker as the kernel and `replab
 * run` do (`<cell key>:child:<n>`, `:worker:<n>`, trace/child-seed-pipeline.ts), and under `replab verify` keeps what a
 * cell's timers print later with that cell, as `replab run` does (README, "Late output"), so
 * such a notebook exports and verifies. Regression: pipeline.mjs started children unseeded, so
 * a cell printing a child's Math.random never verified.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { readJson, replab, scratch, writeNotebook } from "../cli/helpers.js";

const CHILDREN = [
  'import { execFileSync, spawnSync } from "node:child_process";',
  'console.log(execFileSync("node", ["-e", "console.log(Math.random())"], { encoding: "utf8" }).trim());',
  'console.log(spawnSync(process.execPath, ["-e", "console.log(Math.random())"], { encoding: "utf8" }).stdout.trim());',
].join("\n");
const WORKER = [
  'import { Worker } from "node:worker_threads";',
  'console.log(await new Promise((done) => new Worker(\'require("node:worker_threads").parentPort.postMessage(Math.random())\', { eval: true }).once("message", done)));',
].join("\n");
const LATE = 'setTimeout(() => console.log("late"), 20);\nconsole.log("timer set");';
const LATER = 'await new Promise<void>((r) => setTimeout(r, 300));\nconsole.log("c3");';
/** Children whose options sit in each place Node allows, after a child that is not Node. */
const PLACES = [
  'import { execFile, execFileSync, execSync, spawnSync } from "node:child_process";',
  "const P = \"console.log(Math.random(), process.env.MINE ?? '-')\";",
  'execSync("true");',
  'console.log(spawnSync(process.execPath, ["-e", P], { encoding: "utf8", env: { ...process.env, MINE: "kept" } }).stdout.trim());',
  'console.log(spawnSync(process.execPath, { input: P, encoding: "utf8" }).stdout.trim());',
  'console.log(await new Promise((done) => execFile("node", ["-e", P], (_error, out) => done(String(out).trim()))));',
  'console.log(execFileSync(process.execPath, ["-e", P]).toString().trim());',
].join("\n");

/** The first number of the cell's n-th child's stream under seed 42. */
function child(source: string, n: number, kind = "child"): number {
  const sha = createHash("sha256").update(source).digest("hex");
  return seedrandom(`replab:42:${sha}:${kind}:${n}`)();
}

describe("the exported pipeline, for children and late output", () => {
  it("prints the notebook's numbers from child node processes, and verifies", () => {
    const dir = scratch("export-child-seed");
    writeNotebook(join(dir, "nb.ipynb"), [CHILDREN, WORKER, LATE, LATER]);
    const run = replab(["run", "nb.ipynb", "-o", "executed.ipynb", "--quiet"], { cwd: dir });
    expect(run.stderr).toBe("");
    const stdout = readJson(join(dir, "executed.ipynb")).cells.map((c) =>
      (c["outputs"] as { text: string[] }[]).map((o) => o.text.join("")).join(""),
    );
    expect(stdout).toEqual([
      `${child(CHILDREN, 0)}\n${child(CHILDREN, 1)}\n`,
      `${child(WORKER, 0, "worker")}\n`,
      "timer set\nlate\n",
      "c3\n",
    ]);
    expect(replab(["export", "executed.ipynb", "-o", "out"], { cwd: dir }).code).toBe(0);

    // Run as its README says: the same numbers, with nothing of replab's installed.
    const plain = spawnSync(process.execPath, ["pipeline.mjs"], {
      cwd: join(dir, "out"),
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(plain.stderr).toBe("");
    expect(plain.stdout.split("\n").slice(0, 3)).toEqual([
      String(child(CHILDREN, 0)),
      String(child(CHILDREN, 1)),
      String(child(WORKER, 0, "worker")),
    ]);

    // The late line, printed while the next cell ran, is its own cell's for verify too.
    const verify = replab(["verify", "out"], { cwd: dir });
    expect(verify.stderr).toMatch(/^replab: verified out: 4 cells /);
    expect(verify.code).toBe(0);
  });

  it("numbers children as the notebook did, with options before, in place of or after the args", () => {
    const dir = scratch("export-child-places");
    writeNotebook(join(dir, "nb.ipynb"), [PLACES]);
    const run = replab(["run", "nb.ipynb", "-o", "executed.ipynb", "--quiet"], { cwd: dir });
    expect(run.stderr).toBe("");
    const outputs = readJson(join(dir, "executed.ipynb")).cells[0]?.["outputs"] as {
      text: string[];
    }[];
    // The shell command is child 0: not seeded, but counted; the cell's own env is kept.
    const expected = [`${child(PLACES, 1)} kept`, `${child(PLACES, 2)} -`];
    expected.push(`${child(PLACES, 3)} -`, `${child(PLACES, 4)} -`);
    expect(outputs.map((o) => o.text.join("")).join("")).toBe(`${expected.join("\n")}\n`);
    expect(replab(["export", "executed.ipynb", "-o", "out"], { cwd: dir }).code).toBe(0);

    const plain = spawnSync(process.execPath, ["pipeline.mjs"], {
      cwd: join(dir, "out"),
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(plain.stderr).toBe("");
    expect(plain.stdout).toBe(`${expected.join("\n")}\n`);
    const verify = replab(["verify", "out"], { cwd: dir });
    expect(verify.stderr).toBe(
      "replab: verified out: 1 cells and 0 data files match repro.lock.json\n",
    );
    expect(verify.code).toBe(0);
  });
});
