/**
 * `%repro status`: one row per cell, named as the notebook shows it (`[3]`), with its status
 * (ran, stale, error, not run), what it defines, the files it read and wrote with short hashes,
 * and its nondeterminism. Fits a notebook's width: no 36-character cell ids.
 */
import type { Recorder } from "../repro/recorder.js";
import type { CellNode, FileNode, LineageGraph } from "../lineage/types.js";
import { shortHash } from "../lineage/render/labels.js";
import { escapeXml } from "../lineage/render/svg.js";
import type { ExecuteResultValue } from "../session/types.js";
import type { MagicContext } from "./registry.js";

/** Services the status magic needs. */
export interface ReproStatusServices {
  recorder: Recorder;
}

const HEADERS = ["cell", "status", "defines", "files", "nondeterminism"];

/** Handle `%repro status`. */
export async function reproStatus(
  ctx: MagicContext<ReproStatusServices>,
): Promise<ExecuteResultValue | undefined> {
  const graph = ctx.services.recorder.graph();
  const rows = statusRows(graph);
  const title = `seed ${graph.seed}`;
  return {
    data: { "text/plain": `${title}\n${textTable(rows)}`, "text/html": htmlTable(title, rows) },
    metadata: {},
  };
}

/** The table's rows, one per cell in execution order, as display strings. */
export function statusRows(graph: LineageGraph): string[][] {
  const files = new Map(
    graph.nodes.filter((n): n is FileNode => n.kind === "file").map((f) => [f.id, f]),
  );
  const cells = graph.nodes.filter((n): n is CellNode => n.kind === "cell");
  return cells.map((cell) => {
    const touched = graph.edges
      .filter(
        (e) =>
          (e.kind === "read" && e.to === cell.id) || (e.kind === "write" && e.from === cell.id),
      )
      .map((e) => {
        const file = files.get(e.kind === "read" ? e.from : e.to);
        const arrow = e.kind === "read" ? "<" : ">";
        return file === undefined ? "" : `${arrow} ${file.path} ${shortHash(file.sha256)}`;
      });
    return [
      cellLabel(cell),
      cellStatus(cell),
      cell.defines.join(", "),
      touched.join("; "),
      cell.nondeterminism.join(", "),
    ];
  });
}

/** `[3]` as the prompt shows it; an id a person wrote (`load`) is added, a generated one is not. */
function cellLabel(cell: CellNode): string {
  const prompt = `[${cell.executionCount ?? " "}]`;
  return /^[\w-]{1,16}$/.test(cell.id) && !/^count-\d+$/.test(cell.id)
    ? `${prompt} ${cell.id}`
    : prompt;
}

function cellStatus(cell: CellNode): string {
  if (cell.status === "error") return "error";
  if (cell.status === "not-run") return "not run";
  return cell.stale ? "stale" : "ran";
}

function textTable(rows: string[][]): string {
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cols: string[]): string =>
    cols
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(HEADERS), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function htmlTable(title: string, rows: string[][]): string {
  // Words and paths read from the left; JupyterLab right-aligns table cells (made for numbers).
  const cell = (tag: string) => (c: string) =>
    `<${tag} style="text-align: left">${escapeXml(c)}</${tag}>`;
  const head = `<tr>${HEADERS.map(cell("th")).join("")}</tr>`;
  const body = rows.map((r) => `<tr>${r.map(cell("td")).join("")}</tr>`).join("");
  return `<p>${escapeXml(title)}</p><table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}
