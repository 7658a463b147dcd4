/**
 * Keeps the marks on one notebook's cells current: recomputes them when the graph changes,
 * when a cell is edited (debounced), and when the files the cells read may have changed
 * (window focus, every CHECK_EVERY_MS while the page is visible, and on request).
 */
import type { NotebookPanel } from "@jupyterlab/notebook";
import { Signal, type ISignal } from "@lumino/signaling";
import { applyCellMarks, clearCellMarks } from "./cell-marks";
import type { InputFileChecker } from "./input-files";
import { cellMarks, outOfDate, type CellMark } from "./marks";
import type { LineageModel } from "./model";
import { sha256Hex } from "./sha256";

/** How often the files cells read are looked at again while the page is visible. */
export const CHECK_EVERY_MS = 10_000;
const EDIT_DEBOUNCE_MS = 200;

/** The marks of the notebook the panel follows. */
export class NotebookMarks {
  private nb: NotebookPanel | null = null;
  private marks = new Map<string, CellMark>();
  private files = new Map<string, string>();
  private readonly hashes = new Map<string, string>();
  private editTimer = 0;
  private checking: Promise<void> | null = null;
  private readonly timer: number;
  private readonly _updated = new Signal<this, void>(this);
  private readonly onFocus = (): void => void this.checkFiles();

  constructor(
    private readonly model: LineageModel,
    private readonly checker: InputFileChecker | null,
  ) {
    model.changed.connect((_, change) => {
      if (change !== "graph") return;
      this.update();
      void this.checkFiles();
    });
    window.addEventListener("focus", this.onFocus);
    this.timer = window.setInterval(() => {
      if (document.visibilityState === "visible") void this.checkFiles();
    }, CHECK_EVERY_MS);
  }

  /** Emits after the marks were recomputed. */
  get updated(): ISignal<this, void> {
    return this._updated;
  }

  /** The current marks by cell id. */
  get current(): ReadonlyMap<string, CellMark> {
    return this.marks;
  }

  /** Cells whose output is out of date (edited, changed input, stale, or downstream of one). */
  outOfDate(): Set<string> {
    return outOfDate(this.marks);
  }

  /** Follows `nb` (or nothing): marks its cells, clears the previous notebook's. */
  follow(nb: NotebookPanel | null): void {
    if (this.nb) {
      this.nb.model?.contentChanged.disconnect(this.onEdited, this);
      clearCellMarks(this.nb.content);
    }
    this.nb = nb;
    this.files = new Map();
    nb?.model?.contentChanged.connect(this.onEdited, this);
    this.update();
    void this.checkFiles();
  }

  /** Looks at the input files now (the refresh command), then re-marks. */
  async checkFiles(): Promise<void> {
    const nb = this.nb;
    const index = this.model.index;
    if (!nb || !index || !this.checker) return;
    // One check at a time; a request during one waits for it.
    if (this.checking) return this.checking;
    this.checking = (async () => {
      try {
        const files = await this.checker?.check(index, nb.context.path);
        if (files && nb === this.nb) {
          this.files = files;
          this.update();
        }
      } catch {
        // The server did not answer (it is shutting down): keep the last marks.
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }

  dispose(): void {
    this.follow(null);
    window.removeEventListener("focus", this.onFocus);
    window.clearInterval(this.timer);
  }

  private onEdited(): void {
    window.clearTimeout(this.editTimer);
    this.editTimer = window.setTimeout(() => this.update(), EDIT_DEBOUNCE_MS);
  }

  /** File nodes whose content on disk is not the content the graph recorded last. */
  private changedFiles(): Set<string> {
    const changed = new Set<string>();
    for (const [id, now] of this.files) {
      const node = this.model.index?.nodes.get(id);
      if (node?.kind === "file" && now !== node.sha256) changed.add(id);
    }
    return changed;
  }

  /** sha256 of each code cell's source now; unchanged sources are not hashed again. */
  private sources(nb: NotebookPanel): Map<string, string> {
    const out = new Map<string, string>();
    for (const cell of nb.content.widgets) {
      if (cell.model.type !== "code") continue;
      const source = cell.model.sharedModel.getSource();
      let hash = this.hashes.get(source);
      if (hash === undefined) {
        if (this.hashes.size > 2000) this.hashes.clear();
        hash = sha256Hex(source);
        this.hashes.set(source, hash);
      }
      out.set(cell.model.id, hash);
    }
    return out;
  }

  private update(): void {
    const nb = this.nb;
    const index = this.model.index;
    this.marks =
      nb && index
        ? cellMarks(index, {
            sources: this.sources(nb),
            files: this.files,
            notRunHere: this.model.notRunHere,
          })
        : new Map();
    if (nb) applyCellMarks(nb.content, this.marks);
    this.model.setMarked(outOfDate(this.marks), this.changedFiles());
    this._updated.emit();
  }
}
