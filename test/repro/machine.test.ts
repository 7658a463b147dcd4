/**
 * Reads of the machine and the process that differ between runs, key generation, and I/O that
 * replab cannot follow (child processes, workers) flag the cell; the calls behave as before.
 */
import childProcess from "node:child_process";
import crypto from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { afterEach, expect, test } from "vitest";
import type { CellNode } from "../../runtime/lineage/types.js";
import { Recorder } from "../../runtime/repro/recorder.js";
import { runCell, tempNotebookDir } from "./helpers.js";

let recorder: Recorder | undefined;
afterEach(() => {
  recorder?.dispose();
  recorder = undefined;
});

async function flagsOf(body: () => unknown): Promise<string[]> {
  recorder = new Recorder({ notebookDir: tempNotebookDir(), seed: 1, journal: false });
  await runCell(recorder, { cellId: "m", executionCount: 1 }, body);
  const node = recorder
    .graph()
    .nodes.find((n): n is CellNode => n.kind === "cell" && n.id === "m") as CellNode;
  return node.nondeterminism;
}

test("high-resolution clocks, uptime and machine figures are flagged, values intact", async () => {
  const flags = await flagsOf(() => {
    expect(process.hrtime()).toHaveLength(2);
    expect(typeof process.hrtime.bigint()).toBe("bigint");
    expect(performance.timeOrigin).toBeGreaterThan(0);
    expect(process.uptime()).toBeGreaterThan(0);
    expect(process.memoryUsage().rss).toBeGreaterThan(0);
    expect(typeof os.hostname()).toBe("string");
    expect(os.cpus().length).toBeGreaterThan(0);
    expect(os.freemem()).toBeGreaterThan(0);
  });
  expect(flags).toEqual([
    "clock:performance.timeOrigin",
    "clock:process.hrtime",
    "clock:process.hrtime.bigint",
    "machine:os.cpus",
    "machine:os.freemem",
    "machine:os.hostname",
    "machine:process.memoryUsage",
    "machine:process.uptime",
  ]);
});

test("key generation is flagged", async () => {
  const flags = await flagsOf(async () => {
    crypto.generateKeyPairSync("ed25519");
    crypto.createECDH("prime256v1").generateKeys();
    await globalThis.crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  });
  expect(flags).toEqual([
    "crypto:createECDH",
    "crypto:generateKeyPairSync",
    "crypto:subtle.generateKey",
  ]);
});

test("child processes and workers are flagged as I/O replab cannot see", async () => {
  const flags = await flagsOf(async () => {
    expect(
      childProcess.execFileSync(process.execPath, ["-e", "process.stdout.write('hi')"]).toString(),
    ).toBe("hi");
    const worker = new Worker("process.exit(0)", { eval: true });
    expect(worker).toBeInstanceOf(Worker);
    await new Promise((resolve) => worker.on("exit", resolve));
  });
  expect(flags).toEqual(["unseen-io:Worker", "unseen-io:child_process.execFileSync"]);
});

test("write to a temp file then rename, symlink and link record the destination", async () => {
  const dir = tempNotebookDir();
  recorder = new Recorder({ notebookDir: dir, seed: 1, journal: false });
  const fs = await import("node:fs");
  const { join } = await import("node:path");
  await runCell(recorder, { cellId: "mv", executionCount: 1 }, async () => {
    fs.writeFileSync(join(dir, "result.tmp"), "final\n");
    fs.renameSync(join(dir, "result.tmp"), join(dir, "result.txt"));
    fs.symlinkSync("result.txt", join(dir, "latest.txt"));
    await fs.promises.link(join(dir, "result.txt"), join(dir, "hard.txt"));
  });
  const graph = recorder.graph();
  const written = graph.edges
    .filter((e) => e.kind === "write" && e.from === "mv")
    .map((e) => e.label);
  expect(written.sort()).toEqual(["hard.txt", "latest.txt", "result.txt"]);
  const digest = crypto.createHash("sha256").update("final\n").digest("hex");
  for (const edge of graph.edges.filter((e) => e.kind === "write"))
    expect(edge.sha256).toBe(digest);
});
