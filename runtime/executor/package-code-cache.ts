/**
 * A V8 code cache for the CommonJS files of the packages cells require (docs/startup.md,
 * "Packages' code cache"): what Node 22's module.enableCompileCache does, which Node 20 lacks.
 * A cell importing danfojs-node compiles ~1,200 files; with their code from the cache the
 * import takes a fifth less.
 *
 * A file is compiled as Node compiles it (the same wrapper, the same `require`, columns on its
 * first line unshifted, `import()` through Node's loader); anything this cannot compile or
 * cache the same way (a shebang or BOM, a syntax error, an ES module, a file with `import(`)
 * goes to Node's own _compile. Each
 * cache file is keyed on the Node version and architecture, the file's path and its contents,
 * so a changed or upgraded package never meets another file's code (V8 itself checks only the
 * source's length and its own version and flags). The caches live in replab's cache folder,
 * never in the notebook's, and are written outside any cell's view: with the fs functions
 * taken before the tracers patch them, from unref'd timers the session starts after the cell
 * that compiled them.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import Module from "node:module";
import { dirname, join, sep } from "node:path";
import vm from "node:vm";
import { cacheDir, warmEnabled } from "../warm/snapshot.js";

// Captured before the tracers patch fs: these reads and writes are replab's, never a cell's.
// Only calls that go straight to Node's binding: readFileSync and writeFileSync call the
// exported (traced) openSync, which would take a cache file for the running cell's.
const { openSync, fstatSync, readSync, writeSync, closeSync, renameSync, unlinkSync } = fs;
const { mkdirSync, readdirSync, statSync } = fs;

const PACKAGES = `${sep}node_modules${sep}`;
const CACHE_FILE = /^[0-9a-f]{32}\.v8cache$/;
/** `import(`, with a space or a comment before the bracket; a string that reads so only costs the cache. */
const DYNAMIC_IMPORT = /\bimport\s*(\(|\/[*/])/;
/** How long after the cell that compiled them its caches are written. */
const WRITE_DELAY_MS = 200;
/** Caches written per turn of the event loop, so a request that comes meanwhile waits little. */
const WRITES_PER_TURN = 64;
/** Past this many cache files the oldest are removed, down to KEEP_FILES. */
const MAX_FILES = 40_000;
const KEEP_FILES = 30_000;

/** The parts of Node's Module this file uses (its public typings leave them out). */
interface NodeModuleInternals {
  exports: unknown;
  require(id: string): unknown;
  _compile(content: string, filename: string, format?: string): unknown;
}
interface ModuleStatics {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _resolveLookupPaths(request: string, parent: unknown): string[] | null;
  _extensions: unknown;
  _cache: unknown;
  wrapper: [string, string];
}
const statics = Module as unknown as ModuleStatics;
const prototype = Module.prototype as unknown as NodeModuleInternals;

/** A script compiled without a usable cache: its cache is written once the cell has ended. */
interface Fresh {
  script: vm.Script;
  target: string;
}

/** What a cache did in this process, for tests and profiles. */
export interface CodeCacheCounts {
  /** Files whose code came from the cache. */
  hits: number;
  /** Files compiled from their source (then cached). */
  misses: number;
  /** Cache files written. */
  written: number;
}

/** The process's cache once decided: an instance, or null when it is off or has no folder. */
let shared: PackageCodeCache | null | undefined;

/**
 * The process's packages' code cache, installed at the first call; undefined with
 * REPLAB_WARM=0 (every cache off) or when replab has no cache folder it can write.
 * One per process: every session in it compiles through the same patch.
 */
export function usePackageCodeCache(): PackageCodeCache | undefined {
  // Decided once: a session's start and its end both ask, and looking for a writable
  // folder again would repeat its mkdir and access checks.
  if (shared === undefined) {
    const dir = warmEnabled() ? cacheDir() : undefined;
    shared = dir === undefined ? null : new PackageCodeCache(join(dir, "packages"));
    shared?.install();
  }
  return shared ?? undefined;
}

/** A packages' code cache writing to its folder. */
export class PackageCodeCache {
  readonly counts: CodeCacheCounts = { hits: 0, misses: 0, written: 0 };
  private readonly fresh: Fresh[] = [];
  private timer: NodeJS.Timeout | undefined;
  private installed = false;

  /** Cache files go in `dir` (created when the first one is written). */
  constructor(private readonly dir: string) {}

  /** Compile packages' CommonJS files through the cache from now on (for the process's life). */
  install(): void {
    if (this.installed) return;
    this.installed = true;
    const original = prototype._compile;
    const compile = (mod: NodeModuleInternals, content: string, filename: string): unknown => {
      const wrapper = this.compile(content, filename);
      if (wrapper === undefined) return original.call(mod, content, filename);
      return wrapper.call(
        mod.exports,
        mod.exports,
        requireOf(mod),
        mod,
        filename,
        dirname(filename),
      );
    };
    prototype._compile = function (this: NodeModuleInternals, content, filename, format) {
      // An ES module (require(esm)) or a file outside node_modules: Node's own path.
      if (format === "module" || !filename.includes(PACKAGES))
        return original.call(this, content, filename, format);
      return compile(this, content, filename);
    };
  }

  /**
   * Write the caches compiled so far, WRITE_DELAY_MS from now and a batch a turn. Called once
   * a cell has ended, never from inside one: a timer a cell's code creates is that cell's
   * (replab run waits for it, and noting it reads the clock, as the cell's).
   */
  writeSoon(): void {
    if (this.fresh.length > 0)
      this.timer ??= setTimeout(() => this.writeLater(), WRITE_DELAY_MS).unref();
  }

  /** Write every cache still to be written, now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writeSome(this.fresh.length);
  }

  /** The wrapper function of `filename`, or undefined when only Node's _compile can make it. */
  private compile(
    content: string,
    filename: string,
  ): ((...args: unknown[]) => unknown) | undefined {
    // V8 takes a hashbang only at a script's very start, and Node strips a BOM itself.
    if (content.startsWith("#!") || content.startsWith("\uFEFF")) return undefined;
    // A script from a code cache loses the loader Node gives import(): measured on Node 20,
    // the next process's import() throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING.
    if (DYNAMIC_IMPORT.test(content)) return undefined;
    const target = join(this.dir, `${cacheKey(filename, content)}.v8cache`);
    const cachedData = readCache(target);
    let script: vm.Script;
    try {
      script = new vm.Script(statics.wrapper[0] + content + statics.wrapper[1], {
        filename,
        // The wrapper's text sits on the file's first line: columns there are the file's own.
        columnOffset: -statics.wrapper[0].length,
        cachedData,
        // For an import() in code the file evals: Node's loader, as Node's compile gives it.
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
    } catch {
      // A syntax error: Node's _compile reports it in its own words (or loads an ES module).
      return undefined;
    }
    if (cachedData !== undefined && !script.cachedDataRejected) this.counts.hits++;
    else {
      this.counts.misses++;
      this.fresh.push({ script, target });
    }
    return script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  }

  /** Write a batch, then yield to the event loop before the next. */
  private writeLater(): void {
    this.timer = undefined;
    this.writeSome(WRITES_PER_TURN);
    if (this.fresh.length > 0) this.timer = setTimeout(() => this.writeLater(), 0).unref();
  }

  private writeSome(count: number): void {
    const batch = this.fresh.splice(0, count);
    if (batch.length === 0) return;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch {
      return; // No cache folder: the next process compiles again.
    }
    // After the module ran: the cache holds the functions it compiled lazily too.
    for (const { script, target } of batch) if (save(script, target)) this.counts.written++;
    prune(this.dir);
  }
}

/** `require` for `mod`, as Node's makeRequireFunction makes it. */
function requireOf(mod: NodeModuleInternals): NodeJS.Require {
  const require = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    statics._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => statics._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = statics._extensions as NodeJS.Require["extensions"];
  require.cache = statics._cache as NodeJS.Require["cache"];
  return require;
}

function cacheKey(filename: string, content: string): string {
  // In two updates: joining would copy the file's whole text once more before hashing it.
  return createHash("sha256")
    .update(`${process.version}\0${process.arch}\0${filename}\0`)
    .update(content)
    .digest("hex")
    .slice(0, 32);
}

/** A cache file's bytes; undefined when there is none (or it cannot be read whole). */
function readCache(target: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(target, "r");
  } catch {
    return undefined; // Not cached yet: compiled from source, cached afterwards.
  }
  try {
    const bytes = Buffer.allocUnsafe(fstatSync(fd).size);
    let read = 0;
    while (read < bytes.length) {
      const got = readSync(fd, bytes, read, bytes.length - read, read);
      if (got === 0) return undefined;
      read += got;
    }
    return bytes;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Through a temporary file, so a reader never meets half a cache; false when not written. */
function save(script: vm.Script, target: string): boolean {
  const staged = `${target}.${process.pid}.tmp`;
  try {
    const bytes = script.createCachedData();
    const fd = openSync(staged, "w", 0o600);
    try {
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
    } finally {
      closeSync(fd);
    }
    renameSync(staged, target);
    return true;
  } catch {
    // Full or read-only: nothing half-written is left; the next process compiles again.
    removeQuietly(staged);
    return false;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Never written, or the folder cannot be changed: nothing to undo.
  }
}

/** Keep the folder bounded: past MAX_FILES caches, the oldest written go. */
function prune(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => CACHE_FILE.test(name));
  } catch {
    return;
  }
  if (names.length <= MAX_FILES) return;
  const aged = names.map((name) => {
    try {
      return { name, mtime: statSync(join(dir, name)).mtimeMs };
    } catch {
      return { name, mtime: 0 };
    }
  });
  aged.sort((a, b) => a.mtime - b.mtime);
  for (const { name } of aged.slice(0, aged.length - KEEP_FILES)) removeQuietly(join(dir, name));
}
