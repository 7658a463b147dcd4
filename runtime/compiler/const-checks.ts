/**
 * `const` semantics for JavaScript cells. The rewrite turns a top-level `const` into a
 * notebook global (so re-running its cell works), which would let a later `a = 2` succeed;
 * Node and Deno throw TypeError. So a JavaScript cell says at its start which of its names are
 * constants (`declareConsts`), and every assignment to a notebook global goes through
 * `assignTarget(name)`, which throws that TypeError for a constant. TypeScript cells need none
 * of this: the type checker refuses the assignment before the cell runs.
 */
import ts from "./typescript.cjs";
import { RUNTIME_GLOBAL } from "./runtime-global.js";
import type { Insertion } from "./loop-checks.js";
import { blockScoped, functionScoped } from "../lineage/scopes.js";
import { valueNames } from "./syntax.js";

/** The cell's constant declarations and the checks on its assignments to notebook globals. */
export function constChecks(file: ts.SourceFile): { prefix: string; edits: Insertion[] } {
  const constants = new Set<string>();
  const others = new Set<string>();
  for (const statement of file.statements) {
    const isConst =
      ts.isVariableStatement(statement) &&
      (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
    for (const name of valueNames(statement)) (isConst ? constants : others).add(name);
  }
  const edits: Insertion[] = [];
  const visit = (node: ts.Node): void => {
    for (const target of assignedIdentifiers(node)) {
      if (!isGlobalReference(target)) continue;
      const checked = `globalThis[${RUNTIME_GLOBAL}.assignTarget(${JSON.stringify(target.text)})]`;
      const shorthand = ts.isShorthandPropertyAssignment(target.parent);
      const text = shorthand ? `${target.text}: ${checked}` : checked;
      edits.push({ start: target.getStart(file), end: target.end, text });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (constants.size === 0 && edits.length === 0) return { prefix: "", edits };
  const list = (names: Set<string>): string => JSON.stringify([...names]);
  const prefix = `${RUNTIME_GLOBAL}.declareConsts(${list(constants)}, ${list(others)}); `;
  return { prefix, edits };
}

/** Identifiers NODE assigns to: `x = `, `x += `, `x++`, `for (x of ...)`, `[x, {y}] = `. */
function assignedIdentifiers(node: ts.Node): ts.Identifier[] {
  if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
    return patternTargets(node.left);
  }
  if (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken ||
      node.operator === ts.SyntaxKind.MinusMinusToken)
  ) {
    return ts.isIdentifier(node.operand) ? [node.operand] : [];
  }
  if (
    (ts.isForInStatement(node) || ts.isForOfStatement(node)) &&
    !ts.isVariableDeclarationList(node.initializer)
  ) {
    return patternTargets(node.initializer);
  }
  return [];
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** The identifiers an assignment target writes, through array and object patterns. */
function patternTargets(target: ts.Node): ts.Identifier[] {
  if (ts.isIdentifier(target)) return [target];
  if (ts.isParenthesizedExpression(target)) return patternTargets(target.expression);
  if (ts.isArrayLiteralExpression(target)) return target.elements.flatMap(patternTargets);
  if (ts.isSpreadElement(target) || ts.isSpreadAssignment(target)) {
    return patternTargets(target.expression);
  }
  if (ts.isBinaryExpression(target) && target.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    return patternTargets(target.left); // a default value: `[x = 1] = a`
  }
  if (ts.isObjectLiteralExpression(target)) {
    return target.properties.flatMap((p) => {
      if (ts.isShorthandPropertyAssignment(p)) return [p.name];
      if (ts.isPropertyAssignment(p)) return patternTargets(p.initializer);
      if (ts.isSpreadAssignment(p)) return patternTargets(p.expression);
      return [];
    });
  }
  return [];
}

/** True when no enclosing function or block of the cell binds the identifier's name. */
export function isGlobalReference(identifier: ts.Identifier): boolean {
  for (let node: ts.Node = identifier.parent; !ts.isSourceFile(node); node = node.parent) {
    const names = ts.isFunctionLike(node) ? functionScoped(node) : blockScoped(node);
    if (names?.has(identifier.text) === true) return false;
  }
  return true;
}

/** Names the cell assigns as notebook globals (`x = 1` where nothing in the cell binds x). */
export function globalAssignments(file: ts.SourceFile): string[] {
  return [...new Set(globalAssignmentTargets(file).map((t) => t.text))];
}

/** The identifiers of globalAssignments, in source order (export/sloppy.ts rewrites them). */
export function globalAssignmentTargets(file: ts.SourceFile): ts.Identifier[] {
  const targets: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    for (const target of assignedIdentifiers(node)) {
      if (isGlobalReference(target)) targets.push(target);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return targets;
}
