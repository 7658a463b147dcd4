/**
 * A self-contained HTML page of the lineage: the SVG drawing, a table of cells, and the
 * graph JSON embedded for tools. No scripts, no external resources, no timestamps.
 */
import type { CellNode, LineageGraph } from "../types.js";
import { escapeXml, renderSvg } from "./svg.js";
import { counted } from "../../words.js";

/** Render the graph as one HTML document. */
export function renderHtml(graph: LineageGraph): string {
  const cells = graph.nodes.filter((x): x is CellNode => x.kind === "cell");
  const json = JSON.stringify(graph, null, 2).replace(/</g, "\\u003c");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>replab lineage</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #202124; }
table { border-collapse: collapse; margin-top: 1.5em; }
th, td { border: 1px solid #dadce0; padding: 4px 8px; text-align: left; font-size: 13px; }
.stale { color: #b06000; } .error { color: #d93025; }
</style>
</head>
<body>
<h1>Lineage</h1>
<p>seed ${graph.seed} · ${counted(cells.length, "cell")} · ${counted(graph.nodes.length - cells.length, "data node")}</p>
${renderSvg(graph)}
<table>
<thead><tr><th>cell</th><th>execution</th><th>status</th><th>defines</th><th>uses</th><th>nondeterminism</th></tr></thead>
<tbody>
${cells.map(row).join("\n")}
</tbody>
</table>
<script type="application/vnd.replab.lineage+json" id="lineage">
${json}
</script>
</body>
</html>
`;
}

function row(cell: CellNode): string {
  const status = cell.status === "error" ? "error" : cell.stale ? "stale" : cell.status;
  const cls = status === "ok" || status === "not-run" ? "" : ` class="${status}"`;
  const cols = [
    cell.id,
    cell.executionCount === null ? "" : String(cell.executionCount),
    status,
    cell.defines.join(", "),
    cell.uses.join(", "),
    cell.nondeterminism.join(", "),
  ];
  return `<tr${cls}>${cols.map((c) => `<td>${escapeXml(c)}</td>`).join("")}</tr>`;
}
