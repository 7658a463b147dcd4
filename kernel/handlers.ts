/**
 * The handler tables: one handler for every request type on shell and on control. A request
 * type added to messages.ts without a handler here does not compile.
 */
import { commClose, commInfo, commMsg, commOpen } from "./comm-handlers.js";
import type { KernelContext } from "./context.js";
import { execute, refuseOnControl } from "./execute.js";
import { answerHistory } from "./history.js";
import { lexicallyIncomplete } from "./is-complete.js";
import { PROTOCOL_VERSION, type ReplyContent } from "./messages.js";
import type { HandlerTable, Queued } from "./requests.js";

/** The handlers of requests that arrive on shell. */
export function shellHandlers(kernel: KernelContext): HandlerTable {
  return {
    kernel_info_request: (request) => kernel.reply(request, kernelInfo(kernel)),
    execute_request: (request) => execute(kernel, request),
    complete_request: (request) => complete(kernel, request),
    inspect_request: (request) => inspect(kernel, request),
    // An open bracket, template or comment at the end needs no parser (is-complete.ts).
    is_complete_request: async (request) => {
      const { code } = request.message.content;
      const early = lexicallyIncomplete(code);
      return kernel.reply(request, early ?? (await kernel.call({ kind: "is_complete", code })));
    },
    history_request: (request) => {
      const history = answerHistory(kernel.executions.history, request.message.content);
      return kernel.reply(request, { status: "ok", history });
    },
    comm_info_request: (request) => commInfo(kernel, request),
    comm_open: (request) => commOpen(kernel, request),
    comm_msg: (request) => commMsg(kernel, request),
    comm_close: (request) => commClose(kernel, request),
    shutdown_request: (request) => shutdown(kernel, request),
    interrupt_request: (request) => {
      // The engine breaks synchronous code on SIGINT and abandons a pending await; a loop
      // after an await sees the flag (docs/interrupts.md).
      kernel.interruptEngine();
      return kernel.reply(request, { status: "ok" });
    },
    // input_reply belongs on stdin (stdin.ts); one sent on shell answers nothing.
    input_reply: () => Promise.resolve(),
  };
}

/** Control runs what shell runs, except cells: an execute_request there gets an error reply. */
export function controlHandlers(kernel: KernelContext): HandlerTable {
  return {
    ...shellHandlers(kernel),
    execute_request: (request) => refuseOnControl(kernel, request),
  };
}

function kernelInfo(kernel: KernelContext): ReplyContent["kernel_info_reply"] {
  const { data } = kernel;
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "replab",
    implementation_version: data.implementationVersion,
    language_info: data.languageInfo,
    banner: data.banner,
    help_links: [{ text: "replab", url: "https://github.com/replab/replab" }],
    debugger: false,
  };
}

async function complete(kernel: KernelContext, request: Queued<"complete_request">): Promise<void> {
  const { code, cursor_pos: cursorPos } = request.message.content;
  const result = await kernel.call({ kind: "complete", code, cursorPos });
  await kernel.reply(request, {
    status: "ok",
    matches: result.matches,
    cursor_start: result.cursorStart,
    cursor_end: result.cursorEnd,
    metadata: { _jupyter_types_experimental: result.types },
  });
}

async function inspect(kernel: KernelContext, request: Queued<"inspect_request">): Promise<void> {
  const { code, cursor_pos: cursorPos, detail_level: detailLevel } = request.message.content;
  const result = await kernel.call({ kind: "inspect", code, cursorPos, detailLevel });
  await kernel.reply(request, {
    status: "ok",
    found: result.found,
    data: result.data,
    metadata: {},
  });
}

async function shutdown(kernel: KernelContext, request: Queued<"shutdown_request">): Promise<void> {
  await kernel.reply(request, { status: "ok", restart: request.message.content.restart });
  await kernel.publish("status", { execution_state: "idle" }, request.message);
  await kernel.close();
  // The engine reads the shutdown only between cells: stop a running cell so a kernel told
  // to shut down mid-loop exits by itself instead of waiting for the manager to kill it.
  if (kernel.executions.running !== undefined) kernel.interruptEngine();
}
