/** Compile diagnostics in cell-relative terms, and their rendering as a Jupyter traceback. */
import ts from "./typescript.cjs";

export interface CellDiagnostic {
  /** 1-based line and column within the cell. */
  line: number;
  column: number;
  code: number;
  message: string;
  /** Length of the flagged span (for the underline). */
  length: number;
}

/** Convert a TypeScript diagnostic on the cell file into cell-relative terms. */
export function toCellDiagnostic(d: ts.Diagnostic, file: ts.SourceFile): CellDiagnostic {
  const start = d.start ?? 0;
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  return {
    line: line + 1,
    column: character + 1,
    code: d.code,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
    length: Math.max(1, d.length ?? 1),
  };
}

const RED = "\u001b[31m";
const CYAN = "\u001b[36m";
const GREY = "\u001b[90m";
const RESET = "\u001b[0m";

/** A traceback a reader can act on: position, code, message, the line and an underline. */
export function renderDiagnostics(diagnostics: readonly CellDiagnostic[], code: string): string[] {
  const lines = code.split(/\r?\n/);
  return diagnostics.flatMap((d) => {
    const source = lines[d.line - 1] ?? "";
    const width = Math.max(1, Math.min(d.length, source.length - d.column + 1));
    return [
      `${CYAN}${d.line}:${d.column}${RESET} - ${RED}error${RESET}${GREY} TS${d.code}:${RESET} ${d.message}`,
      "",
      `${GREY}${String(d.line).padStart(4)}${RESET} ${source}`,
      `     ${" ".repeat(d.column - 1)}${RED}${"~".repeat(width)}${RESET}`,
      "",
    ];
  });
}
