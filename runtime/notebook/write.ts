/**
 * Writing notebooks and other files atomically: the content goes to a temporary file in the
 * same directory, then is renamed over the target, so a crash never leaves half a file.
 */
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { ReplabError } from "../errors.js";
import type { Notebook } from "./types.js";

/** Serialise as Jupyter does (one-space indent, trailing newline), so diffs stay small. */
export function serializeNotebook(notebook: Notebook): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

/** Write `content` to `path` through a temporary sibling and a rename. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  // The temporary name only has to be unique; it never survives into the result.
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true });
    throw new ReplabError("io", `cannot write ${path}: ${String(cause)}`, { cause });
  }
}
