/**
 * A cell's last expression in the exported pipeline: the notebook showed its value (settled,
 * when a Promise) as the cell's result, so the pipeline passes it to `__result` (pipeline.ts),
 * which awaits a Promise as the kernel did and, under `replab verify`, shows the value through
 * the kernel's own formatting (export/verify-capture.ts). Which statement is "last" follows
 * compiler/rewrite.ts, read on the TypeScript source: statements that compile to nothing
 * (types, `declare`, empty statements, export lists) do not count.
 */
import ts from "../compiler/typescript.cjs";

/** An edit of the cell's text, as transform.ts applies them. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The edits that hand the cell's last expression to `__result`; none when the cell has no result. */
export function lastExpressionEdits(file: ts.SourceFile): Edit[] {
  const last = [...file.statements].reverse().find((s) => !compilesToNothing(s));
  if (last === undefined || !ts.isExpressionStatement(last)) return [];
  const expression = last.expression;
  // console.log and its kin return undefined: the notebook showed nothing, and the readable
  // pipeline stays as the cell was written.
  if (isConsoleCall(expression)) return [];
  const comma =
    ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.CommaToken;
  const start = expression.getStart(file);
  return [
    { start, end: start, text: comma ? "await __result((" : "await __result(" },
    { start: expression.end, end: expression.end, text: comma ? "))" : ")" },
  ];
}

function compilesToNothing(statement: ts.Statement): boolean {
  if (ts.isEmptyStatement(statement) || ts.isExportDeclaration(statement)) return true;
  if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) return true;
  if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly === true) return true;
  const modifiers = ts.canHaveModifiers(statement) ? (ts.getModifiers(statement) ?? []) : [];
  return modifiers.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
}

function isConsoleCall(expression: ts.Expression): boolean {
  return (
    ts.isCallExpression(expression) &&
    ts.isPropertyAccessExpression(expression.expression) &&
    ts.isIdentifier(expression.expression.expression) &&
    expression.expression.expression.text === "console"
  );
}
