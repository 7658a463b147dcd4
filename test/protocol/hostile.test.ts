/**
 * Hostile cell values and requests: BigInt, cycles, throwing getters and display
 * methods, non-object bundles, invalid history fields and a 20,000-line flood. Each request
 * gets its reply, the kernel answers the next cell, and no output is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernelspecs } from "./unittest.js";
import { KernelClient } from "./zmq-client.js";

const HOSTILE: Record<string, string> = {
  "display.json of a BigInt": 'import { display } from "replab"; display.json({ n: 1n })',
  "a BigInt result": "({ n: 2n ** 80n })",
  "display.json of a cycle": "const c: any = { a: 1 }; c.self = c; display.json(c)",
  "a throwing getter": 'display.json({ get x() { throw new Error("no") } })',
  "a throwing toJSON": 'display.json({ toJSON() { throw new Error("no") } })',
  "a throwing display method": '({ [Symbol.for("Jupyter.display")]() { throw new Error("no") } })',
  "a display method returning 5": '({ [Symbol.for("Jupyter.display")]() { return 5 } })',
  "a display bundle with a BigInt":
    '({ [Symbol.for("Jupyter.display")]() { return { "application/json": { n: 3n } } } })',
  "a symbol and a function": "display.json({ s: Symbol('s'), f() {} })",
};

describe("hostile cells and requests on the replab kernel", () => {
  let client: KernelClient;

  beforeAll(async () => {
    client = await KernelClient.start(installKernelspecs(), "replab");
  }, 120_000);

  afterAll(() => client?.close());

  it.each(Object.entries(HOSTILE))(
    "%s gets an execute_reply, then the next cell runs",
    async (_, code) => {
      const { reply } = await client.execute(code);
      expect(["ok", "error"]).toContain(reply.content["status"]);
      expect((await client.execute("40 + 2")).result).toBe("42");
      expect(client.process.exitCode).toBeNull();
    },
    60_000,
  );

  // A cell's result is shown, never adopted: only a Promise is settled (README, "Promises as
  // results"), so a thenable that never calls back does not hang its cell, and a value whose
  // `then` or prototype cannot be read does not fail it.
  it.each([
    ["a thenable that never settles", "({ then() {} })", "{ then: [Function: then] }"],
    ["a throwing then getter", '({ get then() { throw new Error("no") } })', "{ then: [Getter] }"],
    [
      "a revoked Proxy",
      "const r = Proxy.revocable({}, {});\nr.revoke();\nr.proxy",
      "<Revoked Proxy>",
    ],
    [
      "a Proxy whose every trap throws",
      'new Proxy({}, { get() { throw new Error("get") }, getPrototypeOf() { throw new Error("proto") } })',
      "{}",
    ],
  ])(
    "shows %s as the cell's result",
    async (_, code, shown) => {
      const { reply, result } = await client.execute(code);
      expect(reply.content["status"]).toBe("ok");
      expect(result).toBe(shown);
    },
    60_000,
  );

  it("shows the same four as user_expressions, each an ok entry", async () => {
    const user_expressions = {
      thenable: "({ then() {} })",
      getter: '({ get then() { throw new Error("no") } })',
      revoked: "(() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })()",
      traps: 'new Proxy({}, { get() { throw new Error("get") } })',
    };
    const id = await client.send(client.shell, "execute_request", {
      code: "1",
      silent: false,
      user_expressions,
    });
    const reply = await client.reply(id, 30_000);
    const entries = reply.content["user_expressions"] as Record<
      string,
      { status: string; data?: Record<string, string> }
    >;
    expect(entries["thenable"]).toMatchObject({
      status: "ok",
      data: { "text/plain": "{ then: [Function: then] }" },
    });
    expect(entries["getter"]).toMatchObject({
      status: "ok",
      data: { "text/plain": "{ then: [Getter] }" },
    });
    expect(entries["revoked"]).toMatchObject({
      status: "ok",
      data: { "text/plain": "<Revoked Proxy>" },
    });
    expect(entries["traps"]).toMatchObject({ status: "ok" });
  }, 60_000);

  it("answers history_request with pattern: 5 with an error reply", async () => {
    const id = await client.send(client.shell, "history_request", {
      hist_access_type: "search",
      pattern: 5,
      output: false,
      raw: true,
    });
    const reply = await client.reply(id, 20_000);
    expect(reply.content["status"]).toBe("error");
    expect(reply.content["ename"]).toBe("message-invalid");
    expect((await client.execute("1 + 1")).result).toBe("2");
  }, 60_000);

  it.each(["complete_request", "inspect_request"])(
    "answers a %s whose cursor is far past the code, then the next cell",
    async (type) => {
      const id = await client.send(client.shell, type, { code: "x", cursor_pos: 1e9 });
      const reply = await client.reply(id, 30_000);
      expect(["ok", "error"]).toContain(reply.content["status"]);
      expect((await client.execute("3 + 4")).result).toBe("7");
    },
    60_000,
  );

  it("answers tail with n: 0 with no rows", async () => {
    const id = await client.send(client.shell, "history_request", {
      hist_access_type: "tail",
      n: 0,
      output: false,
      raw: true,
    });
    const reply = await client.reply(id, 20_000);
    expect(reply.content["status"]).toBe("ok");
    expect(reply.content["history"]).toEqual([]);
  }, 60_000);

  it("delivers 20,000 fast lines complete, in order, before idle", async () => {
    const id = await client.send(client.shell, "execute_request", {
      code: "for (let i = 0; i < 20000; i++) console.log(i)",
      silent: false,
    });
    await client.reply(id, 120_000);
    const iopub = await client.iopubFor(id);
    const text = iopub
      .filter((m) => m.header.msg_type === "stream")
      .map((m) => m.content["text"] as string)
      .join("");
    const lines = text.split("\n").filter((l) => l !== "");
    expect(lines.length).toBe(20_000);
    expect(lines.every((l, i) => l === String(i))).toBe(true);
    expect(iopub.at(-1)?.content["execution_state"]).toBe("idle");
  }, 180_000);
});
