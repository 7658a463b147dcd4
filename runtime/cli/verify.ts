/** `replab verify DIR [--data DATA_DIR]`: re-run an exported pipeline and compare it with repro.lock.json. */
import { writeRealStderr } from "../executor/capture.js";
import { verifyExport } from "../export/verify.js";
import { runCommand } from "./exit.js";
import { isHelpFlag, printUsage, usageError } from "./help.js";

/** `replab help verify`: the synopsis (also shown after a usage error), what it does, every option. */
export const VERIFY_USAGE = `usage: replab verify DIR [--data DATA_DIR] [--against EXECUTED.ipynb]

Re-run the pipeline that replab export wrote to DIR in a fresh Node process and compare every
data file, what each cell really printed on stdout, what it displayed (display.*, its last
expression's value) and every file the cells wrote with DIR/repro.lock.json; the first
difference is named (a difference in a cell flagged nondeterministic is reported as marked,
not failed). Install the pipeline's packages first (npm ci in DIR). What verify proves, and
what not: docs/integrity.md.

options:
      --data DATA_DIR     read the pipeline's input files from DATA_DIR (default: DIR/data when
                          the export includes its data, else the current directory)
      --against NB        take the expectations from the executed notebook NB instead: DIR's
                          repro.lock.json and pipeline.mjs must be what replab export writes
                          for NB's stored run, and the output is compared with NB's outputs
  -h, --help              print this help

exit status: 0 everything matches; 1 a data file, a cell's stdout or displayed result or a
written file differs, the pipeline failed, or DIR does not match NB; 2 a usage error, no
readable or valid DIR/repro.lock.json, or the packages not installed
`;

/** Entry point of `replab verify`. */
export async function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    let dir: string | undefined;
    let data: string | undefined;
    let against: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === "--data") data = args[++i] ?? usage("--data needs a value");
      else if (arg === "--against") against = args[++i] ?? usage("--against needs a notebook");
      else if (isHelpFlag(arg)) return printUsage(VERIFY_USAGE);
      else if (arg.startsWith("-")) usage(`unknown option ${arg}`);
      else if (dir !== undefined) usage(`unexpected argument ${arg}: give one export directory`);
      else dir = arg;
    }
    if (dir === undefined) usage("no export directory given");
    const result = await verifyExport(dir, data, process.cwd(), against);
    const written = result.written > 0 ? ` (and ${result.written} written files)` : "";
    const shown = result.displays > 0 ? ` (${result.displays} displayed results)` : "";
    for (const difference of result.marked)
      writeRealStderr(`replab: marked, not failed: ${difference}\n`);
    if (result.unrecorded.length > 0)
      writeRealStderr(
        `replab: repro.lock.json does not record the displayed results of cell(s) ${result.unrecorded.join(", ")} (exported from a live session), so they were not compared\n`,
      );
    writeRealStderr(
      `replab: verified ${dir}: ${result.cells} cells${shown} and ${result.files} data files${written} match ${against ?? "repro.lock.json"}\n`,
    );
    return 0;
  });
}

function usage(message: string): never {
  throw usageError("verify", VERIFY_USAGE, message);
}
