#!/usr/bin/env node
// Times `replab run` and `replab export` on a generated 200-cell notebook and prints JSON
// (folded into bench/RESULTS.md). Each timing is a fresh CLI process, as a user runs it;
// the export number excludes npm (export never calls it). Usage: node bench/run-export.mjs [CELLS] [REPEATS]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "dist/bin/replab.js");
const cells = Number(process.argv[2] ?? 200);
const repeats = Number(process.argv[3] ?? 3);

/** @param {number} n */
function notebook(n) {
  const code = (/** @type {number} */ i) =>
    i === 0
      ? "const values: number[] = [];"
      : `const x${i} = ${i} * Math.round(Math.random() * 10);\nvalues.push(x${i});\nconsole.log(\`cell ${i}: \${x${i}}\`);`;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "replab", display_name: "TypeScript (replab)", language: "typescript" },
    },
    cells: Array.from({ length: n }, (_, i) => ({
      cell_type: "code",
      id: `cell-${i}`,
      metadata: {},
      source: code(i),
      outputs: [],
      execution_count: null,
    })),
  };
}

/**
 * Wall time of one `replab ARGS` process, in seconds.
 * @param {string[]} args
 * @param {string} cwd
 */
function time(args, cwd) {
  const began = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  if (result.status !== 0) throw new Error(`replab ${args.join(" ")} failed:\n${result.stderr}`);
  return seconds;
}

const median = (/** @type {number[]} */ xs) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Inside the repo, so the export finds the project's package-lock.json.
mkdirSync(join(root, "test-output"), { recursive: true });
const dir = mkdtempSync(join(root, "test-output", "bench-"));
try {
  writeFileSync(join(dir, "nb.ipynb"), JSON.stringify(notebook(cells)));
  const run = [];
  const exp = [];
  for (let r = 0; r < repeats; r++) {
    run.push(time(["run", "nb.ipynb", "-o", "nb.out.ipynb", "--quiet"], dir));
    exp.push(time(["export", "nb.out.ipynb", "-o", "out", "--force"], dir));
  }
  const noop = [];
  for (let r = 0; r < repeats; r++) noop.push(time(["--version"], dir));
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: "replab run / export",
        cells,
        repeats,
        node: process.versions.node,
        runSeconds: median(run),
        exportSeconds: median(exp),
        cliStartupSeconds: median(noop),
      },
      null,
      2,
    )}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
