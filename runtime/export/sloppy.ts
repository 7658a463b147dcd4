/**
 * JavaScript cells run as sloppy scripts, where setting a property on a primitive (`var s =
 * "text"; s.extra = 1`) is silently ignored; pipeline.mjs is a module, always strict, where it
 * throws a TypeError. Export refuses the writes it can see for certain: a property set, outside
 * any function, on a top-level variable only ever given a primitive literal.
 */
import ts from "../compiler/typescript.cjs";
import { ReplabError } from "../errors.js";
import type { ExportSource } from "./source.js";

/** Throw export-failed naming the first JavaScript cell that sets a property on a primitive. */
export function refusePrimitiveWrites(source: ExportSource): void {
  if (source.language !== "javascript") return;
  const files = source.cells.map((c) => ({ id: c.id, file: parse(c.source) }));
  const primitive = new Map<string, string>();
  const other = new Set<string>();
  for (const { file } of files) collectValues(file, primitive, other);
  for (const name of other) primitive.delete(name);
  for (const { id, file } of files) {
    const write = primitiveWrite(file, primitive);
    if (write === undefined) continue;
    throw new ReplabError(
      "export-failed",
      `cell ${id} sets ${write.target} on a ${write.kind}: the notebook's sloppy JavaScript ignored that, the exported pipeline (a strict module) would throw a TypeError; remove the assignment (it had no effect) to export this notebook`,
    );
  }
}

function parse(code: string): ts.SourceFile {
  return ts.createSourceFile("cell.js", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
}

/** The kind of primitive a literal is, or undefined for anything else. */
function primitiveKind(node: ts.Expression | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return "string";
  if (ts.isTemplateExpression(node)) return "string";
  if (ts.isNumericLiteral(node)) return "number";
  if (ts.isBigIntLiteral(node)) return "bigint";
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword)
    return "boolean";
  return undefined;
}

/** Names given only primitive literals (top-level declarations) and names given anything else. */
function collectValues(
  file: ts.SourceFile,
  primitive: Map<string, string>,
  other: Set<string>,
): void {
  const give = (name: string, value: ts.Expression | undefined): void => {
    const kind = primitiveKind(value);
    if (kind === undefined || (primitive.has(name) && primitive.get(name) !== kind))
      other.add(name);
    else primitive.set(name, kind);
  };
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations)
      if (ts.isIdentifier(d.name)) give(d.name.text, d.initializer);
  }
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && ts.isIdentifier(node.left)) {
      const assigns = node.operatorToken.kind === ts.SyntaxKind.EqualsToken;
      if (assigns) give(node.left.text, node.right);
      else if (isAssignment(node.operatorToken.kind)) other.add(node.left.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** The first `name.prop = ...` outside any function where name holds a primitive. */
function primitiveWrite(
  file: ts.SourceFile,
  primitive: Map<string, string>,
): { target: string; kind: string } | undefined {
  let found: { target: string; kind: string } | undefined;
  const visit = (node: ts.Node): void => {
    if (found !== undefined || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
      const left = node.left;
      const owner =
        ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)
          ? left.expression
          : undefined;
      const kind =
        owner !== undefined && ts.isIdentifier(owner) ? primitive.get(owner.text) : undefined;
      if (kind !== undefined) found = { target: left.getText(file), kind };
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
