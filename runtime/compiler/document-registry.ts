/**
 * A document registry that shares parsed declaration files between compiler options that
 * parse and bind them alike (docs/startup.md, "A project's tsconfig.json").
 *
 * TypeScript files each parse under a key made of every option marked as affecting source
 * files or bind diagnostics. Some of those change nothing TypeScript keeps on a declaration
 * file's SourceFile, so a tsconfig.json that sets one (this repository's own sets
 * noFallthroughCasesInSwitch) missed all 163 lib and @types files the warm-compiler snapshot
 * parsed and parsed them again: ~1 s of CPU at a kernel's first cell. Declaration files here
 * are keyed without those options; every other file (the cell, JavaScript) keeps the full key,
 * so its binding follows the project's options.
 */
import ts from "./typescript.cjs";

/**
 * Options in TypeScript's registry key that leave a declaration file's parse and binding as
 * they are (TypeScript 6's parser, binder and program, read for this):
 * - noFallthroughCasesInSwitch: the binder marks case clauses, which only code has;
 * - allowUnusedLabels, allowUnreachableCode: only the checker reads them;
 * - alwaysStrict: strict mode binding skips declaration files (bindInStrictMode);
 * - importHelpers, jsxImportSource: the program adds their implicit imports to code files only
 *   (collectExternalModuleReferences).
 */
const DECLARATION_NEUTRAL = [
  "noFallthroughCasesInSwitch",
  "allowUnusedLabels",
  "allowUnreachableCode",
  "alwaysStrict",
  "importHelpers",
  "jsxImportSource",
] as const;

/** .d.ts, .d.mts, .d.cts (a `.d.css.ts` keeps the full key: safe, only not shared). */
const DECLARATION_FILE = /\.d\.[cm]?ts$/;

/**
 * The options a declaration file's key is made of: `options` without those that cannot change
 * its parse or binding. The target, the module settings and the file's module format stay in.
 */
export function declarationKeyOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  const kept: ts.CompilerOptions = { ...options };
  for (const name of DECLARATION_NEUTRAL) delete kept[name];
  // jsx decides whether a file is a module only under moduleDetection "auto" (the default).
  const detection = options.moduleDetection;
  if (detection === ts.ModuleDetectionKind.Legacy || detection === ts.ModuleDetectionKind.Force)
    delete kept.jsx;
  return kept;
}

/**
 * `registry` as a language service uses it (getKeyForCompilationSettings once per program, then
 * the *WithKey calls per file), with declaration files under declarationKeyOptions' key.
 */
export function sharingDeclarations(registry: ts.DocumentRegistry): ts.DocumentRegistry {
  const declarationKeys = new Map<string, ts.DocumentRegistryBucketKey>();
  const keyOf = (path: ts.Path, key: ts.DocumentRegistryBucketKey): ts.DocumentRegistryBucketKey =>
    DECLARATION_FILE.test(path) ? (declarationKeys.get(key) ?? key) : key;
  return {
    ...registry,
    getKeyForCompilationSettings: (settings) => {
      const key = registry.getKeyForCompilationSettings(settings);
      if (!declarationKeys.has(key))
        declarationKeys.set(
          key,
          registry.getKeyForCompilationSettings(declarationKeyOptions(settings)),
        );
      return key;
    },
    // The rest (snapshot, version, kind, format) passes through as it came.
    acquireDocumentWithKey: (fileName, path, host, key, ...rest) =>
      registry.acquireDocumentWithKey(fileName, path, host, keyOf(path, key), ...rest),
    updateDocumentWithKey: (fileName, path, host, key, ...rest) =>
      registry.updateDocumentWithKey(fileName, path, host, keyOf(path, key), ...rest),
    releaseDocumentWithKey: (
      path: ts.Path,
      key: ts.DocumentRegistryBucketKey,
      kind?: ts.ScriptKind,
      format?: ts.ResolutionMode,
    ) =>
      kind === undefined
        ? registry.releaseDocumentWithKey(path, keyOf(path, key))
        : registry.releaseDocumentWithKey(path, keyOf(path, key), kind, format),
  };
}
