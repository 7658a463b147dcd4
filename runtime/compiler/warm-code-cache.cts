/**
 * typescript.js compiled with a V8 code cache (docs/startup.md, "The compiler's code cache").
 * The cache is keyed on the Node version and architecture, the file's path, size and mtime
 * and the TypeScript package version, so a changed or upgraded compiler never meets another
 * file's code (V8 itself checks only the source's length and its own version and flags). It
 * lives in replab's cache folder ($XDG_CACHE_HOME/replab or ~/.cache/replab), never in a
 * notebook's folder. It is written as soon as the compiler has loaded: the compiler loads
 * before any cell runs, so the write is never taken for a cell's (runtime/trace/fs.ts
 * records what a running cell writes, and a timer could fire while an async cell runs).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module by design
import crypto = require("node:crypto");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module by design
import fs = require("node:fs");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module by design
import Module = require("node:module");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module by design
import os = require("node:os");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module by design
import path = require("node:path");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module by design
import vm = require("node:vm");

const CACHE_NAME = /^typescript-[0-9a-f]{16}\.v8cache$/;

/** The code cache file for `file` as it is now. */
function cacheFileFor(file: string, stat: fs.Stats): string {
  const xdg = process.env["XDG_CACHE_HOME"];
  const dir = xdg !== undefined && xdg !== "" ? xdg : path.join(os.homedir(), ".cache");
  const pkg = path.join(path.dirname(path.dirname(file)), "package.json");
  const version = (JSON.parse(fs.readFileSync(pkg, "utf8")) as { version?: string }).version;
  const key = crypto
    .createHash("sha256")
    .update(
      [process.version, process.arch, file, stat.size, stat.mtimeMs, version ?? ""].join("\0"),
    )
    .digest("hex")
    .slice(0, 16);
  return path.join(dir, "replab", `typescript-${key}.v8cache`);
}

/** Write the cache through a temporary file; drop the caches of other compilers. */
function save(script: vm.Script, target: string): void {
  const staged = `${target}.${process.pid}.tmp`;
  try {
    const dir = path.dirname(target);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(staged, script.createCachedData());
    fs.renameSync(staged, target);
    for (const name of fs.readdirSync(dir)) {
      if (CACHE_NAME.test(name) && name !== path.basename(target))
        fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // A cache folder that cannot be written (read-only, full) only means the next start
    // compiles again; a half-written file is not left behind.
    try {
      fs.rmSync(staged, { force: true });
    } catch {
      // Nothing was written there, or nothing can be removed: either way nothing to do.
    }
  }
}

/** A compiler loaded by loadCached: its exports, and whether V8 took its code from the cache. */
export interface CachedLoad {
  exports: unknown;
  fromCache: boolean;
}

/**
 * typescript.js's exports, compiled with its code cache when there is one, or undefined
 * (REPLAB_WARM=0, or the file could not be loaded this way: the caller requires it as usual).
 */
export function loadCached(file: string): CachedLoad | undefined {
  if (process.env["REPLAB_WARM"] === "0") return undefined;
  let script: vm.Script;
  let target: string;
  let cachedData: Buffer | undefined;
  try {
    target = cacheFileFor(file, fs.statSync(file));
    cachedData = fs.existsSync(target) ? fs.readFileSync(target) : undefined;
    // Module.wrap: the same wrapper, so the same line numbers, as require gives it.
    script = new vm.Script(Module.wrap(fs.readFileSync(file, "utf8")), {
      filename: file,
      cachedData,
    });
  } catch {
    return undefined;
  }
  const module = new Module(file);
  module.filename = file;
  module.paths = (
    Module as unknown as { _nodeModulePaths(dir: string): string[] }
  )._nodeModulePaths(path.dirname(file));
  const factory = script.runInThisContext() as (...args: unknown[]) => void;
  const localRequire = Module.createRequire(file);
  factory.call(module.exports, module.exports, localRequire, module, file, path.dirname(file));
  const fromCache = cachedData !== undefined && script.cachedDataRejected === false;
  if (!fromCache) save(script, target);
  return { exports: module.exports, fromCache };
}
