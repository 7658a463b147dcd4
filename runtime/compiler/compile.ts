/**
 * From cell source to a runnable script: TypeScript is transpiled (types were checked
 * separately by CellTypeChecker), then rewritten for the shared scope. The source map lets
 * runtime errors point at the cell's own lines and columns.
 */
import { SourceMap } from "node:module";
import ts from "./typescript.cjs";
import type { Language } from "../session/types.js";
import { transpileOptions } from "./options.js";
import { rewriteCell, type RewrittenCell } from "./rewrite.js";

export interface CompiledCell extends RewrittenCell {
  /** Maps the transpiled JavaScript back to the TypeScript cell; undefined for JavaScript cells. */
  sourceMap: SourceMap | undefined;
}

const cache = new Map<string, CompiledCell>();
const CACHE_SIZE = 64;

/** Compile one cell (no type check) into a script for the executor; re-runs hit a small cache. */
export function compileCell(code: string, language: Language): CompiledCell {
  const key = `${language}\0${code}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const compiled = compileUncached(code, language);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value ?? "");
  cache.set(key, compiled);
  return compiled;
}

function compileUncached(code: string, language: Language): CompiledCell {
  if (language === "javascript") {
    return { ...rewriteCell(code, { javascript: true }), sourceMap: undefined };
  }
  const output = ts.transpileModule(code, {
    compilerOptions: transpileOptions(),
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

/** Map a 1-based line/column in the executed script back to the cell source; undefined inside the wrapper. */
export function mapPosition(
  cell: CompiledCell,
  line: number,
  column: number,
): { line: number; column: number } | undefined {
  if (line > cell.lineCount) return undefined;
  const jsColumn = line === 1 ? Math.max(1, column - cell.prefixLength) : column;
  if (cell.sourceMap === undefined) return { line, column: jsColumn };
  const entry = cell.sourceMap.findEntry(line - 1, jsColumn - 1) as {
    originalLine?: number;
    originalColumn?: number;
  };
  if (entry.originalLine === undefined || entry.originalColumn === undefined) {
    return { line, column: jsColumn };
  }
  return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}
