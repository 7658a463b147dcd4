/**
 * The export manifest, DIR/.replab-export.json: every file an export wrote, with its sha256.
 * It is how `--force` recognises a directory replab wrote, and the only list of files it may
 * remove there; anything else in DIR belongs to the user and is kept.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isAbsolute, join, normalize, sep } from "node:path";
import { ReplabError } from "../errors.js";
import { CopiedFile, type ExportContent } from "./copied-file.js";

/** The manifest's file name inside an export directory. */
export const MANIFEST = ".replab-export.json";

const SCHEMA = "replab.export/1";

/** One file an export wrote: its path relative to DIR (with "/"), its sha256 and size. */
export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}

/** The manifest's text for `files` (sorted by path, so two exports of one run are identical). */
export function manifestText(files: Map<string, ExportContent>): string {
  const entries: ManifestEntry[] = [...files]
    .map(([path, content]) => {
      const where = path.split(sep).join("/");
      // A copied file is checked against its hash when it is copied.
      if (content instanceof CopiedFile)
        return { path: where, sha256: content.sha256, bytes: content.bytes };
      const bytes = typeof content === "string" ? Buffer.from(content) : content;
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      return { path: where, sha256, bytes: bytes.length };
    })
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest = {
    schema: SCHEMA,
    about: "written by replab export; --force replaces only the files listed here",
    files: entries,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The files listed in DIR's manifest (native relative paths), or undefined when DIR has none. */
export function readManifest(dir: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), "utf8");
  } catch {
    return undefined;
  }
  const invalid = (why: string): ReplabError =>
    new ReplabError(
      "export-exists",
      `${join(dir, MANIFEST)} is not a valid replab export manifest (${why}); --force will not replace ${dir}: remove it yourself or choose another -o DIR`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid("not JSON");
  }
  const files = (parsed as { schema?: unknown; files?: unknown } | null)?.files;
  if ((parsed as { schema?: unknown } | null)?.schema !== SCHEMA || !Array.isArray(files))
    throw invalid(`expected schema ${SCHEMA} and a files list`);
  return files.map((entry: unknown) => {
    const path = (entry as { path?: unknown } | null)?.path;
    if (typeof path !== "string") throw invalid("a file without a path");
    const native = normalize(path);
    // A manifest can be edited: it must never name a file outside DIR, nor DIR itself.
    if (
      isAbsolute(native) ||
      native.split(sep).includes("..") ||
      native === "." ||
      native === MANIFEST
    )
      throw invalid(`${path} is not a path inside the directory`);
    return native;
  });
}
