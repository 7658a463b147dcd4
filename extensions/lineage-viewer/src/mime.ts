/**
 * The renderer for `application/vnd.replab.lineage+json` (the `%lineage` output): the same
 * interactive graph as the sidebar, inside the cell's output area.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { PanelLayout, Widget } from "@lumino/widgets";
import { LineageModel } from "./model";
import { mergePrevious, previousBanner, previousFromLive, previousNote } from "./provenance";
import { isLineageFormatError, LINEAGE_MIME, parseLineage, type LineageGraph } from "./schema";
import { LineageView } from "./widget";

/** Preferred over the kernel's image/svg+xml fallback (lower rank wins; svg is 80). */
export const LINEAGE_RENDERER_RANK = 40;

/** Renders one lineage bundle. */
export class LineageRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly model = new LineageModel();
  private readonly view: LineageView;

  constructor(
    onActivateCell: (cellId: string) => void,
    private readonly cellOrder: () => readonly string[] = () => [],
  ) {
    super();
    this.addClass("rl-inline");
    this.view = new LineageView(this.model, {
      onActivateCell,
      cellOrder,
      emptyText: "Empty lineage.",
    });
    const layout = new PanelLayout();
    layout.addWidget(this.view);
    this.layout = layout;
  }

  /**
   * Validates the bundle and draws it, with the previous kernel's cells it carries
   * (`previousSession`) tagged as such; a bad bundle shows what was wrong instead.
   */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    const data = model.data[LINEAGE_MIME];
    let graph: LineageGraph;
    try {
      graph = parseLineage(data);
    } catch (e) {
      if (!isLineageFormatError(e)) throw e;
      this.model.setData(data, "inline");
      return;
    }
    const prev = previousFromLive(graph);
    if (!prev) {
      this.model.setGraph(graph, "inline");
      return;
    }
    const order = this.cellOrder();
    // Outside a notebook (a console) every cell of the previous session is shown.
    const cells = prev.graph.nodes.filter((n) => n.kind === "cell").map((n) => n.id);
    const merged = mergePrevious(graph, prev.graph, new Set(order.length > 0 ? order : cells));
    const shown = merged.graph.nodes.filter((n) => n.kind === "cell" && merged.previous.has(n.id));
    const now = new Date();
    // A snapshot of one moment: which outputs are the previous kernel's is the panel's to say.
    this.model.setProvenance(
      new Set(),
      previousBanner(prev, { cells: shown.length, notRun: 0 }, graph.nodes.length > 0, now),
      { ids: merged.previous, note: previousNote(prev, now) },
    );
    this.model.setGraph(merged.graph, "inline");
  }
}

/** A renderer factory whose graphs jump to cells through `onActivateCell`. */
export function lineageRendererFactory(
  onActivateCell: (cellId: string) => void,
  cellOrder: () => readonly string[] = () => [],
): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [LINEAGE_MIME],
    defaultRank: LINEAGE_RENDERER_RANK,
    createRenderer: () => new LineageRenderer(onActivateCell, cellOrder),
  };
}
