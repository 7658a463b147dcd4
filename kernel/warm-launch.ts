/**
 * Starts the kernel from the warm-compiler snapshot (docs/startup.md) when a usable one is
 * in replab's cache: Node takes a start-up snapshot only from its command line, so this
 * process runs the same command again as a child under `--snapshot-blob` and stays its
 * stand-in for Jupyter: it passes signals on, exits with the child's status, and ends the
 * child when its own launcher is gone. The child watches this process as its parent.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import {
  forgetSnapshot,
  usableSnapshot,
  WARM_CHILD_ENV,
  warmEnabled,
} from "../runtime/warm/snapshot.js";
import { log } from "./log.js";
import { watchParent } from "./parent.js";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** A child that exits with an error sooner than this after its start blames the snapshot. */
const EARLY_FAILURE_MS = 5_000;

/** The child's exit status, or undefined when this process should start the kernel itself. */
export async function relaunchWarm(): Promise<number | undefined> {
  if (process.env[WARM_CHILD_ENV] === "1" || !warmEnabled()) return undefined;
  const found = usableSnapshot();
  if (!("blob" in found)) return undefined;
  const script = process.argv[1];
  if (script === undefined) return undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, [WARM_CHILD_ENV]: "1" };
  // The child watches this process; this process watches whoever JPY_PARENT_PID names.
  delete env["JPY_PARENT_PID"];
  const args = [
    ...process.execArgv,
    "--snapshot-blob",
    found.blob,
    script,
    ...process.argv.slice(2),
  ];
  const started = Date.now();
  const child = spawn(process.execPath, args, { stdio: "inherit", env });
  return new Promise((resolve) => {
    child.on("error", (error) => {
      log(`could not start from the warm-compiler snapshot (${error.message}): starting cold`);
      resolve(undefined);
    });
    child.on("spawn", () => {
      for (const signal of FORWARDED) process.on(signal, () => child.kill(signal));
      watchParent(() => child.kill("SIGTERM"));
    });
    child.on("exit", (code, signal) => {
      // A child that fails this early never got to serve (the connection file was read
      // already): take the snapshot out of use, so the restart Jupyter tries starts cold.
      if (code !== 0 && Date.now() - started < EARLY_FAILURE_MS) forgetSnapshot();
      resolve(code ?? 128 + (signal === null ? 0 : os.constants.signals[signal]));
    });
  });
}
