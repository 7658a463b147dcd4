/** Shared by the kernel-session export tests: run a cell as a frontend's cell with an id. */
import { type KernelClient, type Msg } from "../protocol/zmq-client.js";

/** Run CODE as the frontend's cell CELL_ID (JupyterLab sends the id in the request's metadata). */
export async function runCell(
  client: KernelClient,
  cellId: string,
  code: string,
): Promise<{ reply: Msg; stdout: string }> {
  const content = { code, silent: false, store_history: true, allow_stdin: false };
  const parts = client.frames("execute_request", { ...content, stop_on_error: false });
  parts[2] = Buffer.from(JSON.stringify({ cellId }));
  await client.shell.send(client.signed(parts));
  const id = (JSON.parse(parts[0]!.toString()) as { msg_id: string }).msg_id;
  const reply = await client.reply(id);
  const iopub = await client.iopubFor(id);
  const stdout = iopub
    .filter((m) => m.header.msg_type === "stream" && m.content["name"] === "stdout")
    .map((m) => String(m.content["text"]))
    .join("");
  return { reply, stdout };
}
