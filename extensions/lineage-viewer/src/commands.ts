/**
 * Acting on the lineage from the notebook: run the out-of-date cells in dependency order,
 * run a cell with its upstream, select a cell's upstream or downstream, and the per-notebook
 * reactive mode (after a cell runs, its out-of-date dependents run). Each is a command with a
 * keyboard shortcut and a palette entry (index.ts registers them).
 */
import type { Cell } from "@jupyterlab/cells";
import { NotebookActions, type NotebookPanel } from "@jupyterlab/notebook";
import { cellOrder, METADATA_KEY, type LineagePanel } from "./panel";
import { dependencyOrder, relatedCells, withUpstream } from "./run-order";

/** The key in `metadata.replab` that turns reactive mode on for a notebook. */
export const REACTIVE_KEY = "reactive";

/** Whether reactive mode is on for the notebook. */
export function isReactive(nb: NotebookPanel | null): boolean {
  const replab = nb?.model?.getMetadata(METADATA_KEY) as Record<string, unknown> | undefined;
  return replab?.[REACTIVE_KEY] === true;
}

/** Turns reactive mode on or off for the notebook (kept in its metadata, so it is saved). */
export function setReactive(nb: NotebookPanel, on: boolean): void {
  const model = nb.model;
  if (!model) return;
  const prev = (model.getMetadata(METADATA_KEY) as Record<string, unknown> | undefined) ?? {};
  model.setMetadata(METADATA_KEY, { ...prev, [REACTIVE_KEY]: on });
}

function widgetsOf(nb: NotebookPanel, ids: readonly string[]): Cell[] {
  const byId = new Map(nb.content.widgets.map((c) => [c.model.id, c]));
  return ids.map((id) => byId.get(id)).filter((c): c is Cell => c !== undefined);
}

/** Runs the cells in the given order; resolves to whether all ran without error. */
async function runInOrder(nb: NotebookPanel, ids: readonly string[]): Promise<boolean> {
  const cells = widgetsOf(nb, ids);
  if (cells.length === 0) return true;
  return NotebookActions.runCells(nb.content, cells, nb.sessionContext);
}

/** The lineage actions on the notebook the panel follows. */
export class LineageActions {
  /** Cells run by these actions, so reactive mode does not answer its own runs. */
  private readonly launched = new Set<string>();
  /** Cells the user ran in reactive mode whose dependents have not run yet. */
  private readonly pending = new Set<string>();
  private reacting = false;

  constructor(private readonly panel: LineagePanel) {
    NotebookActions.executed.connect(this.onExecuted, this);
    panel.marks.updated.connect(() => void this.react(), this);
  }

  private get nb(): NotebookPanel | null {
    return this.panel.notebook;
  }

  /** The out-of-date cells in the order "Run stale cells" runs them. */
  staleOrder(): string[] {
    const nb = this.nb;
    const index = this.panel.model.index;
    if (!nb || !index) return [];
    return dependencyOrder(index, this.panel.marks.outOfDate(), cellOrder(nb));
  }

  /** Runs every out-of-date cell, each after the cells it depends on. */
  async runStale(): Promise<number> {
    const order = this.staleOrder();
    await this.launch(order);
    return order.length;
  }

  /** Runs the active cell after every cell it depends on. */
  async runWithUpstream(): Promise<number> {
    const nb = this.nb;
    const index = this.panel.model.index;
    const id = nb?.content.activeCell?.model.id;
    if (!nb || !id) return 0;
    const order = index?.nodes.has(id) ? withUpstream(index, id, cellOrder(nb)) : [id];
    await this.launch(order);
    return order.length;
  }

  /** Selects the active cell and the cells upstream (or downstream) of it. */
  select(direction: "upstream" | "downstream"): number {
    const nb = this.nb;
    const index = this.panel.model.index;
    const active = nb?.content.activeCell;
    if (!nb || !index || !active) return 0;
    const ids = relatedCells(index, active.model.id, direction);
    const notebook = nb.content;
    notebook.mode = "command";
    notebook.deselectAll();
    for (const cell of notebook.widgets) if (ids.has(cell.model.id)) notebook.select(cell);
    notebook.select(active);
    return ids.size;
  }

  private async launch(order: readonly string[]): Promise<void> {
    const nb = this.nb;
    if (!nb || order.length === 0) return;
    for (const id of order) this.launched.add(id);
    try {
      await runInOrder(nb, order);
    } finally {
      for (const id of order) this.launched.delete(id);
    }
  }

  private onExecuted(_: unknown, args: { notebook: unknown; cell: Cell; success: boolean }): void {
    const nb = this.nb;
    if (!nb || args.notebook !== nb.content || !isReactive(nb)) return;
    const id = args.cell.model.id;
    if (this.launched.has(id) || !args.success || args.cell.model.type !== "code") return;
    this.pending.add(id);
    void this.react();
  }

  /**
   * Reactive mode: once the graph shows the cells the user ran at their new execution
   * counts, runs their out-of-date dependents in dependency order.
   */
  private async react(): Promise<void> {
    const nb = this.nb;
    const index = this.panel.model.index;
    if (!nb || !index || this.pending.size === 0 || this.reacting || !isReactive(nb)) return;
    const counts = new Map(
      nb.content.widgets.map((c) => [
        c.model.id,
        (c.model as { executionCount?: unknown }).executionCount,
      ]),
    );
    const current = [...this.pending].every((id) => {
      const node = index.nodes.get(id);
      return node?.kind === "cell" && node.executionCount === counts.get(id);
    });
    if (!current) return;
    const stale = this.panel.marks.outOfDate();
    const dependents = new Set<string>();
    for (const id of this.pending) {
      for (const d of relatedCells(index, id, "downstream")) if (stale.has(d)) dependents.add(d);
    }
    this.pending.clear();
    if (dependents.size === 0) return;
    this.reacting = true;
    try {
      await this.launch(dependencyOrder(index, dependents, cellOrder(nb)));
    } finally {
      this.reacting = false;
    }
  }

  dispose(): void {
    NotebookActions.executed.disconnect(this.onExecuted, this);
  }
}
