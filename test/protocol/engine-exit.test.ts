/**
 * A cell that ends the engine process (process.exit, a kill) ends the kernel, as in Node, tslab
 * and Deno; but every request still gets a reply: the running cell and those queued behind it
 * get an error reply that says what happened and what to do, the cell shows it as an error
 * output, and then the kernel exits as its engine did.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernelspecs } from "./unittest.js";
import { KernelClient } from "./zmq-client.js";

// As KernelClient.execute sends it, but without waiting; stop_on_error false so the queued
// cell goes to the (gone) engine instead of being aborted.
const execute = (code: string) => ({ code, silent: false, stop_on_error: false });

describe("an engine that ends during a cell", () => {
  let client: KernelClient;

  beforeAll(async () => {
    client = await KernelClient.start(installKernelspecs(), "replab-js");
  }, 120_000);

  afterAll(() => client?.close());

  it("answers the cell and the one queued behind it, then the kernel exits with its code", async () => {
    const exited = new Promise<number | null>((resolve) => client.process.on("exit", resolve));
    const dying = await client.send(client.shell, "execute_request", execute("process.exit(3)"));
    const queued = await client.send(client.shell, "execute_request", execute("1 + 1"));
    const first = await client.reply(dying, 30_000);
    const second = await client.reply(queued, 30_000);
    for (const reply of [first, second]) {
      expect(reply.content).toMatchObject({ status: "error", ename: "engine-exited" });
      expect(String(reply.content["evalue"])).toMatch(/exited with code 3.*restart the kernel/);
    }
    const shown = client.iopubOfType("error").filter((m) => m.parent_header["msg_id"] === dying);
    expect(shown.map((m) => m.content["ename"])).toEqual(["engine-exited"]);
    await client.waitFor(() =>
      client
        .iopubOfType("status")
        .some(
          (m) => m.parent_header["msg_id"] === queued && m.content["execution_state"] === "idle",
        ),
    );
    expect(await exited).toBe(3);
  }, 60_000);

  it("names the signal that killed the engine, as a user would look it up", async () => {
    const killed = await KernelClient.start(installKernelspecs(), "replab-js");
    try {
      const id = await killed.send(
        killed.shell,
        "execute_request",
        execute('process.kill(process.pid, "SIGKILL")'),
      );
      const reply = await killed.reply(id, 30_000);
      expect(reply.content).toMatchObject({ status: "error", ename: "engine-exited" });
      expect(String(reply.content["evalue"])).toContain("was killed by SIGKILL (signal 9)");
    } finally {
      killed.close();
    }
  }, 60_000);
});
