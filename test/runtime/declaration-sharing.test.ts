/**
 * A notebook whose project has a tsconfig.json that only changes how code is checked (strict,
 * noFallthroughCasesInSwitch, noUnused*, ...) reuses the lib and @types declarations the
 * warm-compiler snapshot parsed (runtime/compiler/document-registry.ts). Regression: this
 * repository's tsconfig.json sets noFallthroughCasesInSwitch, which is in TypeScript's
 * registry key, so a kernel from the snapshot parsed all 163 files again (~1 s of CPU) at its
 * first cell. What sharing must not change: the diagnostics, which are those of a checker that
 * parsed everything itself, project options included; a different target still re-parses.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import ts from "typescript";
import { checkOptions } from "../../runtime/compiler/options.js";
import { CellTypeChecker, ownTypeRoot, type CheckResult } from "../../runtime/compiler/service.js";

const WARM_KEY = Symbol.for("replab.warmCompiler");
const globals = globalThis as Record<symbol, unknown>;

/** A notebook folder that is a project root, with `compilerOptions` in its tsconfig.json. */
function project(compilerOptions?: object): string {
  const dir = mkdtempSync(join(tmpdir(), "replab-sharing-"));
  writeFileSync(join(dir, "package.json"), "{}");
  if (compilerOptions !== undefined)
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions }));
  return dir;
}

/**
 * A registry filled as warm-snapshot-entry.cts fills the snapshot's: a plain language service
 * with the options warm-build-job.ts gives it, over an empty file. Returns the files it parsed.
 */
function snapshotLikeRegistry(): { registry: ts.DocumentRegistry; parsed: Set<ts.SourceFile> } {
  const dir = project();
  const root = join(dir, "__replab_warm.ts");
  const typeRoot = ownTypeRoot();
  const options = { ...checkOptions(dir), typeRoots: typeRoot === undefined ? [] : [typeRoot] };
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [root],
    getScriptVersion: (f) => (f === root ? "1" : `disk:${statSync(f).mtimeMs}`),
    getScriptSnapshot: (f) =>
      ts.ScriptSnapshot.fromString(f === root ? "" : readFileSync(f, "utf8")),
    getCurrentDirectory: () => dir,
    getCompilationSettings: () => options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === root || ts.sys.fileExists(f),
    readFile: (f) => (f === root ? "" : ts.sys.readFile(f)),
  };
  const registry = ts.createDocumentRegistry();
  const service = ts.createLanguageService(host, registry);
  service.getSemanticDiagnostics(root);
  return { registry, parsed: new Set(service.getProgram()?.getSourceFiles()) };
}

/** A checker for `dir` that finds `registry` as a kernel started from the snapshot does. */
function warmChecker(dir: string, registry: ts.DocumentRegistry): CellTypeChecker {
  globals[WARM_KEY] = { ts, registry };
  try {
    return new CellTypeChecker(dir);
  } finally {
    delete globals[WARM_KEY];
  }
}

/** The lib, @types and typings files of the checker's program (not the notebook's own). */
function libraryFiles(checker: CellTypeChecker, dir: string): readonly ts.SourceFile[] {
  checker.check("");
  return checker.declarationFiles().filter((f) => !f.fileName.startsWith(dir));
}

/** What a check tells the user: "ok", or each diagnostic's position and code. */
function answer(result: CheckResult): string[] {
  if (result.ok) {
    result.commit();
    return ["ok"];
  }
  return result.diagnostics.map((d) => `${d.line}:${d.column} TS${d.code}`);
}

/** Cells whose answers depend on lib, @types/node and options that bind or check code. */
const CELLS = [
  "function id(a) { return a }",
  "function f(n: number) { switch (n) { case 1: console.log(1); case 2: return 2; } return 0 }",
  "function g(): number { return 1; console.log(2) }",
  "function h() { l: for (;;) { break } }",
  "[1, 2, 3].findLast((x) => x > 1)",
  "const s: string = 1;",
  "process.version.length + id(1)",
];

/** The options in this repository's tsconfig.json that reach cells, and one more of each kind. */
const REPO_LIKE = {
  target: "ES2022",
  lib: ["ES2023"],
  types: ["node"],
  strict: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noFallthroughCasesInSwitch: true,
  allowUnreachableCode: false,
  allowUnusedLabels: false,
  alwaysStrict: true,
  skipLibCheck: true,
};

describe("the snapshot's declarations under a project's tsconfig.json", () => {
  afterEach(() => {
    delete globals[WARM_KEY];
  });

  it("are reused when its options only change checking, with a cold checker's diagnostics", () => {
    const { registry, parsed } = snapshotLikeRegistry();
    const dir = project(REPO_LIKE);
    const warm = warmChecker(dir, registry);
    const files = libraryFiles(warm, dir);
    // lib.es2023 and its parts, @types/node, undici-types: every one the snapshot's parse.
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => !parsed.has(f)).map((f) => f.fileName)).toEqual([]);
    const cold = new CellTypeChecker(dir);
    const warmAnswers = CELLS.map((code) => answer(warm.check(code)));
    const coldAnswers = CELLS.map((code) => answer(cold.check(code)));
    expect(warmAnswers).toEqual(coldAnswers);
    // The project's options still apply to the cells: each of these is its error.
    const codes = warmAnswers.flat().join(" ");
    for (const code of ["TS7006", "TS7029", "TS7027", "TS7028", "TS2322"])
      expect(codes).toContain(code);
    expect(warmAnswers[4]).toEqual(["ok"]);
  }, 120_000);

  it("report strict errors under strict only", () => {
    const { registry, parsed } = snapshotLikeRegistry();
    const strictDir = project({ strict: true });
    const strict = warmChecker(strictDir, registry);
    expect(libraryFiles(strict, strictDir).every((f) => parsed.has(f))).toBe(true);
    const cell = "function id(a) { return a }";
    expect(answer(strict.check(cell))).toEqual(["1:13 TS7006"]);
    const plainDir = project();
    expect(answer(warmChecker(plainDir, registry).check(cell))).toEqual(["ok"]);
  }, 120_000);

  it("are parsed again for another target, which parses them differently", () => {
    const { registry, parsed } = snapshotLikeRegistry();
    const dir = project({ target: "ES2017" });
    const files = libraryFiles(warmChecker(dir, registry), dir);
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => parsed.has(f))).toEqual([]);
  }, 120_000);
});
