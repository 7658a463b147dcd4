/**
 * A kernel started from the warm-compiler snapshot (docs/startup.md) finds the TypeScript
 * compiler and a document registry of parsed, bound declarations already in its heap. This
 * module, loaded before `require("typescript")` (typescript.cts), puts that compiler in
 * require's cache so every `ts` in the process is the snapshot's, and hands its registry to
 * the cell checker. Without a snapshot it does nothing.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS module by design
import Module = require("node:module");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- types only, erased
import type TS = require("typescript");

interface WarmState {
  typescriptPath: string;
  ts: typeof TS;
  registry: TS.DocumentRegistry;
}

const WARM_KEY = Symbol.for("replab.warmCompiler");

function install(): WarmState | undefined {
  const state = (globalThis as Record<symbol, unknown>)[WARM_KEY] as WarmState | undefined;
  if (state === undefined) return undefined;
  // The launcher checked the snapshot against the installed compiler; a different resolution
  // here (another copy of typescript) means this process must load its own.
  if (require.resolve("typescript") !== state.typescriptPath) return undefined;
  const module = new Module(state.typescriptPath);
  module.filename = state.typescriptPath;
  module.exports = state.ts;
  module.loaded = true;
  require.cache[state.typescriptPath] = module;
  return state;
}

// The cell checker finds the registry through the same global (service.ts, warmRegistry).
install();
