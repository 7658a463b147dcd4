/**
 * Type tests, checked by `tsc -p test/tsconfig.json` (never run): the reply rules of
 * kernel/messages.ts and the handler table of kernel/requests.ts hold at compile time. Each
 * `@ts-expect-error` line must fail to compile; if one ever compiles, tsc reports the unused
 * directive, so a loosened type breaks the type check.
 */
import type { KernelContext } from "../../kernel/context.js";
import {
  createErrorReply,
  createIopub,
  createReply,
  createStdinRequest,
  type ErrorContent,
  type Message,
  type ReplyContent,
  type RequestContent,
} from "../../kernel/messages.js";
import { dispatch, type HandlerTable, type Queued } from "../../kernel/requests.js";

declare const kernelInfo: Message<"kernel_info_request", RequestContent["kernel_info_request"]>;
declare const execute: Message<"execute_request", RequestContent["execute_request"]>;
declare const history: Queued<"history_request">;
declare const complete: Queued<"complete_request">;
declare const kernel: KernelContext;
declare const table: HandlerTable;
declare const kernelInfoReply: ReplyContent["kernel_info_reply"];
declare const completeReply: ReplyContent["complete_reply"];
declare const expressionError: ErrorContent;
declare const okExecute: { status: "ok"; execution_count: number; payload: unknown[] };
declare const withoutExecute: Omit<HandlerTable, "execute_request">;

/** What each request type may be answered with. */
export function replies(): void {
  createReply(kernelInfo, kernelInfoReply, "s");
  // @ts-expect-error a kernel_info_request is not answered with a complete_reply
  createReply(kernelInfo, completeReply, "s");
  createReply(execute, { status: "aborted" }, "s");
  // @ts-expect-error an aborted execute_reply has no execution count (the cell never ran)
  createReply(execute, { status: "aborted", execution_count: 1 }, "s");
  createReply(execute, { ...okExecute, user_expressions: { a: expressionError } }, "s");
  // @ts-expect-error user_expressions entries are bundles or errors, not bare values
  createReply(execute, { ...okExecute, user_expressions: { a: 1 } }, "s");
  void kernel.reply(history, { status: "ok", history: [] });
  // @ts-expect-error a history_request is not answered with a comm_info_reply
  void kernel.reply(history, { status: "ok", comms: {} });
  createErrorReply("execute_request", execute, expressionError, "s");
  // @ts-expect-error comm_msg has no reply, so no error reply either
  createErrorReply("comm_msg", execute, expressionError, "s");
}

/** iopub and stdin messages come from typed factories. */
export function broadcasts(): void {
  createIopub("status", { execution_state: "idle" }, "s");
  // @ts-expect-error no such execution state
  createIopub("status", { execution_state: "running" }, "s");
  // @ts-expect-error a stream message has text
  createIopub("stream", { name: "stdout" }, "s");
  // @ts-expect-error not an iopub message type
  createIopub("execute_reply", {}, "s");
  createIopub("iopub_welcome", { subscription: "" }, "s");
  createStdinRequest("input_request", { prompt: "? ", password: false }, "s", execute);
  // @ts-expect-error an input_request says whether it is a password
  createStdinRequest("input_request", { prompt: "? " }, "s", execute);
}

/** The handler table has one handler of the right type per request type. */
export function handlers(): void {
  void dispatch(table, complete);
  // @ts-expect-error a table without an execute_request handler does not compile
  const missing: HandlerTable = withoutExecute;
  const typed: HandlerTable = {
    ...table,
    // @ts-expect-error a complete_request handler cannot stand for execute_request
    execute_request: (request: Queued<"complete_request">) => dispatch(table, request),
  };
  void [missing, typed];
}
