/**
 * A self-contained SVG of the lineage, laid out in the kernel, so `%lineage` shows a graph in
 * any frontend. Coordinates are rounded to 0.1 px: the same graph gives the same bytes.
 */
import type { LineageNode } from "../types.js";
import type { LineageGraph } from "../types.js";
import { layoutGraph, type PlacedEdge, type PlacedNode } from "./layout.js";

const FILL = { cell: "#e8f0fe", file: "#fef7e0", frame: "#e6f4ea" } as const;

/** Render the graph as an SVG document. */
export function renderSvg(graph: LineageGraph): string {
  const layout = layoutGraph(graph);
  const width = n(layout.width);
  const height = n(layout.height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>replab lineage (seed ${graph.seed})</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#5f6368"/></marker></defs>`,
    ...layout.edges.map(edgeSvg),
    ...layout.nodes.map(nodeSvg),
    `</svg>`,
    "",
  ].join("\n");
}

function nodeSvg(p: PlacedNode): string {
  const x = n(p.x - p.width / 2);
  const y = n(p.y - p.height / 2);
  const shape =
    p.node.kind === "frame"
      ? `<ellipse cx="${n(p.x)}" cy="${n(p.y)}" rx="${n(p.width / 2)}" ry="${n(p.height / 2)}"`
      : `<rect x="${x}" y="${y}" width="${n(p.width)}" height="${n(p.height)}" rx="4"`;
  const text = p.lines
    .map((line, i) => {
      const ty = n(p.y - ((p.lines.length - 1) * 16) / 2 + i * 16 + 4);
      const weight = i === 0 ? ` font-weight="bold"` : "";
      return `<text x="${n(p.x)}" y="${ty}" text-anchor="middle"${weight}>${escapeXml(line)}</text>`;
    })
    .join("");
  return `<g class="node ${p.node.kind}" data-id="${escapeXml(p.node.id)}">${shape} fill="${FILL[p.node.kind]}" ${stroke(p.node)}/>${text}</g>`;
}

function stroke(node: LineageNode): string {
  if (node.kind !== "cell") return `stroke="#5f6368"`;
  if (node.status === "error") return `stroke="#d93025" stroke-width="2"`;
  if (node.stale) return `stroke="#f29900" stroke-width="2" stroke-dasharray="5,3"`;
  return `stroke="#1a73e8"`;
}

function edgeSvg(p: PlacedEdge): string {
  if (p.points.length === 0) return "";
  const d = p.points.map((pt, i) => `${i === 0 ? "M" : "L"}${n(pt.x)},${n(pt.y)}`).join("");
  const dash = p.edge.kind === "var" ? "" : ` stroke-dasharray="4,3"`;
  const mid = p.points[Math.floor(p.points.length / 2)] as { x: number; y: number };
  const label = `<text x="${n(mid.x)}" y="${n(mid.y - 4)}" text-anchor="middle" font-size="10" fill="#5f6368">${escapeXml(p.edge.label)}</text>`;
  return `<g class="edge ${p.edge.kind}"><path d="${d}" fill="none" stroke="#5f6368"${dash} marker-end="url(#arrow)"/>${label}</g>`;
}

/** Round to 0.1 so float noise never changes the bytes. */
function n(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

/** Escape text for XML content and attributes. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
