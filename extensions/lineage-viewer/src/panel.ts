/**
 * The sidebar panel: follows the active notebook, owns its session's `replab.lineage` comm,
 * and falls back to the lineage stored in the notebook's metadata when no kernel sends one.
 */
import type { ISessionContext } from "@jupyterlab/apputils";
import type { ICodeCellModel } from "@jupyterlab/cells";
import { NotebookActions, type INotebookTracker, type NotebookPanel } from "@jupyterlab/notebook";
import type { Contents, Kernel, KernelMessage } from "@jupyterlab/services";
import { Signal, type ISignal } from "@lumino/signaling";
import { Panel, Widget } from "@lumino/widgets";
import { InputFileChecker } from "./input-files";
import { plural } from "./marks";
import { LineageModel } from "./model";
import { NotebookMarks } from "./notebook-marks";
import {
  mergePrevious,
  previousBanner,
  previousFromLive,
  previousFromStored,
  previousNote,
  type PreviousLineage,
} from "./provenance";
import {
  isLineageFormatError,
  LINEAGE_COMM_TARGET,
  parseLineage,
  type LineageGraph,
} from "./schema";
import { LineageView } from "./widget";

/** The key that holds replab's data (`metadata.replab.lineage`, docs/contracts.md, "Lineage JSON"). */
export const METADATA_KEY = "replab";

/** The graph without the session before it: that is the kernel's to recover, not the notebook's. */
export function withoutPrevious(graph: LineageGraph): LineageGraph {
  if (graph.previousSession === undefined) return graph;
  const copy = { ...graph };
  delete copy.previousSession;
  return copy;
}

/** Reads the lineage stored in a notebook's metadata, or undefined. */
export function storedLineage(nb: NotebookPanel): unknown {
  const replab = nb.model?.getMetadata(METADATA_KEY) as { lineage?: unknown } | undefined;
  return replab?.lineage;
}

/** The notebook's cell ids, top to bottom. */
export function cellOrder(nb: NotebookPanel): string[] {
  return nb.content.widgets.map((c) => c.model.id);
}

/** The code cells whose result the notebook shows: an execution count or outputs. */
export function cellsWithResults(nb: NotebookPanel): Set<string> {
  const ids = new Set<string>();
  for (const cell of nb.content.widgets) {
    const m = cell.model;
    if (m.type !== "code") continue;
    const code = m as ICodeCellModel;
    if (code.executionCount !== null || code.outputs.length > 0) ids.add(m.id);
  }
  return ids;
}

/** Selects, scrolls to and focuses the cell with the given nbformat id; false if absent. */
export function activateCell(nb: NotebookPanel, cellId: string): boolean {
  const notebook = nb.content;
  const index = notebook.widgets.findIndex((c) => c.model.id === cellId);
  if (index < 0) return false;
  notebook.deselectAll();
  notebook.activeCellIndex = index;
  void notebook.scrollToCell(notebook.widgets[index], "center");
  return true;
}

/** Commands the panel's buttons run, and the services it reads files with. */
export interface PanelCommands {
  exportPipeline: () => void;
  /** JupyterLab's contents service, to see whether the files cells read changed on disk. */
  contents?: Pick<Contents.IManager, "get">;
}

/** The lineage sidebar. */
export class LineagePanel extends Panel {
  /** The model the view renders. */
  readonly model = new LineageModel();
  private readonly view: LineageView;
  private readonly statusLine: HTMLDivElement;
  private current: NotebookPanel | null = null;
  private comm: Kernel.IComm | null = null;
  /** True once the current kernel has sent a graph; until then the stored one is shown. */
  private live = false;
  /** A kernel that closed our comm without a graph (not a replab kernel): not asked again. */
  private refusedBy: Kernel.IKernelConnection | null = null;
  /**
   * The lineage of the kernel before this one: what it recovered from that session's journal
   * (`previousSession`), else the notebook's stored graph. Shown for the cells not run here.
   */
  private previous: PreviousLineage | null = null;
  private readonly exportButton: HTMLButtonElement;
  private readonly _kernelChanged = new Signal<this, void>(this);
  /** The marks on the followed notebook's cells. */
  readonly marks: NotebookMarks;

  constructor(
    private readonly tracker: INotebookTracker,
    commands: PanelCommands,
  ) {
    super();
    this.id = "replab-lineage-panel";
    this.addClass("rl-panel");
    this.title.caption = "Cell lineage";

    const bar = document.createElement("div");
    bar.className = "rl-toolbar";
    const heading = document.createElement("span");
    heading.className = "rl-heading";
    heading.textContent = "Lineage";
    const exportButton = document.createElement("button");
    exportButton.className = "rl-button jp-mod-styled rl-export";
    exportButton.textContent = "Export pipeline";
    exportButton.title = "Run %repro export in the kernel";
    exportButton.addEventListener("click", () => commands.exportPipeline());
    this.exportButton = exportButton;
    bar.append(heading, exportButton);
    this.statusLine = document.createElement("div");
    this.statusLine.className = "rl-status";
    this.statusLine.setAttribute("role", "status");
    const header = new Widget({ node: document.createElement("div") });
    header.node.append(bar, this.statusLine);
    header.addClass("rl-header");
    this.addWidget(header);

    this.view = new LineageView(this.model, {
      onActivateCell: (id) => {
        if (this.current) activateCell(this.current, id);
      },
      emptyText: "No lineage yet: open a notebook and run it with the replab kernel.",
      legend: true,
      cellOrder: () => (this.current ? cellOrder(this.current) : []),
      fitWidth: true,
      tools: true,
    });
    this.addWidget(this.view);
    this.marks = new NotebookMarks(
      this.model,
      commands.contents ? new InputFileChecker(commands.contents) : null,
    );

    this.model.changed.connect((_, change) => {
      if (change === "status") this.statusLine.textContent = this.model.status;
    });
    tracker.currentChanged.connect(this.onNotebookChanged, this);
    NotebookActions.executed.connect(this.onExecuted, this);
    this.onNotebookChanged();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.tracker.currentChanged.disconnect(this.onNotebookChanged, this);
    NotebookActions.executed.disconnect(this.onExecuted, this);
    this.unfollow();
    this.marks.dispose();
    super.dispose();
  }

  /** Emits when the followed notebook's kernel comes, goes or restarts (commands re-check). */
  get kernelChanged(): ISignal<this, void> {
    return this._kernelChanged;
  }

  /** The search box of the graph (the "search lineage" command). */
  focusSearch(): void {
    this.view.focusSearch();
  }

  /** The notebook the panel shows. */
  get notebook(): NotebookPanel | null {
    return this.current;
  }

  /** Asks the kernel for the graph again (`{ request: "lineage" }`) and looks at the input files. */
  refresh(): void {
    if (this.comm && !this.comm.isDisposed) this.comm.send({ request: "lineage" });
    else this.showStored();
    void this.marks.checkFiles();
  }

  /** Whether the followed notebook has a kernel to run or export with. */
  get hasKernel(): boolean {
    return !!this.current?.sessionContext.session?.kernel;
  }

  private updateExportButton(): void {
    const ok = this.hasKernel;
    this.exportButton.disabled = !ok;
    this.exportButton.title = ok
      ? "Export the notebook as a deterministic pipeline"
      : "Start the notebook's replab kernel to export (Kernel > Change Kernel)";
    this._kernelChanged.emit();
  }

  private onNotebookChanged(): void {
    const next = this.tracker.currentWidget;
    if (next === this.current) return;
    this.unfollow();
    this.current = next;
    this.previous = null;
    this.model.setStatus("");
    this.model.setProvenance(new Set(), "");
    this.marks.follow(next);
    this.updateExportButton();
    if (!next) {
      this.model.clear();
      return;
    }
    next.sessionContext.kernelChanged.connect(this.onKernelChanged, this);
    next.sessionContext.statusChanged.connect(this.onKernelStatus, this);
    next.sessionContext.connectionStatusChanged.connect(this.onConnectionStatus, this);
    next.content.activeCellChanged.connect(this.onActiveCell, this);
    next.disposed.connect(this.onNotebookDisposed, this);
    void next.context.ready.then(() => {
      if (this.current !== next) return;
      next.model?.metadataChanged.connect(this.onMetadataChanged, this);
      this.showStored();
      this.openComm();
    });
  }

  private onNotebookDisposed(): void {
    this.unfollow();
    this.current = null;
    this.marks.follow(null);
    this.model.clear();
    this.updateExportButton();
  }

  private unfollow(): void {
    const nb = this.current;
    if (nb) {
      nb.sessionContext.kernelChanged.disconnect(this.onKernelChanged, this);
      nb.sessionContext.statusChanged.disconnect(this.onKernelStatus, this);
      nb.sessionContext.connectionStatusChanged.disconnect(this.onConnectionStatus, this);
      nb.content.activeCellChanged.disconnect(this.onActiveCell, this);
      nb.disposed.disconnect(this.onNotebookDisposed, this);
      nb.model?.metadataChanged.disconnect(this.onMetadataChanged, this);
    }
    this.closeComm();
  }

  private onKernelChanged(): void {
    this.closeComm();
    this.model.setStatus("");
    this.showStored();
    this.openComm();
    this.updateExportButton();
  }

  private onKernelStatus(_: ISessionContext, status: Kernel.Status): void {
    // A restart drops the kernel's comms: show the stored graph, reopen when it is back.
    if (status === "restarting" || status === "autorestarting" || status === "dead") {
      // The same connection object comes back after a restart: let it be asked again.
      this.refusedBy = null;
      this.closeComm();
      // An export's words were about the old kernel.
      this.model.setStatus("");
      this.showStored();
    } else if (status === "idle" && this.comm === null) {
      this.openComm();
    }
    this.updateExportButton();
  }

  /**
   * Reconnected to the kernel (after it died and was restarted): ask for its graph. Waiting
   * for "idle" is not enough, since a status sent before the new connection subscribed is lost
   * and JupyterLab then shows "Unknown" until a cell runs (seen in test/viewer/crash.test.ts).
   */
  private onConnectionStatus(_: ISessionContext, status: Kernel.ConnectionStatus): void {
    if (status === "connected" && this.comm === null) this.openComm();
  }

  private onMetadataChanged(): void {
    if (!this.live) this.showStored();
  }

  private onActiveCell(): void {
    this.syncSelection(true);
  }

  /**
   * Selects the notebook's active cell in the graph; scrolls to it only when the user moved
   * to another cell (`reveal`), so a redraw keeps the panel's scroll where the user left it.
   */
  private syncSelection(reveal: boolean): void {
    const id = this.current?.content.activeCell?.model.id ?? null;
    if (id !== null && this.model.index?.nodes.has(id)) {
      this.model.select(id);
      if (reveal) this.view.reveal(id);
    } else {
      this.model.select(null);
    }
  }

  private onExecuted(_: unknown, args: { notebook: unknown }): void {
    if (this.current && args.notebook === this.current.content) {
      this.node.dataset.executedAt = String(performance.timeOrigin + performance.now());
    }
  }

  /**
   * Shows the lineage stored in the notebook (kept current from the live graph): the previous
   * kernel's, until cells run in this one.
   */
  private showStored(): void {
    this.live = false;
    const nb = this.current;
    const stored = nb ? storedLineage(nb) : undefined;
    if (stored === undefined) this.model.clear();
    else this.model.setData(stored, "stored");
    this.previous = null;
    if (stored !== undefined) {
      try {
        this.previous = previousFromStored(withoutPrevious(parseLineage(stored)));
      } catch (e) {
        if (!isLineageFormatError(e)) throw e;
      }
    }
    const cells = this.previous?.graph.nodes.filter((n) => n.kind === "cell").length ?? 0;
    this.model.setProvenance(
      new Set(),
      cells === 0
        ? ""
        : this.hasKernel
          ? `Lineage of the previous kernel (${plural(cells, "cell")}): nothing has run in this kernel yet.`
          : `No kernel: the lineage stored in the notebook (${plural(cells, "cell")}).`,
    );
    this.syncSelection(false);
  }

  private openComm(): void {
    const kernel = this.current?.sessionContext.session?.kernel ?? null;
    if (!kernel || this.comm !== null || kernel === this.refusedBy) return;
    let comm: Kernel.IComm;
    try {
      comm = kernel.createComm(LINEAGE_COMM_TARGET);
    } catch {
      // The kernel connection refuses comms (e.g. it is being disposed): keep the stored view.
      return;
    }
    this.comm = comm;
    let heard = false;
    comm.onMsg = (msg) => {
      heard = true;
      this.onCommMsg(comm, msg);
    };
    comm.onClose = () => {
      if (this.comm !== comm) return;
      this.comm = null;
      if (!heard) this.refusedBy = kernel;
    };
    comm.open({});
  }

  private closeComm(): void {
    const comm = this.comm;
    this.comm = null;
    if (!comm || comm.isDisposed) return;
    try {
      // Tell the kernel, so it stops pushing to a comm nobody reads.
      comm.close();
    } catch {
      // The kernel already went away (restart, shutdown): nothing to tell it.
    }
    if (!comm.isDisposed) comm.dispose();
  }

  private onCommMsg(comm: Kernel.IComm, msg: KernelMessage.ICommMsgMsg): void {
    if (comm !== this.comm) return;
    const data = msg.content.data as { type?: unknown; graph?: unknown };
    if (data.type !== "lineage") return;
    let graph: LineageGraph;
    try {
      graph = parseLineage(data.graph);
    } catch (e) {
      if (!isLineageFormatError(e)) throw e;
      this.model.setData(data.graph, "live");
      return;
    }
    // The kernel's word on the session before it (read from its journal) beats the stored copy.
    const recovered = previousFromLive(graph);
    if (recovered) this.previous = recovered;
    const ranHere = graph.nodes.length > 0;
    // A fresh kernel knows no cells yet; its empty graph must not hide the stored lineage.
    if (!ranHere && !recovered && !this.live && this.model.source === "stored") return;
    this.live = true;
    // Nothing ran here: the stored lineage, if any, still describes the notebook's outputs.
    if (ranHere) this.persist(withoutPrevious(graph));
    this.showWithPrevious(withoutPrevious(graph), ranHere);
    this.syncSelection(false);
  }

  /**
   * Shows this kernel's graph with the previous kernel's cells it has not run (their outputs
   * are still in the notebook), those marked not run here and drawn apart.
   */
  private showWithPrevious(graph: LineageGraph, ranHere: boolean): void {
    const previous = this.previous;
    const nb = this.current;
    const inNotebook = new Set(nb ? cellOrder(nb) : []);
    const merged = previous
      ? mergePrevious(graph, previous.graph, inNotebook, nb ? cellsWithResults(nb) : new Set())
      : null;
    const shown = {
      cells:
        merged?.graph.nodes.filter((n) => n.kind === "cell" && merged.previous.has(n.id)).length ??
        0,
      notRun: merged?.notRunHere.size ?? 0,
    };
    const now = new Date();
    const drawn = previous !== null && merged !== null && shown.cells > 0;
    this.model.setProvenance(
      drawn ? merged.notRunHere : new Set(),
      drawn ? previousBanner(previous, shown, ranHere, now) : "",
      drawn ? { ids: merged.previous, note: previousNote(previous, now) } : undefined,
    );
    if (drawn) this.model.setGraph(merged.graph, ranHere ? "live" : "previous");
    else this.model.setGraph(graph, "live");
  }

  /** Keeps the live graph in the notebook's metadata, so a saved notebook shows it later. */
  private persist(graph: LineageGraph | null): void {
    const nbModel = this.current?.model;
    if (!nbModel || graph === null) return;
    const prev = (nbModel.getMetadata(METADATA_KEY) as Record<string, unknown> | undefined) ?? {};
    if (JSON.stringify(prev.lineage) === JSON.stringify(graph)) return;
    nbModel.setMetadata(METADATA_KEY, { ...prev, lineage: graph });
  }
}
