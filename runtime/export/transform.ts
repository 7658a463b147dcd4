/**
 * One cell's code as statements of the exported pipeline module. All cells share one
 * module scope, so:
 * - a name declared by several executions is declared once (`let`, the first time) and
 *   later declarations become assignments;
 * - imports become `await import()` at the cell's place, so packages load in the order the
 *   notebook loaded them, after the cell's random stream is seeded;
 * - `replab`/`tslab` imports bind the inline `__notebook` shim;
 * - `export` keywords go (a pipeline exports nothing).
 */
import ts from "../compiler/typescript.cjs";
import { ES_MODULE_VIEW } from "../compiler/interop.js";
import {
  bindingNames,
  cellSyntax,
  importOf,
  valueBindings,
  valueNames,
} from "../compiler/syntax.js";
import { lastExpressionEdits } from "./last-expression.js";
import { sloppyEdits, type SloppyNames } from "./sloppy.js";

const NOTEBOOK_MODULES = new Set(["replab", "tslab"]);

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Names each cell declares at top level, in order. */
export function declaredNames(code: string): string[] {
  const file = parse(code);
  const names: string[] = [];
  for (const statement of file.statements) names.push(...valueNames(statement));
  return names;
}

/**
 * Rewrite a cell. `declared` holds names earlier cells declared (updated in place);
 * `redeclaredLater` the names some later cell declares again (their `const` becomes `let`);
 * `sloppy`, for a JavaScript cell only, what sloppy mode did that the module must redo (export/sloppy.ts).
 */
export function transformCell(
  code: string,
  declared: Set<string>,
  redeclaredLater: Set<string>,
  local: ReadonlyMap<string, string> = new Map(),
  sloppy?: SloppyNames,
): string {
  const file = parse(code);
  const edits: Edit[] = [];
  // Edits inside expressions; a declaration rewritten whole carries those inside it.
  const inner = [
    ...notebookRequires(file, local),
    ...(sloppy === undefined ? [] : sloppyEdits(file, sloppy)),
  ];
  const render = (node: ts.Node): string =>
    applyEdits(
      code.slice(node.getStart(file), node.end),
      inner
        .filter((e) => e.start >= node.getStart(file) && e.end <= node.end)
        .map((e) => ({
          ...e,
          start: e.start - node.getStart(file),
          end: e.end - node.getStart(file),
        })),
    );
  for (const statement of file.statements) {
    const start = statement.getStart(file);
    if (ts.isImportDeclaration(statement)) {
      if (statement.importClause?.isTypeOnly === true) continue;
      edits.push({ start, end: statement.end, text: importText(statement, declared, local) });
      continue;
    }
    if (ts.isExportDeclaration(statement)) {
      edits.push({ start, end: statement.end, text: "" });
      continue;
    }
    removeExport(statement, file, edits);
    if (ts.isFunctionDeclaration(statement))
      functionEdits(statement, file, declared, redeclaredLater, edits);
    if (ts.isVariableStatement(statement))
      variableEdits(statement, file, { declared, redeclaredLater, render }, edits);
    else for (const name of valueNames(statement)) declared.add(name);
  }
  edits.push(...lastExpressionEdits(file));
  // After lastExpressionEdits: an insertion there must come before `__sloppy(` at the same place.
  edits.push(...inner);
  return applyEdits(code, edits).trim();
}

/**
 * A function some cell declares again by assignment (export/rebinding.ts): one module cannot
 * declare it twice, and the notebook replaced it only when the later cell ran. So its first
 * declaration becomes `let f = function f ...` and the later ones assignments.
 */
function functionEdits(
  statement: ts.FunctionDeclaration,
  file: ts.SourceFile,
  declared: Set<string>,
  redeclaredLater: Set<string>,
  edits: Edit[],
): void {
  const name = statement.name?.text;
  if (name === undefined || !redeclaredLater.has(name)) return;
  const start = statement.getStart(file);
  const binding = declared.has(name) ? `${name} = ` : `let ${name} = `;
  edits.push({ start, end: start, text: binding });
  edits.push({ start: statement.end, end: statement.end, text: ";" });
}

/**
 * `require("tslab")` and `require("replab")` in a JavaScript cell: the inline notebook shim;
 * `require("./lib")` of a carried module: the file it was carried to.
 */
function notebookRequires(file: ts.SourceFile, local: ReadonlyMap<string, string>): Edit[] {
  const edits: Edit[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "require" &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0]!) &&
      NOTEBOOK_MODULES.has(node.arguments[0].text)
    ) {
      edits.push({ start: node.getStart(file), end: node.end, text: "__notebook" });
      return;
    }
    const [argument] = ts.isCallExpression(node) ? node.arguments : [];
    const isRequire =
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "require";
    if (isRequire && argument !== undefined && ts.isStringLiteral(argument)) {
      const carried = local.get(argument.text);
      const text = JSON.stringify(carried);
      if (carried !== undefined)
        edits.push({ start: argument.getStart(file), end: argument.end, text });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return edits;
}

/**
 * The cell's one parse (compiler/syntax.ts), as TypeScript for either language (as before):
 * for a TypeScript cell the SourceFile its type check and lineage read, so the export edits
 * what they saw, and a cell is not parsed again for each use.
 */
function parse(code: string): ts.SourceFile {
  return cellSyntax(code, "typescript").sourceFile;
}

/** What variableEdits needs: the names so far, and a node's text with the edits inside it made. */
interface Declarations {
  declared: Set<string>;
  redeclaredLater: Set<string>;
  render: (node: ts.Node) => string;
}

function variableEdits(
  statement: ts.VariableStatement,
  file: ts.SourceFile,
  { declared, redeclaredLater, render }: Declarations,
  edits: Edit[],
): void {
  const declarations = statement.declarationList.declarations;
  const names = declarations.flatMap((d) => bindingNames(d.name));
  const start = statement.getStart(file);
  const list = statement.declarationList;
  if (names.some((n) => declared.has(n))) {
    // Declared by an earlier execution: assign instead, as re-running the cell did. A `var`
    // without a value keeps the one it has (`var total;` after `total = 6` leaves 6).
    const keeps = (list.flags & ts.NodeFlags.BlockScoped) === 0;
    const assigned = declarations.filter((d) => d.initializer !== undefined || !keeps);
    const parts = assigned.map((d) => {
      const init = d.initializer === undefined ? "undefined" : render(d.initializer);
      return ts.isIdentifier(d.name)
        ? `${render(d.name)} = ${init};`
        : `(${render(d.name)} = ${init});`;
    });
    const newNames = names.filter((n) => !declared.has(n));
    const hoist = newNames.length > 0 ? `let ${newNames.join(", ")};\n` : "";
    edits.push({ start, end: statement.end, text: hoist + parts.join("\n") });
  } else if ((list.flags & ts.NodeFlags.Const) !== 0 && names.some((n) => redeclaredLater.has(n))) {
    const keyword = list.getStart(file);
    edits.push({ start: keyword, end: keyword + "const".length, text: "let" });
  }
  for (const name of names) declared.add(name);
}

interface ImportBinding {
  local: string;
  /** "default", "*", or the exported name. */
  imported: string;
}

/** The value bindings of an import, as compiler/syntax.ts reads them for the notebook. */
function importBindings(node: ts.ImportDeclaration): ImportBinding[] {
  const cellImport = importOf(node, node.getSourceFile());
  if (cellImport === undefined) return [];
  return valueBindings(cellImport).map((b) => ({
    local: b.local,
    imported: b.kind === "named" ? b.imported : b.kind === "default" ? "default" : "*",
  }));
}

/**
 * `import a, { b as c } from "x"` -> `const __x = await import("x"); const a = __x.default; ...`.
 * A carried local module loads through `__importLocal`, as the kernel's importLocal loads it.
 */
function importText(
  node: ts.ImportDeclaration,
  declared: Set<string>,
  local: ReadonlyMap<string, string>,
): string {
  const specifier = (node.moduleSpecifier as ts.StringLiteral).text;
  const carried = local.get(specifier);
  const bindings = importBindings(node);
  // A default or namespace binding sees a package as the notebook did (compiler/interop.ts).
  const whole = bindings.some((b) => b.imported === "default" || b.imported === "*");
  const view = whole && !specifier.startsWith("node:") ? ES_MODULE_VIEW : "";
  const load = `await import(${JSON.stringify(specifier)})`;
  const source = NOTEBOOK_MODULES.has(specifier)
    ? "__notebook"
    : carried !== undefined
      ? `await __importLocal(${JSON.stringify(carried)})`
      : view === ""
        ? load
        : `${view}(${load})`;
  if (bindings.length === 0) return NOTEBOOK_MODULES.has(specifier) ? "" : `${source};`;
  const isShim = NOTEBOOK_MODULES.has(specifier);
  const lines = bindings.map(({ local, imported }) => {
    const keyword = declared.has(local) ? "" : "const ";
    declared.add(local);
    if (imported === "*" || (isShim && imported === "default"))
      return `${keyword}${local} = ${wrap(source)};`;
    const member = imported === "default" ? "default" : imported;
    const access = /^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u.test(member)
      ? `.${member}`
      : `[${JSON.stringify(member)}]`;
    return `${keyword}${local} = ${wrap(source)}${access};`;
  });
  return lines.join("\n");
}

const wrap = (source: string): string => (source.startsWith("await") ? `(${source})` : source);

function removeExport(statement: ts.Statement, file: ts.SourceFile, edits: Edit[]): void {
  if (!ts.canHaveModifiers(statement)) return;
  for (const m of ts.getModifiers(statement) ?? []) {
    if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword) {
      edits.push({ start: m.getStart(file), end: m.end + 1, text: "" });
    }
  }
}

function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = "";
  let cursor = 0;
  for (const edit of sorted) {
    // Inside a range already replaced: its text was rendered with this edit (variableEdits).
    if (edit.start < cursor && edit.end <= cursor) continue;
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = Math.max(cursor, edit.end);
  }
  return out + text.slice(cursor);
}
