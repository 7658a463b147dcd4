#!/usr/bin/env node
// `npm run bench`: replab against its peers, driven by the same client in the same run.
// Writes bench/RESULTS.md (numbers, ratios against the issue's targets, machine, date).
// Not a test: nothing here asserts; a missed target is reported, not hidden.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const python = process.env["REPLAB_BENCH_PYTHON"] ?? join(root, ".venv", "bin", "python");
if (!existsSync(python)) {
  console.error(
    "bench: .venv is missing; run `npm test` once (its set-up creates the venv) or bash test/setup/prepare.sh",
  );
  process.exit(2);
}

const jupyterPath = mkdtempSync(join(os.tmpdir(), "replab-bench-"));
execFileSync(
  process.execPath,
  [join(root, "dist/bin/replab.js"), "install", "--prefix", jupyterPath],
  { stdio: "inherit" },
);
const kernels = join(jupyterPath, "share", "jupyter", "kernels");
mkdirSync(join(kernels, "tslab"), { recursive: true });
writeFileSync(
  join(kernels, "tslab", "kernel.json"),
  JSON.stringify({
    argv: [
      process.execPath,
      join(root, "node_modules/tslab/bin/tslab"),
      "kernel",
      "--config-path",
      "{connection_file}",
    ],
    display_name: "TypeScript (tslab)",
    language: "typescript",
  }),
);
const env = { ...process.env, JUPYTER_PATH: join(jupyterPath, "share", "jupyter") };

/**
 * The figures bench/kernel_bench.py prints as JSON for one kernel (seconds; see that script).
 * @typedef {Record<string, any>} KernelFigures
 */

/**
 * @param {string} kernel
 * @param {string[]} args
 * @returns {KernelFigures}
 */
function bench(kernel, args) {
  console.error(`bench: ${kernel} ${args.join(" ")}`);
  const out = execFileSync(python, [join(root, "bench/kernel_bench.py"), kernel, ...args], {
    env,
    cwd: root,
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").at(-1) ?? "");
}

/** @param {unknown} error */
const message = (error) => (error instanceof Error ? error.message : String(error));

const importCell = 'import * as dfd from "danfojs-node";';
const full = ["--repeat", "5", "--defines", "--cells", "300", "--import-cell", importCell];
/** @type {{ replab: KernelFigures, tslab: KernelFigures, ipykernel?: KernelFigures }} */
const results = { replab: bench("replab", full), tslab: bench("tslab", full) };
try {
  results.ipykernel = bench("python3", ["--repeat", "5"]);
} catch (error) {
  console.error(`bench: ipykernel not measured: ${message(error)}`);
}

/**
 * `replab run` against `jupyter nbconvert --execute` with the tslab kernel, on one 200-cell notebook.
 * @param {number} cells
 */
function headlessComparison(cells) {
  const dir = mkdtempSync(join(os.tmpdir(), "replab-bench-run-"));
  const source = (/** @type {number} */ i) =>
    i === 0
      ? "const values: number[] = [];"
      : `const x${i} = ${i} * 2;\nvalues.push(x${i});\nconsole.log(\`cell ${i}: \${x${i}}\`);`;
  const notebook = (/** @type {string} */ kernel) => ({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: kernel, language: "typescript" } },
    cells: Array.from({ length: cells }, (_, i) => ({
      cell_type: "code",
      id: `cell-${i}`,
      metadata: {},
      source: source(i),
      outputs: [],
      execution_count: null,
    })),
  });
  writeFileSync(join(dir, "replab.ipynb"), JSON.stringify(notebook("replab")));
  writeFileSync(join(dir, "tslab.ipynb"), JSON.stringify(notebook("tslab")));
  /** @type {(command: string, args: string[]) => number} */
  const time = (command, args) => {
    const began = process.hrtime.bigint();
    execFileSync(command, args, { cwd: dir, env, stdio: "ignore" });
    return Number(process.hrtime.bigint() - began) / 1e9;
  };
  const timeBoth = () => {
    const replab = time(process.execPath, [
      join(root, "dist/bin/replab.js"),
      "run",
      "replab.ipynb",
      "-o",
      "replab.out.ipynb",
      "--quiet",
    ]);
    const jupyter = join(dirname(python), "jupyter");
    const nbconvert = time(jupyter, [
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      "--ExecutePreprocessor.timeout=600",
      "tslab.ipynb",
      "--output",
      "tslab.out.ipynb",
    ]);
    return { replab, nbconvert };
  };
  const runs = [];
  for (let r = 0; r < 3; r++) runs.push(timeBoth());
  const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[1];
  return {
    cells,
    repeats: runs.length,
    replab_run_s: median(runs.map((x) => x.replab)),
    nbconvert_tslab_s: median(runs.map((x) => x.nbconvert)),
  };
}

let headless;
try {
  headless = headlessComparison(200);
} catch (error) {
  console.error(`bench: headless comparison not measured: ${message(error)}`);
}

/** The browser test measures the viewer (reply-to-panel, 200-cell render); run it here too. */
function viewerFigures() {
  const file = join(root, "test-output", "viewer-results.json");
  rmSync(file, { force: true });
  console.error("bench: lineage viewer (browser tests)");
  execFileSync("npx", ["vitest", "run", "test/viewer"], {
    cwd: root,
    env: { ...process.env, REPLAB_VIEWER_RESULTS: file },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return JSON.parse(readFileSync(file, "utf8"));
}

let viewer;
try {
  viewer = viewerFigures();
} catch (error) {
  console.error(`bench: viewer not measured: ${message(error)}`);
}

const extra = [];
for (const script of ["repro.mjs", "run-export.mjs", "tracking.mjs"]) {
  const path = join(root, "bench", script);
  if (!existsSync(path)) continue;
  try {
    extra.push({
      script,
      output: execFileSync(process.execPath, [path], { cwd: root, encoding: "utf8" }).trim(),
    });
  } catch (error) {
    extra.push({ script, output: `failed: ${message(error)}` });
  }
}

/** @type {(s: number | undefined) => string} */
const ms = (s) => (s === undefined ? "–" : `${(s * 1000).toFixed(1)} ms`);
/** @type {(a: number | undefined, b: number | undefined) => number | undefined} */
const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
/** @type {(r: number | undefined, target: number) => string} */
const verdict = (r, target) => (r === undefined ? "not measured" : r <= target ? "met" : "MISSED");
const r = results.replab;
const t = results.tslab;
const rows = [
  ["start-up to kernel_info_reply", r.startup_s, t.startup_s, 0.5],
  ["trivial `1 + 1` round trip", r.trivial_s, t.trivial_s, 1.0],
  ["define cell at cell 10 (50 decls)", r.define_cell10_s, t.define_cell10_s, undefined],
  [
    "define cell at cell 300 (50 decls)",
    r.define_cell300_s,
    t.define_cell300_s ?? (t.define_stopped_at_cell ? undefined : t.define_last_s),
    undefined,
  ],
  ["cell importing danfojs-node", r.import_s, t.import_s, 1.0],
];
const machine = `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
const lines = [
  "# replab benchmarks",
  "",
  `Run: ${new Date().toISOString().slice(0, 10)} on ${machine}.`,
  "Every kernel is driven by the same jupyter_client script (bench/kernel_bench.py) in the same run;",
  "times are medians. Regenerate with `npm run bench`.",
  "",
  "| measure | replab | tslab 1.0.22 | replab / tslab | target | |",
  "|---|---|---|---|---|---|",
  ...rows.map(([name, a, b, target]) => {
    const q = ratio(a, b);
    return `| ${name} | ${ms(a)} | ${ms(b)} | ${q === undefined ? "–" : q.toFixed(2)} | ${target === undefined ? "" : `<= ${target}`} | ${target === undefined ? "" : verdict(q, target)} |`;
  }),
  "",
  `Flat cost per cell: replab cell 300 / cell 10 = ${ratio(r.define_cell300_s, r.define_cell10_s)?.toFixed(2)} (target <= 1.2: ${verdict(ratio(r.define_cell300_s, r.define_cell10_s), 1.2)}); tslab: ${ratio(t.define_cell300_s, t.define_cell10_s)?.toFixed(2)}.`,
  "",
];
if (t.define_stopped_at_cell !== undefined) {
  lines.push(
    `tslab stopped answering at define cell ${t.define_stopped_at_cell} (${t.define_error}); its last five cells took ${ms(t.define_last_s)} each (median), so it has no cell-300 figure.`,
    "",
  );
}
if (headless !== undefined) {
  const q = headless.replab_run_s / headless.nbconvert_tslab_s;
  lines.push(
    `Headless, ${headless.cells}-cell notebook (median of ${headless.repeats}, each a fresh process): \`replab run\` ${headless.replab_run_s.toFixed(2)} s, \`jupyter nbconvert --execute\` with tslab ${headless.nbconvert_tslab_s.toFixed(2)} s: ratio ${q.toFixed(2)} (target <= 0.3: ${verdict(q, 0.3)}).`,
    "",
  );
}
if (results.ipykernel !== undefined) {
  const i = results.ipykernel;
  lines.push(
    `ipykernel (Python, same client): start-up ${ms(i.startup_s)} (replab / ipykernel ${ratio(r.startup_s, i.startup_s)?.toFixed(2)}), trivial round trip ${ms(i.trivial_s)} (replab / ipykernel ${ratio(r.trivial_s, i.trivial_s)?.toFixed(2)}).`,
    "",
  );
}
if (viewer !== undefined) {
  lines.push(
    "## Lineage viewer (JupyterLab 4.6.4 in Debian's Chromium, from the browser tests in this run)",
    "",
    `Render of a 200-cell graph: ${viewer.render200CellsMs} ms (target < 500 ms: ${verdict(viewer.render200CellsMs, 500)}); ${viewer.render200CellsNote}.`,
    `Render of a small graph: ${viewer.renderSmallGraphMs} ms; ${viewer.renderSmallGraphNote}.`,
    `Execute reply to updated panel: median ${viewer.executeReplyToPanelMedianMs} ms over samples ${JSON.stringify(viewer.executeReplyToPanelSamplesMs)}; ${viewer.executeReplyToPanelNote}.`,
    `Opening a 200-cell notebook until its stored graph is drawn (JupyterLab included): ${viewer.open200CellNotebookToGraphMs} ms.`,
    "",
  );
}
for (const { script, output } of extra)
  lines.push(`## bench/${script}`, "", "```", output, "```", "");
lines.push("## Raw", "", "```json", JSON.stringify(results, null, 2), "```", "");
const target = join(root, "bench", "RESULTS.md");
writeFileSync(`${target}.tmp`, lines.join("\n"));
renameSync(`${target}.tmp`, target);
console.error(readFileSync(target, "utf8"));
