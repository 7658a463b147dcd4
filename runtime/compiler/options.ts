/**
 * Compiler options for notebook cells. Cells are type-checked as modules that import the names
 * earlier cells declared (compiler/declarations.ts), and emitted as modern ESM for Node 20.
 */
import ts from "./typescript.cjs";
import { projectCompilerOptions } from "./project-config.js";

/** Diagnostics that do not apply to notebook cells. */
export const IGNORED_DIAGNOSTICS = new Set<number>([
  1375, // 'await' at top level of a script: cells run inside an async wrapper.
  1378, // top-level 'await' needs module/target options: same reason.
  1431, // 'for await' at top level of a script.
  1432, // 'for await' needs module/target options.
  7016, // untyped JS package: its imports are typed `any`, as in a plain JS notebook.
  2686, // UMD global in a module: harmless in a notebook.
]);

/**
 * Options for type-checking and declaration emit (the language service): what tslab accepts
 * (not strict), then the notebook project's tsconfig.json on top.
 */
export function checkOptions(notebookDir: string): ts.CompilerOptions {
  return { ...defaultCheckOptions(), ...projectCompilerOptions(notebookDir) };
}

function defaultCheckOptions(): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Legacy,
    lib: ["lib.es2023.d.ts"],
    types: ["node"],
    // tslab does not check strictly; TypeScript 6 would by default. A tsconfig.json can.
    strict: false,
    // Decorators as tslab compiles them (TypeScript's legacy decorators).
    experimentalDecorators: true,
    esModuleInterop: true,
    allowSyntheticDefaultImports: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    skipDefaultLibCheck: true,
    declaration: true,
    // Only declarations are emitted, which lets a cell import `./lib.ts` as tslab does.
    emitDeclarationOnly: true,
    allowImportingTsExtensions: true,
    noEmit: false,
    allowJs: true,
    checkJs: false,
  };
}

/**
 * Options for turning one cell into JavaScript (no type information needed), with what the
 * notebook project's tsconfig.json chose of the options that change what the code does.
 */
export function transpileOptions(notebookDir?: string): ts.CompilerOptions {
  const chosen = notebookDir === undefined ? {} : runtimeChoices(notebookDir);
  return { ...defaultTranspileOptions(), ...chosen };
}

/** The options a project sets that change what its code does when it runs, not only how it is checked. */
const RUNTIME_CHOICES = [
  "experimentalDecorators",
  "emitDecoratorMetadata",
  "useDefineForClassFields",
] as const;

/**
 * What the notebook project's tsconfig.json chose of RUNTIME_CHOICES: a project on standard
 * decorators is checked with them, so its cells must run with them too (legacy emit calls a
 * standard decorator with the wrong arguments and drops what it returns).
 */
export function runtimeChoices(notebookDir: string): ts.CompilerOptions {
  // Read once per directory, as the checker reads the project once per session: every cell's
  // compile asks, and finding the project walks the folders up and parses its tsconfig.json.
  let chosen = choicesByDir.get(notebookDir);
  if (chosen === undefined) {
    const project = projectCompilerOptions(notebookDir);
    chosen = {};
    for (const name of RUNTIME_CHOICES)
      if (project[name] !== undefined) chosen[name] = project[name];
    choicesByDir.set(notebookDir, chosen);
  }
  return chosen;
}

const choicesByDir = new Map<string, ts.CompilerOptions>();

function defaultTranspileOptions(): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleDetection: ts.ModuleDetectionKind.Force,
    esModuleInterop: true,
    sourceMap: true,
    inlineSourceMap: false,
    removeComments: false,
    // Keep `class` fields as written; ES2022 target does that natively.
    useDefineForClassFields: true,
    // Legacy decorators, as the checker and tslab read them.
    experimentalDecorators: true,
    // Keep every value import as written, used in this cell or not: a cell that only imports
    // declares names for later cells. `import type` and `type` specifiers still go.
    verbatimModuleSyntax: true,
  };
}
