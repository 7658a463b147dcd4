/**
 * A Worker a cell starts draws Math.random from a seeded stream, `<cell key>:worker:<n>`
 * (docs/determinism.md), so two runs print the same numbers and `replab run --check` agrees.
 * Regression: a Worker's Math.random was flagged (unseen-io:Worker) but not seeded, so every
 * run printed other numbers.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { BIN, readJson, replab, scratch, writeNotebook } from "../cli/helpers.js";

const EVAL_WORKERS = [
  'import { Worker } from "node:worker_threads";',
  "const draw = (options = {}) => new Promise((done) =>",
  '  new Worker(\'require("node:worker_threads").parentPort.postMessage([Math.random(), Math.random()])\', { eval: true, ...options }).once("message", done));',
  "console.log(await draw());",
  "console.log(await draw({ execArgv: [] }));",
].join("\n");

const FILE_WORKER = [
  'import { Worker } from "node:worker_threads";',
  'import { pathToFileURL } from "node:url";',
  'const url = new URL("draw.mjs", pathToFileURL(process.cwd() + "/"));',
  'console.log(await new Promise((done) => new Worker(url).once("message", done)));',
].join("\n");

/** The numbers of the cell's n-th worker's stream. */
function stream(source: string, n: number, count: number): number[] {
  const sha = createHash("sha256").update(source).digest("hex");
  const random = seedrandom(`replab:42:${sha}:worker:${n}`);
  return Array.from({ length: count }, () => random());
}

function stdoutOf(path: string): string[] {
  return readJson(path).cells.map((cell) =>
    (cell["outputs"] as { text?: string[] }[]).map((o) => (o.text ?? []).join("")).join(""),
  );
}

describe("Math.random in a Worker a cell starts", () => {
  it("is seeded from the cell's stream, so a second run (--check) prints the same numbers", () => {
    const dir = scratch("worker-seed");
    writeFileSync(
      join(dir, "draw.mjs"),
      'import { parentPort } from "node:worker_threads";\nparentPort.postMessage(Math.random());\n',
    );
    writeNotebook(join(dir, "nb.ipynb"), [EVAL_WORKERS, FILE_WORKER], "replab-js");
    const run = replab(["run", "nb.ipynb", "-o", "out.ipynb", "--quiet"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const [first, second] = [stream(EVAL_WORKERS, 0, 2), stream(EVAL_WORKERS, 1, 2)];
    expect(stdoutOf(join(dir, "out.ipynb"))).toEqual([
      `[ ${first.join(", ")} ]\n[ ${second.join(", ")} ]\n`,
      `${stream(FILE_WORKER, 0, 1)[0]}\n`,
    ]);
    const flags = (
      readJson(join(dir, "out.ipynb")).metadata["replab"] as {
        lineage: { nodes: { id: string; nondeterminism?: string[] }[] };
      }
    ).lineage.nodes.find((n) => n.id === "c1")?.nondeterminism;
    // Its files are still not seen.
    expect(flags).toEqual(["unseen-io:Worker"]);

    const check = replab(["run", "out.ipynb", "--check", "--quiet"], { cwd: dir });
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);

    // Node options a Worker refuses when given explicitly (process-wide ones) do not stop it.
    const flagged = spawnSync(
      process.execPath,
      [
        "--max-old-space-size=2000",
        "--stack-size=2000",
        BIN,
        "run",
        "out.ipynb",
        "--check",
        "--quiet",
      ],
      { cwd: dir, encoding: "utf8", env: { ...process.env, REPLAB_SEED: "" }, timeout: 180_000 },
    );
    expect(flagged.stderr).toBe("");
    expect(flagged.status).toBe(0);
  });
});
