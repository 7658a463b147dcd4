/**
 * Export after a JavaScript cell that assigns an undeclared global is edited and run again in
 * a kernel session (issue 8, item 7): the lineage records no such global, so without
 * export/sloppy-lineage.ts the cell that read the old value was exported before the one that
 * assigns it and the pipeline threw ReferenceError. `%repro export` refuses, naming the stale
 * cell; once it ran again, the export reproduces the session and `replab verify` passes.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replab, scratch } from "../cli/helpers.js";
import { installKernelspecs } from "../protocol/unittest.js";
import { KernelClient } from "../protocol/zmq-client.js";
import { runCell } from "./kernel-cells.js";

describe("export from a JavaScript kernel session after a sloppy global's cell ran again", () => {
  let client: KernelClient;
  let dir = "";

  beforeAll(async () => {
    client = await KernelClient.start(installKernelspecs(), "replab-js");
    dir = scratch("kernel-sloppy");
  }, 180_000);

  afterAll(() => client?.close());

  it("refuses while the reader is stale, naming it; exports and verifies once it ran again", async () => {
    expect((await runCell(client, "a", "x = 1;")).reply.content["status"]).toBe("ok");
    expect((await runCell(client, "b", "console.log(x + 1);")).stdout).toBe("2\n");
    expect((await runCell(client, "a", "x = 5;")).reply.content["status"]).toBe("ok");

    const out = join(dir, "out");
    const refused = await runCell(client, "export", `%repro export ${out}`);
    expect(refused.reply.content["status"]).toBe("error");
    expect(String(refused.reply.content["evalue"])).toMatch(/stale cell\(s\) b \(uses x\)/);
    expect(replab(["verify", out]).code).toBe(2);

    expect((await runCell(client, "b", "console.log(x + 1);")).stdout).toBe("6\n");
    const exported = await runCell(client, "export", `%repro export ${out}`);
    expect(exported.reply.content["status"]).toBe("ok");
    expect(exported.stdout).toMatch(/exported 2 cells/);
    const verified = replab(["verify", out]);
    expect(verified.stderr).toMatch(/verified/);
    expect(verified.code).toBe(0);
  }, 180_000);
});
