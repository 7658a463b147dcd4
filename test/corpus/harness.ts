/**
 * The corpus (test/corpus/notebooks/) as the three corpus suites use it: a fresh copy of the
 * notebooks' project per run (nothing cached between test runs), tslab 1.0.22 driven through
 * `jupyter nbconvert --execute` from the venv, `replab run` over many notebooks in one
 * process, and each cell's outputs read back from the executed notebooks.
 */
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, ROOT, scratch, type CliResult } from "../cli/helpers.js";

export type { CliResult };

/** The corpus's project directory: notebooks, their data files and local modules. */
export const CORPUS = join(ROOT, "test/corpus/notebooks");

const PYTHON = join(ROOT, ".venv/bin/python");

/** Whether the venv with nbclient is installed (test/setup/prepare.sh). */
export const HAS_JUPYTER =
  existsSync(join(ROOT, ".venv/.requirements.sha256")) && existsSync(PYTHON);

/** A code cell of a notebook as nbformat stores it. */
export interface CodeCell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata: { tags?: string[]; corpus?: { status: string } };
  execution_count: number | null;
  outputs: Output[];
}

/** One nbformat output. */
export interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
}

/** A notebook's JSON, as much of it as the suites read. */
export interface Notebook {
  metadata: {
    kernelspec: { name: string; display_name: string; language: string };
    /** What the metamorphic suite must know of this notebook (test/corpus/variants.ts). */
    corpus?: { metamorphic?: Record<string, string> };
  };
  cells: CodeCell[];
  [key: string]: unknown;
}

/** What one cell did, as the suites compare it. */
export interface CellRun {
  id: string;
  source: string;
  stdout: string;
  /** Whether the cell failed or, under tslab, was not run after an earlier failure. */
  error: boolean;
  /** Whether the cell's output depends on unseeded randomness (tagged `seeded`). */
  seeded: boolean;
  /** Whether the cell's result is a Promise (tagged `promise-result`), which tslab prints unsettled. */
  promiseResult: boolean;
  /** The cell's rich outputs: execute_result and display_data bundles' MIME types. */
  mimes: string[];
}

const text = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? value.join("") : (value ?? "");

/** The names of the corpus notebooks, without `.ipynb`. */
export function corpusNames(): string[] {
  return readdirSync(CORPUS)
    .filter((f) => f.endsWith(".ipynb") && !f.endsWith(".out.ipynb"))
    .map((f) => f.slice(0, -".ipynb".length))
    .sort();
}

/** Read a notebook. */
export function readNotebook(path: string): Notebook {
  return JSON.parse(readFileSync(path, "utf8")) as Notebook;
}

/** Write a notebook. */
export function writeNotebookJson(path: string, notebook: Notebook): void {
  writeFileSync(path, `${JSON.stringify(notebook, null, 1)}\n`);
}

/**
 * A fresh copy of the corpus project in a scratch directory inside the repository, with the
 * packages of test/corpus/packages installed as a user installs them: `npm pack`ed, then
 * `npm install`ed from the tarballs, so the copy's package.json and package-lock.json pin them
 * (and its exports carry them). The other packages load from the repository's node_modules.
 */
export function copyCorpus(name: string): string {
  const dir = scratch(name);
  cpSync(CORPUS, dir, { recursive: true, filter: (src) => !src.endsWith(".out.ipynb") });
  const vendor = join(dir, "vendor");
  mkdirSync(vendor);
  const sources = join(ROOT, "test/corpus/packages");
  const tarballs = readdirSync(sources)
    .sort()
    .map((pkg) => npm(["pack", join(sources, pkg), "--pack-destination", vendor], dir).trim());
  // A local tarball with no dependencies needs no registry, so this works with an empty cache.
  npm(["install", ...tarballs.map((t) => join(vendor, t))], dir);
  return dir;
}

/** Run npm offline in DIR and return its stdout; a failure is the harness's, with npm's stderr. */
function npm(args: string[], dir: string): string {
  const result = spawnSync("npm", [...args, "--offline", "--no-audit", "--no-fund"], {
    cwd: dir,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`npm ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Each code cell's printed text, failure and rich outputs. tslab prints a cell's result on
 * stdout, so replab's result (text/plain) counts as printed after the cell's stdout.
 */
export function cellRuns(notebook: Notebook): CellRun[] {
  return notebook.cells
    .filter((cell) => cell.cell_type === "code")
    .map((cell, i) => ({
      id: cell.id ?? String(i),
      source: text(cell.source),
      stdout: cell.outputs.map(printed).join(""),
      // tslab reports a failure only as stderr text, and aborts the cells after it without
      // running them; run_tslab.py keeps each reply's status ("ok", "error" or "abort").
      error:
        cell.outputs.some((o) => o.output_type === "error") ||
        (cell.metadata.corpus !== undefined && cell.metadata.corpus.status !== "ok"),
      seeded: cell.metadata.tags?.includes("seeded") ?? false,
      promiseResult: cell.metadata.tags?.includes("promise-result") ?? false,
      mimes: cell.outputs.flatMap((o) => Object.keys(o.data ?? {})),
    }));
}

function printed(output: Output): string {
  if (output.output_type === "stream") return output.name === "stdout" ? text(output.text) : "";
  if (output.output_type !== "execute_result") return "";
  return `${text(output.data?.["text/plain"] as string | string[] | undefined)}\n`;
}

/**
 * tslab's stdout without the Promise it printed as the cell's result (`Promise { 42 }`, or a
 * rejected one over several lines): replab shows what the Promise settled to instead.
 */
export function withoutPromiseResult(stdout: string): string {
  return stdout.replace(/^Promise \{(?: [^\n]* \}|\n(?:  .*\n)*\})\n/m, "");
}

/** A JUPYTER_PATH with kernelspecs `tslab` and `jslab` that run the tslab in node_modules. */
function tslabKernels(dir: string): string {
  const tslab = join(ROOT, "node_modules/tslab/bin/tslab");
  for (const [name, extra, language] of [
    ["tslab", [], "typescript"],
    ["jslab", ["--js"], "javascript"],
  ] as const) {
    const kernels = join(dir, "jupyter", "kernels", name);
    mkdirSync(kernels, { recursive: true });
    const argv = [
      process.execPath,
      tslab,
      "kernel",
      ...extra,
      "--config-path",
      "{connection_file}",
    ];
    writeFileSync(
      join(kernels, "kernel.json"),
      JSON.stringify({ argv, display_name: name, language }),
    );
  }
  return join(dir, "jupyter");
}

/** Run a command to its end; a time limit only guards against a hang. */
function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env, encoding: "utf8", timeout: 3_000_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        if (code === -1) reject(new Error(`${command} did not finish: ${error?.message ?? ""}`));
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * Run the notebooks NAMES of the corpus copy DIR under tslab 1.0.22 (TypeScript notebooks on
 * its `tslab` kernel, JavaScript ones on `jslab`) through nbclient, two at a time in one
 * Python process, and return the executed notebooks by name.
 */
export async function runUnderTslab(dir: string, names: string[]): Promise<Map<string, Notebook>> {
  const tslabDir = join(dir, "tslab");
  cpSync(CORPUS, tslabDir, { recursive: true, filter: (src) => !src.endsWith(".ipynb") });
  for (const name of names) {
    const notebook = readNotebook(join(dir, `${name}.ipynb`));
    const js = notebook.metadata.kernelspec.language === "javascript";
    notebook.metadata.kernelspec = {
      name: js ? "jslab" : "tslab",
      display_name: js ? "jslab" : "tslab",
      language: notebook.metadata.kernelspec.language,
    };
    writeNotebookJson(join(tslabDir, `${name}.ipynb`), notebook);
  }
  const script = join(ROOT, "test/corpus/run_tslab.py");
  const env = { ...process.env, JUPYTER_PATH: tslabKernels(dir) };
  const args = [script, "out", "2", ...names.map((n) => `${n}.ipynb`)];
  const result = await run(PYTHON, args, tslabDir, env);
  if (result.code !== 0) throw new Error(`tslab's run failed: ${result.stderr}`);
  return new Map(names.map((n) => [n, readNotebook(join(tslabDir, "out", `${n}.ipynb`))]));
}

/**
 * Run the notebooks FILES of DIR with `replab run --allow-errors` in one command, two at a
 * time; returns each executed notebook (NAME.out.ipynb) by its input name.
 */
export async function runUnderReplab(
  dir: string,
  files: string[],
  extra: string[] = [],
): Promise<Map<string, Notebook>> {
  const args = [BIN, "run", ...files, "--allow-errors", "--quiet", "-j", "2", ...extra];
  const ran = await run(process.execPath, args, dir, { ...process.env, REPLAB_SEED: "" });
  if (ran.code !== 0) throw new Error(`replab run failed (${ran.code}): ${ran.stderr}`);
  const executed = (f: string): string => f.replace(/\.ipynb$/, ".out.ipynb");
  return new Map(files.map((f) => [f, readNotebook(join(dir, executed(f)))]));
}

/** `replab ARGS` in DIR, as a user runs it. */
export function replabIn(dir: string, args: string[]): Promise<CliResult> {
  return run(process.execPath, [BIN, ...args], dir, { ...process.env, REPLAB_SEED: "" });
}

/** Keep a suite's counts in test-output/corpus-counts/SUITE.json, for the closing report of a run. */
export function recordCounts(suite: string, counts: Record<string, number>): void {
  const dir = join(ROOT, "test-output", "corpus-counts");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${suite}.json`), `${JSON.stringify(counts, null, 2)}\n`);
}
