/**
 * vitest's global setup: every temporary folder the tests and the kernels they start make
 * goes under one folder of this run's own, removed when the run ends, instead of thousands
 * left in the machine's /tmp. os.tmpdir() reads TMPDIR at each call, and the test workers
 * and every process they start inherit it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Point TMPDIR at a new folder; the returned teardown removes that folder only. */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "replab-tests-"));
  process.env["TMPDIR"] = root;
  return () => {
    // A mount a failed test left inside (a full-disk tmpfs, a bind) may show another
    // folder's files: then nothing is removed, so only what the tests wrote ever is.
    const left = mountsUnder(root);
    if (left.length > 0) {
      process.stderr.write(`tests: ${root} kept: still mounted there: ${left.join(", ")}\n`);
      return;
    }
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    } catch (error) {
      process.stderr.write(`tests: ${root} not fully removed: ${String(error)}\n`);
    }
  };
}

function mountsUnder(root: string): string[] {
  if (!existsSync("/proc/self/mounts")) return [];
  return readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[1] ?? "")
    .filter((point) => point === root || point.startsWith(`${root}/`));
}
