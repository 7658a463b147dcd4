/**
 * Params a run logs without any `log.param` call: the literals the `parameters` cell assigns
 * (papermill's convention) and those of the `injected-parameters` cell `-p NAME=VALUE` adds,
 * which override them. Read from the source, not from the running program, so it works the
 * same for a local session and a kernel on a server.
 */
import ts from "../compiler/typescript.cjs";
import { sha256Hex } from "../hashing/sha256.js";
import { joinSource, type Notebook } from "../notebook/types.js";
import { tagsOf } from "../notebook/tags.js";
import type { JsonValue } from "./record.js";

/** The parameters cell's literal assignments, then the injected ones over them. */
export function notebookParams(notebook: Notebook): Record<string, JsonValue> {
  const params: Record<string, JsonValue> = {};
  for (const tag of ["parameters", "injected-parameters"]) {
    for (const cell of notebook.cells) {
      if (cell.cell_type === "code" && tagsOf(cell.metadata).includes(tag))
        Object.assign(params, literalAssignments(joinSource(cell.source)));
    }
  }
  return params;
}

/** `let|const|var NAME = LITERAL` at the top level of a cell; anything else is skipped. */
export function literalAssignments(source: string): Record<string, JsonValue> {
  const file = ts.createSourceFile("parameters.ts", source, ts.ScriptTarget.Latest, false);
  const found: Record<string, JsonValue> = {};
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || declaration.initializer === undefined) continue;
      const value = literal(declaration.initializer);
      if (value !== undefined) found[declaration.name.text] = value;
    }
  }
  return found;
}

/** A JSON value written as a literal, or undefined for anything computed. */
function literal(node: ts.Expression): JsonValue | undefined {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node))
    return literal(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken) {
    const inner = literal(node.operand);
    return typeof inner === "number" ? -inner : undefined;
  }
  if (ts.isArrayLiteralExpression(node)) {
    const items = node.elements.map(literal);
    return items.every((v) => v !== undefined) ? (items as JsonValue[]) : undefined;
  }
  if (ts.isObjectLiteralExpression(node)) return objectLiteral(node);
  return undefined;
}

function objectLiteral(node: ts.ObjectLiteralExpression): JsonValue | undefined {
  const out: Record<string, JsonValue> = {};
  for (const property of node.properties) {
    if (!ts.isPropertyAssignment(property)) return undefined;
    const key = property.name;
    const name = ts.isIdentifier(key) || ts.isStringLiteral(key) || ts.isNumericLiteral(key);
    const value = literal(property.initializer);
    if (!name || value === undefined) return undefined;
    out[key.text] = value;
  }
  return out;
}

/** sha256 of the notebook's own code: its code cells' sources in order, without `-p`'s injected cell. */
export function notebookSourceSha256(notebook: Notebook): string {
  const sources = notebook.cells
    .filter((c) => c.cell_type === "code" && !tagsOf(c.metadata).includes("injected-parameters"))
    .map((c) => joinSource(c.source));
  return sha256Hex(JSON.stringify(sources));
}
