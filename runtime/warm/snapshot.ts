/**
 * Where the warm-compiler snapshot lives and whether it may be used (docs/startup.md). The
 * snapshot holds the TypeScript compiler and parsed lib/@types declarations; using one made
 * from another compiler or other typings would check cells against the wrong types, so a
 * snapshot is used only when its manifest matches what is installed now: the same Node
 * binary, the same typescript.js (version, size, mtime) and every declaration file with the
 * same SHA-256 of its contents. It is kept in the user's cache, never in a notebook's folder.
 */
import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { PACKAGE_ROOT } from "../paths.js";

/** What the snapshot builder records about the compiler and declarations it loaded. */
export interface WarmManifest {
  node: string;
  execPath: string;
  typescript: { path: string; version: string; size?: number; mtimeMs?: number };
  files: { fileName: string; sha256: string }[];
  /** The blob's size in bytes: a truncated blob is never started from. */
  blobSize?: number;
}

/** Set in a process started from the snapshot, so it never relaunches itself. */
export const WARM_CHILD_ENV = "REPLAB_WARM_CHILD";
/** Set to 0 to start every kernel cold and never build a snapshot. */
export const WARM_SWITCH_ENV = "REPLAB_WARM";

/** False when REPLAB_WARM=0. */
export function warmEnabled(): boolean {
  return process.env[WARM_SWITCH_ENV] !== "0";
}

/**
 * replab's cache folder: $XDG_CACHE_HOME/replab or ~/.cache/replab, else (not writable)
 * replab-<uid> in the temp folder; undefined when neither can be written.
 */
export function cacheDir(): string | undefined {
  const xdg = process.env["XDG_CACHE_HOME"];
  const home = os.homedir();
  const candidates = [
    xdg !== undefined && xdg !== "" ? join(xdg, "replab") : join(home, ".cache", "replab"),
    join(os.tmpdir(), `replab-${os.userInfo().uid}`),
  ];
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      accessSync(dir, constants.W_OK);
      return dir;
    } catch {
      // Read-only or full: try the next place; no cache only means a cold start.
    }
  }
  return undefined;
}

/** The typescript.js this replab would require. */
export function typescriptPath(): string {
  return createRequire(join(PACKAGE_ROOT, "package.json")).resolve("typescript");
}

/**
 * The key in the snapshot's file names: this Node binary, compiler and replab build.
 */
export function snapshotKey(): string {
  const entry = join(PACKAGE_ROOT, "dist", "runtime", "compiler", "warm-snapshot-entry.cjs");
  return createHash("sha256")
    .update([process.version, process.execPath, typescriptPath()].join("\0"))
    .update(readFileSync(entry))
    .digest("hex")
    .slice(0, 16);
}

/** The snapshot's files for this Node binary, compiler and replab build. */
export function snapshotPaths(dir: string): {
  blob: string;
  manifest: string;
  launch: string;
  build: string;
} {
  const key = snapshotKey();
  return {
    blob: join(dir, `warm-${key}.blob`),
    manifest: join(dir, `warm-${key}.json`),
    // Written by earlier builds for a kernelspec shell line that started Node from the blob
    // while this file named its size; removed, never written now (docs/startup.md).
    launch: join(dir, `warm-${key}.launch`),
    build: join(dir, `warm-${key}.building`),
  };
}

/** Why a manifest does not match what is installed now, or undefined when it does. */
export function manifestMismatch(manifest: WarmManifest): string | undefined {
  if (manifest.node !== process.version || manifest.execPath !== process.execPath)
    return "it was made by another Node binary";
  const ts = manifest.typescript;
  if (ts.path !== typescriptPath()) return "another copy of TypeScript is installed";
  const pkg = JSON.parse(readFileSync(join(dirname(dirname(ts.path)), "package.json"), "utf8")) as {
    version?: string;
  };
  const stat = statSync(ts.path, { throwIfNoEntry: false });
  if (pkg.version !== ts.version || stat?.size !== ts.size || stat?.mtimeMs !== ts.mtimeMs)
    return `TypeScript changed (${ts.version} then, ${pkg.version ?? "unknown"} now)`;
  for (const file of manifest.files) {
    let hash: string;
    try {
      hash = createHash("sha256").update(readFileSync(file.fileName)).digest("hex");
    } catch {
      return `${file.fileName} is gone`;
    }
    if (hash !== file.sha256) return `${file.fileName} changed`;
  }
  return undefined;
}

/** The snapshot blob to start from, when one exists and matches what is installed. */
export function usableSnapshot(): { blob: string } | { reason: string } {
  const dir = cacheDir();
  if (dir === undefined) return { reason: "no writable cache folder" };
  const paths = snapshotPaths(dir);
  let manifest: WarmManifest;
  try {
    manifest = JSON.parse(readFileSync(paths.manifest, "utf8")) as WarmManifest;
  } catch {
    return { reason: "no snapshot yet" };
  }
  if (statSync(paths.blob, { throwIfNoEntry: false })?.size !== manifest.blobSize)
    return { reason: "the snapshot file is missing or incomplete" };
  const mismatch = manifestMismatch(manifest);
  return mismatch === undefined ? { blob: paths.blob } : { reason: mismatch };
}

/**
 * The blob a kernel's engine process may start from, checked only as far as is cheap: a
 * manifest of this Node binary and a blob of its size. The process started from it checks
 * the rest (adoptSnapshot) and starts cold when it fails, so a stale blob is never used.
 */
export function candidateSnapshot(): string | undefined {
  const dir = cacheDir();
  if (dir === undefined) return undefined;
  const paths = snapshotPaths(dir);
  let manifest: WarmManifest;
  try {
    manifest = JSON.parse(readFileSync(paths.manifest, "utf8")) as WarmManifest;
  } catch {
    return undefined;
  }
  if (manifest.node !== process.version || manifest.execPath !== process.execPath) return;
  const size = statSync(paths.blob, { throwIfNoEntry: false })?.size;
  return size === manifest.blobSize ? paths.blob : undefined;
}

/** Take the snapshot out of use (its manifest goes; the next cold kernel builds it again). */
export function forgetSnapshot(): void {
  const dir = cacheDir();
  if (dir === undefined) return;
  const paths = snapshotPaths(dir);
  // An earlier build's launch file first: from then on no old kernelspec line starts Node from this blob.
  rmSync(paths.launch, { force: true });
  rmSync(paths.manifest, { force: true });
}

const WARM_KEY = Symbol.for("replab.warmCompiler");

/** Whether this process was started from the warm-compiler snapshot (its heap holds the compiler). */
export function startedFromSnapshot(): boolean {
  return (globalThis as Record<symbol, unknown>)[WARM_KEY] !== undefined;
}

/**
 * In a process Node started from a snapshot blob whose starter checked only what is cheap
 * (candidateSnapshot: a kernel's engine process): keep the snapshot's compiler only when the blob is the
 * usable snapshot of this build and installation; otherwise drop it, so the compiler and
 * typings load from disk as in a cold start, and take the snapshot out of use. Returns why it
 * was dropped, or undefined when it is kept (or there was none).
 */
export function adoptSnapshot(): string | undefined {
  if (!startedFromSnapshot()) return undefined;
  const at = process.execArgv.indexOf("--snapshot-blob");
  const started = at < 0 ? undefined : process.execArgv[at + 1];
  let found: ReturnType<typeof usableSnapshot>;
  try {
    found = usableSnapshot();
  } catch (error) {
    found = { reason: (error as Error).message };
  }
  if ("blob" in found && found.blob === started) return undefined;
  delete (globalThis as Record<symbol, unknown>)[WARM_KEY];
  if ("reason" in found) {
    forgetSnapshot();
    return found.reason;
  }
  return "it is not this replab's current snapshot";
}
