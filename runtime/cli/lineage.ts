/**
 * `replab lineage NB.ipynb [--format json|svg|dot|html] [-o FILE]`: print the lineage a run
 * stored in `metadata.replab.lineage`. json and dot are rendered here; svg and html come
 * from the lineage renderers (runtime/lineage/render/) when they are part of the build.
 */
import { resolve } from "node:path";
import { writeRealStdout } from "../executor/capture.js";
import { ReplabError } from "../errors.js";
import type { LineageGraph, LineageNode } from "../lineage/types.js";
import { readNotebook } from "../notebook/read.js";
import { writeFileAtomic } from "../notebook/write.js";
import { runCommand } from "./exit.js";

const USAGE = "usage: replab lineage NB.ipynb [--format json|svg|dot|html] [-o FILE]";
const FORMATS = ["json", "svg", "dot", "html"] as const;
type Format = (typeof FORMATS)[number];

/** Entry point of `replab lineage`. */
export async function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const { notebook, format, output } = parseArgs(args);
    const nb = await readNotebook(resolve(notebook), notebook);
    const graph = (nb.metadata["replab"] as { lineage?: LineageGraph } | undefined)?.lineage;
    if (graph === undefined) {
      throw new ReplabError(
        "notebook-invalid",
        `${notebook} has no stored lineage; run it with replab run first`,
      );
    }
    const text = await render(graph, format);
    if (output === undefined) writeRealStdout(text);
    else await writeFileAtomic(resolve(output), text);
    return 0;
  });
}

function parseArgs(args: string[]): {
  notebook: string;
  format: Format;
  output: string | undefined;
} {
  let format: Format = "json";
  let output: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--format" || arg === "-f") {
      const value = args[++i];
      if (!FORMATS.includes(value as Format))
        throw usage(`--format must be one of ${FORMATS.join(", ")}`);
      format = value as Format;
    } else if (arg === "-o" || arg === "--output") {
      output = args[++i] ?? usage("-o needs a file");
    } else if (arg.startsWith("-")) throw usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw usage("expected one notebook");
  return { notebook: positional[0] as string, format, output };
}

function usage(message: string): never {
  throw new ReplabError("usage", `${message}\n${USAGE}`);
}

async function render(graph: LineageGraph, format: Format): Promise<string> {
  switch (format) {
    case "json":
      return `${JSON.stringify(graph, null, 2)}\n`;
    case "dot":
      return toDot(graph);
    case "svg":
    case "html":
      return renderWithViewer(graph, format);
  }
}

/** Graphviz DOT: cells as boxes (with execution counts), files as notes, frames as ellipses. */
export function toDot(graph: LineageGraph): string {
  const q = (s: string): string => JSON.stringify(s);
  const nodes = graph.nodes.map((n) => `  ${q(n.id)} [${nodeAttributes(n)}];`);
  const edges = graph.edges.map(
    (e) =>
      `  ${q(e.from)} -> ${q(e.to)} [label=${q(e.label)}${e.kind === "var" ? "" : `, style=dashed`}];`,
  );
  return `digraph lineage {\n  rankdir=LR;\n  node [fontname="Helvetica"];\n${[...nodes, ...edges].join("\n")}\n}\n`;
}

function nodeAttributes(node: LineageNode): string {
  const q = (s: string): string => JSON.stringify(s);
  switch (node.kind) {
    case "cell": {
      const count = node.executionCount === null ? " " : String(node.executionCount);
      const color = node.status === "error" ? ", color=red" : node.stale ? ", style=dashed" : "";
      return `shape=box, label=${q(`[${count}] ${node.id}`)}${color}`;
    }
    case "file":
      return `shape=note, label=${q(`${node.path}\n${node.sha256.slice(0, 12)}`)}`;
    case "frame":
      return `shape=ellipse, label=${q(`${node.rows}×${node.columns.length} ${node.sha256.slice(0, 12)}`)}`;
  }
}

/** svg and html belong to the lineage renderers; a build without them says so instead of guessing. */
async function renderWithViewer(graph: LineageGraph, format: "svg" | "html"): Promise<string> {
  const path = `../lineage/render/${format}.js`;
  const module = (await import(path).catch(() => undefined)) as
    Record<string, ((g: LineageGraph) => string | Promise<string>) | undefined> | undefined;
  const renderer = module?.[format === "svg" ? "renderSvg" : "renderHtml"];
  if (renderer === undefined) {
    throw new ReplabError(
      "usage",
      `--format ${format} needs the lineage renderers, not in this build; use json or dot`,
    );
  }
  return renderer(graph);
}
