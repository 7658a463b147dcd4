/**
 * Draws a laid-out lineage graph as SVG with DOM calls only (no innerHTML, so names from
 * the kernel cannot inject markup). Colours come from CSS classes (style/base.css) that
 * use JupyterLab's theme variables, so light and dark themes both work.
 */
import { clip, nodeText, type GraphIndex } from "./graph";
import type { Layout, PlacedEdge, PlacedNode } from "./layout";

const SVG_NS = "http://www.w3.org/2000/svg";

/** Called when a node is clicked or activated with Enter or Space. */
export type ActivateHandler = (id: string) => void;

/** What the drawing needs beyond the layout. */
export interface RenderContext {
  /** The variable holding a frame node, to name it. */
  frameVar?: (id: string) => string | undefined;
  /** Cells the previous kernel ran and this one has not (drawn faded, said in the tooltip). */
  notRunHere?: ReadonlySet<string>;
  /** Nodes from the previous kernel's lineage: drawn apart and tagged "prev". */
  previous?: ReadonlySet<string>;
  /** What their tooltip says about where they are from (when it ended, the journal). */
  previousNote?: string;
}

/** The tag a node of the previous kernel carries, so it does not rely on style alone. */
export const PREVIOUS_TAG = "prev";

/** Width of one character of node text, to clip titles to a narrower node. */
const NODE_CHAR_WIDTH = 6.8;

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function nodeClasses(p: PlacedNode, ctx: RenderContext): string {
  const n = p.node;
  const c = ["rl-node", `rl-kind-${n.kind}`];
  if (ctx.notRunHere?.has(n.id)) c.push("rl-not-run-here");
  if (ctx.previous?.has(n.id)) c.push("rl-previous");
  if (n.kind === "cell") {
    if (n.stale) c.push("rl-stale");
    if (n.nondeterminism.length > 0) c.push("rl-nondet");
    if (n.status === "error") c.push("rl-error");
    if (n.status === "not-run") c.push("rl-not-run");
  }
  return c.join(" ");
}

function drawNode(p: PlacedNode, onActivate: ActivateHandler, ctx: RenderContext): SVGGElement {
  const text = nodeText(p.node, ctx.frameVar?.(p.id));
  if (ctx.notRunHere?.has(p.id)) {
    text.tooltip += "\nnot run in this kernel: shown from the previous kernel's lineage";
  }
  const previous = ctx.previous?.has(p.id) === true;
  if (previous && ctx.previousNote) text.tooltip += `\n${ctx.previousNote}`;
  const chars = Math.floor((p.width - 16) / NODE_CHAR_WIDTH);
  const nondet = p.node.kind === "cell" && p.node.nondeterminism.length > 0;
  // Room at the right for the marks: "⚠" takes 2 characters, the tag 5 more.
  const room = (nondet ? 2 : 0) + (previous ? PREVIOUS_TAG.length + 1 : 0);
  const g = el("g", {
    class: nodeClasses(p, ctx),
    transform: `translate(${p.x - p.width / 2},${p.y - p.height / 2})`,
    tabindex: 0,
    role: "button",
    "data-id": p.id,
    "data-kind": p.node.kind,
    "aria-label": text.tooltip.replace(/\n/g, "; "),
  });
  const title = el("title", {});
  title.textContent = text.tooltip;
  g.appendChild(title);
  g.appendChild(
    el("rect", {
      class: "rl-box",
      width: p.width,
      height: p.height,
      rx: p.node.kind === "cell" ? 4 : 12,
    }),
  );
  const t1 = el("text", { class: "rl-title", x: 8, y: 17 });
  t1.textContent = clip(text.title, chars - Math.max(room, p.node.kind === "cell" ? 2 : 0));
  const t2 = el("text", { class: "rl-detail", x: 8, y: 33 });
  t2.textContent = clip(text.detail, chars);
  g.append(t1, t2);
  if (nondet) {
    // A visible mark besides the colour, so the flag does not rely on colour alone.
    const mark = el("text", { class: "rl-mark", x: p.width - 8, y: 17, "text-anchor": "end" });
    mark.textContent = "⚠";
    g.appendChild(mark);
  }
  if (previous) {
    const x = p.width - 8 - (nondet ? 2 * NODE_CHAR_WIDTH : 0);
    const tag = el("text", { class: "rl-previous-tag", x, y: 17, "text-anchor": "end" });
    tag.textContent = PREVIOUS_TAG;
    g.appendChild(tag);
  }
  g.addEventListener("click", () => onActivate(p.id));
  g.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" || ev.key === " ") {
      ev.preventDefault();
      onActivate(p.id);
    }
  });
  return g;
}

function drawEdge(e: PlacedEdge): SVGGElement {
  const g = el("g", { class: `rl-edge rl-edge-${e.kind}`, "data-from": e.from, "data-to": e.to });
  const title = el("title", {});
  title.textContent = `${e.kind} ${e.label}`;
  g.appendChild(title);
  const d = e.points.map((pt, i) => `${i === 0 ? "M" : "L"}${pt.x.toFixed(1)},${pt.y.toFixed(1)}`);
  g.appendChild(
    el("path", { class: "rl-edge-line", d: d.join(" "), "marker-end": "url(#rl-arrow)" }),
  );
  if (e.label) {
    const t = el("text", {
      class: "rl-edge-label",
      x: e.labelX.toFixed(1),
      y: (e.labelY + (e.labelAnchor === "middle" ? 4 : 0)).toFixed(1),
      "text-anchor": e.labelAnchor,
    });
    t.textContent = e.label;
    g.appendChild(t);
  }
  return g;
}

/** Builds the SVG for a layout; nodes come in graph order so Tab walks them in that order. */
export function renderSvg(
  layout: Layout,
  onActivate: ActivateHandler,
  ctx: RenderContext = {},
): SVGSVGElement {
  const svg = el("svg", {
    class: "rl-graph",
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: "group",
    "aria-label": "cell lineage graph",
  });
  const defs = el("defs", {});
  const marker = el("marker", {
    id: "rl-arrow",
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  });
  marker.appendChild(el("path", { class: "rl-arrow", d: "M0,0 L10,5 L0,10 z" }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  const edges = el("g", { class: "rl-edges" });
  for (const e of layout.edges) edges.appendChild(drawEdge(e));
  const nodes = el("g", { class: "rl-nodes" });
  for (const n of layout.nodes) nodes.appendChild(drawNode(n, onActivate, ctx));
  svg.append(edges, nodes);
  return svg;
}

/**
 * Draws the notebook's marks on the graph: cells out of date (edited, changed input, stale or
 * downstream of one) as stale ones are drawn, files changed on disk in the error colour.
 */
export function applyMarks(
  svg: SVGSVGElement,
  outOfDate: ReadonlySet<string>,
  changedFiles: ReadonlySet<string>,
): void {
  for (const g of svg.querySelectorAll<SVGGElement>("g.rl-node")) {
    const id = g.dataset.id ?? "";
    g.classList.toggle("rl-out-of-date", outOfDate.has(id));
    g.classList.toggle("rl-changed", changedFiles.has(id));
  }
}

/** Marks the nodes a search found (and fades the rest); an empty set clears the marks. */
export function applySearch(svg: SVGSVGElement, found: ReadonlySet<string> | null): void {
  svg.classList.toggle("rl-has-search", found !== null);
  for (const g of svg.querySelectorAll<SVGGElement>("g.rl-node")) {
    g.classList.toggle("rl-match", found?.has(g.dataset.id ?? "") === true);
  }
}

/**
 * Marks the selected node, its upstream and its downstream, and dims the rest; with no
 * selection everything is shown plainly.
 */
export function applyHighlight(
  svg: SVGSVGElement,
  index: GraphIndex,
  selected: string | null,
): void {
  const up = selected ? index.upstream(selected) : new Set<string>();
  const down = selected ? index.downstream(selected) : new Set<string>();
  // An edge is on a path through the selection when both ends are on the same side of it.
  const upSide = (id: string): boolean => id === selected || up.has(id);
  const downSide = (id: string): boolean => id === selected || down.has(id);
  svg.classList.toggle("rl-has-selection", selected !== null);
  for (const g of svg.querySelectorAll<SVGGElement>("g.rl-node")) {
    const id = g.dataset.id ?? "";
    g.classList.toggle("rl-selected", id === selected);
    g.classList.toggle("rl-upstream", up.has(id));
    g.classList.toggle("rl-downstream", down.has(id));
    g.setAttribute("aria-pressed", String(id === selected));
  }
  for (const g of svg.querySelectorAll<SVGGElement>("g.rl-edge")) {
    const from = g.dataset.from ?? "";
    const to = g.dataset.to ?? "";
    const lit = (upSide(from) && upSide(to)) || (downSide(from) && downSide(to));
    g.classList.toggle("rl-lit", selected !== null && lit);
  }
}
