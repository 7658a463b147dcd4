/**
 * Syntactic facts about one cell, read from a parse with no type information: its imports,
 * its export keywords (meaningless in a notebook), and the names it declares at top level.
 */
import ts from "./typescript.cjs";

/** One name an import binds; `typeOnly` for `import { type A }` (it binds no value). */
export type ImportBinding = (
  | { kind: "namespace"; local: string }
  | { kind: "default"; local: string }
  | { kind: "named"; local: string; imported: string }
) & { typeOnly?: boolean };

/** One top-level `import` of a cell: the one reading of what an import binds. */
export interface CellImport {
  specifier: string;
  bindings: ImportBinding[];
  /** `import type ...`: nothing loads at run time. */
  typeOnly: boolean;
  /** Source range of the whole declaration in the cell. */
  start: number;
  end: number;
}

/** What the type checker and the rewriter need to know before compiling. */
export interface CellSyntax {
  sourceFile: ts.SourceFile;
  imports: CellImport[];
  /** Ranges to blank out: the checker gives the cell's imports files of their own. */
  moduleSyntax: { start: number; end: number }[];
  /** Names declared at top level (declarations, import bindings, and the vars of nestedVars). */
  declaredNames: Set<string>;
  /**
   * `var`s below the top level but outside any function (`for (var k in o)`, `if (c) { var z }`):
   * variables of the cell's script like top-level ones, which declaration emit leaves out.
   */
  nestedVars: ts.VariableDeclaration[];
  /**
   * Every name the cell assigns anywhere (`x = 1`, `x++`, `[a, b] = p`, `for (k in o)`), local
   * or not: the earlier cells' variables among them must stay variables for the checker.
   */
  assignedNames: Set<string>;
  /** Every identifier in the cell: the earlier cells' names it can refer to are among them. */
  mentionedNames: Set<string>;
}

/** The names an import binds as values (what a later cell can use at run time). */
export function valueBindings(cellImport: CellImport): ImportBinding[] {
  return cellImport.typeOnly ? [] : cellImport.bindings.filter((b) => b.typeOnly !== true);
}

const parsed = new Map<string, CellSyntax>();
const PARSED_SIZE = 32;

/**
 * A cell's syntax, parsed once for every consumer (the type checker and the lineage
 * analysis read the same parse, so they agree on what the cell imports and declares).
 */
export function cellSyntax(code: string, language: "typescript" | "javascript"): CellSyntax {
  const key = `${language}\0${code}`;
  const cached = parsed.get(key);
  if (cached !== undefined) return cached;
  const kind = language === "typescript" ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const syntax = readCellSyntax(code, language === "typescript" ? "cell.ts" : "cell.js", kind);
  if (parsed.size >= PARSED_SIZE) parsed.delete(parsed.keys().next().value ?? "");
  parsed.set(key, syntax);
  return syntax;
}

/** Parse a cell and collect its syntactic facts. */
export function readCellSyntax(code: string, fileName: string, kind: ts.ScriptKind): CellSyntax {
  const sourceFile = ts.createSourceFile(fileName, code, ts.ScriptTarget.ES2022, true, kind);
  const imports: CellImport[] = [];
  const moduleSyntax: { start: number; end: number }[] = [];
  const declaredNames = new Set<string>();
  const nestedVars: ts.VariableDeclaration[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement)) {
      const cellImport = importOf(statement, sourceFile);
      if (cellImport !== undefined) imports.push(cellImport);
      for (const binding of cellImport?.bindings ?? []) declaredNames.add(binding.local);
      moduleSyntax.push({ start: statement.getStart(sourceFile), end: statement.end });
      continue;
    }
    if (ts.isExportDeclaration(statement) || ts.isExportAssignment(statement)) {
      const start = statement.getStart(sourceFile);
      // `export default expr` keeps its expression; `export { a }` goes entirely.
      const end = ts.isExportAssignment(statement)
        ? statement.expression.getStart(sourceFile)
        : statement.end;
      moduleSyntax.push({ start, end });
      continue;
    }
    const dynamic = readDynamicImport(statement, sourceFile);
    if (dynamic !== undefined) {
      imports.push(dynamic);
      declaredNames.add(dynamic.bindings[0]?.local ?? "");
      moduleSyntax.push({ start: dynamic.start, end: dynamic.end });
      continue;
    }
    const exportKeyword = ts.canHaveModifiers(statement)
      ? ts.getModifiers(statement)?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : undefined;
    if (exportKeyword !== undefined) {
      moduleSyntax.push({ start: exportKeyword.getStart(sourceFile), end: exportKeyword.end });
    }
    for (const name of topLevelNames(statement)) declaredNames.add(name);
    for (const declaration of nestedVarsOf(statement)) {
      nestedVars.push(declaration);
      for (const name of bindingNames(declaration.name)) declaredNames.add(name);
    }
  }
  const { assignedNames, mentionedNames } = namesUsedIn(sourceFile);
  return {
    sourceFile,
    imports,
    moduleSyntax,
    declaredNames,
    nestedVars,
    assignedNames,
    mentionedNames,
  };
}

/** The identifiers a file assigns and all those it mentions, in one walk (see CellSyntax). */
function namesUsedIn(sourceFile: ts.SourceFile): {
  assignedNames: Set<string>;
  mentionedNames: Set<string>;
} {
  const assigned = new Set<string>();
  const mentioned = new Set<string>();
  const target = (node: ts.Expression): void => {
    const e = skipParentheses(node);
    if (ts.isIdentifier(e)) assigned.add(e.text);
    else if (ts.isArrayLiteralExpression(e)) {
      for (const element of e.elements)
        target(ts.isSpreadElement(element) ? element.expression : element);
    } else if (ts.isObjectLiteralExpression(e)) {
      for (const p of e.properties) {
        if (ts.isShorthandPropertyAssignment(p)) assigned.add(p.name.text);
        else if (ts.isPropertyAssignment(p)) target(p.initializer);
        else if (ts.isSpreadAssignment(p)) target(p.expression);
      }
    } else if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      target(e.left); // a default in a destructuring target: `[a = 1] = xs`
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) mentioned.add(node.text);
    else if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind))
      target(node.left);
    else if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken ||
        node.operator === ts.SyntaxKind.MinusMinusToken)
    ) {
      target(node.operand);
    } else if (
      (ts.isForInStatement(node) || ts.isForOfStatement(node)) &&
      !ts.isVariableDeclarationList(node.initializer)
    ) {
      target(node.initializer);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return { assignedNames: assigned, mentionedNames: mentioned };
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

function skipParentheses(node: ts.Expression): ts.Expression {
  let e = node;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e))
    e = e.expression;
  return e;
}

/** The `var` declarations inside a top-level statement's blocks and loop heads, not in functions. */
function nestedVarsOf(statement: ts.Statement): ts.VariableDeclaration[] {
  if (ts.isVariableStatement(statement)) return [];
  const found: ts.VariableDeclaration[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.BlockScoped) === 0) {
      found.push(...node.declarations);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(statement, visit);
  return found;
}

/** What an import declaration loads and binds; undefined for a malformed specifier. */
export function importOf(
  node: ts.ImportDeclaration,
  sourceFile: ts.SourceFile,
): CellImport | undefined {
  if (!ts.isStringLiteral(node.moduleSpecifier)) return undefined;
  const clause = node.importClause;
  const bindings: ImportBinding[] = [];
  if (clause?.name !== undefined) bindings.push({ kind: "default", local: clause.name.text });
  const named = clause?.namedBindings;
  if (named !== undefined && ts.isNamespaceImport(named)) {
    bindings.push({ kind: "namespace", local: named.name.text });
  } else if (named !== undefined) {
    for (const element of named.elements) {
      const imported = (element.propertyName ?? element.name).text;
      const typeOnly = element.isTypeOnly;
      bindings.push({ kind: "named", local: element.name.text, imported, typeOnly });
    }
  }
  return {
    specifier: node.moduleSpecifier.text,
    bindings,
    typeOnly: clause?.isTypeOnly ?? false,
    start: node.getStart(sourceFile),
    end: node.end,
  };
}

/**
 * `const fs = await import("node:fs")` as a namespace import for the checker: the inferred
 * type names the module's unexported types, which a declaration file cannot (TS4023).
 */
function readDynamicImport(
  statement: ts.Statement,
  sourceFile: ts.SourceFile,
): CellImport | undefined {
  if (!ts.isVariableStatement(statement) || statement.modifiers !== undefined) return undefined;
  const [declaration, ...rest] = statement.declarationList.declarations;
  if (declaration === undefined || rest.length > 0 || declaration.type !== undefined)
    return undefined;
  if (!ts.isIdentifier(declaration.name)) return undefined;
  const init = declaration.initializer;
  if (init === undefined || !ts.isAwaitExpression(init)) return undefined;
  const call = init.expression;
  if (!ts.isCallExpression(call) || call.expression.kind !== ts.SyntaxKind.ImportKeyword) {
    return undefined;
  }
  const [specifier] = call.arguments;
  if (specifier === undefined || !ts.isStringLiteralLike(specifier)) return undefined;
  return {
    specifier: specifier.text,
    bindings: [{ kind: "namespace", local: declaration.name.text }],
    typeOnly: false,
    start: statement.getStart(sourceFile),
    end: statement.end,
  };
}

/** Names a top-level statement binds as run-time values: variables, functions, classes, imports. */
export function valueNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  }
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
    return statement.name === undefined ? [] : [statement.name.text];
  }
  if (ts.isImportDeclaration(statement)) {
    const cellImport = importOf(statement, statement.getSourceFile());
    return cellImport === undefined ? [] : valueBindings(cellImport).map((b) => b.local);
  }
  return [];
}

/** Names a top-level statement declares (types included). */
export function topLevelNames(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  }
  if (
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isEnumDeclaration(statement)
  ) {
    return statement.name === undefined ? [] : [statement.name.text];
  }
  // `declare global { ... }` adds to the globals; it declares no name of the notebook.
  const augmentsGlobals = (statement.flags & ts.NodeFlags.GlobalAugmentation) !== 0;
  if (ts.isModuleDeclaration(statement) && ts.isIdentifier(statement.name) && !augmentsGlobals) {
    return [statement.name.text];
  }
  return [];
}

/** Every identifier a binding pattern introduces. */
export function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) =>
    ts.isOmittedExpression(element) ? [] : bindingNames(element.name),
  );
}

/** Replace the given ranges with spaces, keeping newlines so every position stays put. */
export function blankRanges(
  code: string,
  ranges: readonly { start: number; end: number }[],
): string {
  if (ranges.length === 0) return code;
  let out = "";
  let cursor = 0;
  for (const { start, end } of [...ranges].sort((a, b) => a.start - b.start)) {
    out += code.slice(cursor, start) + code.slice(start, end).replace(/[^\n\r]/g, " ");
    cursor = end;
  }
  return out + code.slice(cursor);
}
