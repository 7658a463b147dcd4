/**
 * The seam between the protocol (kernel/, or the headless runner) and the cell engine.
 * Nothing here knows about sockets: a caller passes an OutputSink per request and gets a
 * plain outcome back (docs/style.md, practice 4).
 */

/** A MIME bundle: MIME type -> data (string for text types, JSON for +json types). */
import type { LineageGraph } from "../lineage/types.js";

export type MimeBundle = Record<string, unknown>;

/** Per-output metadata keyed by MIME type, as in nbformat. */
export type OutputMetadata = Record<string, unknown>;

/** Where a running cell's output goes. The kernel maps these to iopub; the runner to nbformat outputs. */
export interface OutputSink {
  stream(name: "stdout" | "stderr", text: string): void;
  /** display_data, or update_display_data when `update` is true (then displayId is required). */
  display(
    data: MimeBundle,
    metadata: OutputMetadata,
    displayId: string | undefined,
    update: boolean,
  ): void;
  clearOutput(wait: boolean): void;
  /** Ask the user for a line of input. Rejects with a RuntimeError of kind "stdin-not-allowed" when the client cannot answer. */
  input(prompt: string, password: boolean): Promise<string>;
}

export type Language = "typescript" | "javascript";

export interface ExecuteRequest {
  code: string;
  /** nbformat cell id when the client sent one (JupyterLab: metadata.cellId; the runner: the notebook's ids). */
  cellId?: string | undefined;
  silent: boolean;
  storeHistory: boolean;
  allowStdin: boolean;
  /** Expressions to evaluate after the cell, by name (Jupyter's user_expressions). */
  userExpressions?: Readonly<Record<string, string>> | undefined;
}

/** Jupyter payloads an execute reply may carry (the pager for `expr?`). */
export type ExecutePayload = { source: "page"; data: MimeBundle; start: number };

export interface ExecuteResultValue {
  data: MimeBundle;
  metadata: OutputMetadata;
}

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type ExecuteOutcome =
  | {
      status: "ok";
      executionCount: number;
      /** The value of the last expression, already formatted; undefined when there is none. */
      result: ExecuteResultValue | undefined;
      payload: ExecutePayload[];
      /** Each requested user expression's value or error; absent when none were asked for. */
      userExpressions?: Record<string, UserExpressionResult> | undefined;
    }
  | ({ status: "error"; executionCount: number } & CellError);

/** One user expression, evaluated in the notebook's globals after its cell ran. */
export type UserExpressionResult =
  ({ status: "ok" } & ExecuteResultValue) | ({ status: "error" } & CellError);

export interface CompleteResult {
  matches: string[];
  cursorStart: number;
  cursorEnd: number;
  /** `_jupyter_types_experimental` entries, one per match. */
  types: { text: string; type: string; start: number; end: number; signature?: string }[];
}

export interface InspectResult {
  found: boolean;
  data: MimeBundle;
}

export type IsCompleteResult =
  { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" };

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output?: string | undefined;
}

/** What a kernel or runner drives: one notebook's live state. Implemented by runtime/session/session.ts. */
export interface CellEngine {
  readonly language: Language;
  /** Directory imports and relative paths resolve from (the notebook's directory). */
  readonly notebookDir: string;
  execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome>;
  complete(code: string, cursorPos: number): Promise<CompleteResult>;
  inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectResult>;
  isComplete(code: string): Promise<IsCompleteResult>;
  /** Stop the running cell: a pending await rejects; a synchronous loop is broken by SIGINT (see executor). */
  interrupt(): void;
  /**
   * A flag for interrupting from another thread: storing 1 at index 0 (as Int32) stops a loop
   * the cell runs after an await, which neither SIGINT nor interrupt() can reach while it spins.
   */
  readonly interruptFlag: SharedArrayBuffer;
  /** The notebook's lineage graph as of now (docs/contracts.md, "Lineage JSON"). */
  lineage(): LineageGraph;
  /** Called after every recorded execution with the new graph; returns an unsubscribe function. */
  onLineageChange(listener: (graph: LineageGraph) => void): () => void;
  /** History for history_request; the engine stores every non-silent execution with store_history. */
  history(): readonly HistoryEntry[];
  dispose(): Promise<void>;
}
