/**
 * Writing an export directory all at once: files go to a temporary sibling directory that
 * is renamed into place, so a failed export leaves the earlier one whole. `--force` replaces
 * only a directory an export wrote (it holds the manifest, export/manifest.ts) and removes
 * only the files listed there; every other file in it is carried over into the new export.
 * The notebook's directory, an ancestor of it, a file, or a foreign directory is refused.
 */
import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, realpathSync } from "node:fs";
import { lstat, mkdir, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { ReplabError } from "../errors.js";
import { CopiedFile, type ExportContent } from "./copied-file.js";
import { MANIFEST, manifestText, readManifest } from "./manifest.js";

/** What an existing target holds: what an earlier export wrote, and what it did not. */
export interface Target {
  exists: boolean;
  /** Files the manifest lists (relative paths), the manifest itself excluded. */
  ours: string[];
  /** Directories holding listed files, deepest last. */
  ourDirs: string[];
  /** Everything else (files, links, directories of the user's), kept by a --force export. */
  theirs: string[];
}

const refuse = (message: string): ReplabError => new ReplabError("export-exists", message);

/**
 * Check that an export may write `dir`: it does not exist, or `force` is given and it is an
 * empty directory or an earlier export; never the notebook's directory or one containing it.
 * `newFiles` (the export's relative paths) lets the user's subdirectories be merged.
 */
export function checkTarget(
  dir: string,
  force: boolean,
  notebookDir?: string,
  newFiles: Iterable<string> = [],
): Target {
  if (notebookDir !== undefined) refuseNotebookDir(dir, notebookDir);
  let isDirectory: boolean;
  try {
    isDirectory = lstatSync(dir).isDirectory();
  } catch {
    return { exists: false, ours: [], ourDirs: [], theirs: [] };
  }
  if (!isDirectory)
    throw refuse(
      `${dir} is a file or a link, not a directory; replab export writes a directory and never replaces a file: choose another -o DIR`,
    );
  if (!force) throw refuse(`${dir} exists; pass --force to replace it`);
  if (readdirSync(dir).length === 0) return { exists: true, ours: [], ourDirs: [], theirs: [] };
  const listed = readManifest(dir);
  if (listed === undefined)
    throw refuse(
      `${dir} is not empty and holds no ${MANIFEST}, so replab export did not write it; --force replaces only an earlier export: choose a new or empty -o DIR`,
    );
  return survey(dir, listed, [...newFiles]);
}

/** Refuse `dir` when it is the notebook's directory or an ancestor of it (symlinks resolved). */
function refuseNotebookDir(dir: string, notebookDir: string): void {
  const real = (path: string): string => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  const rel = relative(real(dir), real(notebookDir));
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return;
  const what =
    rel === "" ? "the notebook's own directory" : "an ancestor of the notebook's directory";
  throw refuse(
    `${dir} is ${what}; replab export never writes there: choose a new directory, e.g. -o ${join(notebookDir, "export")}`,
  );
}

/** Sort an existing export's entries into ours (listed regular files) and theirs. */
function survey(dir: string, listed: string[], newFiles: string[]): Target {
  const files = new Set(listed);
  const dirs = new Set<string>();
  for (const path of [...listed, ...newFiles]) {
    for (let d = dirname(path); d !== "." && d !== ""; d = dirname(d)) dirs.add(d);
  }
  const target: Target = { exists: true, ours: [], ourDirs: [], theirs: [] };
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel === "" ? name : join(rel, name);
      if (path === MANIFEST) continue;
      const stat = lstatSync(join(dir, path));
      if (stat.isFile() && files.has(path)) target.ours.push(path);
      else if (stat.isDirectory() && dirs.has(path)) {
        target.ourDirs.push(path);
        walk(path);
      } else target.theirs.push(path);
    }
  };
  walk("");
  return target;
}

/** What writeDirectory did besides writing the export. */
export interface Written {
  /** The user's files (relative paths) an earlier export's directory held; the new one keeps them. */
  kept: string[];
  /** Where the earlier export was left, when files it did not list appeared in it meanwhile. */
  leftOver: string | undefined;
}

/** Write `files` (relative path -> content) and the manifest as directory `dir`. */
export async function writeDirectory(
  dir: string,
  files: Map<string, ExportContent>,
  force: boolean,
  notebookDir?: string,
): Promise<Written> {
  const target = checkTarget(dir, force, notebookDir, files.keys());
  for (const path of target.theirs) {
    const clash = [...files.keys()].find((f) => f === path || f.startsWith(`${path}${sep}`));
    if (clash !== undefined)
      throw refuse(
        `${join(dir, path)} was not written by replab export, and the new export would overwrite it with ${clash}; move it out of ${dir} or choose another -o DIR`,
      );
  }
  const suffix = randomBytes(6).toString("hex");
  const temp = join(dirname(dir), `.${basename(dir)}.${suffix}.tmp`);
  const old = join(dirname(dir), `.${basename(dir)}.${suffix}.old`);
  const all = new Map(files).set(MANIFEST, manifestText(files));
  const moved: string[] = [];
  try {
    for (const [path, content] of [...all].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await mkdir(dirname(join(temp, path)), { recursive: true });
      if (content instanceof CopiedFile) await content.copyTo(join(temp, path));
      else await writeFile(join(temp, path), content);
    }
    for (const path of target.theirs) {
      await mkdir(dirname(join(temp, path)), { recursive: true });
      await rename(join(dir, path), join(temp, path));
      moved.push(path);
    }
    if (target.exists) await swap(dir, temp, old);
    else await rename(temp, dir);
  } catch (cause) {
    await putBack(dir, temp, moved);
    if (cause instanceof ReplabError) throw cause;
    throw new ReplabError("io", `cannot write ${dir}: ${String(cause)}`, { cause });
  }
  const leftOver = target.exists ? await removeOld(old, target) : undefined;
  return { kept: target.theirs, leftOver };
}

/** Rename `dir` away and `temp` into its place; on failure `dir` is where it was. */
async function swap(dir: string, temp: string, old: string): Promise<void> {
  await rename(dir, old);
  try {
    await rename(temp, dir);
  } catch (error) {
    await rename(old, dir);
    throw error;
  }
}

/** After a failed export: the user's files go back into `dir`; `temp` is removed once empty of them. */
async function putBack(dir: string, temp: string, moved: string[]): Promise<void> {
  for (const path of [...moved].reverse()) {
    try {
      await rename(join(temp, path), join(dir, path));
    } catch {
      throw new ReplabError(
        "io",
        `cannot write ${dir}, and could not move ${path} back from ${temp}: it is there`,
      );
    }
  }
  await rm(temp, { recursive: true, force: true });
}

/**
 * Remove the earlier export: only its listed files, its manifest, then the directories it
 * made; returns `old` when something it did not list appeared there meanwhile (left alone).
 */
async function removeOld(old: string, target: Target): Promise<string | undefined> {
  for (const path of [...target.ours, MANIFEST]) {
    const file = join(old, path);
    if ((await lstat(file).catch(() => undefined))?.isFile() === true) await unlink(file);
  }
  for (const path of [...[...target.ourDirs].reverse(), ""]) {
    await rmdir(join(old, path)).catch(() => undefined);
  }
  return (await lstat(old).catch(() => undefined)) === undefined ? undefined : old;
}
