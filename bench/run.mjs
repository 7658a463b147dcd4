#!/usr/bin/env node
// `npm run bench`: replab against its peers, driven by the same client in the same run.
// Writes bench/RESULTS.md (numbers, ratios against the issue's targets, machine, date).
// Not a test: nothing here asserts; a missed target is reported, not hidden.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
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
const deno = realpathSync(join(root, "node_modules", ".bin", "deno"));
/** @type {(name: string, spec: Record<string, unknown>) => void} */
const kernelspec = (name, spec) => {
  mkdirSync(join(kernels, name), { recursive: true });
  writeFileSync(join(kernels, name, "kernel.json"), JSON.stringify(spec));
};
kernelspec("deno", {
  argv: [deno, "jupyter", "--kernel", "--conn", "{connection_file}"],
  display_name: "Deno",
  language: "typescript",
});
// The floor under the kernel's own share: a bare zeromq.js kernel (bench/floor-kernel.mjs).
kernelspec("floor", {
  argv: [process.execPath, join(root, "bench/floor-kernel.mjs"), "{connection_file}"],
  display_name: "floor",
  language: "javascript",
});
// replab as it starts before its first snapshot exists (docs/startup.md): the cold path.
const replabSpec = JSON.parse(readFileSync(join(kernels, "replab", "kernel.json"), "utf8"));
kernelspec("replab-cold", { ...replabSpec, env: { REPLAB_WARM: "0" } });
// Its own cache, so the run neither uses nor replaces the user's snapshot.
const cacheHome = mkdtempSync(join(os.tmpdir(), "replab-bench-cache-"));
const env = {
  ...process.env,
  JUPYTER_PATH: join(jupyterPath, "share", "jupyter"),
  XDG_CACHE_HOME: cacheHome,
};
const buildStarted = process.hrtime.bigint();
execFileSync(process.execPath, [join(root, "dist/runtime/compiler/warm-build-job.js")], {
  env,
  stdio: "inherit",
});
const snapshotBuildS = Number(process.hrtime.bigint() - buildStarted) / 1e9;
const blob = readdirSync(join(cacheHome, "replab")).find((f) => f.endsWith(".blob"));
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const loadBefore = load();

/**
 * The figures bench/kernel_bench.py prints as JSON for each kernel (see that script).
 * @typedef {Record<string, any>} KernelFigures
 */

/** @param {string[]} args @returns {Record<string, KernelFigures>} */
function bench(args) {
  console.error(`bench: kernel_bench.py ${args.join(" ")}`);
  const out = execFileSync(python, [join(root, "bench/kernel_bench.py"), ...args], {
    env,
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.trim().split("\n").at(-1) ?? "");
}

/** @param {unknown} error */
const message = (error) => (error instanceof Error ? error.message : String(error));

const KERNELS = (
  process.env["REPLAB_BENCH_KERNELS"] ?? "replab,replab-js,replab-cold,deno,tslab,python3"
).split(",");
// REPLAB_BENCH_QUICK=1: the kernel figures only, to try the script out (RESULTS.md says so).
const quick = process.env["REPLAB_BENCH_QUICK"] === "1";
// REPLAB_BENCH_KEEP=1: the kernel, quickstart and profile figures only; the other sections
// (viewer, repro, export, tracking, 200-cell headless) are carried over from the last
// RESULTS.md, marked so.
const keep = process.env["REPLAB_BENCH_KEEP"] === "1";
const importCell = 'import * as dfd from "danfojs-node";';
const results = bench([
  "--kernels",
  KERNELS.join(","),
  "--rounds",
  process.env["REPLAB_BENCH_ROUNDS"] ?? "5",
  "--start-rounds",
  process.env["REPLAB_BENCH_START_ROUNDS"] ?? "11",
  ...(quick
    ? []
    : [
        // tslab's series stops answering near cell 254 and then waits out a 120 s timeout.
        "--defines",
        process.env["REPLAB_BENCH_DEFINES"] ?? "replab",
        "--cells",
        "300",
        "--import-cell",
        importCell,
        "--import-kernels",
        "replab,tslab",
      ]),
]);

// replab's share against the floor's, interleaved in a run of their own (the floor kernel
// answers execute_request and kernel_info only, so it takes no part in the other measures).
/** @type {Record<string, KernelFigures> | undefined} */
let floor;
try {
  floor = bench(["--kernels", "replab,floor", "--round-trips-only", "30"]);
} catch (error) {
  console.error(`bench: the floor kernel's share not measured: ${message(error)}`);
}

let profile;
try {
  const blobPath = blob === undefined ? [] : [join(cacheHome, "replab", blob)];
  profile = JSON.parse(
    execFileSync(process.execPath, [join(root, "bench/profile-startup.mjs"), ...blobPath], {
      cwd: root,
      encoding: "utf8",
    }).trim(),
  );
} catch (error) {
  console.error(`bench: start-up profile not measured: ${message(error)}`);
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
  if (!quick && !keep) headless = headlessComparison(200);
} catch (error) {
  console.error(`bench: headless comparison not measured: ${message(error)}`);
}

/**
 * notebooks/quickstart.ipynb, whole process, A/B interleaved: `replab run`, `jupyter nbconvert
 * --execute` with tslab (--allow-errors: tslab has no `replab` module and no %lineage, so those
 * two cells fail there), and `deno run` of the same code as one script (the replab-only cells
 * left out): the floor a user could reach by hand.
 */
function quickstartComparison() {
  const dir = mkdtempSync(join(os.tmpdir(), "replab-bench-quickstart-"));
  const notebookPath = join(root, "notebooks", "quickstart.ipynb");
  const notebook = JSON.parse(readFileSync(notebookPath, "utf8"));
  /** @type {string[]} */
  const code = notebook.cells
    .filter((/** @type {{cell_type: string}} */ c) => c.cell_type === "code")
    .map((/** @type {{source: string | string[]}} */ c) =>
      Array.isArray(c.source) ? c.source.join("") : c.source,
    );
  // The replab-only cells: magics, the replab import and what calls its display (a chart).
  const plain = code.filter(
    (c) => !c.startsWith("%") && !c.includes('from "replab"') && !/\bdisplay\./.test(c),
  );
  writeFileSync(join(dir, "quickstart.ts"), plain.join("\n\n"));
  const tslab = {
    ...notebook,
    metadata: {
      ...notebook.metadata,
      kernelspec: { name: "tslab", display_name: "tslab", language: "typescript" },
    },
  };
  writeFileSync(join(dir, "tslab.ipynb"), JSON.stringify(tslab));
  const cwd = join(root, "notebooks");
  /** @type {(command: string, args: string[]) => number} */
  const time = (command, args) => {
    const began = process.hrtime.bigint();
    execFileSync(command, args, { cwd, env, stdio: "ignore" });
    return Number(process.hrtime.bigint() - began) / 1e9;
  };
  const jupyter = join(dirname(python), "jupyter");
  /** @type {Record<string, () => number>} */
  const runners = {
    replab_run: () =>
      time(process.execPath, [
        join(root, "dist/bin/replab.js"),
        "run",
        notebookPath,
        "-o",
        join(dir, "out.ipynb"),
        "--quiet",
      ]),
    nbconvert_tslab: () =>
      time(jupyter, [
        "nbconvert",
        "--to",
        "notebook",
        "--execute",
        "--allow-errors",
        "--ExecutePreprocessor.timeout=600",
        join(dir, "tslab.ipynb"),
        "--output-dir",
        dir,
        "--output",
        "tslab.out.ipynb",
      ]),
    deno_run: () => time(deno, ["run", "--allow-read", join(dir, "quickstart.ts")]),
  };
  /** @type {Record<string, number[]>} */
  const samples = { replab_run: [], nbconvert_tslab: [], deno_run: [] };
  const names = Object.keys(runners);
  for (let r = 0; r < 5; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length] ?? "";
      samples[name]?.push(runners[name]?.() ?? NaN);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, xs]) => [name, spread(xs)]));
}

/** @param {number[]} xs @returns {{median: number, min: number, max: number, n: number}} */
function spread(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1
      ? (sorted[Math.floor(mid)] ?? NaN)
      : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN, n: sorted.length };
}

let quickstart;
try {
  if (!quick) quickstart = quickstartComparison();
} catch (error) {
  console.error(`bench: quickstart comparison not measured: ${message(error)}`);
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
  if (!quick && !keep) viewer = viewerFigures();
} catch (error) {
  console.error(`bench: viewer not measured: ${message(error)}`);
}

const extra = [];
for (const script of quick || keep ? [] : ["repro.mjs", "run-export.mjs", "tracking.mjs"]) {
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

const loadAfter = load();
/** @typedef {{median: number, min: number, max: number, n: number}} Spread */
const resultsFile = join(root, "bench", "RESULTS.md");
/** The last RESULTS.md, read once before this run replaces it: what it keeps comes from here. */
const previous = existsSync(resultsFile) ? readFileSync(resultsFile, "utf8") : "";

/** The sections this run did not measure, from the last RESULTS.md, under a note saying so. */
function carriedOver() {
  const headlessLine = previous.split("\n").find((l) => l.startsWith("Headless, 200-cell"));
  const from = previous.indexOf("## Lineage viewer");
  const to = previous.indexOf("## Raw");
  if (from < 0 || to < from) return [];
  return [
    "## Carried over from the previous run (not measured in this one)",
    "",
    ...(headlessLine === undefined ? [] : [headlessLine, ""]),
    previous.slice(from, to).trimEnd(),
    "",
  ];
}

/**
 * Sections of the last RESULTS.md that this script does not measure, kept as they are: the
 * hand-written profile (issue 12) and the figures of bench/lineage-truth.mjs, lineage-cost.mjs
 * and rss.py, which take long enough to be run on their own (issues 16 and 9).
 */
const KEPT_SECTIONS = ["## Profile:", "## bench/lineage-truth.mjs", "## bench/rss.py"];

/** Each of KEPT_SECTIONS found in the last RESULTS.md, in that order. */
function keptSections() {
  return KEPT_SECTIONS.flatMap((heading) => {
    const from = previous.indexOf(heading);
    if (from < 0) return [];
    const next = previous.indexOf("\n## ", from + 1);
    return [previous.slice(from, next < 0 ? undefined : next).trimEnd(), ""];
  });
}

/** @type {(s: number | undefined) => string} */
const ms = (s) =>
  s === undefined || Number.isNaN(s) ? "–" : `${(s * 1000).toFixed(s < 0.01 ? 2 : 0)} ms`;
/** @type {(f: Spread | undefined) => string} */
const spreadMs = (f) =>
  f === undefined || f === null ? "–" : `${ms(f.median)} (${ms(f.min)}–${ms(f.max)})`;
/** @type {(f: Spread | undefined) => string} */
const spreadS = (f) =>
  f === undefined ? "–" : `${f.median.toFixed(2)} s (${f.min.toFixed(2)}–${f.max.toFixed(2)})`;
/** @type {(b: number | undefined) => string} */
const mb = (b) => (b === undefined ? "–" : `${Math.round(b / 2 ** 20)} MB`);
/** @type {(a: number | undefined, b: number | undefined) => number | undefined} */
const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);
/** @type {(r: number | undefined, target: number) => string} */
const verdict = (r, target) => (r === undefined ? "not measured" : r <= target ? "met" : "MISSED");
/** @type {(r: number | undefined) => string} */
const x = (r) => (r === undefined ? "–" : `${r.toFixed(2)}x`);
const k = results;
const columns = KERNELS.filter((name) => k[name] !== undefined);
const LABELS = /** @type {Record<string, string>} */ ({
  replab: "replab (TS)",
  "replab-js": "replab (JS)",
  "replab-cold": "replab (TS), no snapshot",
  deno: "Deno 2.9.6",
  tslab: "tslab 1.0.22",
  python3: "ipykernel",
});
/** @type {[string, (f: KernelFigures) => string][]} */
const measures = [
  ["launch to kernel_info_reply", (f) => spreadMs(f.kernel_info_s)],
  ["launch to first execute_result", (f) => spreadMs(f.first_result_s)],
  [
    "launch to first execute_result, launches whose client sent kernel_info once",
    (f) => spreadMs(f.first_result_one_request_s),
  ],
  ["CPU to the first result (kernel and its children)", (f) => spreadMs(f.cpu_to_first_result_s)],
  [
    "launches whose client sent kernel_info again (iopub not connected 0.2 s after the reply)",
    (f) =>
      f.kernel_info_retried === undefined
        ? "–"
        : `${f.kernel_info_retried.retried} of ${f.kernel_info_retried.launches}`,
  ],
  ["`1 + 1` round trip (to idle)", (f) => spreadMs(f.trivial_s)],
  ["`1 + 1` to execute_reply", (f) => spreadMs(f.trivial_reply_s)],
  ["a new small cell each time, `Math.max(N, 3)` (to idle)", (f) => spreadMs(f.fresh_cell_s)],
  ["heartbeat echo", (f) => spreadMs(f.heartbeat_s)],
  ["`1 + 1` to execute_reply, raw shell socket", (f) => spreadMs(f.raw_reply_s)],
  ["kernel's own share (raw reply − echo)", (f) => ms(f.kernel_share_s)],
  [
    "20,000-line cell: lines delivered (fewest)",
    (f) => (f.flood_lines_min === undefined ? "–" : `${f.flood_lines_min} of ${f.flood_expected}`),
  ],
  ["20,000-line cell: time to idle", (f) => spreadMs(f.flood_s)],
  ["RSS after the first result", (f) => mb(f.rss_after_start_bytes?.median)],
  ["RSS after 1,000 more cells", (f) => mb(f.rss_after_1000_cells_bytes)],
];
const med = (/** @type {string} */ name, /** @type {string} */ key) => k[name]?.[key]?.median;
const firstTs = ratio(med("replab", "first_result_s"), med("deno", "first_result_s"));
const firstJs = ratio(med("replab-js", "first_result_s"), med("deno", "first_result_s"));
const trip = ratio(med("replab", "trivial_s"), med("deno", "trivial_s"));
const fresh = ratio(med("replab", "fresh_cell_s"), med("deno", "fresh_cell_s"));
const share = k.replab?.kernel_share_s;
const flat = ratio(k.replab?.define_cell300_s, k.replab?.define_cell10_s);
const quickTslab = ratio(quickstart?.replab_run?.median, quickstart?.nbconvert_tslab?.median);
const quickDeno = ratio(quickstart?.replab_run?.median, quickstart?.deno_run?.median);
const cpus = os.cpus();
const machine = `${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
const busy = Number(loadBefore.split(" ")[0]) > cpus.length / 2;
const rounds = k._meta?.start_rounds ?? k._meta?.rounds;
const lines = [
  "# replab benchmarks",
  "",
  `Run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${machine}.`,
  `Machine: ${busy ? "**loaded**" : "quiet"} (load average ${loadBefore} before the kernel figures, ${loadAfter} at the end${busy ? "; above half the cores before the figures: something else was running, or had just run" : ""}).`,
  "Every kernel is driven by the same jupyter_client script (bench/kernel_bench.py) in the same run,",
  `A/B interleaved: each measure takes its samples round by round across the kernels, the order rotating each round (${rounds ?? "?"} rounds for start-up, 30 for round trips).`,
  "Figures are medians with (min–max). Regenerate everything below with `npm run bench`.",
  "",
  "## Targets",
  "",
  "| target | measured | ratio | goal | |",
  "|---|---|---|---|---|",
  `| first TypeScript result, replab / Deno | ${ms(med("replab", "first_result_s"))} / ${ms(med("deno", "first_result_s"))} | ${x(firstTs)} | <= 1.0x | ${verdict(firstTs, 1.0)} |`,
  `| first JavaScript result, replab-js / Deno | ${ms(med("replab-js", "first_result_s"))} / ${ms(med("deno", "first_result_s"))} | ${x(firstJs)} | <= 0.7x | ${verdict(firstJs, 0.7)} |`,
  ...["replab", "replab-js"].map(
    (name) =>
      `| first ${name === "replab" ? "TypeScript" : "JavaScript"} result, ${name} / Deno, Deno's launches that sent kernel_info once | ${ms(med(name, "first_result_s"))} / ${ms(med("deno", "first_result_one_request_s"))} | ${x(ratio(med(name, "first_result_s"), med("deno", "first_result_one_request_s")))} | (Deno without jupyter_client's 0.2 s retry) | |`,
  ),
  `| \`1 + 1\` round trip, replab / Deno | ${ms(med("replab", "trivial_s"))} / ${ms(med("deno", "trivial_s"))} | ${x(trip)} | <= 1.0x | ${verdict(trip, 1.0)} |`,
  `| a new small cell each time (\`Math.max(N, 3)\`), replab / Deno | ${ms(med("replab", "fresh_cell_s"))} / ${ms(med("deno", "fresh_cell_s"))} | ${x(fresh)} | (not a target: no cache applies) | |`,
  `| kernel's own share of \`1 + 1\` (replab) | ${ms(share)} | | <= 0.3 ms | ${share === undefined ? "not measured" : share <= 0.0003 ? "met" : "MISSED"} |`,
  `| kernel's own share of \`1 + 1\`, replab / a bare zeromq.js kernel (bench/floor-kernel.mjs), a run of their own | ${ms(floor?.replab?.kernel_share_s)} / ${ms(floor?.floor?.kernel_share_s)} | ${x(ratio(floor?.replab?.kernel_share_s, floor?.floor?.kernel_share_s))} | (the floor) | |`,
  `| \`replab run\` quickstart / nbconvert + tslab | ${quickstart === undefined ? "–" : `${quickstart.replab_run.median.toFixed(2)} s / ${quickstart.nbconvert_tslab.median.toFixed(2)} s`} | ${x(quickTslab)} | <= 0.3x | ${verdict(quickTslab, 0.3)} |`,
  `| \`replab run\` quickstart / \`deno run\` of its code | ${quickstart === undefined ? "–" : `${quickstart.replab_run.median.toFixed(2)} s / ${quickstart.deno_run.median.toFixed(2)} s`} | ${x(quickDeno)} | (the floor) | |`,
  `| cell 300 / cell 10 (50 declarations each), replab | ${ms(k.replab?.define_cell300_s)} / ${ms(k.replab?.define_cell10_s)} | ${x(flat)} | <= 1.2x | ${verdict(flat, 1.2)} |`,
  `| first TypeScript result, replab / tslab | ${ms(med("replab", "first_result_s"))} / ${ms(med("tslab", "first_result_s"))} | ${x(ratio(med("replab", "first_result_s"), med("tslab", "first_result_s")))} | | |`,
  `| first result without a snapshot (a kernel that finds none; replab install builds it) / Deno | ${ms(med("replab-cold", "first_result_s"))} / ${ms(med("deno", "first_result_s"))} | ${x(ratio(med("replab-cold", "first_result_s"), med("deno", "first_result_s")))} | | |`,
  `| cell importing danfojs-node (a launch after the first), replab / tslab | ${ms(med("replab", "import_s"))} / ${ms(med("tslab", "import_s"))} | ${x(ratio(med("replab", "import_s"), med("tslab", "import_s")))} | <= 1.0x | ${verdict(ratio(med("replab", "import_s"), med("tslab", "import_s")), 1.0)} |`,
  "",
  "First result: launch (KernelManager.start_kernel) to the first execute_result of",
  "`const answer: number = 6 * 7; answer` (JavaScript: without the annotation; Python: `answer = 6 * 7; answer`),",
  "after the client's own wait_for_ready. replab type-checks that cell before it runs; Deno does not check.",
  "wait_for_ready returns 0.2 s after the kernel_info reply at the earliest, and 0.2 s later again when no iopub",
  "message followed the reply (it then sends kernel_info again): Deno, which does not welcome iopub subscribers,",
  "pays that on some launches and not on others, so its median moves with how many did; the rows against Deno's",
  "launches that sent kernel_info once compare with Deno as it is when its iopub connected in time.",
  "The kernel's own share is the median time from sending a pre-signed `1 + 1` execute_request on a raw",
  "shell socket to its reply's frames, less the median heartbeat echo on the same connection: receive to",
  "reply, with none of jupyter_client's JSON, HMAC and date parsing inside the timer (the `1 + 1` rows above",
  "include them, as a user's client does). RSS and CPU are the kernel process and its children (a build of the",
  "warm-compiler snapshot a cold kernel starts is one); CPU is user + system time when the first result arrived.",
  "",
  "## Every kernel",
  "",
  `| measure | ${columns.map((c) => LABELS[c] ?? c).join(" | ")} |`,
  `|---|${columns.map(() => "---").join("|")}|`,
  ...measures.map(
    ([name, cell]) => `| ${name} | ${columns.map((c) => cell(k[c] ?? {})).join(" | ")} |`,
  ),
  "",
];
if (k.tslab?.define_stopped_at_cell !== undefined) {
  lines.push(
    `tslab stopped answering at define cell ${k.tslab.define_stopped_at_cell} (${k.tslab.define_error}); its last five cells took ${ms(k.tslab.define_last_s)} each (median), so it has no cell-300 figure.`,
    "",
  );
}
// A kernel that stopped answering in a measure has "–" there; say which and where.
for (const name of columns) {
  for (const key of ["cells_error", "flood_error"]) {
    const error = k[name]?.[key];
    if (error === undefined) continue;
    const measure = key === "cells_error" ? "1,000 cells" : "20,000-line cell";
    lines.push(`${LABELS[name] ?? name}, ${measure}: ${error}.`, "");
  }
}
if (quickstart !== undefined) {
  lines.push(
    `notebooks/quickstart.ipynb, whole process, ${quickstart.replab_run.n} runs each, interleaved: \`replab run\` ${spreadS(quickstart.replab_run)}, \`jupyter nbconvert --execute --allow-errors\` with tslab ${spreadS(quickstart.nbconvert_tslab)} (its \`replab\` import and %lineage cells fail there), \`deno run\` of the same code as one script ${spreadS(quickstart.deno_run)} (the replab-only cells left out).`,
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
if (profile !== undefined) {
  const c = profile.cold;
  const w = profile.warm;
  // The compiler's code cache (docs/startup.md), when this profile measured it.
  const cc = profile.coldCached;
  // TypeScript's own timers (wall time): the program (parsing most of it), then binding.
  const share = (/** @type {number} */ part) =>
    `${Math.round((100 * part) / (c.programWallMs + c.bindWallMs))}%`;
  lines.push(
    "## Start-up profile: where a TypeScript kernel's first check goes",
    "",
    `CPU milliseconds (user + system) in a fresh process, median of ${profile.repeats} (bench/profile-startup.mjs): CPU time, unlike wall time, means the same on a loaded machine.`,
    `The first check loads ${c.declarationFiles} declaration files, ${(c.declarationBytes / 2 ** 20).toFixed(1)} MB of text (lib.es2023, @types/node and undici-types).`,
    "",
    "| phase | cold (as before this work) | from the warm-compiler snapshot |",
    "|---|---|---|",
    `| Node start (to the first line of the script) | ${c.nodeStartMs} ms | ${w?.nodeStartMs ?? "–"} ms (deserializing the snapshot: ${w === undefined ? "–" : Math.round(profile.bareNodeFromSnapshotMs - profile.bareNodeMs)} ms) |`,
    `| loading the compiler (typescript.js, 9 MB, and the checker's modules) | ${c.loadCompilerMs} ms${cc === undefined ? "" : ` (${cc.loadCompilerMs} ms with its V8 code cache)`} | ${w?.loadCompilerMs ?? "–"} ms |`,
    `| first check of an empty cell: program (parse), binder, checker | ${c.firstCheckMs} ms | ${w?.firstCheckMs ?? "–"} ms |`,
    `|   of which parsing declarations (share of program + bind wall time) | ${share(c.parseWallMs)} | reused from the snapshot |`,
    `|   of which binding them (share of program + bind wall time) | ${share(c.bindWallMs)} | reused from the snapshot |`,
    `| checking \`const answer: number = 6 * 7; answer\` | ${c.answerCheckMs} ms | ${w?.answerCheckMs ?? "–"} ms |`,
    `| then its declaration emit and transpile | ${c.answerCommitCompileMs ?? "–"} ms | ${w?.answerCommitCompileMs ?? "–"} ms |`,
    `| total to the first checked cell | ${c.totalMs} ms | ${w?.totalMs ?? "–"} ms |`,
    "",
    `A parse that is cold is mostly V8 warming up: in one process, the second program over the same files costs a quarter of the first. The snapshot keeps the parsed and bound declarations, so a kernel started from it skips both; it costs the deserialization instead. Building the snapshot took ${snapshotBuildS.toFixed(1)} s (wall, once per Node/TypeScript/typings change, in the background at lowest priority).`,
    "",
  );
}
lines.push(...keptSections());
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
if (keep) lines.push(...carriedOver());
lines.push(
  "## Raw",
  "",
  "```json",
  JSON.stringify({ results, quickstart, headless, profile }, null, 2),
  "```",
  "",
);
writeFileSync(`${resultsFile}.tmp`, lines.join("\n"));
renameSync(`${resultsFile}.tmp`, resultsFile);
console.error(readFileSync(resultsFile, "utf8"));
