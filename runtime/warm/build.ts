/**
 * Starts a background build of the warm-compiler snapshot (docs/startup.md) when none is
 * usable: a detached, lowest-priority process, so the kernel that found no snapshot starts
 * cold once and the kernels after it start warm. Nothing here waits for the build.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../paths.js";
import { startedFromSnapshot, usableSnapshot, WARM_CHILD_ENV, warmEnabled } from "./snapshot.js";

/** The build job's entry (runtime/compiler/warm-build-job.ts). */
export const BUILD_JOB = join(PACKAGE_ROOT, "dist", "runtime", "compiler", "warm-build-job.js");

/** Start the build unless a snapshot is usable, one is being built, or REPLAB_WARM=0. */
export function scheduleWarmBuild(log: (line: string) => void): void {
  // A process started from the snapshot knows it is usable: its launcher checked it (replab
  // run), or it kept it itself (adoptSnapshot), which would otherwise be hashed again here.
  if (!warmEnabled() || process.env[WARM_CHILD_ENV] === "1" || startedFromSnapshot()) return;
  const found = usableSnapshot();
  if ("blob" in found) return;
  try {
    const child = spawn(process.execPath, [BUILD_JOB], { detached: true, stdio: "ignore" });
    child.on("error", (error) => log(`warm-compiler snapshot not built: ${error.message}`));
    if (child.pid !== undefined) os.setPriority(child.pid, 19);
    child.unref();
    log(`building the warm-compiler snapshot in the background (${found.reason})`);
  } catch (error) {
    log(`warm-compiler snapshot not built: ${(error as Error).message}`);
  }
}
