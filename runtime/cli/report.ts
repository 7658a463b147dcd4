/**
 * `replab report NB.ipynb [-o FILE] [--format html|md] [--verify DIR]`: the audit report of a
 * run stored in the notebook (runtime/audit/), one self-contained HTML file or Markdown.
 * With --verify, the export in DIR is re-run first and its result is part of the verdict.
 */
import { dirname, resolve } from "node:path";
import { writeRealStdout } from "../executor/capture.js";
import { readNotebook } from "../notebook/read.js";
import { writeFileAtomic } from "../notebook/write.js";
import type { ReportInput } from "../audit/report-model.js";
import { runCommand } from "./exit.js";
import { printUsage, usageError } from "./help.js";
import { parseNotebookOutputArgs } from "./notebook-args.js";

/** `replab help report`: the synopsis (also shown after a usage error), what it does, every option. */
export const REPORT_USAGE = `usage: replab report NB.ipynb [-o FILE] [--format html|md] [--verify DIR]

Write the audit report of the run stored in an executed notebook: a verdict (can the result be
trusted, and if not why), the environment and seed, every input and output file with its
sha256, every data frame with its schema, what produced each output, the lineage graph,
nondeterminism per cell, stale or failed cells, a data card per input file and a model card per
@tensorflow/tfjs model. The HTML is one self-contained file: it needs no network to open.

options:
  -o, --output FILE       write to FILE instead of stdout
  -f, --format FORMAT     html (the default) or md (Markdown)
      --verify DIR        first re-run the export in DIR (as replab verify DIR does) and
                          report its result; a failed verify is reported, not an error
  -h, --help              print this help

exit status: 0 written; 2 a usage error, an unreadable notebook or one with no stored lineage
`;

const FORMATS = ["html", "md"] as const;
type Format = (typeof FORMATS)[number];

interface ReportArgs {
  notebook: string;
  format: Format;
  output: string | undefined;
  verify: string | undefined;
}

/** Entry point of `replab report`. */
export async function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const parsed = parseArgs(args);
    if (parsed === "help") return printUsage(REPORT_USAGE);
    const path = resolve(parsed.notebook);
    const nb = await readNotebook(path, parsed.notebook);
    const notebookDir = dirname(path);
    const name = path.slice(notebookDir.length + 1);
    const { reportInputFromNotebook } = await import("../audit/from-notebook.js");
    const input = await reportInputFromNotebook(nb, name, notebookDir, parsed.verify);
    const text = await render(input, parsed.format);
    if (parsed.output === undefined) writeRealStdout(text);
    else await writeFileAtomic(resolve(parsed.output), text);
    return 0;
  });
}

async function render(input: ReportInput, format: Format): Promise<string> {
  const report = (await import("../audit/report-model.js")).buildReport(input);
  if (format === "md") return (await import("../audit/render-md.js")).renderReportMarkdown(report);
  return (await import("../audit/render-html.js")).renderReportHtml(report);
}

/** The arguments, or "help" for -h/--help (nothing else is then checked). */
function parseArgs(args: string[]): ReportArgs | "help" {
  const verifyNeeds = "--verify needs an export directory";
  const spec = { formats: FORMATS, valued: { "--verify": verifyNeeds } };
  const parsed = parseNotebookOutputArgs(args, spec, usage);
  if (parsed === "help") return "help";
  return { ...parsed, verify: parsed.options.get("--verify") };
}

function usage(message: string): never {
  throw usageError("report", REPORT_USAGE, message);
}
