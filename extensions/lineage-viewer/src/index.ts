/**
 * Registers the lineage viewer's plugins; everything else lives in its own module.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ILayoutRestorer } from "@jupyterlab/application";
import {
  Dialog,
  ICommandPalette,
  Notification,
  showDialog,
  ToolbarButton,
} from "@jupyterlab/apputils";
import { INotebookTracker } from "@jupyterlab/notebook";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { LabIcon } from "@jupyterlab/ui-components";
import { isReactive, LineageActions, setReactive } from "./commands";
import { ExportForm } from "./export-dialog";
import { defaultExportDir, friendlyExportError, runExport, type ExportOptions } from "./exporter";
import { lineageRendererFactory } from "./mime";
import { activateCell, cellOrder, LineagePanel } from "./panel";

/** Command ids. */
export const CommandIds = {
  export: "replab-lineage:export",
  show: "replab-lineage:show",
  refresh: "replab-lineage:refresh",
  runStale: "replab-lineage:run-stale",
  runWithUpstream: "replab-lineage:run-with-upstream",
  selectUpstream: "replab-lineage:select-upstream",
  selectDownstream: "replab-lineage:select-downstream",
  reactive: "replab-lineage:toggle-reactive",
  search: "replab-lineage:search",
} as const;

/** Keyboard shortcuts; none of them is taken by JupyterLab 4.6 in that mode. */
const SHORTCUTS: { command: string; keys: string[]; selector: string }[] = [
  { command: CommandIds.runStale, keys: ["Accel Alt Enter"], selector: ".jp-Notebook" },
  { command: CommandIds.runWithUpstream, keys: ["Alt Shift Enter"], selector: ".jp-Notebook" },
  {
    command: CommandIds.selectUpstream,
    keys: ["Alt ArrowUp"],
    selector: ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus",
  },
  {
    command: CommandIds.selectDownstream,
    keys: ["Alt ArrowDown"],
    selector: ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus",
  },
  {
    command: CommandIds.reactive,
    keys: ["Alt R"],
    selector: ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus",
  },
];

const lineageIcon = new LabIcon({
  name: "replab:lineage",
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">' +
    '<g class="jp-icon3" fill="#616161"><rect x="3" y="2" width="8" height="5" rx="1"/>' +
    '<rect x="13" y="9.5" width="8" height="5" rx="1"/><rect x="3" y="17" width="8" height="5" rx="1"/>' +
    '<path d="M7 7v10h1.5V7zM8.5 11.25h4.5v1.5H8.5z"/></g></svg>',
});

/** Cell ids and variables a target may name, for the export dialog's suggestions. */
function exportTargets(panel: LineagePanel): string[] {
  const names = new Set<string>();
  for (const n of panel.model.index?.nodes.values() ?? []) {
    if (n.kind === "cell") for (const d of n.defines) names.add(d);
  }
  for (const n of panel.model.index?.nodes.values() ?? []) if (n.kind === "cell") names.add(n.id);
  return [...names];
}

/** The export command: the dialog, then `%repro export` in the kernel, then words for the user. */
function addExportCommand(app: JupyterFrontEnd, tracker: INotebookTracker, panel: LineagePanel) {
  const last = new Map<string, ExportOptions>();
  app.commands.addCommand(CommandIds.export, {
    label: "Export pipeline…",
    caption: "Export the notebook as a deterministic pipeline folder (%repro export)",
    isEnabled: () => !!tracker.currentWidget?.sessionContext.session?.kernel,
    execute: async (args) => {
      const nb = tracker.currentWidget;
      const kernel = nb?.sessionContext.session?.kernel;
      if (!nb || !kernel) {
        Notification.warning("Export pipeline needs a notebook with a running replab kernel.");
        return;
      }
      const path = nb.context.path;
      let options: ExportOptions = last.get(path) ?? {
        dir: defaultExportDir(path),
        force: true,
        includeData: false,
        target: "",
      };
      if (typeof args.dir === "string") {
        options = {
          dir: args.dir,
          force: args.force === true,
          includeData: args.includeData === true,
          target: typeof args.target === "string" ? args.target : "",
        };
      } else {
        const answer = await showDialog({
          title: "Export pipeline",
          body: new ExportForm(options, exportTargets(panel)),
          buttons: [Dialog.cancelButton(), Dialog.okButton({ label: "Export" })],
        });
        if (!answer.button.accept || answer.value === null) return;
        options = answer.value;
      }
      if (options.dir === "") {
        panel.model.setStatus("Export failed: choose a folder to export to.");
        return;
      }
      last.set(path, options);
      // A fresh kernel exports the run stored in the notebook file: save it so the file has it.
      if (panel.model.source !== "live" && nb.context.model.dirty) await nb.context.save();
      // The panel's status line is about the notebook it shows: an export that ends after the
      // user moved to another notebook is told by its notification only.
      const say = (text: string): void => {
        if (panel.notebook === nb) panel.model.setStatus(text);
      };
      say(`Exporting to ${options.dir}…`);
      try {
        const result = await runExport(kernel, options);
        const message = result.ok ? result.message : friendlyExportError(result.message, options);
        say(result.ok ? message : `Export failed: ${message}`);
        if (result.ok) Notification.success(message, { autoClose: 8000 });
        else Notification.error(`Export failed: ${message}`, { autoClose: 8000 });
      } catch (e) {
        const message = friendlyExportError(e instanceof Error ? e.message : String(e), options);
        say(`Export failed: ${message}`);
        Notification.error(`Export failed: ${message}`, { autoClose: 8000 });
      }
    },
  });
}

/** Run stale cells, run with upstream, select upstream/downstream, reactive mode, search. */
function addActionCommands(app: JupyterFrontEnd, tracker: INotebookTracker, panel: LineagePanel) {
  const actions = new LineageActions(panel);
  const hasNotebook = () => tracker.currentWidget !== null && panel.notebook !== null;
  const report = (n: number, what: string) => panel.model.setStatus(n === 0 ? `No ${what}.` : "");
  app.commands.addCommand(CommandIds.runStale, {
    label: "Run stale cells",
    caption:
      "Run every edited, stale or changed-input cell and the cells downstream of them, in dependency order",
    isEnabled: hasNotebook,
    execute: async () => report(await actions.runStale(), "stale cells to run"),
  });
  app.commands.addCommand(CommandIds.runWithUpstream, {
    label: "Run cell with its upstream",
    caption: "Run the active cell after every cell it depends on, in dependency order",
    isEnabled: hasNotebook,
    execute: async () => {
      await actions.runWithUpstream();
    },
  });
  app.commands.addCommand(CommandIds.selectUpstream, {
    label: "Select upstream cells",
    caption: "Select the active cell and every cell it depends on",
    isEnabled: hasNotebook,
    execute: () => report(actions.select("upstream"), "upstream cells"),
  });
  app.commands.addCommand(CommandIds.selectDownstream, {
    label: "Select downstream cells",
    caption: "Select the active cell and every cell that depends on it",
    isEnabled: hasNotebook,
    execute: () => report(actions.select("downstream"), "downstream cells"),
  });
  app.commands.addCommand(CommandIds.reactive, {
    label: "Reactive mode (run stale dependents after a cell runs)",
    caption: "For this notebook: after a cell runs, run the cells it made stale",
    isEnabled: hasNotebook,
    isToggled: () => isReactive(tracker.currentWidget),
    execute: () => {
      const nb = tracker.currentWidget;
      if (!nb) return;
      setReactive(nb, !isReactive(nb));
      app.commands.notifyCommandChanged(CommandIds.reactive);
      panel.model.setStatus(isReactive(nb) ? "Reactive mode on for this notebook." : "");
    },
  });
  app.commands.addCommand(CommandIds.search, {
    label: "Search cell lineage",
    execute: () => {
      app.shell.activateById(panel.id);
      panel.focusSearch();
    },
  });
}

/** A lineage button in every notebook's toolbar, so Notebook 7 users find the panel. */
function addToolbarButton(app: JupyterFrontEnd, tracker: INotebookTracker): void {
  tracker.widgetAdded.connect((_, nb) => {
    const button = new ToolbarButton({
      icon: lineageIcon,
      className: "rl-toolbar-lineage",
      tooltip: "Show cell lineage",
      onClick: () => void app.commands.execute(CommandIds.show),
    });
    if (!nb.toolbar.insertAfter("cellType", "replab-lineage", button)) {
      nb.toolbar.addItem("replab-lineage", button);
    }
  });
}

function activatePanel(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  palette: ICommandPalette | null,
  restorer: ILayoutRestorer | null,
): void {
  const panel = new LineagePanel(tracker, {
    exportPipeline: () => void app.commands.execute(CommandIds.export),
    contents: app.serviceManager.contents,
  });
  panel.title.icon = lineageIcon;
  app.shell.add(panel, "left", { rank: 600 });
  restorer?.add(panel, panel.id);

  addExportCommand(app, tracker, panel);
  addActionCommands(app, tracker, panel);
  addToolbarButton(app, tracker);
  app.commands.addCommand(CommandIds.show, {
    label: "Show cell lineage",
    caption: "Open the lineage panel of the active notebook",
    execute: () => app.shell.activateById(panel.id),
  });
  app.commands.addCommand(CommandIds.refresh, {
    label: "Refresh cell lineage",
    caption: "Ask the kernel for the graph again and look at the files the cells read",
    execute: () => panel.refresh(),
  });
  const notify = () => {
    for (const id of Object.values(CommandIds)) app.commands.notifyCommandChanged(id);
  };
  tracker.currentChanged.connect(notify);
  panel.kernelChanged.connect(notify);
  for (const command of Object.values(CommandIds)) {
    palette?.addItem({ command, category: "replab" });
  }
  for (const shortcut of SHORTCUTS) app.commands.addKeyBinding(shortcut);
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
