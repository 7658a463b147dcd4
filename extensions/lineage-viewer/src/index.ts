/**
 * Registers the lineage viewer's plugins; everything else lives in its own module.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ILayoutRestorer } from "@jupyterlab/application";
import { ICommandPalette, InputDialog, Notification } from "@jupyterlab/apputils";
import { INotebookTracker } from "@jupyterlab/notebook";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { LabIcon } from "@jupyterlab/ui-components";
import { defaultExportDir, runExport } from "./exporter";
import { lineageRendererFactory } from "./mime";
import { activateCell, cellOrder, LineagePanel } from "./panel";

/** Command ids. */
export const CommandIds = {
  export: "replab-lineage:export",
  show: "replab-lineage:show",
  refresh: "replab-lineage:refresh",
} as const;

const lineageIcon = new LabIcon({
  name: "replab:lineage",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161"><rect x="3" y="2" width="8" height="5" rx="1"/>' +
    '<rect x="13" y="9.5" width="8" height="5" rx="1"/><rect x="3" y="17" width="8" height="5" rx="1"/>' +
    '<path d="M7 7v10h1.5V7zM8.5 11.25h4.5v1.5H8.5z"/></g></svg>',
});

function activatePanel(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  palette: ICommandPalette | null,
  restorer: ILayoutRestorer | null,
): void {
  const panel = new LineagePanel(tracker, {
    exportPipeline: () => void app.commands.execute(CommandIds.export),
  });
  panel.title.icon = lineageIcon;
  app.shell.add(panel, "left", { rank: 600 });
  restorer?.add(panel, panel.id);

  app.commands.addCommand(CommandIds.export, {
    label: "Export pipeline",
    caption: "Export the notebook as a deterministic pipeline (%repro export) and say where",
    isEnabled: () => !!tracker.currentWidget?.sessionContext.session?.kernel,
    execute: async (args) => {
      const nb = tracker.currentWidget;
      const kernel = nb?.sessionContext.session?.kernel;
      if (!nb || !kernel) {
        Notification.warning("Export pipeline needs a notebook with a running replab kernel.");
        return;
      }
      let dir = typeof args.dir === "string" ? args.dir : "";
      if (!dir) {
        const answer = await InputDialog.getText({
          title: "Export pipeline to directory",
          text: defaultExportDir(nb.context.path),
          label: "Directory, relative to the notebook:",
        });
        if (!answer.button.accept || !answer.value) return;
        dir = answer.value;
      }
      panel.model.setStatus(`Exporting to ${dir}…`);
      try {
        const result = await runExport(kernel, dir);
        panel.model.setStatus(result.message);
        if (result.ok) Notification.success(result.message, { autoClose: 8000 });
        else Notification.error(`Export failed: ${result.message}`);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        panel.model.setStatus(`Export failed: ${message}`);
        Notification.error(`Export failed: ${message}`);
      }
    },
  });
  app.commands.addCommand(CommandIds.show, {
    label: "Show cell lineage",
    execute: () => app.shell.activateById(panel.id),
  });
  app.commands.addCommand(CommandIds.refresh, {
    label: "Refresh cell lineage",
    execute: () => panel.refresh(),
  });
  tracker.currentChanged.connect(() => app.commands.notifyCommandChanged(CommandIds.export));
  for (const command of Object.values(CommandIds)) {
    palette?.addItem({ command, category: "replab" });
  }
}

/** The sidebar panel, the export command and the palette entries. */
const panelPlugin: JupyterFrontEndPlugin<void> = {
  id: "@replab/lineage-viewer:panel",
  description: "Sidebar showing the cell lineage of the active notebook.",
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, ILayoutRestorer],
  activate: activatePanel,
};

/** The renderer for application/vnd.replab.lineage+json outputs. */
const mimePlugin: JupyterFrontEndPlugin<void> = {
  id: "@replab/lineage-viewer:mime",
  description: "Renders %lineage outputs as the interactive lineage graph.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [INotebookTracker],
  activate: (
    _app: JupyterFrontEnd,
    rendermime: IRenderMimeRegistry,
    tracker: INotebookTracker | null,
  ) => {
    rendermime.addFactory(
      lineageRendererFactory(
        (cellId) => {
          const nb = tracker?.currentWidget;
          if (nb) activateCell(nb, cellId);
        },
        () => (tracker?.currentWidget ? cellOrder(tracker.currentWidget) : []),
      ),
    );
  },
};

export default [panelPlugin, mimePlugin];
