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
}

/** The interactive lineage graph. */
export class LineageView extends Widget {
  private readonly summary: HTMLDivElement;
  private readonly canvas: HTMLDivElement;
  private svg: SVGSVGElement | null = null;
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
    this.canvas = document.createElement("div");
    this.canvas.className = "rl-canvas";
    this.node.append(this.summary, this.canvas);
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
    const layout = layoutGraph(index);
    this.svg = renderSvg(layout, (id) => this.activateNode(id));
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

  /** Scrolls the graph so the node is visible (used when the notebook selection moves). */
  reveal(id: string): void {
    const g = this.svg?.querySelector<SVGGElement>(`g.rl-node[data-id="${CSS.escape(id)}"]`);
    g?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
}
