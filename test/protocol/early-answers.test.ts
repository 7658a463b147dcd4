/**
 * Requests that need no compiler are answered by the protocol process at once, never after
 * the engine (issue 9, item 6): history_request waited 0.6-1.6 s for the TypeScript compiler
 * to load. Observed by order, not time: the engine is held by the first cell until a file the
 * test writes only after those replies arrived, so a reply that waited on the engine would
 * never come.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernelspecs } from "./unittest.js";
import { KernelClient } from "./zmq-client.js";

describe.each(["replab", "replab-js"])("%s answers without its engine", (spec) => {
  let client: KernelClient;
  const flag = join(mkdtempSync(join(tmpdir(), "replab-early-")), "release");

  beforeAll(async () => {
    client = await KernelClient.start(installKernelspecs(), spec);
  }, 120_000);

  afterAll(() => client?.close());

  it("kernel_info, history and comm_info while the first cell holds the engine", async () => {
    // The first cell of the session: the engine loads the compiler for it, then spins.
    const hold = `while (!require("node:fs").existsSync(${JSON.stringify(flag)})) {}`;
    const executeId = await client.send(client.shell, "execute_request", {
      code: hold,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    });
    // Shell and control are separate sockets: only once execute_input is out has the kernel
    // surely taken the cell, so the history request is sent after it.
    await client.waitFor(() =>
      client.iopubOfType("execute_input").some((m) => m.parent_header["msg_id"] === executeId),
    );
    const infoId = await client.send(client.control, "kernel_info_request", {});
    const historyId = await client.send(client.control, "history_request", {
      hist_access_type: "tail",
      n: 10,
      output: false,
      raw: true,
    });
    const commId = await client.send(client.control, "comm_info_request", {});
    const info = await client.reply(infoId, 30_000);
    const history = await client.reply(historyId, 30_000);
    const comms = await client.reply(commId, 30_000);
    // Only now can the cell finish: each reply above came while the engine was held.
    expect(existsSync(flag)).toBe(false);
    writeFileSync(flag, "");
    const executed = await client.reply(executeId, 60_000);

    expect(info.content["status"]).toBe("ok");
    expect(info.content["implementation"]).toBe("replab");
    // The protocol process's own record already holds the running cell, numbered 1.
    expect(history.content).toMatchObject({ status: "ok", history: [[1, 1, hold]] });
    expect(comms.content).toMatchObject({ status: "ok", comms: {} });
    expect(executed.content).toMatchObject({ status: "ok", execution_count: 1 });
  }, 120_000);
});
