/**
 * Messages between the protocol process (protocol.ts, which owns the sockets) and the engine
 * process (engine-host.ts, which runs the cells), and the two ends of the IPC channel that
 * carries them (engine-process.ts). Plain JSON data: the engine sends wire JSON (toWireJson).
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

/** Engine calls the protocol process makes, each answered by one EngineReply with the same id. */
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

/** Protocol -> engine. */
export type ToEngine =
  | EngineCall
  | { kind: "input_reply"; id: number; value: string }
  | { kind: "input_refused"; id: number; message: string }
  /** Whether a frontend holds a lineage comm; only then does the engine push the graph. */
  | { kind: "watch_lineage"; watching: boolean }
  /** The sockets are closed; exitCode 1 when the kernel could not start (a port in use). */
  | { kind: "shutdown"; exitCode: 0 | 1 };

/** Engine -> protocol. */
export type ToProtocol =
  | { kind: "reply"; id: number; result: EngineResults[keyof EngineResults] }
  /** The engine threw answering call `id`: the protocol process sends an error reply. */
  | { kind: "failed"; id: number; ename: string; evalue: string }
  | { kind: "output"; executeId: number | undefined; output: CellOutput }
  | { kind: "input_request"; id: number; executeId: number; prompt: string; password: boolean }
  | { kind: "lineage_changed"; graph: LineageGraph }
  /**
   * Stop (SIGTERM, launcher gone): close the sockets and answer "shutdown", so the protocol
   * process ends with its sockets closed and the engine disposes its session first.
   */
  | { kind: "close" };

/** A message from the engine that is not a ToProtocol (engine-message.ts), and why. */
export interface UnreadableEngineMessage {
  kind: "unreadable";
  why: string;
}

/** What the engine sent, as the protocol process receives it: checked at the boundary. */
export type FromEngine = ToProtocol | UnreadableEngineMessage;

/** What the protocol needs at start: the connection and kernel_info facts. */
export interface ProtocolData {
  connection: import("./connection.js").ConnectionInfo;
  languageInfo: Record<string, unknown>;
  banner: string;
  implementationVersion: string;
}

/** The engine process's word that its SIGINT listener is on (before, SIGINT would end it). */
export interface EngineInterruptible {
  kind: "interruptible";
}

/** What an engine process gives its interrupt relay thread (interrupt-relay.ts). */
export interface RelayData {
  /** The engine's interrupt flag. */
  flag: SharedArrayBuffer;
  /** The relay's end of the interrupt pipe. */
  fd: number;
}

/** What the relay writes on its pipe once it reads it: from then on an interrupt is a byte there. */
export const RELAY_LISTENING = "r";

/** The protocol's end of the bridge. */
export interface EngineLink {
  post(message: ToEngine): void;
  /** Call `listener` with every message from the engine, from now on. */
  listen(listener: (message: FromEngine) => void): void;
  /** Stop the running cell: a synchronous loop, a pending await, a loop after an await. */
  interrupt(): void;
}

/** How the engine process ended: its exit status, and the signal when one ended it. */
export interface EngineExit {
  /** The exit code, or 128 + the signal's number (what the kernel then exits with). */
  status: number;
  signal: NodeJS.Signals | undefined;
}

/** The engine's end of the bridge. */
export interface ProtocolLink {
  post(message: ToProtocol): void;
  listen(listener: (message: ToEngine) => void): void;
  /** Call `listener` once the protocol side is gone (it closed, exited or was killed). */
  onGone(listener: () => void): void;
  /** End the protocol side: after its "shutdown", or when it did not close in time. */
  end(): void;
}
