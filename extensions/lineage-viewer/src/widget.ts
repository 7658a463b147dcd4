/**
 * LineageView: the interactive graph for one LineageModel, used by both the sidebar panel
 * and the MIME renderer. It re-renders from the model; layout is redone only when the graph
 * changes, a selection change only restyles.
 */
import type { Message } from "@lumino/messaging";
import { Widget } from "@lumino/widgets";
import type { GraphIndex } from "./graph";
import { layoutGraph } from "./layout";
import { plural } from "./marks";
import type { LineageChange, LineageModel } from "./model";
import { applyHighlight, applyMarks, applySearch, renderSvg } from "./render";
import { anchoredScroll, zoomStep } from "./zoom";

/** Options for a LineageView. */
export interface LineageViewOptions {
  /** Called after a cell node is activated (click, Enter, Space), e.g. to jump to the cell. */
  onActivateCell?: (cellId: string) => void;
  /** Text shown when there is no graph. */
  emptyText?: string;
  /** Show a one-line key to the colours and marks (the sidebar does; inline outputs do not). */
  legend?: boolean;
  /** Cell ids in notebook order, so the drawing and Tab follow the notebook. */
  cellOrder?: () => readonly string[];
  /** Lay the graph out to fit the view's width (the sidebar) instead of scrolling sideways. */
  fitWidth?: boolean;
  /** Show the search box and the focus toggle (the sidebar does). */
  tools?: boolean;
}

/** The interactive lineage graph. */
export class LineageView extends Widget {
  private readonly summary: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private svg: SVGSVGElement | null = null;
  private layoutSize = { width: 0, height: 0 };
  private zoom = 1;
  private readonly zoomLabel: HTMLSpanElement;
  private readonly banner: HTMLDivElement;
  private searchBox: HTMLInputElement | null = null;
  /** The legend's "previous kernel" entry, shown only while such nodes are drawn. */
  private legendPrevious: HTMLElement | null = null;
  private focusButton: HTMLButtonElement | null = null;
  /** The index drawn (the model's, or its focus subgraph). */
  private drawn: GraphIndex | null = null;
  /** The width the last layout was made for, to re-layout only when it changes. */
  private laidOutFor = 0;
  private resizeFrame = 0;
  /** Milliseconds the last layout and draw took (read by the e2e bench). */
  lastRenderMs = 0;

  constructor(
    readonly model: LineageModel,
    private readonly options: LineageViewOptions = {},
  ) {
    super();
    this.addClass("rl-view");
    this.summary = document.createElement("div");
    this.summary.className = "rl-summary";
    const controls = document.createElement("div");
    controls.className = "rl-zoom";
    this.zoomLabel = document.createElement("span");
    this.zoomLabel.className = "rl-zoom-label";
    controls.append(
      this.zoomButton("−", "Zoom out", () => this.setZoom(zoomStep(this.zoom, -1))),
      this.zoomLabel,
      this.zoomButton("+", "Zoom in", () => this.setZoom(zoomStep(this.zoom, 1))),
      this.zoomButton("1:1", "Zoom to 100%", () => this.setZoom(1)),
      this.zoomButton("Fit", "Fit the graph's width", () => this.fitWidth()),
    );
    const top = document.createElement("div");
    top.className = "rl-topline";
    top.append(this.summary, controls);
    this.canvas = document.createElement("div");
    this.canvas.className = "rl-canvas";
    this.banner = document.createElement("div");
    this.banner.className = "rl-banner";
    this.node.append(this.banner, top);
    if (options.tools) this.node.append(this.tools());
    if (options.legend) {
      const key = legend();
      this.legendPrevious = key.querySelector(".rl-key-previous")?.parentElement ?? null;
      this.node.append(key);
    }
    this.node.append(this.canvas);
    this.updateZoomLabel();
    model.changed.connect(this.onModelChanged, this);
    this.renderGraph();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.model.changed.disconnect(this.onModelChanged, this);
    super.dispose();
  }

  private onModelChanged(_: LineageModel, change: LineageChange): void {
    if (change === "graph") this.renderGraph();
    else if (change === "selection") this.renderSelection();
    else if (change === "search") this.renderSearch();
    else if (change === "marks" && this.svg) {
      applyMarks(this.svg, this.model.outOfDate, this.model.changedFiles);
      if (this.model.query.trim() === "") this.renderSummary();
    }
  }

  protected override onResize(msg: Widget.ResizeMessage): void {
    super.onResize(msg);
    if (!this.options.fitWidth) return;
    cancelAnimationFrame(this.resizeFrame);
    this.resizeFrame = requestAnimationFrame(() => {
      if (this.availableWidth() !== this.laidOutFor) this.renderGraph();
    });
  }

  protected override onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this.options.fitWidth && this.availableWidth() !== this.laidOutFor) this.renderGraph();
  }

  /** The width a layout may take: the canvas less room for a vertical scrollbar. */
  private availableWidth(): number {
    return this.options.fitWidth ? Math.max(0, this.canvas.clientWidth - 16) : 0;
  }

  /** The search box and the focus toggle. */
  private tools(): HTMLDivElement {
    const row = document.createElement("div");
    row.className = "rl-tools";
    const box = document.createElement("input");
    box.type = "search";
    box.className = "rl-search jp-mod-styled";
    box.placeholder = "Search variable, file or cell";
    box.setAttribute("aria-label", "Search the lineage by variable, file or cell");
    box.addEventListener("input", () => this.model.setQuery(box.value));
    box.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        this.nextMatch();
      }
    });
    const focus = document.createElement("button");
    focus.className = "rl-button rl-focus";
    focus.textContent = "Focus";
    focus.title = "Show only the active cell's upstream and downstream";
    focus.setAttribute("aria-pressed", "false");
    focus.addEventListener("click", () => this.model.setFocus(!this.model.focus));
    this.searchBox = box;
    this.focusButton = focus;
    row.append(box, focus);
    return row;
  }

  /** Selects the next node the search matches, in drawing order, and scrolls to it. */
  private nextMatch(): void {
    const found = this.drawn?.search(this.model.query) ?? new Set<string>();
    const ids = [...(this.svg?.querySelectorAll<SVGGElement>("g.rl-node") ?? [])]
      .map((g) => g.dataset.id ?? "")
      .filter((id) => found.has(id));
    if (ids.length === 0) return;
    const next = ids[(ids.indexOf(this.model.selected ?? "") + 1) % ids.length] as string;
    this.activateNode(next);
    this.reveal(next);
  }

  private renderSearch(): void {
    if (!this.svg || !this.drawn) return;
    const query = this.model.query.trim();
    const found = query === "" ? null : this.drawn.search(query);
    applySearch(this.svg, found);
    this.node.dataset.matches = found === null ? "" : String(found.size);
    if (found !== null) {
      this.summary.textContent = `${plural(found.size, "match", "matches")} for “${query}”`;
      const first = [...found][0];
      if (first !== undefined) this.reveal(first);
    } else this.renderSummary();
  }

  /** The drawn graph: in focus mode only the selection with its upstream and downstream. */
  private visibleIndex(index: GraphIndex): GraphIndex {
    const selected = this.model.selected;
    if (!this.model.focus || selected === null || !index.nodes.has(selected)) return index;
    return index.subgraph(
      new Set([selected, ...index.upstream(selected), ...index.downstream(selected)]),
    );
  }

  private renderSummary(): void {
    const index = this.drawn;
    if (!index) return;
    const s = index.summary();
    const prev = [...index.nodes.values()].filter(
      (n) => n.kind === "cell" && this.model.previous.has(n.id),
    ).length;
    const parts = [
      plural(s.cells, "cell") + (prev > 0 ? ` (${prev} prev)` : ""),
      plural(s.files, "file"),
      plural(s.frames, "frame"),
      s.stale > 0 ? `${s.stale} stale` : "",
      // What "Run stale cells" would run: the notebook's marks, transitive and edited included.
      this.model.outOfDate.size > 0 ? `${this.model.outOfDate.size} to re-run` : "",
      s.nondet > 0 ? `${s.nondet} nondeterministic` : "",
      `seed ${index.graph.seed}`,
    ];
    const full = this.model.index?.nodes.size ?? 0;
    const focus = index.nodes.size < full ? `focus: ${index.nodes.size} of ${full} nodes · ` : "";
    this.summary.textContent = focus + parts.filter(Boolean).join(" · ");
  }

  private renderGraph(): void {
    const started = performance.now();
    const { index, error, source } = this.model;
    // Redraws keep the user's place: remember the scroll before the old drawing goes.
    const scroll = { left: this.canvas.scrollLeft, top: this.canvas.scrollTop };
    this.canvas.replaceChildren();
    this.svg = null;
    this.drawn = null;
    this.banner.textContent = this.model.banner;
    this.legendPrevious?.classList.toggle("rl-hidden", this.model.previous.size === 0);
    this.focusButton?.setAttribute("aria-pressed", String(this.model.focus));
    this.focusButton?.classList.toggle("rl-pressed", this.model.focus);
    this.node.dataset.source = source;
    this.node.dataset.version = String(this.model.version);
    if (error !== null) {
      this.summary.textContent = `Lineage not shown: ${error}`;
      this.summary.classList.add("rl-summary-error");
      return;
    }
    this.summary.classList.remove("rl-summary-error");
    if (index === null) {
      this.summary.textContent =
        this.options.emptyText ?? "No lineage yet: run a cell with the replab kernel.";
      return;
    }
    if (index.nodes.size === 0) {
      this.summary.textContent = "No cells have run in this kernel yet.";
      return;
    }
    this.drawn = this.visibleIndex(index);
    this.renderSummary();
    this.laidOutFor = this.availableWidth();
    const layout = layoutGraph(this.drawn, this.options.cellOrder?.() ?? [], this.laidOutFor);
    this.layoutSize = { width: layout.width, height: layout.height };
    const drawn = this.drawn;
    this.svg = renderSvg(layout, (id) => this.activateNode(id), {
      frameVar: (id) => drawn.frameVar(id),
      notRunHere: this.model.notRunHere,
      previous: this.model.previous,
      previousNote: this.model.previousNote,
    });
    this.applyZoom();
    applyHighlight(this.svg, drawn, this.model.selected);
    applyMarks(this.svg, this.model.outOfDate, this.model.changedFiles);
    this.canvas.appendChild(this.svg);
    this.canvas.scrollLeft = scroll.left;
    this.canvas.scrollTop = scroll.top;
    if (this.model.query.trim() !== "") this.renderSearch();
    this.lastRenderMs = performance.now() - started;
    this.node.dataset.renderMs = this.lastRenderMs.toFixed(1);
    this.node.dataset.renderedAt = String(performance.timeOrigin + performance.now());
  }

  private renderSelection(): void {
    if (this.svg && this.drawn) applyHighlight(this.svg, this.drawn, this.model.selected);
  }

  /** Selects the node and, for cells, hands it to the owner (which jumps to the cell). */
  private activateNode(id: string): void {
    this.model.select(id);
    const node = this.model.index?.nodes.get(id);
    if (node?.kind === "cell") this.options.onActivateCell?.(id);
  }

  private zoomButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
    const b = document.createElement("button");
    b.className = "rl-button rl-zoom-button";
    b.textContent = text;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", onClick);
    return b;
  }

  /** Sets the zoom factor (1 = node text at its normal size), kept within 0.2 to 2. */
  setZoom(zoom: number): void {
    const from = this.zoom;
    this.zoom = Math.min(2, Math.max(0.2, zoom));
    const { scrollLeft, scrollTop, clientWidth, clientHeight } = this.canvas;
    this.applyZoom();
    // Zoom about the middle of what the user is looking at, not the top-left corner.
    this.canvas.scrollLeft = anchoredScroll(scrollLeft, clientWidth, from, this.zoom);
    this.canvas.scrollTop = anchoredScroll(scrollTop, clientHeight, from, this.zoom);
  }

  /** Zooms so the whole width of the graph fits the view (never above 1). */
  fitWidth(): void {
    const available = this.canvas.clientWidth - 4;
    if (available > 0 && this.layoutSize.width > 0) {
      this.setZoom(Math.min(1, available / this.layoutSize.width));
    }
  }

  private applyZoom(): void {
    this.updateZoomLabel();
    if (!this.svg) return;
    // Only the drawn size changes; the viewBox keeps layout coordinates.
    this.svg.setAttribute("width", String(Math.ceil(this.layoutSize.width * this.zoom)));
    this.svg.setAttribute("height", String(Math.ceil(this.layoutSize.height * this.zoom)));
  }

  private updateZoomLabel(): void {
    this.zoomLabel.textContent = `${Math.round(this.zoom * 100)}%`;
    this.node.dataset.zoom = String(this.zoom);
  }

  /** The search box, for the owner's "search" command. */
  focusSearch(): void {
    this.searchBox?.focus();
  }

  /** Scrolls the graph so the node is visible (used when the notebook selection moves). */
  reveal(id: string): void {
    if (!this.svg) return;
    const g = this.svg?.querySelector<SVGGElement>(`g.rl-node[data-id="${CSS.escape(id)}"]`);
    g?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
}

/** The key to the drawing: each entry is a swatch styled like the nodes it stands for. */
function legend(): HTMLDivElement {
  const div = document.createElement("div");
  div.className = "rl-legend";
  for (const [cls, text] of [
    ["rl-key-selected", "selected"],
    ["rl-key-upstream", "upstream"],
    ["rl-key-downstream", "downstream"],
    ["rl-key-stale", "stale"],
    ["rl-key-file", "file"],
    ["rl-key-frame", "frame"],
    ["rl-key-previous", "previous kernel"],
  ]) {
    const item = document.createElement("span");
    item.className = "rl-key";
    const swatch = document.createElement("span");
    swatch.className = `rl-swatch ${cls}`;
    item.append(swatch, text);
    div.append(item);
  }
  const nondet = document.createElement("span");
  nondet.className = "rl-key";
  nondet.textContent = "⚠ nondeterministic";
  div.append(nondet);
  return div;
}
