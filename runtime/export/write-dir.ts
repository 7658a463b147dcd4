/**
 * Writing an export directory all at once: files go to a temporary sibling directory that
 * is renamed into place, so a failed export leaves nothing half-written and a --force
 * export replaces the old directory only when the new one is complete.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ReplabError } from "../errors.js";

/** Fail with export-exists unless `force`. */
export function checkTarget(dir: string, force: boolean): void {
  if (existsSync(dir) && !force) {
    throw new ReplabError("export-exists", `${dir} exists; pass --force to replace it`);
  }
}

/** Write `files` (relative path -> content) as directory `dir`. */
export async function writeDirectory(
  dir: string,
  files: Map<string, string | Uint8Array>,
  force: boolean,
): Promise<void> {
  checkTarget(dir, force);
  const suffix = randomBytes(6).toString("hex");
  const temp = join(dirname(dir), `.${basename(dir)}.${suffix}.tmp`);
  try {
    for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await mkdir(dirname(join(temp, path)), { recursive: true });
      await writeFile(join(temp, path), content);
    }
    if (existsSync(dir)) {
      const old = join(dirname(dir), `.${basename(dir)}.${suffix}.old`);
      await rename(dir, old);
      await rename(temp, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, dir);
    }
  } catch (cause) {
    await rm(temp, { recursive: true, force: true });
    throw new ReplabError("io", `cannot write ${dir}: ${String(cause)}`, { cause });
  }
}
