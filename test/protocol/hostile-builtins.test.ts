/**
 * Cells that replace a built-in the kernel's own code uses, in the realm it shares with them:
 * a toJSON on Object.prototype, a throwing Error.prepareStackTrace, a throwing array method,
 * process.send, Function.prototype.apply (which Node's own event emitter calls).
 * Every request still gets a reply and the engine lives on; what the patch breaks is named in
 * the cell's error. One kernel per case: each patch stays in its kernel's realm.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { installKernelspecs } from "./unittest.js";
import { KernelClient, type Msg } from "./zmq-client.js";

const REPLY_MS = 20_000;

describe("cells that replace built-ins the kernel uses", () => {
  let jupyterPath: string;
  let client: KernelClient;

  beforeAll(() => {
    jupyterPath = installKernelspecs();
  });

  beforeEach(async () => {
    client = await KernelClient.start(jupyterPath, "replab-js");
  }, 120_000);

  afterEach(() => client?.close());

  /** Execute `code`, waiting at most REPLY_MS for its reply (a hang fails the test). */
  async function run(code: string): Promise<{ reply: Msg; result: string | undefined }> {
    const id = await client.send(client.shell, "execute_request", { code, silent: false });
    const reply = await client.reply(id, REPLY_MS);
    const result = (await client.iopubFor(id)).find((m) => m.header.msg_type === "execute_result");
    return { reply, result: (result?.content["data"] as Record<string, string>)?.["text/plain"] };
  }

  it("answers after a cell puts toJSON on Object.prototype, and JSON still calls it", async () => {
    const patch = await run('Object.prototype.toJSON = function () { return "proto"; }; 1');
    expect(patch.reply.content["status"]).toBe("ok");
    expect(patch.result).toBe("1");
    expect((await run("1 + 1")).result).toBe("2");
    // The cell's own JSON keeps the patch's meaning: only the kernel's messages skip it.
    expect((await run("JSON.stringify({ a: 1 })")).result).toBe("'\"proto\"'");
    expect((await run("delete Object.prototype.toJSON; [1, 2].length")).result).toBe("2");
  }, 90_000);

  it("answers with an error when a cell's toJSON cannot be set aside, and stays up", async () => {
    const patch = await run(
      'Object.defineProperty(Object.prototype, "toJSON", { value() { return "proto"; } }); 1',
    );
    expect(patch.reply.content).toMatchObject({
      status: "error",
      ename: "engine-message-unreadable",
    });
    expect(String(patch.reply.content["evalue"])).toMatch(/cannot read.*restart the kernel/);
    const next = await run("1 + 1");
    expect(next.reply.content["status"]).toBe("error");
    expect(client.process.exitCode).toBeNull();
  }, 90_000);

  it("names the error when Error.prepareStackTrace throws, then runs the next cell", async () => {
    const patch = await run(
      'Error.prepareStackTrace = () => { throw new Error("pst"); }; throw new Error("boom")',
    );
    expect(patch.reply.content).toMatchObject({ status: "error", ename: "Error", evalue: "boom" });
    expect(String(patch.reply.content["traceback"])).toMatch(/could not format.*pst/);
    expect((await run("1 + 1")).result).toBe("2");
  }, 90_000);

  it("keeps the engine when a cell's timer throws while array methods throw", async () => {
    // The timer's error reaches the session's reporter, whose formatting calls `map`; a
    // reporter that throws ends a Node process (exit code 7).
    const patch = await run(
      [
        "const map = Array.prototype.map;",
        'setTimeout(() => { Array.prototype.map = () => { throw new Error("no map"); };',
        '  setTimeout(() => { Array.prototype.map = map; }, 300); throw new Error("later"); }, 0);',
        "1",
      ].join("\n"),
    );
    expect(patch.result).toBe("1");
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(client.process.exitCode).toBeNull();
    expect((await run("1 + 1")).result).toBe("2");
  }, 90_000);

  it("keeps answering after a cell replaces process.send", async () => {
    const patch = await run('process.send = () => { throw new Error("no send"); }; 1');
    expect(patch.result).toBe("1");
    expect((await run("1 + 1")).result).toBe("2");
  }, 90_000);

  it("keeps the engine when Function.prototype.apply throws (Node's emit calls it)", async () => {
    const patch = await run(
      'Function.prototype.apply = function () { throw new Error("no apply"); }; 1',
    );
    expect(["ok", "error"]).toContain(patch.reply.content["status"]);
    expect((await run("1 + 1")).result).toBe("2");
    expect(client.process.exitCode).toBeNull();
  }, 90_000);
});
