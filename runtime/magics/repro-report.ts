/**
 * `%repro report [-o FILE] [--format html|md] [--verify DIR]` (docs/contracts.md, "Magics"): the
 * audit report of the live session (runtime/audit/), as `replab report` writes it for a saved
 * notebook. With -o it is written to FILE (relative to the notebook); without, it is displayed.
 */
import { isAbsolute, join } from "node:path";
import { reportInputFromSession } from "../audit/from-session.js";
import { buildReport } from "../audit/report-model.js";
import { renderReportHtml } from "../audit/render-html.js";
import { renderReportMarkdown } from "../audit/render-md.js";
import { ReplabError } from "../errors.js";
import { writeFileAtomic } from "../notebook/write.js";
import { reproUsage } from "./help.js";
import type { ReproExportServices } from "./repro-export.js";
import type { MagicHandler } from "./registry.js";

interface ReportOptions {
  output: string | undefined;
  format: "html" | "md";
  verify: string | undefined;
}

/** The handler for `%repro report`. */
export const reproReport: MagicHandler<ReproExportServices> = async ({ args, sink, services }) => {
  const options = parseOptions(args[0] === "report" ? args.slice(1) : args);
  const { engine } = services;
  const inDir = (p: string): string => (isAbsolute(p) ? p : join(engine.notebookDir, p));
  const name = services.notebookName ?? "notebook.ipynb";
  const verifyDir = options.verify === undefined ? undefined : inDir(options.verify);
  const input = await reportInputFromSession(engine, name, services.stdoutOf, verifyDir);
  const report = buildReport(input);
  const text = options.format === "md" ? renderReportMarkdown(report) : renderReportHtml(report);
  if (options.output === undefined) {
    const mime = options.format === "md" ? "text/markdown" : "text/html";
    return { data: { [mime]: text, "text/plain": report.verdict.headline }, metadata: {} };
  }
  await writeFileAtomic(inDir(options.output), text);
  sink.stream("stdout", `wrote ${options.output}: ${report.verdict.headline}\n`);
  return undefined;
};

function parseOptions(words: string[]): ReportOptions {
  const options: ReportOptions = { output: undefined, format: "html", verify: undefined };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const value = words[i + 1];
    if ((word === "-o" || word === "--output") && value !== undefined) options.output = value;
    else if ((word === "-f" || word === "--format") && (value === "html" || value === "md"))
      options.format = value;
    else if (word === "--verify" && value !== undefined) options.verify = value;
    else
      throw new ReplabError(
        "usage",
        `%repro report: cannot read '${word}'; use ${reproUsage("report")}`,
      );
    i++;
  }
  return options;
}
