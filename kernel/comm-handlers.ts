/**
 * comm_open, comm_msg, comm_close and comm_info_request (the comm targets are in comms.ts).
 * The engine pushes lineage only while a frontend holds a lineage comm.
 */
import { LINEAGE_TARGET, lineageMessage } from "./comms.js";
import type { KernelContext } from "./context.js";
import type { Queued } from "./requests.js";

/** Open a comm: a known target gets the current lineage, an unknown one a comm_close. */
export async function commOpen(kernel: KernelContext, request: Queued<"comm_open">): Promise<void> {
  const { message } = request;
  const { comm_id: commId, target_name: target } = message.content;
  if (!kernel.comms.open(commId, target)) {
    await kernel.publish("comm_close", { comm_id: commId, data: {} }, message);
    return;
  }
  watchLineage(kernel);
  await sendLineage(kernel, commId, message);
}

/** `{ request: "lineage" }` on a lineage comm is answered with the graph; the rest is ignored. */
export async function commMsg(kernel: KernelContext, request: Queued<"comm_msg">): Promise<void> {
  const { comm_id: commId, data } = request.message.content;
  if (kernel.comms.targetOf(commId) !== LINEAGE_TARGET || data["request"] !== "lineage") return;
  await sendLineage(kernel, commId, request.message);
}

/** Forget a comm; the engine stops pushing lineage when none is left. */
export function commClose(kernel: KernelContext, request: Queued<"comm_close">): Promise<void> {
  kernel.comms.close(request.message.content.comm_id);
  watchLineage(kernel);
  return Promise.resolve();
}

/** The open comms, optionally of one target. */
export function commInfo(
  kernel: KernelContext,
  request: Queued<"comm_info_request">,
): Promise<void> {
  const comms = kernel.comms.info(request.message.content.target_name);
  return kernel.reply(request, { status: "ok", comms });
}

async function sendLineage(
  kernel: KernelContext,
  commId: string,
  parent: Queued["message"],
): Promise<void> {
  const graph = await kernel.call({ kind: "lineage" });
  await kernel.publish("comm_msg", { comm_id: commId, data: lineageMessage(graph) }, parent);
}

/** Tell the engine whether any frontend listens for lineage pushes. */
function watchLineage(kernel: KernelContext): void {
  const watching = kernel.comms.idsOf(LINEAGE_TARGET).length > 0;
  kernel.post({ kind: "watch_lineage", watching });
}
