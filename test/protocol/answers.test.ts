/**
 * The rest of issue 9 through the kernel's own ZeroMQ client (zmq-client.ts, which shares no
 * code with kernel/): iopub_welcome on subscription, execute_request on control refused,
 * user_expressions, prompt() over stdin, a Session method that really throws answered with
 * an error reply, an unknown signature_scheme refused at start-up with exit 2, and a port
 * another process holds refused with exit 1, naming the channel and port.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernelspecs, ROOT } from "./unittest.js";
import { freePort, KernelClient, type Msg } from "./zmq-client.js";

let jupyterPath: string;
beforeAll(() => {
  jupyterPath = installKernelspecs();
});

/** The reply to an execute_request with these user_expressions. */
async function executeWith(client: KernelClient, code: string, expressions: unknown): Promise<Msg> {
  const content = { code, silent: false, user_expressions: expressions };
  const id = await client.send(client.shell, "execute_request", content);
  await client.iopubFor(id);
  return client.reply(id);
}

describe.each(["replab", "replab-js"])("the %s kernel through its own ZeroMQ client", (spec) => {
  let client: KernelClient;

  beforeAll(async () => {
    client = await KernelClient.start(jupyterPath, spec);
  }, 120_000);

  afterAll(() => client?.close());

  it("welcomes its iopub subscription (JEP 65)", async () => {
    await client.waitFor(() => client.iopubOfType("iopub_welcome").length > 0, 30_000);
    const [welcome] = client.iopubOfType("iopub_welcome");
    expect(welcome?.content).toEqual({ subscription: "" });
    expect(welcome?.parent_header).toEqual({});
  });

  it("answers execute_request on control with an error and does not run it", async () => {
    const id = await client.send(client.control, "execute_request", {
      code: "globalThis.ranOnControl = 1",
    });
    const reply = await client.reply(id, 30_000);
    expect(reply.header.msg_type).toBe("execute_reply");
    expect(reply.content["status"]).toBe("error");
    expect(reply.content["ename"]).toBe("wrong-channel");
    expect((await client.execute('typeof Reflect.get(globalThis, "ranOnControl")')).result).toBe(
      "'undefined'",
    );
  }, 90_000);

  it("evaluates user_expressions after the cell, an error entry for a bad one", async () => {
    const reply = await executeWith(client, "const zBase = 9", { ok: "zBase * 2", bad: "zBase +" });
    const found = reply.content["user_expressions"] as Record<string, Record<string, unknown>>;
    expect(found["ok"]).toEqual({ status: "ok", data: { "text/plain": "18" }, metadata: {} });
    expect(found["bad"]?.["status"]).toBe("error");
    expect(found["bad"]?.["ename"]).toBe("SyntaxError");
  }, 90_000);

  it("asks for prompt() on stdin, parented to the execute", async () => {
    const before = client.stdinMessages.length;
    const id = await client.send(client.shell, "execute_request", {
      code: 'const zName = await prompt("who? ");\nzName + "!"',
      allow_stdin: true,
    });
    await client.waitFor(() => client.stdinMessages.length > before, 30_000);
    const request = client.stdinMessages[before]!;
    expect(request.header.msg_type).toBe("input_request");
    expect(request.parent_header["msg_id"]).toBe(id);
    expect(request.content).toEqual({ prompt: "who? ", password: false });
    await client.send(client.stdin, "input_reply", { value: "ada" });
    expect((await client.reply(id)).content["status"]).toBe("ok");
    const result = (await client.iopubFor(id)).find((m) => m.header.msg_type === "execute_result");
    expect((result?.content["data"] as Record<string, string>)["text/plain"]).toBe("'ada!'");
  }, 90_000);
});

describe("a Session method that throws", () => {
  let client: KernelClient;

  beforeAll(async () => {
    client = await KernelClient.start(jupyterPath, "replab-js");
  }, 120_000);

  afterAll(() => client?.close());

  // Completing `hostile.` lists the live object's keys (introspection.ts), and this Proxy's
  // ownKeys trap throws: Session.complete rejects, and the bridge carries the failure.
  it("answers the request with an error reply, then runs the next cell", async () => {
    const cell = 'globalThis.hostile = new Proxy({}, { ownKeys() { throw new Error("no keys") } })';
    expect((await client.execute(cell)).reply.content["status"]).toBe("ok");
    const id = await client.send(client.shell, "complete_request", {
      code: "hostile.",
      cursor_pos: 8,
    });
    const reply = await client.reply(id, 30_000);
    expect(reply.header.msg_type).toBe("complete_reply");
    expect(reply.content["status"]).toBe("error");
    expect(reply.content["ename"]).toBe("engine-failed");
    expect(reply.content["evalue"]).toContain("no keys");
    const idle = (await client.iopubFor(id)).at(-1);
    expect(idle?.content["execution_state"]).toBe("idle");
    expect((await client.execute("40 + 2")).result).toBe("42");
  }, 90_000);
});

describe("an unknown signature_scheme", () => {
  it("exits 2 with a message naming the field, and no stack trace", async () => {
    const dir = mkdtempSync(join(tmpdir(), "replab-scheme-"));
    const file = join(dir, "kernel.json");
    const ports = Object.fromEntries(
      await Promise.all(
        ["shell", "iopub", "stdin", "control", "hb"].map(async (n) => [
          `${n}_port`,
          await freePort(),
        ]),
      ),
    );
    const connection = { ...ports, ip: "127.0.0.1", key: "k", signature_scheme: "hmac-nosuch" };
    writeFileSync(file, JSON.stringify(connection));
    const run = spawnSync(process.execPath, [join(ROOT, "dist/bin/replab.js"), "kernel", file], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('signature_scheme "hmac-nosuch"');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }, 90_000);
});

/** A connection file whose shell port `holder` listens on; the other ports are free. */
async function connectionWithBusyShell(holder: Server): Promise<string> {
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const address = holder.address();
  if (typeof address !== "object" || address === null) throw new Error("no port");
  const ports: Record<string, number> = { shell_port: address.port };
  for (const n of ["iopub", "stdin", "control", "hb"]) ports[`${n}_port`] = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), "replab-busy-")), "kernel.json");
  const connection = { ...ports, ip: "127.0.0.1", key: "k", signature_scheme: "hmac-sha256" };
  writeFileSync(file, JSON.stringify(connection));
  return file;
}

describe("a connection file whose shell port another process holds", () => {
  it("ends the kernel with exit 1 and a message naming the channel and port", async () => {
    const holder = createServer();
    try {
      const file = await connectionWithBusyShell(holder);
      const port = (holder.address() as { port: number }).port;
      const child = spawn(process.execPath, [join(ROOT, "dist/bin/replab.js"), "kernel", file]);
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const status = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(stderr).toContain(`shell tcp://127.0.0.1:${port}: Address already in use`);
      expect(status).toBe(1);
    } finally {
      holder.close();
    }
  }, 90_000);
});
