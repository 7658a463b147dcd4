/**
 * is_complete of a cell that ends inside an open bracket, template or comment is answered by
 * the protocol process (kernel/is-complete.ts), never after the engine: on a first start the
 * engine spends up to ~1.7 s loading the TypeScript parser. Observed by order, as in
 * early-answers.test.ts: the engine is held by the first cell until a file the test writes
 * only after the early replies arrived. A cell the characters do not decide still gets the
 * engine's parser.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernelspecs } from "./unittest.js";
import { KernelClient } from "./zmq-client.js";

describe.each(["replab", "replab-js"])("%s is_complete", (spec) => {
  let client: KernelClient;
  const flag = join(mkdtempSync(join(tmpdir(), "replab-is-complete-")), "release");

  beforeAll(async () => {
    client = await KernelClient.start(installKernelspecs(), spec);
  }, 120_000);

  afterAll(() => client?.close());

  it("answers an open cell while the engine is held, and leaves the rest to the parser", async () => {
    const hold = `while (!require("node:fs").existsSync(${JSON.stringify(flag)})) {}`;
    const executeId = await client.send(client.shell, "execute_request", {
      code: hold,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    await client.waitFor(() =>
      client.iopubOfType("execute_input").some((m) => m.parent_header["msg_id"] === executeId),
    );
    const ask = (code: string): Promise<string> =>
      client.send(client.control, "is_complete_request", { code });
    const openBlock = await ask("function f() {");
    const openCall = await ask("if (ok) {\n  call(`a ${b}`,");
    const openComment = await ask("x = 1 /* more");
    // A regular expression could hold any bracket: the parser decides this one.
    const regex = await ask('/"(/.test(s)');
    const blockReply = await client.reply(openBlock, 30_000);
    const callReply = await client.reply(openCall, 30_000);
    const commentReply = await client.reply(openComment, 30_000);
    expect(existsSync(flag)).toBe(false);
    writeFileSync(flag, "");
    const regexReply = await client.reply(regex, 60_000);
    await client.reply(executeId, 60_000);

    expect(blockReply.content).toEqual({ status: "incomplete", indent: "  " });
    expect(callReply.content).toEqual({ status: "incomplete", indent: "  " });
    expect(commentReply.content).toEqual({ status: "incomplete", indent: "" });
    expect(regexReply.content).toEqual({ status: "complete" });
  }, 120_000);
});
