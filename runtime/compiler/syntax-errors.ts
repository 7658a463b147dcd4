/** Syntax errors in JavaScript cells, reported at cell positions rather than in the wrapper. */
import type ts from "./typescript.cjs";
import type { CellError } from "../session/types.js";
import { renderDiagnostics, toCellDiagnostic } from "./diagnostics.js";
import { cellSyntax } from "./syntax.js";

/** The cell's parse errors as a Jupyter error, or undefined when it parses. */
export function javascriptSyntaxError(code: string): CellError | undefined {
  // The cell's one parse (syntax.ts), which compiling the cell then reuses.
  const file = cellSyntax(code, "javascript").sourceFile;
  const parseErrors = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  if (parseErrors.length === 0) return undefined;
  const diagnostics = parseErrors.map((d) => toCellDiagnostic(d, file));
  const first = diagnostics[0];
  const evalue = first === undefined ? "" : `${first.line}:${first.column} - ${first.message}`;
  return { ename: "SyntaxError", evalue, traceback: renderDiagnostics(diagnostics, code) };
}
