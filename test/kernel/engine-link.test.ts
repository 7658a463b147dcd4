/**
 * The engine's end of the IPC channel (parentProcessLink, EngineHost) in a real child
 * process. A kernel shut down while its engine still loads (a frontend that closes a notebook
 * at once, a test harness) sends "shutdown" before the engine listens: Node keeps such a
 * message and emits it, in a later tick, to the first listener. Ending the channel inside that
 * emit made Node 20 throw from its own code (child_process's pending-message list), so every
 * such engine died with a TypeError trace and exit code 1 instead of ending cleanly.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const dist = join(import.meta.dirname, "..", "..", "dist", "kernel");

/** Run an engine whose listener starts `listenAfterMs` late; resolve with its exit and stderr. */
function engineShutDown(listenAfterMs: number): Promise<{ code: number | null; stderr: string }> {
  const script = join(mkdtempSync(join(tmpdir(), "replab-link-")), "engine.mjs");
  writeFileSync(
    script,
    [
      `import { EngineHost } from ${JSON.stringify(pathToFileURL(join(dist, "engine-host.js")).href)};`,
      `import { parentProcessLink } from ${JSON.stringify(pathToFileURL(join(dist, "engine-process.js")).href)};`,
      // The event loop turns meanwhile, as it does while a real engine loads its modules, so
      // Node reads the message before anything listens.
      `await new Promise((resolve) => setTimeout(resolve, ${listenAfterMs}));`,
      `new EngineHost(parentProcessLink());`,
    ].join("\n"),
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  child.send({ kind: "shutdown", exitCode: 0 });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("the engine's IPC link", () => {
  it("ends cleanly on a shutdown that came before it listened", async () => {
    const { code, stderr } = await engineShutDown(300);
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  it("ends cleanly on a shutdown that comes while it listens", async () => {
    const { code, stderr } = await engineShutDown(0);
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
