/**
 * The notebook's own modules (`import { EPS } from "./lib"`), resolved from the notebook's
 * directory as tslab does: .ts, .mts and .cts files are transpiled to CommonJS on load,
 * .js, .cjs and .json load through require, ES modules (.mjs, .js under "type": "module")
 * through import(). A local file edited since it was loaded is loaded again by the next
 * import, together with every other local file, so its importers see the new version.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import Module, { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

type Transpile = (code: string, fileName: string) => string;
type Loader = (module: { _compile(code: string, file: string): void }, file: string) => void;

/** True for a specifier that names a file of the notebook's own rather than a package. */
export function isLocalSpecifier(specifier: string): boolean {
  return /^\.{1,2}(\/|$)/.test(specifier) || specifier.startsWith("/");
}

/**
 * A `require` that resolves from the notebook's directory. Node names its file in every "Require
 * stack", so it is the notebook's own file when the session knows it, not a made-up one.
 */
export function notebookRequire(notebookDir: string, notebookName?: string): NodeJS.Require {
  return createRequire(join(notebookDir, notebookName ?? "__replab_notebook__.js"));
}

/** The `importLocal` of the runtime global: loads local modules of one notebook directory. */
export function localModuleImporter(
  notebookDir: string,
  notebookName?: string,
): (specifier: string) => Promise<Record<string, unknown>> {
  const modules = new LocalModules(notebookDir, notebookName);
  return (specifier) => modules.load(specifier);
}

/** Loads local modules relative to one notebook directory. */
export class LocalModules {
  private readonly require: NodeJS.Require;
  /** Local files in require's cache and their mtimes when loaded. */
  private readonly loaded = new Map<string, number>();

  constructor(notebookDir: string, notebookName?: string) {
    this.require = notebookRequire(notebookDir, notebookName);
    registerTypeScript();
  }

  /** The module namespace of `specifier`, as `await import(specifier)` would give it. */
  async load(specifier: string): Promise<Record<string, unknown>> {
    this.evictIfEdited();
    const file = this.resolve(specifier);
    try {
      // require() of an ES module would work on Node 20.19+, but import() is what can load it fresh.
      if (isEsModule(file)) return await importFresh(file);
      try {
        return namespace(this.require(file));
      } catch (error) {
        if ((error as { code?: string }).code !== "ERR_REQUIRE_ESM") throw error;
        return await importFresh(file);
      }
    } finally {
      this.recordLoaded();
    }
  }

  /** require's resolution, and `./lib.js` for `lib.ts` as TypeScript's ESM convention writes it. */
  private resolve(specifier: string): string {
    try {
      return this.require.resolve(specifier);
    } catch (error) {
      const typescript = specifier.replace(/\.(m|c)?js$/, ".$1ts");
      if (typescript === specifier) throw error;
      return this.require.resolve(typescript);
    }
  }

  private evictIfEdited(): void {
    const edited = [...this.loaded].some(([file, mtime]) => mtimeOf(file) !== mtime);
    if (!edited) return;
    for (const file of this.loaded.keys()) delete this.require.cache[file];
    this.loaded.clear();
  }

  private recordLoaded(): void {
    for (const file of Object.keys(this.require.cache)) {
      if (isLocalFile(file) && !this.loaded.has(file)) this.loaded.set(file, mtimeOf(file));
    }
  }
}

/** .mjs, or .js under a package.json that says "type": "module". */
export function isEsModule(file: string): boolean {
  if (file.endsWith(".mjs")) return true;
  if (!file.endsWith(".js")) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) return packageType(manifest) === "module";
    if (dirname(dir) === dir) return false;
  }
}

function packageType(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}

function isLocalFile(file: string): boolean {
  return !file.includes("/node_modules/") && !file.includes("\\node_modules\\");
}

function mtimeOf(file: string): number {
  return statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
}

/** An ES module, imported under its mtime so an edited file is a new module. */
async function importFresh(file: string): Promise<Record<string, unknown>> {
  const url = `${pathToFileURL(file).href}?mtime=${mtimeOf(file)}`;
  return (await import(url)) as Record<string, unknown>;
}

/** CommonJS exports as a namespace: compiled ES modules as they are, others as their default. */
function namespace(exports: unknown): Record<string, unknown> {
  const record = exports as Record<string, unknown> | null;
  if (record !== null && typeof record === "object" && record["__esModule"] === true) {
    return record;
  }
  const named = typeof exports === "object" || typeof exports === "function" ? exports : {};
  return { ...(named as object), default: exports };
}

/** Teach require .ts, .mts and .cts files, transpiled with TypeScript (loaded on first use). */
function registerTypeScript(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  if (extensions[".ts"] !== undefined) return;
  let transpile: Transpile | undefined;
  const loader: Loader = (module, file) => {
    transpile ??= typeScriptTranspiler();
    module._compile(transpile(readFileSync(file, "utf8"), file), file);
  };
  for (const extension of [".ts", ".mts", ".cts"]) extensions[extension] = loader;
}

function typeScriptTranspiler(): Transpile {
  // The same package compiler/typescript.cts loads; required, not imported, for the same reason.
  const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
  return (code, fileName) => transpileLocalModule(ts, code, fileName, true);
}

/**
 * A local TypeScript module as CommonJS, the one compilation the kernel loads and an export
 * carries (export/local-modules.ts), so the two cannot disagree; an export has no source map.
 */
export function transpileLocalModule(
  ts: typeof import("typescript"),
  code: string,
  fileName: string,
  inlineSourceMap: boolean,
): string {
  return ts.transpileModule(code, {
    fileName,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      experimentalDecorators: true,
      inlineSourceMap,
    },
  }).outputText;
}
