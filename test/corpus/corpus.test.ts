/**
 * The corpus suites (test/corpus/notebooks/, notebooks written as people write them). One
 * `replab run` command runs every notebook and its metamorphic variants while tslab 1.0.22
 * runs the notebooks beside it, so each notebook starts a process once per variant and never
 * more; nothing is kept from an earlier test run.
 *
 * - Differential: every cell tslab runs runs under replab and prints the same (cells tagged
 *   `seeded` draw from tslab's unseeded Math.random, so they only have to run).
 * - Metamorphic: every top-level statement in a cell of its own, all cells merged into one,
 *   every cell run twice: the same outputs.
 * - Export: every notebook replab runs fully re-runs identically (`replab run --check`),
 *   exports with its data, and its export passes `replab verify`: none is refused, none
 *   crashes. The notebook's own modules are carried, so local-modules exports and verifies.
 *   The corpus copy is an npm project of its own (harness.ts copyCorpus npm-installs the
 *   tarball of test/corpus/packages/tsc-greeter): cjs-package's export carries that tarball and
 *   pins it from the copy's lockfile, and the packages loaded from the repository's node_modules
 *   (danfojs-node, tfjs) from the repository's, so neither is refused.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  HAS_JUPYTER,
  cellRuns,
  copyCorpus,
  corpusNames,
  readNotebook,
  recordCounts,
  replabIn,
  runUnderReplab,
  runUnderTslab,
  withoutPromiseResult,
  writeNotebookJson,
  type CliResult,
  type CodeCell,
  type Notebook,
} from "./harness.js";
import { exemption, merged, split, twice, type Relation } from "./variants.js";

const VARIANTS: Record<Relation, (notebook: Notebook) => Notebook> = { split, merged, twice };

let names: string[] = [];
let tslab = new Map<string, Notebook>();
let runs = new Map<string, Notebook>();
let dir = "";

beforeAll(async () => {
  dir = copyCorpus("corpus");
  names = corpusNames();
  const files: string[] = [];
  for (const name of names) {
    const notebook = readNotebook(join(dir, `${name}.ipynb`));
    files.push(`${name}.ipynb`);
    for (const [relation, variant] of Object.entries(VARIANTS) as [Relation, typeof split][]) {
      if (exemption(notebook, relation) !== undefined) continue;
      writeNotebookJson(join(dir, `${name}.${relation}.ipynb`), variant(notebook));
      files.push(`${name}.${relation}.ipynb`);
    }
  }
  const theirs = HAS_JUPYTER ? runUnderTslab(dir, names) : Promise.resolve(new Map());
  [tslab, runs] = await Promise.all([theirs, runUnderReplab(dir, files)]);
}, 3_300_000);

const text = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? value.join("") : (value ?? "");

/** What a cell showed: its stdout, its result's text/plain and its error, in order. */
function shown(cell: CodeCell): string[] {
  return cell.outputs.flatMap((o) => {
    if (o.output_type === "stream") return o.name === "stdout" ? [`stdout ${text(o.text)}`] : [];
    if (o.output_type === "error") return [`error ${o.ename ?? ""}: ${o.evalue ?? ""}`];
    if (o.output_type === "execute_result") {
      return [`result ${text(o.data?.["text/plain"] as string | string[] | undefined)}`];
    }
    return [];
  });
}

const stdoutOf = (notebook: Notebook): string =>
  notebook.cells
    .flatMap(shown)
    .filter((s) => s.startsWith("stdout "))
    .map((s) => s.slice("stdout ".length))
    .join("");

const errorsOf = (notebook: Notebook): string[] =>
  notebook.cells.flatMap(shown).filter((s) => s.startsWith("error "));

const runsFully = (notebook: Notebook): boolean => cellRuns(notebook).every((c) => !c.error);

describe.skipIf(!HAS_JUPYTER)("the corpus under tslab 1.0.22 and under replab", () => {
  it("runs every cell tslab runs, with the same stdout", () => {
    const differences: string[] = [];
    const counts = { notebooks: names.length, cells: 0, tslabFull: 0, replabFull: 0 };
    const cells = { tslabRan: 0, replabRan: 0, replabRanOfTslabs: 0 };
    for (const name of names) {
      const theirs = cellRuns(tslab.get(name)!);
      const mine = cellRuns(runs.get(`${name}.ipynb`)!);
      counts.cells += theirs.length;
      if (theirs.every((c) => !c.error)) counts.tslabFull++;
      if (mine.every((c) => !c.error)) counts.replabFull++;
      cells.tslabRan += theirs.filter((c) => !c.error).length;
      cells.replabRan += mine.filter((c) => !c.error).length;
      theirs.forEach((cell, i) => {
        const us = mine[i];
        const where = `${name}.ipynb cell ${i + 1}`;
        if (cell.error || us === undefined) return;
        if (us.error) {
          differences.push(`${where} fails under replab only`);
          return;
        }
        cells.replabRanOfTslabs++;
        const expected = cell.promiseResult ? withoutPromiseResult(cell.stdout) : cell.stdout;
        const same = cell.promiseResult ? us.stdout.startsWith(expected) : us.stdout === expected;
        if (!same && !cell.seeded)
          differences.push(
            `${where}: tslab ${JSON.stringify(cell.stdout)}, replab ${JSON.stringify(us.stdout)}`,
          );
      });
    }
    recordCounts("differential", { ...counts, ...cells });
    expect(differences).toEqual([]);
    expect(counts.replabFull).toBeGreaterThanOrEqual(counts.tslabFull);
  });
});

describe("the corpus under metamorphic changes", () => {
  it("prints the same with every statement in its own cell", () => {
    const differences = names.flatMap((name) => {
      const [base, variant] = [runs.get(`${name}.ipynb`)!, runs.get(`${name}.split.ipynb`)];
      if (variant === undefined) return [];
      if (stdoutOf(variant) !== stdoutOf(base)) return [`${name}: other stdout`];
      const errors = errorsOf(variant);
      return errors.join("\n") === errorsOf(base).join("\n")
        ? []
        : [`${name}: ${errors.join("; ")}`];
    });
    expect(differences).toEqual([]);
  });

  it("prints the same with all cells merged into one", () => {
    // A failing cell stops the merged cell where it fails: notebooks that run fully compare.
    const compared = names.filter(
      (n) => runs.has(`${n}.merged.ipynb`) && runsFully(runs.get(`${n}.ipynb`)!),
    );
    const differences = compared.flatMap((name) => {
      const [base, variant] = [runs.get(`${name}.ipynb`)!, runs.get(`${name}.merged.ipynb`)!];
      const errors = errorsOf(variant);
      if (errors.length > 0) return [`${name}: ${errors.join("; ")}`];
      return stdoutOf(variant) === stdoutOf(base) ? [] : [`${name}: other stdout`];
    });
    expect(compared.length).toBeGreaterThanOrEqual(30);
    expect(differences).toEqual([]);
  });

  it("shows the same when every cell runs a second time", () => {
    const differences: string[] = [];
    let cellsRunTwice = 0;
    for (const name of names) {
      const cells = runs.get(`${name}.twice.ipynb`)?.cells ?? [];
      for (let i = 0; i + 1 < cells.length; i += 2) {
        const [first, again] = [cells[i]!, cells[i + 1]!];
        // Tagged cells change state the second run sees (a push onto a global list).
        if (first.metadata.tags?.includes("not-idempotent") === true) continue;
        cellsRunTwice++;
        if (JSON.stringify(shown(again)) !== JSON.stringify(shown(first)))
          differences.push(
            `${name} cell ${i / 2 + 1}: ${JSON.stringify([shown(first), shown(again)])}`,
          );
      }
    }
    recordCounts("metamorphic", { notebooks: names.length, cellsRunTwice });
    expect(differences).toEqual([]);
  });
});

/** Run TASKS two at a time (the machine's cores); results in the tasks' order. */
async function twoAtATime<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

describe("the corpus exported", () => {
  it("re-runs identically, exports and verifies every notebook replab runs fully", async () => {
    const running = names.filter((n) => runsFully(runs.get(`${n}.ipynb`)!));
    const executed = running.map((n) => `${n}.out.ipynb`);
    const check: CliResult = await replabIn(dir, ["run", ...executed, "--check", "-j", "2"]);
    const problems = [...check.stderr.matchAll(/^FAIL .*$/gm)].map((m) => m[0]);
    const exports = await twoAtATime(
      running.map((name) => async () => {
        const out = `${name}.export`;
        const exported = await replabIn(dir, [
          "export",
          `${name}.out.ipynb`,
          "-o",
          out,
          "--include-data",
        ]);
        // A refusal is one line saying what and why (exit 1): counted, and a failure here.
        if (exported.code === 1 && /^replab: [^\n]*\n$/.test(exported.stderr)) {
          return `refused ${name}: ${exported.stderr}`;
        }
        if (exported.code !== 0) return `${name}: export failed: ${exported.stderr}`;
        const verified = await replabIn(dir, ["verify", out]);
        return verified.code === 0 ? "" : `${name}: verify failed: ${verified.stderr}`;
      }),
    );
    recordCounts("export", {
      notebooks: names.length,
      runFully: running.length,
      checkIdentical: running.length - problems.length,
      exportVerified: exports.filter((r) => r === "").length,
      exportRefused: exports.filter((r) => r.startsWith("refused ")).length,
    });
    problems.push(...exports.filter((r) => r !== ""));
    for (const shape of ["local-modules", "rejected-promise", "cjs-package", "js-sloppy"])
      expect(running).toContain(shape);
    expect(problems).toEqual([]);
    expect(running.length).toBeGreaterThanOrEqual(30);
  }, 1_800_000);
});
