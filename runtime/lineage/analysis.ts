/**
 * Def/use analysis of one cell on the TypeScript AST (docs/architecture.md, "Data flow of one
 * cell"). Top-level declarations and
 * assignments define names; free references to names earlier cells defined are uses;
 * assignments through a name (`x.a = 1`, `x[i] = 2`) and mutating calls (`x.push(1)`,
 * `df.addColumn(...)`, `{ inplace: true }`) make the cell a writer of that name. Names bound in
 * functions, blocks, loops and catch clauses shadow the notebook's and are ignored.
 * This is the fallback: when observation is on, the recorder takes what the execution did
 * from runtime/lineage/observe.ts instead (docs/lineage-semantics.md).
 */
import ts from "../compiler/typescript.cjs";
import { cellSyntax } from "../compiler/syntax.js";
import { blockScoped, functionScoped, isBindingName, topLevelNames } from "./scopes.js";

/** What a cell does to the notebook's names. */
export interface CellAnalysis {
  /** Top-level declarations and assignments, sorted. */
  defines: string[];
  /** Names from earlier cells this cell reads, sorted. */
  uses: string[];
  /** Names the cell changes in place without rebinding them, sorted. */
  mutates: string[];
}

/** Method names that change their receiver (arrays, maps, sets, danfo frames and series). */
export const MUTATING_METHODS = new Set([
  "push",
  "pop",
  "shift",
  "unshift",
  "splice",
  "sort",
  "reverse",
  "fill",
  "copyWithin",
  "set",
  "delete",
  "clear",
  "add",
  "addColumn",
  "drop",
  "fillNa",
  "rename",
  "setIndex",
  "resetIndex",
  "append",
  "insert",
  "update",
]);

/** Answers whether an earlier execution defined a name. */
export type NameLookup = Pick<ReadonlySet<string>, "has">;

/** Analyse `code`; `known` holds the names earlier executions defined. */
export function analyzeCell(
  code: string,
  language: "typescript" | "javascript",
  known: NameLookup,
): CellAnalysis {
  // The parse the type checker read too (compiler/syntax.ts owns a cell's syntax).
  const file = cellSyntax(code, language).sourceFile;
  const walker = new Walker(topLevelNames(file), known);
  walker.visitStatements(file);
  return walker.result();
}

class Walker {
  private readonly defines = new Set<string>();
  private readonly uses = new Set<string>();
  private readonly mutates = new Set<string>();
  private readonly scopes: Set<string>[] = [];

  constructor(
    private readonly topLevel: ReadonlySet<string>,
    private readonly known: NameLookup,
  ) {
    for (const name of topLevel) this.defines.add(name);
  }

  result(): CellAnalysis {
    const sorted = (s: Set<string>): string[] => [...s].sort();
    return {
      defines: sorted(this.defines),
      uses: sorted(this.uses),
      mutates: sorted(this.mutates),
    };
  }

  visitStatements(file: ts.SourceFile): void {
    file.statements.forEach((s) => this.visit(s));
  }

  private visit(node: ts.Node): void {
    // `class A extends B` reads the value B, although the AST calls the clause a type.
    if (ts.isExpressionWithTypeArguments(node)) return this.visit(node.expression);
    if (ts.isTypeNode(node) || isTypeOnly(node)) return;
    const scope = this.scopeOf(node);
    if (scope !== undefined) this.scopes.push(scope);
    try {
      this.visitNode(node);
    } finally {
      if (scope !== undefined) this.scopes.pop();
    }
  }

  private visitNode(node: ts.Node): void {
    if (ts.isIdentifier(node)) return this.reference(node);
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
      this.target(node.left, node.operatorToken.kind !== ts.SyntaxKind.EqualsToken);
      return this.visit(node.right);
    }
    if (isUpdate(node)) return this.target(node.operand, true);
    if (ts.isDeleteExpression(node)) return this.target(node.expression, true);
    if (ts.isForInStatement(node) || ts.isForOfStatement(node)) {
      if (!ts.isVariableDeclarationList(node.initializer)) this.target(node.initializer, false);
      else this.visit(node.initializer);
      this.visit(node.expression);
      return this.visit(node.statement);
    }
    if (ts.isCallExpression(node)) this.mutatingCall(node);
    ts.forEachChild(node, (child) => this.visitChild(node, child));
  }

  /** Skip the positions where an identifier is a name, not a reference. */
  private visitChild(parent: ts.Node, child: ts.Node): void {
    if (ts.isIdentifier(child) && !isReferencePosition(parent, child)) return;
    this.visit(child);
  }

  private reference(id: ts.Identifier): void {
    const name = id.text;
    if (this.isLocal(name) || this.topLevel.has(name)) return;
    if (this.known.has(name)) this.uses.add(name);
  }

  /** An assignment target: names are written (and read when `reads`), property roots mutated. */
  private target(node: ts.Expression | ts.ForInitializer, reads: boolean): void {
    const inner = skipParens(node);
    if (ts.isIdentifier(inner)) {
      if (reads) this.reference(inner);
      if (!this.isLocal(inner.text)) this.defines.add(inner.text);
      return;
    }
    if (ts.isPropertyAccessExpression(inner) || ts.isElementAccessExpression(inner)) {
      this.mutation(inner.expression);
      if (ts.isElementAccessExpression(inner)) this.visit(inner.argumentExpression);
      return;
    }
    if (ts.isArrayLiteralExpression(inner))
      return inner.elements.forEach((e) => this.target(e, reads));
    if (ts.isObjectLiteralExpression(inner)) return this.objectTarget(inner, reads);
    if (ts.isSpreadElement(inner)) return this.target(inner.expression, reads);
    if (ts.isBinaryExpression(inner)) {
      this.target(inner.left, reads);
      return this.visit(inner.right);
    }
    this.visit(inner);
  }

  private objectTarget(literal: ts.ObjectLiteralExpression, reads: boolean): void {
    for (const property of literal.properties) {
      if (ts.isShorthandPropertyAssignment(property)) this.target(property.name, reads);
      else if (ts.isPropertyAssignment(property)) this.target(property.initializer, reads);
      else if (ts.isSpreadAssignment(property)) this.target(property.expression, reads);
    }
  }

  /** `x.a.b = 1`, `x[i].y = 2`: the root name `x` is read and mutated. */
  private mutation(expression: ts.Expression): void {
    const root = rootName(expression);
    this.visit(expression);
    if (root !== undefined && !this.isLocal(root)) this.mutates.add(root);
  }

  private mutatingCall(call: ts.CallExpression): void {
    const callee = skipParens(call.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      if (MUTATING_METHODS.has(method) || call.arguments.some(isInplace)) {
        this.mutation(callee.expression);
      }
      if (method === "assign" && isName(callee.expression, "Object") && call.arguments[0]) {
        this.mutation(call.arguments[0]);
      }
    }
  }

  private isLocal(name: string): boolean {
    return this.scopes.some((scope) => scope.has(name));
  }

  private scopeOf(node: ts.Node): Set<string> | undefined {
    if (ts.isSourceFile(node)) return undefined;
    if (ts.isFunctionLike(node)) return functionScoped(node);
    if (ts.isClassExpression(node) && node.name) return new Set([node.name.text]);
    return blockScoped(node);
  }
}

function isTypeOnly(node: ts.Node): boolean {
  return (
    ts.isInterfaceDeclaration(node) ||
    ts.isTypeAliasDeclaration(node) ||
    (ts.isHeritageClause(node) && node.token === ts.SyntaxKind.ImplementsKeyword) ||
    ts.isTypeParameterDeclaration(node) ||
    ts.isImportDeclaration(node) ||
    ts.isImportEqualsDeclaration(node) ||
    ts.isExportDeclaration(node)
  );
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function isUpdate(node: ts.Node): node is ts.PrefixUnaryExpression | ts.PostfixUnaryExpression {
  if (!ts.isPrefixUnaryExpression(node) && !ts.isPostfixUnaryExpression(node)) return false;
  return (
    node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken
  );
}

function skipParens<T extends ts.Node>(node: T): ts.Node {
  let current: ts.Node = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isTypeAssertionExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/** The identifier at the root of `a.b[c].d` or `a.b()`; undefined for `this.x` or `f().x`. */
function rootName(expression: ts.Expression): string | undefined {
  let current = skipParens(expression);
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
    current = skipParens(current.expression);
  }
  return ts.isIdentifier(current) ? current.text : undefined;
}

function isName(node: ts.Expression, name: string): boolean {
  return ts.isIdentifier(node) && node.text === name;
}

/** `{ inplace: true }`: danfo's convention for an in-place operation. */
function isInplace(arg: ts.Expression): boolean {
  return (
    ts.isObjectLiteralExpression(arg) &&
    arg.properties.some(
      (p) =>
        ts.isPropertyAssignment(p) &&
        (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) &&
        p.name.text === "inplace" &&
        p.initializer.kind === ts.SyntaxKind.TrueKeyword,
    )
  );
}

/** Whether an identifier child of `parent` refers to a binding (rather than naming something). */
function isReferencePosition(parent: ts.Node, child: ts.Identifier): boolean {
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === child;
  if (ts.isQualifiedName(parent)) return parent.left === child;
  if (ts.isPropertyAssignment(parent)) return parent.initializer === child;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (isBindingName(parent, child)) return false;
  if (
    ts.isMethodDeclaration(parent) ||
    ts.isPropertyDeclaration(parent) ||
    ts.isGetAccessor(parent) ||
    ts.isSetAccessor(parent) ||
    ts.isEnumMember(parent) ||
    ts.isPropertySignature(parent) ||
    ts.isMethodSignature(parent)
  ) {
    return parent.name !== child;
  }
  if (
    ts.isLabeledStatement(parent) ||
    ts.isBreakOrContinueStatement(parent) ||
    ts.isMetaProperty(parent) ||
    ts.isJsxAttribute(parent)
  ) {
    return false;
  }
  return true;
}
