/**
 * The exported pipeline seeds a child `node` process as the kernel and `replab run` do
 * (`<cell key>:child:<n>`, trace/child-seed-pipeline.ts), and under `replab verify` keeps what a
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
const LATE = 'setTimeout(() => console.log("late from c2"), 20);\nconsole.log("c2");';
const LATER = 'await new Promise<void>((r) => setTimeout(r, 300));\nconsole.log("c3");';

/** The first number of the cell's n-th child's stream under seed 42. */
function child(source: string, n: number): number {
  const sha = createHash("sha256").update(source).digest("hex");
  return seedrandom(`replab:42:${sha}:child:${n}`)();
}

describe("the exported pipeline, for children and late output", () => {
  it("prints the notebook's numbers from child node processes, and verifies", () => {
    const dir = scratch("export-child-seed");
    writeNotebook(join(dir, "nb.ipynb"), [CHILDREN, LATE, LATER]);
    const run = replab(["run", "nb.ipynb", "-o", "executed.ipynb", "--quiet"], { cwd: dir });
    expect(run.stderr).toBe("");
    const stdout = readJson(join(dir, "executed.ipynb")).cells.map((c) =>
      (c["outputs"] as { text: string[] }[]).map((o) => o.text.join("")).join(""),
    );
    expect(stdout).toEqual([
      `${child(CHILDREN, 0)}\n${child(CHILDREN, 1)}\n`,
      "c2\nlate from c2\n",
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
    expect(plain.stdout.split("\n").slice(0, 2)).toEqual([
      String(child(CHILDREN, 0)),
      String(child(CHILDREN, 1)),
    ]);

    // The late line printed while c3 ran is c2's for verify too, as the notebook has it.
    const verify = replab(["verify", "out"], { cwd: dir });
    expect(verify.stderr).toMatch(/^replab: verified out: 3 cells /);
    expect(verify.code).toBe(0);
  });
});
