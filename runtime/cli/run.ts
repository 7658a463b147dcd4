/**
 * `replab run`: run notebooks headless (docs/contracts.md, "CLI"). Exit 0 ok;
 * 1 a cell failed or --check found different outputs; 2 usage or unreadable notebook, with
 * nothing written. Never loads ZeroMQ or kernel/.
 */
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { writeRealStderr } from "../executor/capture.js";
import { ReplabError } from "../errors.js";
import type { LineageGraph } from "../lineage/types.js";
import { notebookLanguage, readNotebook } from "../notebook/read.js";
import type { Notebook } from "../notebook/types.js";
import { serializeNotebook, writeFileAtomic, writeFileAtomicSync } from "../notebook/write.js";
import { parseRunArgs, RUN_USAGE, type RunOptions } from "../runner/args.js";
import { differences } from "../runner/check.js";
import { checkMagics } from "../runner/magic-check.js";
import { resolveSeed, storeRunMetadata } from "../runner/metadata.js";
import { relaunchRun } from "../runner/relaunch.js";
import { applyRunTimeZone } from "../runner/run-locale.js";
import { checkOutputTarget } from "../runner/output-target.js";
import { runParallel } from "../runner/parallel.js";
import { injectParameters, parameterWarnings } from "../runner/parameters.js";
import { createProgress } from "../runner/progress.js";
import { executeNotebook, type CellFailure, type RunnerEngine } from "../runner/run-notebook.js";
import type { Language } from "../session/types.js";
import { runCommand } from "./exit.js";
import { printUsage } from "./help.js";
import { counted } from "../words.js";

/** Entry point of `replab run`, and of `replab kernel run`, which the dispatcher sends here. */
export async function main(args: string[]): Promise<number> {
  const code = await runCommand(async () => {
    const options = parseRunArgs(args);
    if (options.help) return printUsage(RUN_USAGE);
    if (options.notebooks.length > 1 || options.jobs > 1) {
      return runParallel(options.notebooks, childFlags(options), options.jobs);
    }
    return runOne(options.notebooks[0] as string, options);
  });
  exitWhenIdleOrNot(code);
  return code;
}

/**
 * Cells can leave timers, sockets or workers behind (an interrupted `await sleep(60_000)`);
 * the run is over, so they must not keep the process alive. The unref'd timer fires only
 * when something else still holds the event loop.
 */
function exitWhenIdleOrNot(code: number): void {
  setTimeout(() => process.exit(code), 0).unref();
}

/** The flags every child of a parallel run gets (each writes its own NAME.out.ipynb or in place). */
function childFlags(options: RunOptions): string[] {
  const flags: string[] = [];
  if (options.inplace) flags.push("--inplace");
  for (const [name, value] of options.parameters)
    flags.push("-p", `${name}=${JSON.stringify(value)}`);
  if (options.seed !== undefined) flags.push("--seed", String(options.seed));
  if (options.check) flags.push("--check");
  if (options.allowErrors) flags.push("--allow-errors");
  if (options.timeoutMs !== undefined) flags.push("--timeout", String(options.timeoutMs / 1000));
  if (options.mlflow !== undefined) flags.push("--mlflow", options.mlflow);
  return flags;
}

/** Where the executed notebook goes, or undefined when nothing is written (--check alone). */
export function outputPath(path: string, options: RunOptions): string | undefined {
  if (options.inplace) return path;
  if (options.output !== undefined) {
    checkOutputTarget(resolve(options.output), options.output);
    return resolve(options.output);
  }
  if (options.check) return undefined;
  const target = resolve(dirname(path), `${basename(path, ".ipynb")}.out.ipynb`);
  if (existsSync(target)) {
    throw new ReplabError(
      "usage",
      `${target} exists; pass -o ${target} to replace it, or --inplace to update ${basename(path)}`,
    );
  }
  return target;
}

/** A local session in this process, or a kernel on the --server. */
async function startEngine(
  path: string,
  notebook: Notebook,
  language: Language,
  seed: number,
  options: RunOptions,
): Promise<RunnerEngine & { dispose(): Promise<void> }> {
  if (options.server !== undefined) {
    const { connectRemote } = await import("../runner/remote.js");
    const spec = notebook.metadata["kernelspec"] as { name?: string } | undefined;
    const kernel = spec?.name ?? (language === "typescript" ? "replab" : "replab-js");
    return connectRemote(options.server, options.token, kernel, seed);
  }
  const { createSession } = await import("../session/session.js");
  const notebookDir = dirname(path);
  // Cells read relative paths from the notebook's directory, as they do in Jupyter.
  process.chdir(notebookDir);
  // The machine's time zone must not change the outputs: the recorded one, else UTC.
  applyRunTimeZone(notebook);
  // What a cell's timers print later goes to that cell, and the run waits for them (README, "Late output").
  const lateOutput = "origin";
  return createSession({ language, notebookDir, seed, notebookName: basename(path), lateOutput });
}

async function runOne(file: string, options: RunOptions): Promise<number> {
  const path = resolve(file);
  const stored = await readNotebook(path, file);
  const language = notebookLanguage(stored, file);
  // Before anything runs or prints: the locale and a start-up snapshot are fixed when Node starts.
  const relaunched = options.server === undefined ? await relaunchRun(stored, language) : undefined;
  if (relaunched !== undefined) return relaunched;
  checkMagics(stored, file);
  const target = outputPath(path, options);
  const notebook = structuredClone(stored);
  if (options.parameters.size > 0) {
    // The session loads the compiler's parser anyway; this reads the parameters cell with it.
    const { cellSyntax } = await import("../compiler/syntax.js");
    const declared = (source: string) => cellSyntax(source, language).declaredNames;
    for (const warning of parameterWarnings(stored, options.parameters, declared))
      writeRealStderr(`replab: ${warning}\n`);
  }
  injectParameters(notebook, options.parameters, language);
  const seed = resolveSeed(options.seed, notebook);
  const began = performance.now();
  // With OPENLINEAGE_URL set the run is posted to that backend: START now, COMPLETE at the end.
  const openLineage = await (await import("../audit/openlineage-run.js")).startOpenLineage(path);
  const engine = await startEngine(path, stored, language, seed, options);
  const progress = createProgress(options.quiet);
  const onProcessExit = (ended: Notebook, lineage: LineageGraph | undefined): void => {
    if (target === undefined) return;
    // As a run that ends normally stores it; the audit capture is async, so it is left out.
    if (lineage !== undefined) storeRunMetadata(ended, lineage.seed, lineage);
    const failure = writeFileAtomicSync(target, serializeNotebook(ended));
    writeRealStderr(`replab: ${failure?.message ?? `wrote ${target}`}\n`);
  };
  const result = await executeNotebook(notebook, engine, { ...options, progress, onProcessExit });
  // `%repro seed N` in a cell overrides every other source; the engine's graph carries it.
  storeRunMetadata(notebook, result.lineage.seed, result.lineage);
  // The report's data and model cards need the frames' dtypes and the models the cells hold now.
  if (options.server === undefined) {
    (await import("../audit/capture.js")).storeAuditCapture(notebook, result.lineage);
  }
  await openLineage?.finish(notebook);
  await engine.dispose();
  // Without --allow-errors the run stopped at its one failure; with it, each is named.
  const failure = result.failures[0];
  for (const failed of result.failures) reportFailure(failed);
  const differs = options.check
    ? reportCheck(stored, notebook, result.lineage, file, options.quiet)
    : false;
  if (target !== undefined) await writeFileAtomic(target, serializeNotebook(notebook));
  if (!options.quiet) {
    const seconds = ((performance.now() - began) / 1000).toFixed(2);
    const wrote = target === undefined ? "" : `; wrote ${target}`;
    writeRealStderr(
      `replab: ran ${counted(result.cellsRun, "cell")} of ${file} in ${seconds}s (seed ${result.lineage.seed})${wrote}\n`,
    );
  }
  // --allow-errors asks for the notebook with its errors recorded (nbconvert's meaning): that is a success.
  return (failure !== undefined && !options.allowErrors) || differs ? 1 : 0;
}

function reportFailure(failure: CellFailure): void {
  const { cellId, position, error } = failure;
  const traceback = forStderr(error.traceback.join("\n"));
  writeRealStderr(
    `replab: cell ${cellId} (code cell ${position}) failed: ${error.ename}: ${error.evalue}\n${traceback}\n`,
  );
}

/** SGR escapes, as tracebacks carry them for Jupyter's frontends. */
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

/** A traceback's colours for a terminal; plain text for a log, a pipe or NO_COLOR. */
function forStderr(text: string): string {
  const colour = process.stderr.isTTY === true && process.env["NO_COLOR"] === undefined;
  return colour ? text : text.replace(COLOUR, "");
}

/** Say what --check found; true when a cell not flagged nondeterministic differs (exit 1). */
function reportCheck(
  stored: Notebook,
  fresh: Notebook,
  lineage: LineageGraph,
  file: string,
  quiet: boolean,
): boolean {
  const found = differences(stored, fresh, lineage);
  for (const { cellId, position, diff, flags } of found) {
    const cell = `cell ${cellId} (code cell ${position}) gave different outputs`;
    const line =
      flags.length === 0
        ? `check failed: ${cell}`
        : `check marked, not failed: ${cell} (the cell is flagged nondeterministic: ${flags.join(", ")})`;
    writeRealStderr(`replab: ${line}\n${diff.join("\n")}\n`);
  }
  const failed = found.some((d) => d.flags.length === 0);
  if (!failed && !quiet) {
    const which =
      found.length === 0
        ? "every cell"
        : `every cell not flagged nondeterministic (${counted(found.length, "flagged cell")} differed)`;
    writeRealStderr(`replab: check ok: ${which} of ${file} gave its stored outputs\n`);
  }
  return failed;
}
