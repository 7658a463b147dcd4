/**
 * The renderer for `application/vnd.replab.lineage+json` (the `%lineage` output): the same
 * interactive graph as the sidebar, inside the cell's output area.
 */
import type { IRenderMime } from "@jupyterlab/rendermime-interfaces";
import { PanelLayout, Widget } from "@lumino/widgets";
import { LineageModel } from "./model";
import { LINEAGE_MIME } from "./schema";
import { LineageView } from "./widget";

/** Preferred over the kernel's image/svg+xml fallback (lower rank wins; svg is 80). */
export const LINEAGE_RENDERER_RANK = 40;

/** Renders one lineage bundle. */
export class LineageRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly model = new LineageModel();
  private readonly view: LineageView;

  constructor(
    onActivateCell: (cellId: string) => void,
    cellOrder: () => readonly string[] = () => [],
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

  /** Validates the bundle and draws it; a bad bundle shows what was wrong instead. */
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.model.setData(model.data[LINEAGE_MIME], "inline");
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
