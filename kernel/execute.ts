/**
 * execute_request: execute_input, the engine call, execute_result or error, the reply with
 * user_expressions, and stop_on_error. Outputs the cell produces meanwhile are published by
 * protocol.ts, parented through Executions.
 */
import type { KernelContext } from "./context.js";
import { errorFields, KernelError } from "./errors.js";
import type { ReplyContent } from "./messages.js";
import type { Queued } from "./requests.js";
import { phase, phaseLabel } from "../runtime/session/phases.js";

/** Run one execute_request through the engine and answer it. */
export async function execute(
  kernel: KernelContext,
  request: Queued<"execute_request">,
): Promise<void> {
  const { message } = request;
  const { code, silent, store_history: storeHistory, allow_stdin: allowStdin } = message.content;
  const executions = kernel.executions;
  const counted = storeHistory && !silent;
  const inputCount = executions.count + (counted ? 1 : 0);
  // Recorded before execute_input goes out, so a client that saw the input finds it in history.
  if (counted) executions.recordInput(code);
  // Queued on iopub now and awaited after the engine's answer: iopub keeps the order of
  // publish calls, so the cell's outputs still follow it, and the cell need not wait for it.
  const input = silent
    ? undefined
    : kernel.publish("execute_input", { code, execution_count: inputCount }, message);
  const cellId =
    typeof message.metadata["cellId"] === "string" ? message.metadata["cellId"] : undefined;
  const id = kernel.nextId();
  phase("input", request);
  phaseLabel(request, id);
  executions.begin(id, request);
  const userExpressions = message.content.user_expressions;
  const outcome = await kernel
    .call({ kind: "execute", code, cellId, silent, storeHistory, allowStdin, userExpressions }, id)
    .catch(async (error: unknown) => {
      // The engine did not answer (it ended, or failed): the cell shows why, as a cell error.
      await input;
      if (!silent) await kernel.publish("error", errorFields(error), message);
      throw error;
    })
    .finally(() => (executions.running = undefined));
  await input;
  executions.count = outcome.executionCount;
  phase("engine", request);
  if (outcome.status === "ok") {
    // The result goes out on iopub and the reply on shell, sockets whose relative order no
    // client can rely on (idle, on iopub, still follows the result): the reply need not
    // wait for the result's send.
    const shown =
      outcome.result !== undefined && !silent
        ? kernel.publish(
            "execute_result",
            { execution_count: outcome.executionCount, ...outcome.result },
            message,
          )
        : undefined;
    phase("result", request);
    await kernel.reply(request, okReply(outcome.executionCount, outcome));
    phase("reply", request);
    await shown;
    return;
  }
  const { ename, evalue, traceback } = outcome;
  if (!silent) await kernel.publish("error", { ename, evalue, traceback }, message);
  const executionCount = outcome.executionCount;
  await kernel.reply(request, {
    status: "error",
    execution_count: executionCount,
    ename,
    evalue,
    traceback,
  });
  if (message.content.stop_on_error) await abortQueuedExecutes(kernel);
}

function okReply(
  executionCount: number,
  outcome: { payload: unknown[]; userExpressions?: ReplyUserExpressions | undefined },
): ReplyContent["execute_reply"] {
  return {
    status: "ok",
    execution_count: executionCount,
    payload: outcome.payload,
    user_expressions: outcome.userExpressions ?? {},
  };
}

type ReplyUserExpressions = Extract<
  ReplyContent["execute_reply"],
  { status: "ok" }
>["user_expressions"];

/**
 * After a failed cell, executes already queued are answered "aborted" (stop_on_error), with no
 * execution count, as ipykernel answers them: JupyterLab sets a cell's prompt from the reply,
 * so a skipped cell shows [ ] rather than the failed cell's number.
 */
async function abortQueuedExecutes(kernel: KernelContext): Promise<void> {
  for (const queued of kernel.takeQueuedExecutes()) {
    const { message } = queued;
    await kernel.publish("status", { execution_state: "busy" }, message);
    await kernel.reply(queued, { status: "aborted" });
    await kernel.publish("status", { execution_state: "idle" }, message);
  }
}

/** execute_request on control is answered with an error and never run (cells run on shell). */
export function refuseOnControl(
  kernel: KernelContext,
  request: Queued<"execute_request">,
): Promise<void> {
  return kernel.replyError(
    request,
    new KernelError(
      "wrong-channel",
      "execute_request is not run on the control channel: send it on the shell channel",
    ),
  );
}
