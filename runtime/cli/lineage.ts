/**
 * `replab lineage NB.ipynb [--format json|svg|dot|html|openlineage|prov-json|prov-n] [-o FILE]`:
 * print the lineage a run stored in `metadata.replab.lineage`, rendered by
 * runtime/lineage/render/ (the same renderers the kernel and the viewer use), or as
 * OpenLineage RunEvents or W3C PROV (runtime/audit/).
 */
import { basename, dirname, resolve } from "node:path";
import { statSync } from "node:fs";
import { writeRealStderr, writeRealStdout } from "../executor/capture.js";
import { ReplabError } from "../errors.js";
import { previousSession, withPrevious } from "../lineage/recover.js";
import { storedLineage } from "../lineage/stored.js";
import type { LineageGraph, PreviousSession } from "../lineage/types.js";
import type { Notebook } from "../notebook/types.js";
import { readNotebook } from "../notebook/read.js";
import type { RuntimeVersions } from "../repro/versions.js";
import type { AuditCapture } from "../audit/capture.js";
import { writeFileAtomic } from "../notebook/write.js";
import { runCommand } from "./exit.js";
import { printUsage, usageError } from "./help.js";
import { parseNotebookOutputArgs, type NotebookOutputArgs } from "./notebook-args.js";

/** `replab help lineage`: the synopsis (also shown after a usage error), what it does, every option. */
export const LINEAGE_USAGE = `usage: replab lineage NB.ipynb [--format json|svg|dot|html|openlineage|prov-json|prov-n]
                      [-o FILE]

Print the lineage graph a run stored in the notebook's metadata.replab.lineage: its cells, the
files they read and wrote, the data frames they made, and whose variables each cell used.

options:
  -f, --format FORMAT     json (the default; schema/lineage.schema.json), svg, dot (Graphviz)
                          or html (one self-contained page: the svg and a table of cells);
                          openlineage (a START and a COMPLETE RunEvent, one JSON per line,
                          job namespace OPENLINEAGE_NAMESPACE or replab); prov-json or
                          prov-n (W3C PROV: cells are activities, files and frames entities,
                          the run a bundle)
  -o, --output FILE       write to FILE instead of stdout
  -h, --help              print this help

exit status: 0 printed; 2 a usage error, an unreadable notebook or one with no stored lineage
`;
const FORMATS = ["json", "svg", "dot", "html", "openlineage", "prov-json", "prov-n"] as const;
type Format = (typeof FORMATS)[number];

/** Entry point of `replab lineage`. */
export async function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const parsed = parseArgs(args);
    if (parsed === "help") return printUsage(LINEAGE_USAGE);
    const { notebook, format, output } = parsed;
    const nb = await readNotebook(resolve(notebook), notebook);
    const stored = storedLineage(nb, notebook);
    const previous = recovered(resolve(notebook), stored !== undefined);
    if (stored === undefined && previous === undefined) {
      throw new ReplabError(
        "notebook-invalid",
        `${notebook} has no stored lineage; run it with replab run first`,
      );
    }
    if (previous !== undefined)
      writeRealStderr(
        `replab: ${notebook}: recovered the lineage of the previous session from ${previous.journal} (previousSession${stored === undefined ? "; nothing is stored in the notebook" : ""})\n`,
      );
    // Renderers draw one graph: the stored one, else the recovered session's.
    const graph =
      previous === undefined
        ? (stored as LineageGraph)
        : format === "json"
          ? withPrevious(stored, previous)
          : (stored ?? previous.graph);
    const text = await render(graph, format, { notebook: nb, path: resolve(notebook) });
    if (output === undefined) writeRealStdout(text);
    else await writeFileAtomic(resolve(output), text);
    return 0;
  });
}

/**
 * The notebook's last session from its journal: any, when nothing is stored in the notebook;
 * else only one that wrote after the notebook was saved (a crash after the last run).
 */
function recovered(path: string, hasStored: boolean): PreviousSession | undefined {
  const newerThan = hasStored ? statSync(path).mtimeMs : undefined;
  return previousSession(dirname(path), basename(path), { newerThan });
}

/** The arguments, or "help" for -h/--help (nothing else is then checked). */
function parseArgs(args: string[]): NotebookOutputArgs<Format> | "help" {
  return parseNotebookOutputArgs(args, { formats: FORMATS }, usage);
}

function usage(message: string): never {
  throw usageError("lineage", LINEAGE_USAGE, message);
}

/** The reproducibility core's renderers (runtime/lineage/render/, runtime/audit/), loaded only for the format asked. */
async function render(
  graph: LineageGraph,
  format: Format,
  from: { notebook: Notebook; path: string },
): Promise<string> {
  switch (format) {
    case "json":
      return `${JSON.stringify(graph, null, 2)}\n`;
    case "dot":
      return (await import("../lineage/render/dot.js")).renderDot(graph);
    case "svg":
      return (await import("../lineage/render/svg.js")).renderSvg(graph);
    case "html":
      return (await import("../lineage/render/html.js")).renderHtml(graph);
    case "openlineage":
      return openLineageText(graph, from);
    case "prov-json":
    case "prov-n":
      return provText(graph, from, format);
  }
}

/** What the audit formats read besides the graph: the notebook's runtime and end-of-run capture. */
function stored(notebook: Notebook): { runtime?: RuntimeVersions; audit?: AuditCapture } {
  return (notebook.metadata["replab"] ?? {}) as { runtime?: RuntimeVersions; audit?: AuditCapture };
}

async function openLineageText(
  graph: LineageGraph,
  { notebook, path }: { notebook: Notebook; path: string },
): Promise<string> {
  const ol = await import("../audit/openlineage.js");
  const name = basename(path);
  const { runtime, audit } = stored(notebook);
  // A stored run has no clock times of its own: both events carry the time they are printed.
  const now = new Date().toISOString();
  const run = {
    namespace: ol.jobNamespace(),
    runId: ol.storedRunId(name, graph),
    startTime: now,
    endTime: now,
  };
  const input = {
    notebookName: name,
    notebookDir: dirname(path),
    lineage: graph,
    runtime,
    capture: audit,
  };
  return ol
    .openLineageEvents(input, run)
    .map((event) => `${JSON.stringify(event)}\n`)
    .join("");
}

async function provText(
  graph: LineageGraph,
  { notebook, path }: { notebook: Notebook; path: string },
  format: "prov-json" | "prov-n",
): Promise<string> {
  const prov = await import("../audit/prov.js");
  const { storedRunId } = await import("../audit/openlineage.js");
  const name = basename(path);
  const doc = prov.provDocument(name, storedRunId(name, graph), graph, stored(notebook).audit);
  return format === "prov-json" ? prov.renderProvJson(doc) : prov.renderProvN(doc);
}
