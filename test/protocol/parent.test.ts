/** A kernel whose launcher was killed (no shutdown_request could be sent) exits by itself. */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { ROOT } from "../cli/helpers.js";
import { freePort } from "./zmq-client.js";

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

async function connectionFile(): Promise<string> {
  const names = ["shell", "iopub", "stdin", "control", "hb"];
  const ports = Object.fromEntries(
    await Promise.all(names.map(async (n) => [`${n}_port`, await freePort()] as const)),
  );
  const file = join(mkdtempSync(join(tmpdir(), "replab-parent-")), "kernel.json");
  const info = { ...ports, ip: "127.0.0.1", key: randomUUID(), transport: "tcp" };
  writeFileSync(file, JSON.stringify({ ...info, signature_scheme: "hmac-sha256" }));
  return file;
}

// Started cold, the kernel process is the one whose parent dies (its tracers once froze
// process.ppid, so it never noticed); started warm, its stand-in launcher is.
it.each([
  ["started cold", { REPLAB_WARM: "0" }],
  ["started as configured", {}],
])("exits when the process that launched it is killed with -9 (%s)", async (_, extraEnv) => {
  const file = await connectionFile();
  const bin = join(ROOT, "dist", "bin", "replab.js");
  const env = { ...process.env, ...extraEnv };
  // The launcher starts the kernel as its child and then just waits, like a Jupyter client.
  const script = `const c = require("node:child_process").spawn(process.execPath, ${JSON.stringify([
    bin,
    "kernel",
    file,
  ])}, { stdio: "ignore", env: ${JSON.stringify(env)} }); console.log(c.pid); setInterval(() => {}, 1000);`;
  const launcher = spawn(process.execPath, ["-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const kernelPid = await new Promise<number>((resolve) =>
    launcher.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  try {
    // While the launcher lives, the kernel does too.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(running(kernelPid)).toBe(true);
    launcher.kill("SIGKILL");
    // A hang guard, not a speed assertion: ipykernel exits within about a second.
    expect(await until(() => !running(kernelPid), 30_000)).toBe(true);
  } finally {
    if (running(kernelPid)) process.kill(kernelPid, "SIGKILL");
  }
});
