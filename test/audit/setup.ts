/**
 * The audit tests' world: the example notebooks (notebooks/*.ipynb) run afresh with the built
 * CLI into a scratch directory inside the repository (so they resolve its node_modules and
 * lockfile), a notebook that writes a file, and the built CLI run without blocking the event
 * loop (the OpenLineage test serves HTTP in this process while replab runs).
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BIN, ROOT, scratch, writeNotebook, type CliResult } from "../cli/helpers.js";

/** The example notebooks' file names. */
export const EXAMPLES = readdirSync(join(ROOT, "notebooks"))
  .filter((n) => n.endsWith(".ipynb"))
  .sort();

/** The venv's Python, which has jsonschema and prov (test/setup/requirements.txt). */
export const PYTHON = join(ROOT, ".venv", "bin", "python");

/** Copy notebooks/ into a scratch directory and run every example there; returns the directory. */
export function runExamples(name: string): string {
  const dir = scratch(name);
  cpSync(join(ROOT, "notebooks"), dir, { recursive: true });
  for (const nb of EXAMPLES) {
    const result = spawnSync(process.execPath, [BIN, "run", nb, "-o", outName(nb), "--quiet"], {
      cwd: dir,
      env: { ...process.env, REPLAB_SEED: "", OPENLINEAGE_URL: "" },
      encoding: "utf8",
      timeout: 240_000,
    });
    if (result.status !== 0) throw new Error(`replab run ${nb} failed:\n${result.stderr}`);
  }
  return dir;
}

/** Where runExamples writes the executed copy of `nb`. */
export function outName(nb: string): string {
  return nb.replace(/\.ipynb$/, ".out.ipynb");
}

/** A notebook whose first cell reads a CSV and writes a summary, and whose second reads that back. */
export function writeFileNotebook(dir: string): string {
  const path = join(dir, "writes.ipynb");
  writeNotebook(path, [
    {
      id: "summarise",
      source:
        'import { readFileSync, writeFileSync } from "node:fs";\nconst rows = readFileSync("data/seattle-weather.csv", "utf8").trim().split("\\n");\nwriteFileSync("rows.txt", `${rows.length - 1}\\n`);',
    },
    {
      id: "check",
      source: 'const back = readFileSync("rows.txt", "utf8");\nconsole.log(back.trim());',
    },
  ]);
  return path;
}

/** Run `replab ARGS` asynchronously. */
export function replabAsync(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, REPLAB_SEED: "", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Run a Python script from test/audit/ with the venv's Python; its stdout is JSON. */
export function python(script: string, args: string[]): unknown {
  const result = spawnSync(PYTHON, [join(ROOT, "test", "audit", script), ...args], {
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0)
    throw new Error(`${script} failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}
