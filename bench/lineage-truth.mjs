#!/usr/bin/env node
// Lineage against ground truth: runs every notebook of test/lineage-truth/cases.json through
// the built Session (dist/, `npm run build`) in the execution order the case gives, and
// compares the var, read and write edges of the resulting graph with the edges written by hand
// from docs/lineage-semantics.md. Prints precision and recall per category as a markdown table
// (for bench/RESULTS.md), or with --json everything, per case, for test/lineage-truth/. The
// staleness marks are compared too. REPLAB_OBSERVE=0 measures the static analysis alone.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
/** @type {typeof import("../runtime/session/session.js")} */
const { createSession } = await import(join(root, "dist", "runtime/session/session.js"));

/**
 * @typedef {{ id: string, source: string | string[] }} Cell
 * @typedef {string | { id: string, source: string | string[] }} Step
 * @typedef {{ name: string, category: string, language?: "typescript" | "javascript",
 *   files?: Record<string, string>, cells: Cell[], order?: Step[], edges: string[],
 *   stale?: string[] }} Case
 * @typedef {{ name: string, category: string, expected: string[], actual: string[],
 *   missing: string[], extra: string[], stale: { expected: string[], actual: string[] },
 *   errors: string[] }} CaseResult
 */

const casesPath = join(root, "test", "lineage-truth", "cases.json");
/** @type {Case[]} */
const cases = JSON.parse(readFileSync(casesPath, "utf8"));
const json = process.argv.includes("--json");
const only = process.argv.find((a) => a.startsWith("--case="))?.slice("--case=".length);

/** @type {(s: string | string[]) => string} */
const text = (s) => (Array.isArray(s) ? s.join("\n") : s);

/** A sink that keeps nothing: the graph is what is measured. */
const sink = {
  stream() {},
  display() {},
  clearOutput() {},
  input: async () => "",
};

/**
 * The edges of a graph in the cases' notation: `a->b:x` (var), `read F->b`, `write a->F`.
 * @param {import("../runtime/lineage/types.js").LineageGraph} graph
 */
function edgesOf(graph) {
  const out = [];
  for (const e of graph.edges) {
    if (e.kind === "var") out.push(`${e.from}->${e.to}:${e.label}`);
    if (e.kind === "read") out.push(`read ${e.label}->${e.to}`);
    if (e.kind === "write") out.push(`write ${e.from}->${e.label}`);
  }
  return [...new Set(out)].sort();
}

/**
 * Run one case in a fresh session and directory; the globals it made are removed after.
 * @param {Case} c
 * @returns {Promise<CaseResult>}
 */
async function runCase(c) {
  // Inside the repository, so the notebook's imports resolve from its node_modules.
  mkdirSync(join(root, "test-output"), { recursive: true });
  const dir = mkdtempSync(join(root, "test-output", "lineage-truth-"));
  for (const [path, content] of Object.entries(c.files ?? {})) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const before = new Set(Reflect.ownKeys(globalThis));
  const language = c.language ?? "typescript";
  const session = await createSession({ language, notebookDir: dir, journal: false });
  // As `replab run` does: cells open files relative to the notebook.
  const cwd = process.cwd();
  process.chdir(dir);
  const sources = new Map(c.cells.map((cell) => [cell.id, text(cell.source)]));
  /** @type {string[]} */
  const errors = [];
  for (const step of c.order ?? c.cells.map((cell) => cell.id)) {
    const id = typeof step === "string" ? step : step.id;
    if (typeof step !== "string") sources.set(id, text(step.source));
    const code = sources.get(id) ?? "";
    const outcome = await session.execute(
      { code, cellId: id, storeHistory: true, silent: false, allowStdin: false },
      sink,
    );
    if (outcome.status === "error") errors.push(`${id}: ${outcome.ename}: ${outcome.evalue}`);
  }
  const graph = session.lineage();
  await session.dispose();
  process.chdir(cwd);
  for (const key of Reflect.ownKeys(globalThis)) {
    if (!before.has(key)) Reflect.deleteProperty(globalThis, key);
  }
  rmSync(dir, { recursive: true, force: true });
  const actual = edgesOf(graph);
  const expected = [...new Set(c.edges)].sort();
  const stale = graph.nodes.filter((n) => n.kind === "cell" && n.stale).map((n) => n.id);
  return {
    name: c.name,
    category: c.category,
    expected,
    actual,
    missing: expected.filter((e) => !actual.includes(e)),
    extra: actual.filter((e) => !expected.includes(e)),
    stale: { expected: [...(c.stale ?? [])].sort(), actual: stale.sort() },
    errors,
  };
}

/**
 * Precision and recall over a set of results.
 * @param {CaseResult[]} results
 */
function score(results) {
  const tp = results.reduce((n, r) => n + r.expected.length - r.missing.length, 0);
  const fp = results.reduce((n, r) => n + r.extra.length, 0);
  const fn = results.reduce((n, r) => n + r.missing.length, 0);
  const exact = results.filter((r) => r.missing.length === 0 && r.extra.length === 0).length;
  const staleRight = results.filter(
    (r) => r.stale.expected.join() === r.stale.actual.join(),
  ).length;
  return {
    cases: results.length,
    edges: tp + fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    exact,
    staleRight,
  };
}

/** @type {CaseResult[]} */
const results = [];
for (const c of cases) {
  if (only !== undefined && c.name !== only) continue;
  results.push(await runCase(c));
}
const categories = [...new Set(results.map((r) => r.category))];
const byCategory = Object.fromEntries(
  categories.map((cat) => [cat, score(results.filter((r) => r.category === cat))]),
);
const total = score(results);
const observe = process.env["REPLAB_OBSERVE"] !== "0";

/** @type {(n: number) => string} */
const f3 = (n) => n.toFixed(3);
if (json) {
  writeSync(1, `${JSON.stringify({ observe, total, byCategory, results }, null, 2)}\n`);
} else {
  const lines = [
    `| category | cases | edges | precision | recall | exact | staleness right |`,
    `| --- | --- | --- | --- | --- | --- | --- |`,
  ];
  for (const [cat, s] of [...Object.entries(byCategory), ["**all**", total]]) {
    const t = /** @type {ReturnType<typeof score>} */ (s);
    lines.push(
      `| ${cat} | ${t.cases} | ${t.edges} | ${f3(t.precision)} | ${f3(t.recall)} | ${t.exact} | ${t.staleRight} |`,
    );
  }
  writeSync(1, `${lines.join("\n")}\n`);
  for (const r of results) {
    if (
      r.missing.length + r.extra.length === 0 &&
      r.stale.expected.join() === r.stale.actual.join()
    )
      continue;
    writeSync(
      2,
      `${r.name}: missing ${JSON.stringify(r.missing)} extra ${JSON.stringify(r.extra)} stale ${JSON.stringify(r.stale)} errors ${JSON.stringify(r.errors)}\n`,
    );
  }
}
