/**
 * Export after an upstream cell is edited and run again in a kernel session (issue 8, item 7):
 * cells a, b, c run, then a is edited and re-run, so b (which used a's x) is stale. In
 * execution order b would run before a's new x exists; `%repro export` refuses, naming the
 * stale cell and the variable, instead of writing a pipeline that crashes. Once the stale cells
 * run again, the export reproduces the session's current state and `replab verify` passes.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replab, scratch } from "../cli/helpers.js";
import { installKernelspecs } from "../protocol/unittest.js";
import { KernelClient } from "../protocol/zmq-client.js";
import { runCell } from "./kernel-cells.js";

describe("export from a kernel session after an upstream cell ran again", () => {
  let client: KernelClient;
  let dir = "";

  beforeAll(async () => {
    client = await KernelClient.start(installKernelspecs(), "replab");
    dir = scratch("kernel-stale");
  }, 180_000);

  afterAll(() => client?.close());

  it("refuses while a cell is stale, naming it; exports and verifies once it ran again", async () => {
    expect((await runCell(client, "a", "let x = 1;")).reply.content["status"]).toBe("ok");
    expect((await runCell(client, "b", 'const y = x + 1;\nconsole.log("y", y);')).stdout).toBe(
      "y 2\n",
    );
    expect((await runCell(client, "c", 'console.log("c", y * 10);')).stdout).toBe("c 20\n");
    // a is edited and run again: b's y came from the old x.
    expect((await runCell(client, "a", "let x = 5;")).reply.content["status"]).toBe("ok");

    const out = join(dir, "out");
    const refused = await runCell(client, "export", `%repro export ${out}`);
    expect(refused.reply.content["status"]).toBe("error");
    expect(String(refused.reply.content["evalue"])).toMatch(/stale cell\(s\) b \(uses x\)/);
    expect(replab(["verify", out]).code).toBe(2);

    // The user runs the stale cells again: b, then c (stale once b changed y).
    expect((await runCell(client, "b", 'const y = x + 1;\nconsole.log("y", y);')).stdout).toBe(
      "y 6\n",
    );
    const stillStale = await runCell(client, "export", `%repro export ${out}`);
    expect(String(stillStale.reply.content["evalue"])).toMatch(/stale cell\(s\) c \(uses y\)/);
    expect((await runCell(client, "c", 'console.log("c", y * 10);')).stdout).toBe("c 60\n");

    const exported = await runCell(client, "export", `%repro export ${out}`);
    expect(exported.reply.content["status"]).toBe("ok");
    expect(exported.stdout).toMatch(/exported 3 cells/);
    const verified = replab(["verify", out]);
    expect(verified.stderr).toMatch(/verified/);
    expect(verified.code).toBe(0);
  }, 180_000);
});
