/**
 * The compiler options of the notebook's own project: the nearest tsconfig.json upward from
 * the notebook's directory, stopping at the project root (the first directory with a
 * package.json or .git). Its options (strict, lib, decorators and the rest) override
 * replab's tslab-like defaults, except those that decide how cells are checked and emitted.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
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

/** The nearest tsconfig.json for a notebook directory, or undefined. */
export function findProjectConfig(notebookDir: string): string | undefined {
  for (let dir = notebookDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "tsconfig.json");
    if (existsSync(candidate)) return candidate;
    const isRoot = existsSync(join(dir, "package.json")) || existsSync(join(dir, ".git"));
    if (isRoot || dirname(dir) === dir) return undefined;
  }
}

/** The project's compiler options that apply to cells; empty without a tsconfig.json. */
export function projectCompilerOptions(notebookDir: string): ts.CompilerOptions {
  const file = findProjectConfig(notebookDir);
  if (file === undefined) return {};
  const read = ts.readConfigFile(file, (f) => ts.sys.readFile(f));
  if (read.error !== undefined) return {};
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(file), {}, file);
  const options: ts.CompilerOptions = { ...parsed.options };
  for (const name of OWN_OPTIONS) delete options[name];
  return options;
}
