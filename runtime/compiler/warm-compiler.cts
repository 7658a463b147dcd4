/**
 * Loads the TypeScript compiler warm, before `require("typescript")` (typescript.cts) needs
 * it, and puts it in require's cache so every `ts` in the process is this one:
 *
 * - in a kernel started from the warm-compiler snapshot (docs/startup.md), the snapshot's
 *   compiler, and its registry of parsed, bound declarations goes to the cell checker;
 * - otherwise typescript.js compiled with V8's code cache for it, kept in replab's cache
 *   folder: Node 20 has no compile cache of its own, and compiling the 9 MB file is most of
 *   the ~155 ms its require costs (the cached load takes ~65 ms of CPU). A JavaScript
 *   kernel, a first start and `replab run` all load the compiler this way.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module by design
import Module = require("node:module");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- types only, erased
import type TS = require("typescript");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module by design
import codeCache = require("./warm-code-cache.cjs");

interface WarmState {
  typescriptPath: string;
  ts: typeof TS;
  registry: TS.DocumentRegistry;
}

const WARM_KEY = Symbol.for("replab.warmCompiler");

/** Make `exports` what `require(file)` returns from now on. */
function cache(file: string, exports: unknown): void {
  const module = new Module(file);
  module.filename = file;
  module.exports = exports;
  module.loaded = true;
  require.cache[file] = module;
}

function install(): WarmState | undefined {
  const state = (globalThis as Record<symbol, unknown>)[WARM_KEY] as WarmState | undefined;
  if (state === undefined) return undefined;
  // The launcher checked the snapshot against the installed compiler; a different resolution
  // here (another copy of typescript) means this process must load its own.
  if (require.resolve("typescript") !== state.typescriptPath) return undefined;
  cache(state.typescriptPath, state.ts);
  return state;
}

// The cell checker finds the registry through the same global (service.ts, warmRegistry).
if (install() === undefined) {
  const file = require.resolve("typescript");
  const loaded = codeCache.loadCached(file);
  if (loaded !== undefined) cache(file, loaded.exports);
}
