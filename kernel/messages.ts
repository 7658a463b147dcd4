/**
 * Jupyter messaging protocol 5.3 as types: requests keyed by msg_type, each tied to its
 * reply type, so a handler cannot answer a request with the wrong reply (docs/style.md,
 * practice 1).
 */
import { randomUUID } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";

export interface Header<T extends string = string> {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: T;
  version: string;
}

export interface Message<T extends string = string, C = Record<string, unknown>> {
  header: Header<T>;
  parent_header: Header | Record<string, never>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Uint8Array[];
}

/** Request contents, as validated by validate.ts. */
export interface RequestContent {
  kernel_info_request: Record<string, never>;
  execute_request: {
    code: string;
    silent: boolean;
    store_history: boolean;
    user_expressions: Record<string, string>;
    allow_stdin: boolean;
    stop_on_error: boolean;
  };
  complete_request: { code: string; cursor_pos: number };
  inspect_request: { code: string; cursor_pos: number; detail_level: 0 | 1 };
  is_complete_request: { code: string };
  history_request: {
    hist_access_type: "range" | "tail" | "search";
    output: boolean;
    raw: boolean;
    session?: number;
    start?: number;
    stop?: number;
    n?: number;
    pattern?: string;
    unique?: boolean;
  };
  comm_info_request: { target_name?: string };
  comm_open: { comm_id: string; target_name: string; data: Record<string, unknown> };
  comm_msg: { comm_id: string; data: Record<string, unknown> };
  comm_close: { comm_id: string; data: Record<string, unknown> };
  shutdown_request: { restart: boolean };
  interrupt_request: Record<string, never>;
  input_reply: { value: string };
}

export type RequestType = keyof RequestContent;

/** A validated request: the union keyed by msg_type that dispatch switches on, without casts. */
export type Request<K extends RequestType = RequestType> = {
  [P in K]: Message<P, RequestContent[P]>;
}[K];

/** The reply type of each request (comm messages and input_reply have none). */
export interface ReplyTypeOf {
  kernel_info_request: "kernel_info_reply";
  execute_request: "execute_reply";
  complete_request: "complete_reply";
  inspect_request: "inspect_reply";
  is_complete_request: "is_complete_reply";
  history_request: "history_reply";
  comm_info_request: "comm_info_reply";
  shutdown_request: "shutdown_reply";
  interrupt_request: "interrupt_reply";
}

export type RepliedRequest = keyof ReplyTypeOf;

/** The error reply every request may get (ipykernel's shape); execute replies add the count. */
export interface ErrorContent {
  status: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

type Status = { status: "ok" } | ErrorContent;

/** One user_expressions entry of an execute_reply: the value as a MIME bundle, or its error. */
export type UserExpressionContent =
  { status: "ok"; data: Record<string, unknown>; metadata: Record<string, unknown> } | ErrorContent;

export interface ReplyContent {
  kernel_info_reply: {
    status: "ok";
    protocol_version: string;
    implementation: string;
    implementation_version: string;
    language_info: Record<string, unknown>;
    banner: string;
    help_links: { text: string; url: string }[];
    debugger: boolean;
  };
  execute_reply:
    | {
        status: "ok";
        execution_count: number;
        payload: unknown[];
        user_expressions: Record<string, UserExpressionContent>;
      }
    | (ErrorContent & { execution_count: number })
    | { status: "aborted" };
  complete_reply: Status & {
    matches: string[];
    cursor_start: number;
    cursor_end: number;
    metadata: Record<string, unknown>;
  };
  inspect_reply: Status & {
    found: boolean;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  };
  is_complete_reply:
    { status: "complete" | "invalid" | "unknown" } | { status: "incomplete"; indent: string };
  history_reply: { status: "ok"; history: [number, number, string | [string, string | null]][] };
  comm_info_reply: { status: "ok"; comms: Record<string, { target_name: string }> };
  shutdown_reply: { status: "ok"; restart: boolean };
  interrupt_reply: { status: "ok" };
}

/** What the kernel publishes on iopub. */
export interface IopubContent {
  status: { execution_state: "starting" | "busy" | "idle" };
  execute_input: { code: string; execution_count: number };
  stream: { name: "stdout" | "stderr"; text: string };
  display_data: {
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
    transient: Record<string, unknown>;
  };
  update_display_data: {
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
    transient: Record<string, unknown>;
  };
  execute_result: {
    execution_count: number;
    data: Record<string, unknown>;
    metadata: Record<string, unknown>;
  };
  error: { ename: string; evalue: string; traceback: string[] };
  clear_output: { wait: boolean };
  comm_open: { comm_id: string; target_name: string; data: Record<string, unknown> };
  comm_msg: { comm_id: string; data: Record<string, unknown> };
  comm_close: { comm_id: string; data: Record<string, unknown> };
  /** JEP 65: sent when a client subscribes, so it knows iopub is connected. */
  iopub_welcome: { subscription: string };
}

export type IopubType = keyof IopubContent;

/** Kernel-initiated requests on stdin. */
export interface StdinContent {
  input_request: { prompt: string; password: boolean };
}

/** An iopub message: the content type follows from the msg_type. */
export function createIopub<T extends IopubType>(
  msgType: T,
  content: IopubContent[T],
  session: string,
  parent?: Message<string, unknown>,
): Message<T, IopubContent[T]> {
  return createMessage(msgType, content, session, parent);
}

/** A kernel-initiated stdin request, as the child of the execute that asked. */
export function createStdinRequest<T extends keyof StdinContent>(
  msgType: T,
  content: StdinContent[T],
  session: string,
  parent: Message<string, unknown>,
): Message<T, StdinContent[T]> {
  return createMessage(msgType, content, session, parent);
}

/** The one factory: a message of type T with its content, as a child of `parent` when given. */
export function createMessage<T extends string, C>(
  msgType: T,
  content: C,
  session: string,
  parent?: Message<string, unknown>,
): Message<T, C> {
  return {
    header: {
      msg_id: randomUUID(),
      session,
      username: "replab",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent?.header ?? {},
    metadata: {},
    content,
    buffers: [],
  };
}

/** The reply to a request; its type follows from the request's type. */
export function createReply<R extends RepliedRequest>(
  request: Message<R, RequestContent[R]>,
  content: ReplyContent[ReplyTypeOf[R]],
  session: string,
): Message<ReplyTypeOf[R], ReplyContent[ReplyTypeOf[R]]> {
  return createMessage(replyType(request.header.msg_type), content, session, request);
}

/** The error reply to a request of type R (also one whose content failed validation). */
export function createErrorReply<R extends RepliedRequest>(
  type: R,
  request: Message<string, unknown>,
  content: ErrorContent & { execution_count?: number },
  session: string,
): Message<ReplyTypeOf[R], ErrorContent> {
  return createMessage(replyType(type), content, session, request);
}

function replyType<R extends RepliedRequest>(type: R): ReplyTypeOf[R] {
  return type.replace(/_request$/, "_reply") as ReplyTypeOf[R];
}

/** Whether a request type has a reply (comm messages and input_reply have none). */
export function isRepliedRequest(type: RequestType): type is RepliedRequest {
  return type.endsWith("_request");
}
