/**
 * The compiler options of the notebook's own project: the nearest tsconfig.json upward from
 * the notebook's directory, stopping at the project root (the first directory with a
 * package.json or .git). Its options (strict, lib, decorators and the rest) override
 * replab's tslab-like defaults, except those that decide how cells are checked and emitted.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import ts from "./typescript.cjs";

/** Options replab sets itself, whatever a tsconfig.json says: they shape how cells are checked. */
const OWN_OPTIONS = [
  "module",
  "moduleResolution",
  "moduleDetection",
  "declaration",
  "declarationMap",
  "emitDeclarationOnly",
  "allowImportingTsExtensions",
  "noEmit",
  "noEmitOnError",
  "outDir",
  "outFile",
  "rootDir",
  "rootDirs",
  "composite",
  "incremental",
  "tsBuildInfoFile",
  "sourceMap",
  "inlineSourceMap",
  "isolatedModules",
  "verbatimModuleSyntax",
  "typeRoots",
  "configFilePath",
] as const;

/**
 * The nearest tsconfig.json whose project holds the notebook's directory (as tsserver picks
 * a file's project), or undefined. One that leaves the directory out (`files` only, `include`
 * or `rootDir` elsewhere, an `exclude` over it: a library's tsconfig.json for its src/ beside
 * a notebooks/ folder) is not the notebook's: tsc would not compile a .ts file there with it.
 */
export function findProjectConfig(notebookDir: string): string | undefined {
  return nearestProject(notebookDir)?.file;
}

/** The project's compiler options that apply to cells; empty without a tsconfig.json. */
export function projectCompilerOptions(notebookDir: string): ts.CompilerOptions {
  const parsed = nearestProject(notebookDir)?.parsed;
  if (parsed === undefined) return {};
  const options: ts.CompilerOptions = { ...parsed.options };
  for (const name of OWN_OPTIONS) delete options[name];
  return options;
}

/** The nearest tsconfig.json that holds `notebookDir`, read once. */
function nearestProject(
  notebookDir: string,
): { file: string; parsed: ts.ParsedCommandLine } | undefined {
  for (let dir = notebookDir; ; dir = dirname(dir)) {
    const file = join(dir, "tsconfig.json");
    const parsed = existsSync(file) ? readProjectConfig(file) : undefined;
    if (parsed !== undefined && holds(parsed, notebookDir)) return { file, parsed };
    const isRoot = existsSync(join(dir, "package.json")) || existsSync(join(dir, ".git"));
    if (isRoot || dirname(dir) === dir) return undefined;
  }
}

/** A tsconfig.json as tsc reads it (`extends` followed), or undefined when it cannot be read. */
function readProjectConfig(file: string): ts.ParsedCommandLine | undefined {
  const read = ts.readConfigFile(file, (f) => ts.sys.readFile(f));
  if (read.error !== undefined) return undefined;
  return ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(file), {}, file);
}

/** Whether a .ts file in `dir` would be part of the project `parsed` describes. */
function holds(parsed: ts.ParsedCommandLine, dir: string): boolean {
  const { rootDir, outDir } = parsed.options;
  if (rootDir !== undefined && !within(dir, rootDir)) return false;
  // The directories `include` reaches: recursively (1) or that directory alone (0).
  const reached = Object.entries(parsed.wildcardDirectories ?? {}).some(([base, flags]) =>
    (flags & ts.WatchDirectoryFlags.Recursive) !== 0 ? within(dir, base) : normalize(dir) === base,
  );
  if (!reached) return false;
  const base = dirname(parsed.options.configFilePath as string);
  const raw = (parsed.raw as { exclude?: unknown } | undefined)?.exclude;
  const excludes = Array.isArray(raw)
    ? raw.filter((spec): spec is string => typeof spec === "string")
    : [...DEFAULT_EXCLUDES, ...(outDir === undefined ? [] : [relative(base, outDir)])];
  const file = relative(base, join(dir, "cell.ts")).split(sep).join("/");
  return !excludes.some((spec) => excludePattern(spec).test(file));
}

/** What tsc leaves out when a tsconfig.json names no `exclude`. */
const DEFAULT_EXCLUDES = ["node_modules", "bower_components", "jspm_packages"];

/** An `exclude` spec as tsc matches it: a path from the tsconfig.json, and all below it. */
function excludePattern(spec: string): RegExp {
  const parts = spec.replace(/\\/g, "/").replace(/^\.\//, "").split("/").filter(Boolean);
  if (parts.at(-1) === "**") parts.pop();
  const body = parts.map((part) => (part === "**" ? "(?:[^/]+/)*" : `${segment(part)}/`)).join("");
  return new RegExp(`^${body.replace(/\/$/, "")}(?:$|/)`);
}

/** One path segment of a spec: `*` any run of characters but `/`, `?` one. */
function segment(part: string): string {
  const escaped = part.replace(/[.+^$()|{}[\]\\]/g, "\\$&");
  return escaped.replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
}

function within(dir: string, ancestor: string): boolean {
  const rel = relative(normalize(ancestor), normalize(dir));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

function normalize(path: string): string {
  return resolve(path).split(sep).join("/");
}
