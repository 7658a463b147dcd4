/**
 * From cell source to a runnable script: TypeScript is transpiled (types were checked
 * separately by CellTypeChecker), then rewritten for the shared scope. The source map lets
 * runtime errors point at the cell's own lines and columns.
 */
import { SourceMap } from "node:module";
import ts from "./typescript.cjs";
import type { Language } from "../session/types.js";
import { transpileOptions } from "./options.js";
import { rewriteCell, toInput, type RewrittenCell } from "./rewrite.js";
import { cellSyntax } from "./syntax.js";

export interface CompiledCell extends RewrittenCell {
  /** Maps the transpiled JavaScript back to the TypeScript cell; undefined for JavaScript cells. */
  sourceMap: SourceMap | undefined;
}

const cache = new Map<string, CompiledCell>();
const CACHE_SIZE = 64;

/**
 * Compile one cell (no type check) into a script for the executor, as the project of
 * `notebookDir` (its tsconfig.json) compiles code; re-runs hit a small cache.
 */
export function compileCell(code: string, language: Language, notebookDir?: string): CompiledCell {
  const options = transpileOptions(notebookDir);
  const key = `${language}\0${notebookDir ?? ""}\0${code}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(code, language, options);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? "");
  cache.set(key, compiled);
  return compiled;
}

function compileUncached(
  code: string,
  language: Language,
  options: ts.CompilerOptions,
): CompiledCell {
  if (language === "javascript") {
    return { ...rewriteCell(code, { javascript: true }), sourceMap: undefined };
  }
  if (transpilesToItself(code)) return { ...rewriteCell(code), sourceMap: undefined };
  const output = ts.transpileModule(code, {
    compilerOptions: options,
    fileName: "cell.ts",
    reportDiagnostics: false,
  });
  const js = output.outputText.replace(/\/\/# sourceMappingURL=.*\s*$/, "");
  const sourceMap =
    output.sourceMapText === undefined
      ? undefined
      : new SourceMap(JSON.parse(output.sourceMapText));
  return { ...rewriteCell(js), sourceMap };
}

/**
 * What TypeScript's parser marks on a file that transpiling for ES2022 would change: its own
 * syntax (types, enums, decorators, parameter properties, ...) and syntax newer than ES2022.
 * Internal to TypeScript (its transformers skip a file without them); when a version lacks
 * it, every cell is transpiled.
 */
const TRANSFORMED = (() => {
  const flags = (ts as unknown as { TransformFlags?: Record<string, number | undefined> })
    .TransformFlags;
  const needed = [flags?.["ContainsTypeScript"], flags?.["ContainsJsx"], flags?.["ContainsESNext"]];
  return needed.every((flag) => typeof flag === "number")
    ? needed.reduce((all: number, flag) => all | (flag ?? 0), 0)
    : undefined;
})();

/**
 * Whether `code` (a TypeScript cell) transpiles to itself: nothing TypeScript would change,
 * and no import or export (which transpiling also rewrites). Such a cell, the most common kind
 * after the first, runs as written: no transpileModule (~1 ms: a program and a checker per
 * call), and a function's source is the cell's text rather than TypeScript's reprint of it.
 */
function transpilesToItself(code: string): boolean {
  if (TRANSFORMED === undefined) return false;
  // The cell's one analysis lists its imports and exports (a top-level `await import()` too);
  // `import x = require()` is the one module form it does not read.
  const syntax = cellSyntax(code, "typescript");
  const file = syntax.sourceFile;
  const flags = (file as unknown as { transformFlags?: number }).transformFlags;
  if (flags === undefined || (flags & TRANSFORMED) !== 0) return false;
  return syntax.moduleSyntax.length === 0 && !file.statements.some(ts.isImportEqualsDeclaration);
}

/** Map a 1-based line/column in the executed script back to the cell source; undefined inside the wrapper. */
export function mapPosition(
  cell: CompiledCell,
  line: number,
  column: number,
): { line: number; column: number } | undefined {
  if (line > cell.lineCount) return undefined;
  const bodyColumn = line === 1 ? Math.max(1, column - cell.prefixLength) : column;
  // The rewrite's edits first (they move columns: `;(x = 1)`, `return [(`), then the source map.
  const js = toInput(cell, line, bodyColumn);
  if (cell.sourceMap === undefined) return js;
  const entry = cell.sourceMap.findEntry(js.line - 1, js.column - 1) as {
    originalLine?: number;
    originalColumn?: number;
  };
  if (entry.originalLine === undefined || entry.originalColumn === undefined) return js;
  return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}
