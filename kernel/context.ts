/**
 * What request handlers (execute.ts, comm-handlers.ts, handlers.ts) need from the protocol
 * thread (protocol.ts): replies, iopub, engine calls. Each reply is typed by its request.
 */
import type { EngineCall, EngineResults, ProtocolData, ToEngine } from "./bridge.js";
import type { CommRegistry } from "./comms.js";
import type { Executions } from "./executions.js";
import type {
  IopubContent,
  IopubType,
  Message,
  RepliedRequest,
  ReplyContent,
  ReplyTypeOf,
} from "./messages.js";
import type { Answerable, Queued } from "./requests.js";

/** An engine call before the protocol process gives it an id. */
export type CallOf<C extends EngineCall = EngineCall> = C extends unknown ? Omit<C, "id"> : never;

/** The protocol process as its handlers see it. */
export interface KernelContext {
  readonly data: ProtocolData;
  readonly comms: CommRegistry;
  readonly executions: Executions;
  /** Send a request's reply on the channel it came in on (stream output held is sent first). */
  reply<R extends RepliedRequest>(
    request: Queued<R>,
    content: ReplyContent[ReplyTypeOf[R]],
  ): Promise<void>;
  /** Answer a request with an error reply (ipykernel's shape). */
  replyError(request: Answerable, error: unknown): Promise<void>;
  /** Publish on iopub, after any held stream output. */
  publish<T extends IopubType>(
    type: T,
    content: IopubContent[T],
    parent: Message<string, unknown> | undefined,
  ): Promise<void>;
  /** Ask the engine; rejects with a KernelError when the engine failed. */
  call<C extends CallOf>(call: C, id?: number): Promise<EngineResults[C["kind"]]>;
  post(message: ToEngine): void;
  /** A fresh id for an engine call. */
  nextId(): number;
  /** Remove and return the execute requests waiting on shell (stop_on_error aborts them). */
  takeQueuedExecutes(): Queued<"execute_request">[];
  /** Stop the running cell, whatever it is doing (docs/interrupts.md). */
  interruptEngine(): void;
  /** Close every socket and tell the engine to shut down. */
  close(): Promise<void>;
}
