/**
 * `replab export NB.ipynb -o DIR [--target CELL_ID|VARIABLE] [--include-data] [--force]`:
 * the stored run of an executed notebook as a deterministic pipeline (docs/contracts.md, "Export
 * directory"). Exit 2 for usage errors and an existing DIR without --force.
 */
import { dirname, resolve } from "node:path";
import { writeRealStderr } from "../executor/capture.js";
import type { ReplabError } from "../errors.js";
import { exportPipeline } from "../export/export.js";
import { fromNotebook } from "../export/source.js";
import { checkTarget } from "../export/write-dir.js";
import { notebookLanguage, readNotebook } from "../notebook/read.js";
import { runCommand } from "./exit.js";
import { isHelpFlag, printUsage, usageError } from "./help.js";
import { counted } from "../words.js";

/** `replab help export`: the synopsis (also shown after a usage error), what it does, every option. */
export const EXPORT_USAGE = `usage: replab export NB.ipynb -o DIR [--target CELL_ID|VARIABLE] [--include-data] [--force]

Write the run stored in an executed notebook (by replab run or a replab kernel) as a pipeline
directory: pipeline.ts and pipeline.mjs, package.json and package-lock.json, repro.lock.json
(the seed and the sha256 of every data file and every cell's stdout), a Dockerfile and a
README. Two exports of one run are byte-identical; replab verify DIR re-runs the pipeline and
compares it with repro.lock.json.

options:
  -o, --output DIR        the directory to write (required); an existing DIR needs --force
      --target CELL_ID|VARIABLE
                          export only that cell (or the last cell defining that variable) and
                          the cells whose variables it uses, transitively
      --include-data      copy the data files the cells read (not those they write) into DIR/data
      --force             replace the earlier export in DIR
  -h, --help              print this help

exit status: 0 exported; 1 the export failed; 2 a usage error, an unreadable notebook or an
existing DIR without --force
`;

const usage = (message: string): ReplabError => usageError("export", EXPORT_USAGE, message);

interface ExportArgs {
  notebook: string;
  dir: string;
  target: string | undefined;
  includeData: boolean;
  force: boolean;
  /** -h or --help was given (never for the magic): print EXPORT_USAGE; nothing else was checked. */
  help: boolean;
}

/** What parseExportArgs returns for -h and --help. */
const HELP_ARGS: ExportArgs = {
  notebook: "",
  dir: "",
  target: undefined,
  includeData: false,
  force: false,
  help: true,
};

/** Parse `replab export` (and `%repro export`) arguments; `dirFirst` is the magic's positional DIR. */
export function parseExportArgs(args: string[], dirFirst = false): ExportArgs {
  const positional: string[] = [];
  let dir: string | undefined;
  let target: string | undefined;
  let includeData = false;
  let force = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw usage(`${arg} needs a value`);
      return v;
    };
    if (arg === "-o" || arg === "--output") dir = value();
    else if (arg === "--target") target = value();
    else if (arg === "--include-data") includeData = true;
    else if (arg === "--force") force = true;
    else if (isHelpFlag(arg) && !dirFirst) return HELP_ARGS;
    else if (arg.startsWith("-")) throw usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (dirFirst)
    return {
      notebook: "",
      dir: positional[0] ?? dir ?? missing("DIR"),
      target,
      includeData,
      force,
      help: false,
    };
  if (positional.length !== 1) throw usage(`expected one notebook, got ${positional.length}`);
  return {
    notebook: positional[0] as string,
    dir: dir ?? missing("-o DIR"),
    target,
    includeData,
    force,
    help: false,
  };
}

function missing(what: string): never {
  throw usage(`missing ${what}`);
}

/** Entry point of `replab export`. */
export async function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const options = parseExportArgs(args);
    if (options.help) return printUsage(EXPORT_USAGE);
    const path = resolve(options.notebook);
    const notebook = await readNotebook(path, options.notebook);
    const language = notebookLanguage(notebook, options.notebook);
    const dir = resolve(options.dir);
    checkTarget(dir, options.force, dirname(path));
    const source = fromNotebook(notebook, path, dirname(path), language);
    const count = await exportPipeline(source, { ...options, dir });
    writeRealStderr(
      `replab: exported ${options.notebook} to ${options.dir} (${counted(count, "file")})\n`,
    );
    return 0;
  });
}
