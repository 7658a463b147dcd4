/**
 * Small tmpfs mounts for tests of a full or read-only disk (CI runs the tests as root): the
 * one copy, so every such test mounts and unmounts the same way.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const mounted: string[] = [];

/** A tmpfs mounted at a new folder named from `prefix`, with mount `options` ("size=64k", "ro,size=1m"). */
export function tmpfs(prefix: string, options: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  execFileSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]);
  mounted.push(dir);
  return dir;
}

/** Unmount every tmpfs this file mounted (a test file's afterAll). */
export function unmountTmpfs(): void {
  for (const dir of mounted.splice(0)) spawnSync("umount", [dir]);
}
