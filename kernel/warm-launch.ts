/**
 * Starts a TypeScript kernel from the warm-compiler snapshot (docs/startup.md) when a usable
 * one is in replab's cache. Node takes a start-up snapshot only from its command line, so the
 * kernelspec's own launch line (`kernelArgv`) starts Node from the blob when the cache has
 * one, and the kernel then checks the blob itself (`adoptSnapshot`). A kernel started
 * without it (another cache folder, an older kernelspec) runs the same command again as a
 * child under `--snapshot-blob` and stays its stand-in for Jupyter: it passes signals on,
 * exits with the child's status, and ends the child when its own launcher is gone. The child
 * watches this process as its parent. A JavaScript kernel starts cold: it checks no types,
 * and loading the compiler beside the protocol's start costs it less than deserializing
 * the snapshot before anything else can run.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import {
  adoptSnapshot,
  forgetSnapshot,
  snapshotKey,
  startedFromSnapshot,
  usableSnapshot,
  WARM_CHILD_ENV,
  warmEnabled,
} from "../runtime/warm/snapshot.js";
import { log } from "./log.js";
import { watchParent } from "./parent.js";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** A child that exits with an error sooner than this after its start blames the snapshot. */
const EARLY_FAILURE_MS = 5_000;

/**
 * The child's exit status, or undefined when this process should run the kernel itself
 * (started from the snapshot already, a JavaScript kernel, no usable snapshot). A process
 * Node started from the blob then calls adoptStartSnapshot before it touches the compiler.
 */
export async function relaunchWarm(javascript = false): Promise<number | undefined> {
  if (process.env[WARM_CHILD_ENV] === "1" || startedFromSnapshot()) return undefined;
  if (javascript || !warmEnabled()) return undefined;
  const found = usableSnapshot();
  if (!("blob" in found)) return undefined;
  const script = process.argv[1];
  if (script === undefined) return undefined;
  // Reached only when Node did not start from the blob itself (see kernelArgv).
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

/**
 * In a kernel Node started from the blob by itself (kernelArgv, no launcher that checked it):
 * keep the snapshot only if it is still right (adoptSnapshot). Apart from relaunchWarm, so
 * the protocol thread can start while the blob's typings are hashed.
 */
export function adoptStartSnapshot(): void {
  if (process.env[WARM_CHILD_ENV] === "1") return;
  const dropped = adoptSnapshot();
  if (dropped !== undefined)
    log(`not using the warm-compiler snapshot (${dropped}): starting cold`);
}

/**
 * The shell line a TypeScript kernelspec runs: Node from the snapshot blob when the cache
 * folder's launch file names the blob's size and the Node binary's (kernels then skip the
 * launcher's process), else as usual. It reads only $XDG_CACHE_HOME or ~/.cache and spends
 * two `wc`s; the kernel checks the blob it started from against what is installed
 * (adoptSnapshot).
 * What it cannot catch, a blob of the right size whose bytes were damaged, makes Node abort.
 */
const LAUNCH_SCRIPT = [
  "node=$1 entry=$2 key=$3; shift 3",
  "dir=${XDG_CACHE_HOME:-$HOME/.cache}/replab",
  "blob=$dir/warm-$key.blob launch=$dir/warm-$key.launch",
  // The launch file holds the blob's size and the Node binary's: a Node replaced in place
  // since the build would refuse the blob, and a kernel that never starts builds no new one.
  'if [ "${REPLAB_WARM-}" != 0 ] && [ -f "$blob" ] &&',
  '  { read -r size nodesize < "$launch"; } 2>/dev/null &&',
  '  [ "$(wc -c 2>/dev/null < "$blob")" -eq "$size" ] 2>/dev/null &&',
  '  [ "$(wc -c 2>/dev/null < "$node")" -eq "$nodesize" ] 2>/dev/null; then',
  '  exec "$node" --snapshot-blob "$blob" "$entry" kernel "$@"',
  "fi",
  'exec "$node" "$entry" kernel "$@"',
].join("\n");

/**
 * A kernelspec's argv for `node ENTRY kernel ARGS...`: through LAUNCH_SCRIPT for a
 * TypeScript kernel where there is a POSIX shell, so it starts from the snapshot in one
 * process; the plain command elsewhere (the kernel then relaunches itself when warm).
 */
export function kernelArgv(
  node: string,
  entry: string,
  args: string[],
  typescript: boolean,
): string[] {
  const plain = [node, entry, "kernel", ...args];
  if (!typescript || process.platform === "win32") return plain;
  let key: string;
  try {
    key = snapshotKey();
  } catch {
    // No compiled snapshot entry (a partial build): the plain command still starts warm later.
    return plain;
  }
  return ["/bin/sh", "-c", LAUNCH_SCRIPT, "replab-kernel", node, entry, key, ...args];
}
