/**
 * `node warm-build-job.js`: builds the warm-compiler snapshot (docs/startup.md) into replab's
 * cache folder. The blob, its manifest and the launch file are written in a private build
 * folder and renamed into place in that order, so a kernel never sees a half-written snapshot; a build already
 * under way (its folder exists and is younger than STALE_MS) makes this one a no-op.
 */
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkOptions, transpileOptions } from "./options.js";
import { ownTypeRoot } from "./service.js";
import { cacheDir, snapshotPaths, typescriptPath, type WarmManifest } from "../warm/snapshot.js";

/** A build folder older than this was left by a build that died. */
const STALE_MS = 10 * 60 * 1000;

/** Claim the build folder; false when another live build holds it. */
function claim(folder: string): boolean {
  try {
    mkdirSync(folder);
    return true;
  } catch {
    const age = Date.now() - (statSync(folder, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    if (age < STALE_MS) return false;
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(folder);
    return true;
  }
}

/** Run `node --build-snapshot` with the config the entry script reads. */
function buildInto(folder: string): WarmManifest {
  const notebookDir = join(folder, "notebook");
  mkdirSync(notebookDir);
  const typeRoot = ownTypeRoot();
  const options = {
    ...checkOptions(notebookDir),
    typeRoots: typeRoot === undefined ? [] : [typeRoot],
  };
  const manifestFile = join(folder, "manifest.json");
  const config = {
    typescript: typescriptPath(),
    options,
    dir: notebookDir,
    manifest: manifestFile,
    transpile: transpileOptions(),
  };
  writeFileSync(join(folder, "config.json"), JSON.stringify(config));
  // The compiled entry refers to `exports`, which the snapshot builder does not define.
  const compiled = readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), "warm-snapshot-entry.cjs"),
    "utf8",
  );
  const entry = join(folder, "entry.cjs");
  writeFileSync(entry, `var exports = {};\n${compiled}`);
  const built = spawnSync(
    process.execPath,
    ["--snapshot-blob", join(folder, "blob"), "--build-snapshot", entry],
    {
      env: { ...process.env, REPLAB_WARM_CONFIG: join(folder, "config.json") },
      stdio: ["ignore", "ignore", "pipe"],
      encoding: "utf8",
    },
  );
  if (built.status !== 0) {
    // Node's own lines (warnings about built-in modules, a native stack) say little; the
    // assertion or error line says what failed (a full disk fails the blob's write).
    const why = built.stderr
      .split("\n")
      .find((line) => /Assertion failed|Error/.test(line))
      ?.trim();
    throw new Error(
      `node --build-snapshot exited with ${built.status ?? built.signal}: ${why ?? "no reason given"}`,
    );
  }
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as WarmManifest;
  return { ...manifest, blobSize: statSync(join(folder, "blob")).size };
}

/** Remove snapshots of other Node binaries, compilers or replab builds: replab made them. */
function removeOthers(dir: string, keep: string[]): void {
  for (const name of readdirSync(dir)) {
    if (/^warm-[0-9a-f]{16}\.(blob|json|launch)$/.test(name) && !keep.includes(name))
      rmSync(join(dir, name), { force: true });
  }
}

function main(): number {
  const dir = cacheDir();
  if (dir === undefined) return 0;
  const paths = snapshotPaths(dir);
  if (!claim(paths.build)) return 0;
  try {
    const manifest = buildInto(paths.build);
    const staged = join(paths.build, "manifest.final.json");
    writeFileSync(staged, JSON.stringify(manifest));
    renameSync(join(paths.build, "blob"), paths.blob);
    renameSync(staged, paths.manifest);
    // Kernelspecs of replab 0.x started Node from the blob while this file named its size:
    // a new blob has none, so such a line starts the kernel plain (it then starts warm).
    rmSync(paths.launch, { force: true });
    removeOthers(
      dir,
      [paths.blob, paths.manifest].map((p) => basename(p)),
    );
    return 0;
  } catch (error) {
    process.stderr.write(`replab: warm-compiler snapshot not built: ${(error as Error).message}\n`);
    return 1;
  } finally {
    rmSync(paths.build, { recursive: true, force: true });
  }
}

process.exitCode = main();
