/**
 * `replab runs`: list a notebook's run records, show one, compare several, or log one to
 * MLflow (docs/contracts.md, "Run records"). Reads `.replab/runs/` and writes nothing there.
 */
import { existsSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { writeRealStderr } from "../executor/capture.js";
import { ReplabError } from "../errors.js";
import { writeFileAtomic } from "../notebook/write.js";
import { compareRuns } from "../tracking/compare.js";
import {
  comparisonHtml,
  comparisonMarkdown,
  listHeaders,
  listMetrics,
  listRows,
  markdownTable,
  textTable,
} from "../tracking/render.js";
import { findRecord, readRecords, type SkippedRecord } from "../tracking/store.js";
import type { RunRecord } from "../tracking/record.js";
import { runsDir } from "../tracking/record.js";
import { runCommand } from "./exit.js";
import { isHelpFlag, printUsage, usageError } from "./help.js";

/** `replab help runs`. */
export const RUNS_USAGE = `usage: replab runs NB.ipynb [--metric NAME]... [--format text|md|json]
       replab runs show ID [--dir DIR] [--format json|md]
       replab runs compare ID1 ID2 [ID...] [--dir DIR] [--format md|json|html] [-o FILE]
       replab runs push ID [--dir DIR] [--mlflow URI]

Every 'replab run' and kernel session writes a run record (schema/run-record.schema.json) in
.replab/runs/ beside the notebook: params, metrics with steps, tags, input and output files
with sha256, per-cell hashes, dataframe profiles, environment and lineage. This command lists
a notebook's runs, shows one, compares runs (params, metrics, input data and column drift,
cell code, outputs, each with the cells it reaches), or logs one to an MLflow server.
An ID may be shortened to any unique prefix.

options:
      --metric NAME       a metric column in the list (repeatable; default every metric)
  -f, --format FORMAT     list: text (default), md, json; show: json (default), md;
                          compare: md (default), json, html (with a chart of each metric)
  -o, --output FILE       write the comparison to FILE instead of stdout
      --dir DIR           the notebook's directory, where .replab/runs is (default: .)
      --mlflow URI        push: the MLflow tracking server (default: $MLFLOW_TRACKING_URI)
  -h, --help              print this help

exit status: 0 ok; 1 push could not log the run; 2 a usage error, or no such run
`;

interface RunsOptions {
  command: "list" | "show" | "compare" | "push";
  targets: string[];
  metrics: string[];
  format: string | undefined;
  output: string | undefined;
  dir: string;
  mlflow: string | undefined;
}

const usage = (message: string): ReplabError => usageError("runs", RUNS_USAGE, message);

const FORMATS: Record<RunsOptions["command"], string[]> = {
  list: ["text", "md", "json"],
  show: ["json", "md"],
  compare: ["md", "json", "html"],
  push: [],
};

/** Parse `replab runs` arguments; undefined means --help. */
export function parseRunsArgs(args: string[]): RunsOptions | undefined {
  const first = args[0];
  const command =
    first === "show" || first === "compare" || first === "push" ? first : ("list" as const);
  const options: RunsOptions = {
    command,
    targets: [],
    metrics: [],
    format: undefined,
    output: undefined,
    dir: ".",
    mlflow: process.env["MLFLOW_TRACKING_URI"],
  };
  const rest = command === "list" ? args : args.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (isHelpFlag(arg)) return undefined;
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw usage(`${arg} needs a value`);
      return v;
    };
    if (arg === "--metric") options.metrics.push(value());
    else if (arg === "-f" || arg === "--format") options.format = value();
    else if (arg === "-o" || arg === "--output") options.output = value();
    else if (arg === "--dir") options.dir = value();
    else if (arg === "--mlflow") options.mlflow = value();
    else if (arg.startsWith("-") && arg !== "-") throw usage(`unknown option ${arg}`);
    else options.targets.push(arg);
  }
  return check(options);
}

function check(options: RunsOptions): RunsOptions {
  const { command, targets, format } = options;
  if (format !== undefined && !FORMATS[command].includes(format))
    throw usage(
      `--format ${format} is not one of ${FORMATS[command].join(", ") || "(none)"} for ${command}`,
    );
  if (command === "list" && targets.length !== 1)
    throw usage("give one notebook: replab runs NB.ipynb");
  if ((command === "show" || command === "push") && targets.length !== 1)
    throw usage(`give one run id: replab runs ${command} ID`);
  if (command === "compare" && targets.length < 2) throw usage("compare needs two or more run ids");
  if (options.output !== undefined && command !== "compare") throw usage("-o is for compare");
  return options;
}

/** Entry point of `replab runs`. */
export async function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const options = parseRunsArgs(args);
    if (options === undefined) return printUsage(RUNS_USAGE);
    switch (options.command) {
      case "list":
        return list(options);
      case "show":
        return show(options);
      case "compare":
        return compare(options);
      case "push":
        return push(options);
    }
  });
}

function list(options: RunsOptions): number {
  const notebook = resolve(options.targets[0] as string);
  if (!existsSync(notebook) || !statSync(notebook).isFile())
    throw new ReplabError("notebook-unreadable", `${options.targets[0]}: no such notebook`);
  const records = readRecords(dirname(notebook), basename(notebook), warnSkipped);
  if (options.format === "json") {
    process.stdout.write(`${JSON.stringify(records.map(summary), null, 1)}\n`);
    return 0;
  }
  const metrics = listMetrics(records, options.metrics);
  const headers = listHeaders(metrics);
  const rows = listRows(records, metrics);
  if (records.length === 0) {
    process.stdout.write(`no runs of ${options.targets[0]} in ${runsDir(dirname(notebook))}\n`);
    return 0;
  }
  const table = options.format === "md" ? markdownTable(headers, rows) : textTable(headers, rows);
  process.stdout.write(`${table}\n`);
  return 0;
}

/** What `runs --format json` lists per run: the record without its bulky parts. */
function summary(r: RunRecord): Record<string, unknown> {
  const metrics = Object.fromEntries(
    // JSON has no NaN: a non-finite last value is its name, as in the record's nonFinite.
    Object.entries(r.metrics).map(([k, v]) => [k, v.at(-1)?.nonFinite ?? v.at(-1)?.value ?? null]),
  );
  return {
    id: r.id,
    kind: r.kind,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    status: r.status,
    seed: r.seed,
    params: r.params,
    metrics,
  };
}

function records(options: RunsOptions): RunRecord[] {
  return readRecords(resolve(options.dir), undefined, warnSkipped);
}

/** A forged or hand-edited record is named, and the other runs are still listed. */
function warnSkipped({ path, problem }: SkippedRecord): void {
  writeRealStderr(
    `replab: skipped ${path}: not a run record replab wrote (${problem}); move it out of ${dirname(path)} or delete it\n`,
  );
}

function show(options: RunsOptions): number {
  const all = records(options);
  const record = findRecord(all, options.targets[0] as string, runsDir(resolve(options.dir)));
  if (options.format === "md") process.stdout.write(showMarkdown(record));
  else process.stdout.write(`${JSON.stringify(record, null, 1)}\n`);
  return 0;
}

function showMarkdown(r: RunRecord): string {
  const params = Object.entries(r.params).map(([k, v]) => [k, JSON.stringify(v)]);
  const metrics = Object.entries(r.metrics).map(([k, v]) => [
    k,
    String(v.length),
    String(v.at(-1)?.nonFinite ?? v.at(-1)?.value ?? ""),
  ]);
  const files = [
    ...r.inputs.map((f) => ["input", f.path, f.sha256, String(f.bytes)]),
    ...r.outputs.map((f) => ["output", f.path, f.sha256, String(f.bytes)]),
  ];
  return [
    `# Run ${r.id} of ${r.notebook.path}`,
    "",
    `${r.kind}, ${r.status}, seed ${r.seed}, started ${r.startedAt}${r.endedAt === null ? "" : `, ended ${r.endedAt}`}`,
    "",
    "## Params",
    "",
    markdownTable(["name", "value"], params),
    "",
    "## Metrics",
    "",
    markdownTable(["name", "points", "last"], metrics),
    "",
    "## Files",
    "",
    markdownTable(["", "path", "sha256", "bytes"], files),
    "",
  ].join("\n");
}

async function compare(options: RunsOptions): Promise<number> {
  const all = records(options);
  const where = runsDir(resolve(options.dir));
  const chosen = options.targets.map((id) => findRecord(all, id, where));
  const comparison = compareRuns(chosen);
  const format = options.format ?? "md";
  const text =
    format === "json"
      ? `${JSON.stringify(comparison, null, 1)}\n`
      : format === "html"
        ? comparisonHtml(comparison)
        : comparisonMarkdown(comparison);
  if (options.output === undefined) process.stdout.write(text);
  else await writeFileAtomic(resolve(options.output), text);
  return 0;
}

async function push(options: RunsOptions): Promise<number> {
  const uri = options.mlflow;
  if (uri === undefined || uri === "")
    throw usage("push needs --mlflow URI (or MLFLOW_TRACKING_URI)");
  const dir = resolve(options.dir);
  const record = findRecord(records(options), options.targets[0] as string, runsDir(dir));
  const { publishRun } = await import("../tracking/mlflow.js");
  let warned = false;
  const runId = await publishRun(uri, record, {
    notebookDir: dir,
    warn: (message) => {
      warned = true;
      writeRealStderr(`${message}\n`);
    },
  });
  if (runId === undefined) return 1;
  process.stdout.write(`logged run ${record.id} to ${uri} as MLflow run ${runId}\n`);
  return warned ? 1 : 0;
}
