/**
 * `replab export NB.ipynb -o DIR [--target CELL_ID|VARIABLE] [--include-data] [--force]`:
 * the stored run of an executed notebook as a deterministic pipeline (DESIGN.md "Export
 * directory"). Exit 2 for usage errors and an existing DIR without --force.
 */
import { dirname, resolve } from "node:path";
import { writeRealStderr } from "../executor/capture.js";
import { ReplabError } from "../errors.js";
import { exportPipeline } from "../export/export.js";
import { fromNotebook } from "../export/source.js";
import { checkTarget } from "../export/write-dir.js";
import { notebookLanguage, readNotebook } from "../notebook/read.js";
import { runCommand } from "./exit.js";

const USAGE =
  "usage: replab export NB.ipynb -o DIR [--target CELL_ID|VARIABLE] [--include-data] [--force]";

interface ExportArgs {
  notebook: string;
  dir: string;
  target: string | undefined;
  includeData: boolean;
  force: boolean;
}

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
      if (v === undefined) throw new ReplabError("usage", `${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === "-o" || arg === "--output") dir = value();
    else if (arg === "--target") target = value();
    else if (arg === "--include-data") includeData = true;
    else if (arg === "--force") force = true;
    else if (arg.startsWith("-")) throw new ReplabError("usage", `unknown option ${arg}\n${USAGE}`);
    else positional.push(arg);
  }
  if (dirFirst)
    return {
      notebook: "",
      dir: positional[0] ?? dir ?? missing("DIR"),
      target,
      includeData,
      force,
    };
  if (positional.length !== 1) throw new ReplabError("usage", `expected one notebook\n${USAGE}`);
  return {
    notebook: positional[0] as string,
    dir: dir ?? missing("-o DIR"),
    target,
    includeData,
    force,
  };
}

function missing(what: string): never {
  throw new ReplabError("usage", `missing ${what}\n${USAGE}`);
}

/** Entry point of `replab export`. */
export async function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const options = parseExportArgs(args);
    const path = resolve(options.notebook);
    const notebook = await readNotebook(path, options.notebook);
    const language = notebookLanguage(notebook, options.notebook);
    const dir = resolve(options.dir);
    checkTarget(dir, options.force, dirname(path));
    const source = fromNotebook(notebook, path, dirname(path), language);
    const count = await exportPipeline(source, { ...options, dir });
    writeRealStderr(`replab: exported ${options.notebook} to ${options.dir} (${count} files)\n`);
    return 0;
  });
}
