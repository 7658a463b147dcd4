/**
 * Messages between the protocol thread (worker.ts, which owns the sockets) and the main
 * thread (main.ts, which owns the cell engine). Structured-clone friendly plain data.
 */
import type {
  CompleteResult,
  ExecuteOutcome,
  InspectResult,
  IsCompleteResult,
  MimeBundle,
  OutputMetadata,
} from "../runtime/session/types.js";
import type { LineageGraph } from "../runtime/lineage/types.js";

/** Engine calls the protocol thread makes, each answered by one EngineReply with the same id. */
export type EngineCall =
  | {
      kind: "execute";
      id: number;
      code: string;
      cellId: string | undefined;
      silent: boolean;
      storeHistory: boolean;
      allowStdin: boolean;
      /** execute_request's user_expressions: evaluated after the cell when it succeeds. */
      userExpressions: Record<string, string>;
    }
  | { kind: "complete"; id: number; code: string; cursorPos: number }
  | { kind: "inspect"; id: number; code: string; cursorPos: number; detailLevel: 0 | 1 }
  | { kind: "is_complete"; id: number; code: string }
  | { kind: "lineage"; id: number };

export interface EngineResults {
  execute: ExecuteOutcome;
  complete: CompleteResult;
  inspect: InspectResult;
  is_complete: IsCompleteResult;
  lineage: LineageGraph;
}

/** Output of a running (or the latest) execution, published on iopub with that execution's parent. */
export type CellOutput =
  | { type: "stream"; name: "stdout" | "stderr"; text: string }
  | {
      type: "display";
      data: MimeBundle;
      metadata: OutputMetadata;
      displayId: string | undefined;
      update: boolean;
    }
  | { type: "clear"; wait: boolean };

/** Worker -> main. */
export type ToEngine =
  | EngineCall
  | { kind: "input_reply"; id: number; value: string }
  | { kind: "input_refused"; id: number; message: string }
  /** Whether a frontend holds a lineage comm; only then does the engine push the graph. */
  | { kind: "watch_lineage"; watching: boolean }
  /** The sockets are closed; exitCode 1 when the kernel could not start (a port in use). */
  | { kind: "shutdown"; exitCode: 0 | 1 };

/** Main -> worker. */
export type ToProtocol =
  | { kind: "reply"; id: number; result: EngineResults[keyof EngineResults] }
  /** The engine threw answering call `id`: the protocol thread sends an error reply. */
  | { kind: "failed"; id: number; ename: string; evalue: string }
  | { kind: "output"; executeId: number | undefined; output: CellOutput }
  | { kind: "input_request"; id: number; executeId: number; prompt: string; password: boolean }
  | { kind: "lineage_changed"; graph: LineageGraph }
  /**
   * Stop (SIGTERM, launcher gone): close the sockets and answer "shutdown". Terminating the
   * worker with its sockets open makes the zeromq addon abort the process (kernel/main.ts).
   */
  | { kind: "close" };

/** What the protocol thread needs at start: the connection and kernel_info facts. */
export interface ProtocolData {
  connection: import("./connection.js").ConnectionInfo;
  languageInfo: Record<string, unknown>;
  banner: string;
  implementationVersion: string;
  /** The engine's interrupt flag (CellEngine.interruptFlag): set it to stop a loop after an await. */
  interruptFlag: SharedArrayBuffer;
}
