/**
 * Which names each syntactic scope binds, for the def/use analysis: the cell's top level
 * (whose declarations become notebook globals), function scopes (parameters, `var`, hoisted
 * functions) and block scopes (`let`, `const`, `class`, block functions, loop and catch
 * bindings). A declaration shadows its whole scope, which matches JavaScript's hoisting and
 * temporal dead zone for every program that runs.
 */
import ts from "../compiler/typescript.cjs";
import { importOf, valueBindings } from "../compiler/syntax.js";

/** Names a binding pattern or identifier introduces. */
export function bindingNames(name: ts.BindingName, into: Set<string> = new Set()): Set<string> {
  if (ts.isIdentifier(name)) into.add(name.text);
  else {
    for (const element of name.elements) {
      if (ts.isBindingElement(element)) bindingNames(element.name, into);
    }
  }
  return into;
}

/** Every name the cell's top level declares, including `var`s hoisted out of blocks. */
export function topLevelNames(file: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) declaredBy(statement, names, true);
  hoistedVars(file, names);
  return names;
}

/** Names a function-like node binds: its own name (expressions), parameters, `var`s, `arguments`. */
export function functionScoped(node: ts.SignatureDeclaration): Set<string> {
  const names = new Set<string>(["arguments"]);
  if ((ts.isFunctionExpression(node) || ts.isClassExpression(node)) && node.name) {
    names.add(node.name.text);
  }
  for (const parameter of node.parameters) bindingNames(parameter.name, names);
  const body = (node as { body?: ts.Node }).body;
  if (body !== undefined) {
    hoistedVars(body, names);
    if (ts.isBlock(body)) for (const s of body.statements) declaredBy(s, names, false);
  }
  return names;
}

/** Names a block-like node binds, or undefined when it is not a scope. */
export function blockScoped(node: ts.Node): Set<string> | undefined {
  if (ts.isBlock(node) && ts.isFunctionLike(node.parent)) return undefined;
  if (ts.isBlock(node) || ts.isModuleBlock(node) || ts.isCaseBlock(node)) {
    const names = new Set<string>();
    const statements = ts.isCaseBlock(node)
      ? node.clauses.flatMap((c) => [...c.statements])
      : node.statements;
    for (const s of statements) declaredBy(s, names, false);
    return names;
  }
  if (ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node)) {
    const init = node.initializer;
    if (init !== undefined && ts.isVariableDeclarationList(init) && isLexical(init)) {
      const names = new Set<string>();
      for (const d of init.declarations) bindingNames(d.name, names);
      return names;
    }
    return undefined;
  }
  if (ts.isCatchClause(node) && node.variableDeclaration) {
    return bindingNames(node.variableDeclaration.name);
  }
  if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) return new Set();
  return undefined;
}

/** True when `child` is the name being declared by `parent` (not a reference). */
export function isBindingName(parent: ts.Node, child: ts.Identifier): boolean {
  if (
    ts.isVariableDeclaration(parent) ||
    ts.isParameter(parent) ||
    ts.isFunctionDeclaration(parent) ||
    ts.isFunctionExpression(parent) ||
    ts.isClassDeclaration(parent) ||
    ts.isClassExpression(parent) ||
    ts.isEnumDeclaration(parent) ||
    ts.isModuleDeclaration(parent)
  ) {
    return parent.name === child;
  }
  if (ts.isBindingElement(parent)) {
    return parent.name === child || parent.propertyName === child;
  }
  return false;
}

/** Names a statement declares in the scope it sits in. `vars` includes `var` declarations. */
function declaredBy(statement: ts.Statement, names: Set<string>, vars: boolean): void {
  if (ts.isVariableStatement(statement)) {
    if (!vars && !isLexical(statement.declarationList)) return;
    for (const d of statement.declarationList.declarations) bindingNames(d.name, names);
  } else if (
    (ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isEnumDeclaration(statement) ||
      ts.isModuleDeclaration(statement)) &&
    statement.name !== undefined &&
    ts.isIdentifier(statement.name)
  ) {
    names.add(statement.name.text);
  } else if (ts.isImportDeclaration(statement)) {
    importNames(statement, names);
  } else if (ts.isImportEqualsDeclaration(statement)) {
    names.add(statement.name.text);
  }
}

function importNames(statement: ts.ImportDeclaration, names: Set<string>): void {
  const cellImport = importOf(statement, statement.getSourceFile());
  if (cellImport === undefined) return;
  for (const binding of valueBindings(cellImport)) names.add(binding.local);
}

/** `var` declarations anywhere under `root` that are not inside a nested function. */
function hoistedVars(root: ts.Node, names: Set<string>): void {
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isVariableDeclarationList(node) && !isLexical(node)) {
      for (const d of node.declarations) bindingNames(d.name, names);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(root, visit);
}

function isLexical(list: ts.VariableDeclarationList): boolean {
  return (list.flags & ts.NodeFlags.BlockScoped) !== 0;
}
