/**
 * LineageView: the interactive graph for one LineageModel, used by both the sidebar panel
 * and the MIME renderer. It re-renders from the model; layout is redone only when the graph
 * changes, a selection change only restyles.
 */
import { Widget } from "@lumino/widgets";
import { layoutGraph } from "./layout";
import type { LineageChange, LineageModel } from "./model";
import { applyHighlight, renderSvg } from "./render";

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
}

/** The interactive lineage graph. */
export class LineageView extends Widget {
  private readonly summary: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private svg: SVGSVGElement | null = null;
  private layoutSize = { width: 0, height: 0 };
  private zoom = 1;
  private readonly zoomLabel: HTMLSpanElement;
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
      this.zoomButton("−", "Zoom out", () => this.setZoom(this.zoom / 1.25)),
      this.zoomLabel,
      this.zoomButton("+", "Zoom in", () => this.setZoom(this.zoom * 1.25)),
      this.zoomButton("Fit", "Fit the graph's width", () => this.fitWidth()),
    );
    const top = document.createElement("div");
    top.className = "rl-topline";
    top.append(this.summary, controls);
    this.canvas = document.createElement("div");
    this.canvas.className = "rl-canvas";
    this.node.append(top);
    if (options.legend) this.node.append(legend());
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
  }

  private renderGraph(): void {
    const started = performance.now();
    const { index, error, source } = this.model;
    this.canvas.replaceChildren();
    this.svg = null;
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
    const s = index.summary();
    const parts = [
      `${s.cells} cells`,
      `${s.files} files`,
      `${s.frames} frames`,
      s.stale > 0 ? `${s.stale} stale` : "",
      s.nondet > 0 ? `${s.nondet} nondeterministic` : "",
      `seed ${index.graph.seed}`,
    ];
    this.summary.textContent = parts.filter(Boolean).join(" · ");
    const layout = layoutGraph(index, this.options.cellOrder?.() ?? []);
    this.layoutSize = { width: layout.width, height: layout.height };
    this.svg = renderSvg(layout, (id) => this.activateNode(id));
    this.applyZoom();
    applyHighlight(this.svg, index, this.model.selected);
    this.canvas.appendChild(this.svg);
    // The graph is usually wider than the sidebar: start centred rather than at its left edge.
    this.canvas.scrollLeft = Math.max(0, (this.canvas.scrollWidth - this.canvas.clientWidth) / 2);
    this.lastRenderMs = performance.now() - started;
    this.node.dataset.renderMs = this.lastRenderMs.toFixed(1);
    this.node.dataset.renderedAt = String(performance.timeOrigin + performance.now());
  }

  private renderSelection(): void {
    if (this.svg && this.model.index) {
      applyHighlight(this.svg, this.model.index, this.model.selected);
    }
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
    this.zoom = Math.min(2, Math.max(0.2, zoom));
    this.applyZoom();
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
  }

  /** Scrolls the graph so the node is visible (used when the notebook selection moves). */
  reveal(id: string): void {
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
