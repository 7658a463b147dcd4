/**
 * Turn a cell's JavaScript into a script that runs in the notebook's shared global scope:
 * top-level declarations become assignments to hoisted `var`s (so re-running a cell that
 * declares `const x` works), imports become `await import()` (so ESM-only packages load;
 * the notebook's own files go through executor/local-modules.ts),
 * the body runs in an async arrow (so top-level await works), and the last expression is
 * returned as the cell's result. Edits never add or remove lines, so line numbers in stack
 * traces still match the input; only line 1 gains the prefix (see `prefixLength`).
 */
import ts from "./typescript.cjs";
import { constChecks } from "./const-checks.js";
import { ES_MODULE_VIEW } from "./interop.js";
import { loopCheckInsertions } from "./loop-checks.js";
import { NOTEBOOK_MODULE_SPECIFIERS, RUNTIME_GLOBAL } from "./runtime-global.js";
import {
  bindingNames,
  cellSyntax,
  importOf,
  valueBindings,
  valueNames,
  type ImportBinding,
} from "./syntax.js";
import { isLocalSpecifier } from "../executor/local-modules.js";

export interface RewrittenCell {
  script: string;
  /** Characters the wrapper adds before the cell's first line. */
  prefixLength: number;
  /** Lines of the cell's own code; later lines belong to the wrapper. */
  lineCount: number;
  /** Where each rewritten range came from, for positions in the script (toInput). */
  spans: EditSpan[];
  /** Offset of each line's start, in the rewritten body and in the input JavaScript. */
  bodyLines: number[];
  inputLines: number[];
  /** Names the cell assigns at top level (declarations and imports). */
  names: string[];
  /** True when the cell ends in an expression whose value is the result. */
  hasResult: boolean;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** One edit as applied: its text spans [out, outEnd) of the body and replaced [from, to) of the input. */
export interface EditSpan {
  out: number;
  outEnd: number;
  from: number;
  to: number;
}

/** Rewrite a cell's JavaScript for execution in the shared scope. */
export function rewriteCell(js: string, options: { javascript?: boolean } = {}): RewrittenCell {
  // The cell's one analysis (compiler/syntax.ts): its parse and the nested vars it found.
  const syntax = cellSyntax(js, "javascript");
  const file = syntax.sourceFile;
  const nestedVars = byTopStatement(syntax.nestedVars);
  const edits: Edit[] = [];
  const names = new Set<string>();
  const functions: string[] = [];
  // TypeScript appends `export {}` to cells without imports; it is not the cell's last statement.
  const last = [...file.statements]
    .reverse()
    .find((s) => !ts.isExportDeclaration(s) && !ts.isEmptyStatement(s));
  for (const statement of file.statements) {
    const nested = nestedVars.get(statement) ?? [];
    rewriteStatement(statement, file, {
      edits,
      names,
      functions,
      isLast: statement === last,
      nested,
    });
  }
  edits.push(...loopCheckInsertions(file));
  // JavaScript keeps const semantics at run time; the checker refuses such a TypeScript cell.
  const consts = options.javascript === true ? constChecks(file) : { prefix: "", edits: [] };
  edits.push(...consts.edits);
  const hasResult =
    last !== undefined && (ts.isExpressionStatement(last) || ts.isExportAssignment(last));
  const hoisted = names.size > 0 ? `var ${[...names].join(", ")}; ` : "";
  const exposeFunctions = functions.map((f) => `globalThis.${f} = ${f}; `).join("");
  const prefix = `${hoisted}(async () => { ${consts.prefix}${exposeFunctions}`;
  const { text: body, spans } = applyEdits(js, edits);
  const bodyLines = lineStarts(body);
  return {
    script: `${prefix}${body}\n})()${hasResult ? SETTLE : ""}`,
    lineCount: bodyLines.length,
    prefixLength: prefix.length,
    spans,
    bodyLines,
    inputLines: lineStarts(js),
    names: [...names],
    hasResult,
  };
}

/** Unbox the result the last statement returned and settle it if it is a Promise. */
const SETTLE = `.then((box) => box === undefined ? undefined : ${RUNTIME_GLOBAL}.settle(box[0]))`;

interface Context {
  edits: Edit[];
  names: Set<string>;
  functions: string[];
  isLast: boolean;
  /** The statement's nested vars (CellSyntax.nestedVars), in source order. */
  nested: readonly ts.VariableDeclaration[];
}

function rewriteStatement(statement: ts.Statement, file: ts.SourceFile, ctx: Context): void {
  const start = statement.getStart(file);
  // The names the notebook gets are the ones compiler/syntax.ts reads, for every consumer.
  for (const name of valueNames(statement)) ctx.names.add(name);
  if (ts.isImportDeclaration(statement)) {
    ctx.edits.push({
      start,
      end: statement.end,
      text: keepLines(rewriteImport(statement), statement, file),
    });
    return;
  }
  if (ts.isExportDeclaration(statement)) {
    ctx.edits.push({ start, end: statement.end, text: keepLines(";", statement, file) });
    return;
  }
  if (ts.isExportAssignment(statement)) {
    const expression = statement.expression.getStart(file);
    ctx.edits.push({ start, end: expression, text: "" });
    if (ctx.isLast) wrapReturn(statement.expression, file, ctx);
    return;
  }
  removeExportKeyword(statement, file, ctx);
  hoistNestedVars(file, ctx);
  if (ts.isVariableStatement(statement)) {
    rewriteVariables(statement, file, ctx);
  } else if (ts.isClassDeclaration(statement) && statement.name !== undefined) {
    const keyword = classKeywordStart(statement, file);
    ctx.edits.push({ start: keyword, end: keyword, text: `${statement.name.text} = ` });
    ctx.edits.push({ start: statement.end, end: statement.end, text: ";" });
  } else if (ts.isFunctionDeclaration(statement) && statement.name !== undefined) {
    ctx.functions.push(statement.name.text);
  } else if (ts.isExpressionStatement(statement) && ctx.isLast) {
    wrapReturn(statement.expression, file, ctx);
  }
}

function removeExportKeyword(statement: ts.Statement, file: ts.SourceFile, ctx: Context): void {
  if (!ts.canHaveModifiers(statement)) return;
  for (const modifier of ts.getModifiers(statement) ?? []) {
    if (
      modifier.kind === ts.SyntaxKind.ExportKeyword ||
      modifier.kind === ts.SyntaxKind.DefaultKeyword
    ) {
      ctx.edits.push({ start: modifier.getStart(file), end: modifier.end, text: "" });
    }
  }
}

function classKeywordStart(statement: ts.ClassDeclaration, file: ts.SourceFile): number {
  const keyword = statement.getChildren(file).find((c) => c.kind === ts.SyntaxKind.ClassKeyword);
  return keyword?.getStart(file) ?? statement.getStart(file);
}

/** `const {a, b} = x, c = 1;` -> `({a, b} = x), (c = 1);` with the names hoisted. */
function rewriteVariables(
  statement: ts.VariableStatement,
  file: ts.SourceFile,
  ctx: Context,
): void {
  const list = statement.declarationList;
  const isVar = (list.flags & ts.NodeFlags.BlockScoped) === 0;
  const declarations = list.declarations;
  const first = declarations[0];
  if (first === undefined) return;
  // The leading ";" guards against ASI joining `(` to a previous line that has no semicolon.
  ctx.edits.push({ start: list.getStart(file), end: first.getStart(file), text: ";" });
  for (const declaration of declarations) {
    const dStart = declaration.getStart(file);
    if (declaration.initializer === undefined) {
      // `let x;` resets x on re-run; `var x;` leaves it, as in a script.
      const text = isVar ? "void 0" : `(${declaration.name.getText(file)} = undefined)`;
      ctx.edits.push({ start: dStart, end: declaration.end, text });
    } else {
      ctx.edits.push({ start: dStart, end: dStart, text: "(" });
      ctx.edits.push({ start: declaration.end, end: declaration.end, text: ")" });
    }
  }
}

/**
 * A `var` below the top level but outside any function (`for (var k in o)`, `if (c) { var z }`)
 * is a top-level variable of the cell's script, so a notebook global like any other: its
 * declaration becomes an assignment and its names are hoisted with the cell's.
 */
function hoistNestedVars(file: ts.SourceFile, ctx: Context): void {
  const done = new Set<ts.VariableDeclarationList>();
  for (const declaration of ctx.nested) {
    const list = declaration.parent;
    // A catch clause's binding is block-scoped: nestedVars never holds one.
    if (!ts.isVariableDeclarationList(list) || done.has(list)) continue;
    done.add(list);
    if (ts.isVariableStatement(list.parent)) {
      rewriteVariables(list.parent, file, ctx);
      for (const d of list.declarations) addNames(d.name, ctx);
    } else {
      loopVariables(list, file, ctx);
    }
  }
}

/** Nested vars grouped by the top-level statement they are in. */
function byTopStatement(
  declarations: readonly ts.VariableDeclaration[],
): Map<ts.Node, ts.VariableDeclaration[]> {
  const groups = new Map<ts.Node, ts.VariableDeclaration[]>();
  for (const declaration of declarations) {
    let top: ts.Node = declaration;
    while (!ts.isSourceFile(top.parent)) top = top.parent;
    groups.set(top, [...(groups.get(top) ?? []), declaration]);
  }
  return groups;
}

/** `for (var i = 0, j; ...)`, `for (var k in o)`: the declarations become expressions. */
function loopVariables(list: ts.VariableDeclarationList, file: ts.SourceFile, ctx: Context): void {
  const first = list.declarations[0];
  if (first === undefined) return;
  ctx.edits.push({ start: list.getStart(file), end: first.getStart(file), text: "" });
  const inHead = ts.isForInStatement(list.parent) || ts.isForOfStatement(list.parent);
  for (const d of list.declarations) {
    addNames(d.name, ctx);
    if (d.initializer === undefined && !inHead) {
      ctx.edits.push({ start: d.getStart(file), end: d.end, text: "void 0" });
    } else if (!ts.isIdentifier(d.name) && !inHead) {
      ctx.edits.push({ start: d.getStart(file), end: d.getStart(file), text: "(" });
      ctx.edits.push({ start: d.end, end: d.end, text: ")" });
    }
  }
}

function addNames(name: ts.BindingName, ctx: Context): void {
  for (const n of bindingNames(name)) ctx.names.add(n);
}

function wrapReturn(expression: ts.Expression, file: ts.SourceFile, ctx: Context): void {
  ctx.edits.push({
    start: expression.getStart(file),
    end: expression.getStart(file),
    text: "return [(",
  });
  // Boxed, so a Promise result is not adopted by the cell's async wrapper (executor/settle.ts).
  ctx.edits.push({ start: expression.end, end: expression.end, text: ")]" });
}

/** An import as an assignment from a dynamic import, resolved from the notebook's directory. */
function rewriteImport(node: ts.ImportDeclaration): string {
  const specifier = (node.moduleSpecifier as ts.StringLiteral).text;
  const attributes =
    node.attributes === undefined ? "" : `, { with: ${attributesText(node.attributes)} }`;
  const source = NOTEBOOK_MODULE_SPECIFIERS.has(specifier)
    ? `${RUNTIME_GLOBAL}.notebookModule`
    : isLocalSpecifier(specifier)
      ? `(await ${RUNTIME_GLOBAL}.importLocal(${JSON.stringify(specifier)}))`
      : `${ES_MODULE_VIEW}(await import(${JSON.stringify(specifier)}${attributes}))`;
  const clause = node.importClause;
  if (clause === undefined) return `${source};`;
  // `import { type A } from "m"` leaves `import {} from "m"`: type-only, so nothing loads.
  if (isEmptyClause(clause)) return ";";
  const cellImport = importOf(node, node.getSourceFile());
  const bindings = cellImport === undefined ? [] : valueBindings(cellImport);
  const parts = bindings.map((binding) => `${binding.local} = ${memberOf(binding)}`);
  if (parts.length === 0) return `${source};`;
  return `{ const __m = ${source}; ${parts.join("; ")}; }`;
}

function memberOf(binding: ImportBinding): string {
  if (binding.kind === "namespace") return "__m";
  if (binding.kind === "default") return "__m.default";
  return `__m[${JSON.stringify(binding.imported)}]`;
}

function isEmptyClause(clause: ts.ImportClause): boolean {
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

function attributesText(attributes: ts.ImportAttributes): string {
  const entries = attributes.elements.map((e) => {
    const key = ts.isIdentifier(e.name) ? e.name.text : e.name.text;
    const value = ts.isStringLiteral(e.value) ? e.value.text : "";
    return `${JSON.stringify(key)}: ${JSON.stringify(value)}`;
  });
  return `{ ${entries.join(", ")} }`;
}

/** Pad replacement text with the newlines of the text it replaces, so later lines keep their numbers. */
function keepLines(text: string, node: ts.Node, file: ts.SourceFile): string {
  const original = file.text.slice(node.getStart(file), node.end);
  const newlines = original.split("\n").length - 1;
  return text + "\n".repeat(newlines);
}

function applyEdits(text: string, edits: Edit[]): { text: string; spans: EditSpan[] } {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let cursor = 0;
  const spans: EditSpan[] = [];
  for (const edit of sorted) {
    out += text.slice(cursor, edit.start);
    spans.push({
      out: out.length,
      outEnd: out.length + edit.text.length,
      from: edit.start,
      to: edit.end,
    });
    out += edit.text;
    cursor = Math.max(cursor, edit.end);
  }
  return { text: out + text.slice(cursor), spans };
}

/** The offset at which each line of `text` starts. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) starts.push(at + 1);
  return starts;
}

/**
 * The 1-based line and column in the input JavaScript of a 1-based position in the rewritten
 * body: before, between and after edits by the text it kept; inside an edit's own text (a
 * `return [(` in front of the last expression), at the start of what that edit replaced.
 */
export function toInput(
  cell: RewrittenCell,
  line: number,
  column: number,
): { line: number; column: number } {
  const offset = (cell.bodyLines[line - 1] ?? 0) + column - 1;
  let input = offset;
  for (const span of cell.spans) {
    if (span.out > offset) break;
    input = offset < span.outEnd ? span.from : span.to + (offset - span.outEnd);
  }
  let inputLine = 0;
  while (inputLine + 1 < cell.inputLines.length && (cell.inputLines[inputLine + 1] ?? 0) <= input)
    inputLine++;
  return { line: inputLine + 1, column: input - (cell.inputLines[inputLine] ?? 0) + 1 };
}
