/**
 * The viewer's state: which graph is shown, where it came from, which node is selected.
 * No DOM: views listen to `changed` and re-render (the extension-examples shape).
 */
import { Signal, type ISignal } from "@lumino/signaling";
import { GraphIndex } from "./graph";
import { isLineageFormatError, parseLineage, type LineageGraph } from "./schema";

/**
 * Where the shown graph came from; `previous`: the kernel's, but only what the session before
 * it ran (recovered from its journal), as nothing has run in this kernel yet.
 */
export type LineageSource = "live" | "previous" | "stored" | "inline" | "none";

/**
 * What changed: the graph or what of it is shown (relayout), the selection, the search or
 * the notebook's marks (restyle), the status line.
 */
export type LineageChange = "graph" | "selection" | "search" | "marks" | "status";

/** State of one lineage view. */
export class LineageModel {
  private _graph: LineageGraph | null = null;
  private _index: GraphIndex | null = null;
  private _source: LineageSource = "none";
  private _selected: string | null = null;
  private _error: string | null = null;
  private _status = "";
  private _version = 0;
  private _focus = false;
  private _query = "";
  private _notRunHere: ReadonlySet<string> = new Set();
  private _previous: ReadonlySet<string> = new Set();
  private _previousNote = "";
  private _banner = "";
  private _outOfDate: ReadonlySet<string> = new Set();
  private _changedFiles: ReadonlySet<string> = new Set();
  private readonly _changed = new Signal<this, LineageChange>(this);

  /** Emits after every change, with what changed. */
  get changed(): ISignal<this, LineageChange> {
    return this._changed;
  }

  /** The graph shown, or null. */
  get graph(): LineageGraph | null {
    return this._graph;
  }

  /** The shown graph indexed for lookups, or null. */
  get index(): GraphIndex | null {
    return this._index;
  }

  /** Where the graph came from. */
  get source(): LineageSource {
    return this._source;
  }

  /** Why the last input was refused, or null. */
  get error(): string | null {
    return this._error;
  }

  /** Selected node id, or null. */
  get selected(): string | null {
    return this._selected;
  }

  /** A one-line message for the user (e.g. where an export wrote). */
  get status(): string {
    return this._status;
  }

  /** Focus mode: only the selected node with its upstream and downstream is drawn. */
  get focus(): boolean {
    return this._focus;
  }

  /** The search text; matching nodes are marked (GraphIndex.search). */
  get query(): string {
    return this._query;
  }

  /** Cells the previous kernel ran that this kernel has not. */
  get notRunHere(): ReadonlySet<string> {
    return this._notRunHere;
  }

  /** Nodes drawn from the previous kernel's lineage (cells, files and frames), not this one's. */
  get previous(): ReadonlySet<string> {
    return this._previous;
  }

  /** What a node of the previous kernel says about where it is from (its tooltip). */
  get previousNote(): string {
    return this._previousNote;
  }

  /** A line about where the graph is from, e.g. that it is the previous kernel's. */
  get banner(): string {
    return this._banner;
  }

  /** Cells the notebook marks as out of date (marks.ts), drawn like stale ones. */
  get outOfDate(): ReadonlySet<string> {
    return this._outOfDate;
  }

  /** File nodes whose content on disk is no longer what the graph recorded. */
  get changedFiles(): ReadonlySet<string> {
    return this._changedFiles;
  }

  /** Increases with every accepted graph; lets tests and benches wait for a given update. */
  get version(): number {
    return this._version;
  }

  /**
   * Shows untrusted JSON after checking it against the schema; on a bad graph the model
   * keeps nothing from it and reports the error instead. Returns whether it was accepted.
   */
  setData(value: unknown, source: LineageSource): boolean {
    if (value === undefined || value === null) {
      this.clear();
      return false;
    }
    try {
      this.setGraph(parseLineage(value), source);
      return true;
    } catch (e) {
      if (!isLineageFormatError(e)) throw e;
      this._graph = null;
      this._index = null;
      this._source = "none";
      this._error = e.message;
      this._version++;
      this._changed.emit("graph");
      return false;
    }
  }

  /** Shows a graph that was already validated. */
  setGraph(graph: LineageGraph, source: LineageSource): void {
    this._graph = graph;
    this._index = new GraphIndex(graph);
    this._source = source;
    this._error = null;
    if (this._selected !== null && !this._index.nodes.has(this._selected)) this._selected = null;
    this._version++;
    this._changed.emit("graph");
  }

  /** Shows nothing. */
  clear(): void {
    if (this._graph === null && this._error === null && this._source === "none") return;
    this._graph = null;
    this._index = null;
    this._source = "none";
    this._error = null;
    this._version++;
    this._changed.emit("graph");
  }

  /** Selects a node (or nothing); the view highlights its upstream and downstream. */
  select(id: string | null): void {
    if (id === this._selected) return;
    this._selected = id;
    // In focus mode the selection decides what is drawn.
    this._changed.emit(this._focus ? "graph" : "selection");
  }

  /** Turns focus mode on or off. */
  setFocus(on: boolean): void {
    if (on === this._focus) return;
    this._focus = on;
    this._changed.emit("graph");
  }

  /** Sets the search text. */
  setQuery(query: string): void {
    if (query === this._query) return;
    this._query = query;
    this._changed.emit("search");
  }

  /**
   * Sets the cells not run in this kernel, the line saying where the graph is from, and the
   * nodes shown from the previous kernel with what their tooltip says about it.
   */
  setProvenance(
    notRunHere: ReadonlySet<string>,
    banner: string,
    previous: { ids: ReadonlySet<string>; note: string } = { ids: new Set(), note: "" },
  ): void {
    if (
      banner === this._banner &&
      sameSet(notRunHere, this._notRunHere) &&
      sameSet(previous.ids, this._previous) &&
      previous.note === this._previousNote
    ) {
      return;
    }
    this._notRunHere = notRunHere;
    this._banner = banner;
    this._previous = previous.ids;
    this._previousNote = previous.note;
    this._changed.emit("graph");
  }

  /** Sets what the notebook's marks say (restyles the drawing, no relayout). */
  setMarked(outOfDate: ReadonlySet<string>, changedFiles: ReadonlySet<string>): void {
    if (sameSet(outOfDate, this._outOfDate) && sameSet(changedFiles, this._changedFiles)) return;
    this._outOfDate = outOfDate;
    this._changedFiles = changedFiles;
    this._changed.emit("marks");
  }

  /** Sets the status line. */
  setStatus(text: string): void {
    if (text === this._status) return;
    this._status = text;
    this._changed.emit("status");
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
