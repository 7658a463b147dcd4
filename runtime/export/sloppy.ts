/**
 * JavaScript cells run as sloppy scripts; pipeline.mjs is a module, always strict. What sloppy
 * cells do that would throw there or give another value, the pipeline reproduces instead:
 * - `x = 5` with no declaration creates a global. The pipeline writes such a name as
 *   `globalThis.x`, from the first cell that assigns it on, so the global appears when the
 *   notebook's did (`typeof x`, `"x" in globalThis` before it still say it does not exist) and
 *   bare reads of x resolve to it. A later `let x` of it assigns the same global, as in the
 *   kernel; before such a cell the global is created if it is not there yet, as the kernel's
 *   hoisted `var` did.
 * - Setting a property on a primitive (`var s = "text"; s.extra = 1`) is ignored. A property
 *   write on a name that is given a primitive literal goes through `__sloppy`, which makes the
 *   write in code compiled as sloppy (a `Function` body is not strict unless it says so).
 * - `this` outside functions is the global object, and in a sloppy function called without a
 *   receiver too (a strict one gets undefined): it becomes `globalThis` and `__sloppyThis(this)`.
 * - `delete x` of a plain name is a SyntaxError in strict code. The kernel's top-level names are
 *   properties of the global object, which delete removes: for a global it becomes `delete
 *   globalThis.x`, for a variable of the pipeline `(x = undefined, true)` (what reading it
 *   after gave, the kernel threw on), for a function's own variable `false`.
 * - A word strict code reserves (`var package = ...`, `function f(public)`) is a SyntaxError in
 *   the module: it becomes `__package` wherever it names a variable (property names stay), or
 *   `globalThis.package` for an undeclared global.
 * Class bodies were strict in the notebook too and stay as they are. The plan reads the cell's
 * one analysis (compiler/syntax.ts cellSyntax); the edits, transform.ts's parse of the cell.
 * Undeclared globals in the lineage (`--target`, stale cells): export/sloppy-lineage.ts.
 */
import ts from "../compiler/typescript.cjs";
import {
  globalAssignmentTargets,
  globalAssignments,
  isGlobalReference,
} from "../compiler/const-checks.js";
import { cellSyntax } from "../compiler/syntax.js";

/** What the pipeline does for the sloppy JavaScript cells it runs as one strict module. */
export interface SloppyPlan {
  /** Per cell index: the names assigned without a declaration by it or an earlier cell. */
  globals: ReadonlySet<string>[];
  /** Per cell index: such globals it declares, to create before it when not there yet. */
  created: string[][];
  /** Names some cell gives a primitive literal: their property writes go through `__sloppy`. */
  primitives: ReadonlySet<string>;
  /** Names the cells declare that are not such globals: the pipeline module's own variables. */
  bindings: ReadonlySet<string>;
  /** Top-level names some cell deletes: they must stay assignable (`const` becomes `let`). */
  deleted: ReadonlySet<string>;
}

/** What transform.ts rewrites in one cell (export/sloppy.ts `sloppyEdits`). */
export interface SloppyNames {
  globals: ReadonlySet<string>;
  primitives: ReadonlySet<string>;
  bindings: ReadonlySet<string>;
}

/** For a TypeScript export: nothing to plan. */
export const NO_SLOPPY_PLAN: SloppyPlan = {
  globals: [],
  created: [],
  primitives: new Set(),
  bindings: new Set(),
  deleted: new Set(),
};

/** What transform.ts rewrites in cell I of the plan. */
export function sloppyNames(plan: SloppyPlan, i: number): SloppyNames {
  const globals = plan.globals[i] ?? new Set<string>();
  return { globals, primitives: plan.primitives, bindings: plan.bindings };
}

/** Plan the sloppy-mode fixes for the cells of a JavaScript export, in pipeline order. */
export function planSloppy(sources: readonly string[]): SloppyPlan {
  const declared = new Set<string>();
  const owned = new Set<string>();
  const primitives = new Set<string>();
  const deleted = new Set<string>();
  const globals: ReadonlySet<string>[] = [];
  const created: string[][] = [];
  for (const code of sources) {
    const syntax = cellSyntax(code, "javascript");
    created.push([...syntax.declaredNames].filter((n) => owned.has(n)));
    for (const name of syntax.declaredNames) declared.add(name);
    collectPrimitives(syntax.sourceFile, primitives);
    for (const node of deletedNames(syntax.sourceFile))
      if (isGlobalReference(node)) deleted.add(node.text);
    for (const name of globalAssignments(syntax.sourceFile))
      if (!declared.has(name)) owned.add(name);
    globals.push(new Set(owned));
  }
  const bindings = new Set([...declared].filter((n) => !owned.has(n)));
  return { globals, created, primitives, bindings, deleted };
}

/** The statements that create the globals a cell declares again (SloppyPlan.created). */
export function createdGlobalsText(names: readonly string[]): string {
  return names
    .map((name) => {
      const key = JSON.stringify(name);
      return `if (!(${key} in globalThis)) globalThis[${key}] = undefined; // declared here, assigned without a declaration before: one global, as in the notebook`;
    })
    .join("\n");
}

/** An edit of the cell's text, as transform.ts applies them. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The edits of one cell for sloppy mode: its globals' writes, primitives' property writes, `this` and `delete`. */
export function sloppyEdits(file: ts.SourceFile, names: SloppyNames): Edit[] {
  return [
    ...globalWriteEdits(file, names.globals),
    ...primitiveWriteEdits(file, names.primitives),
    ...thisEdits(file),
    ...deleteEdits(file, names.bindings),
    ...reservedNameEdits(file, names.globals),
  ];
}

/** Words strict code reserves that sloppy code may use as names (ECMA-262, 13.1.1). */
const STRICT_RESERVED = new Set([
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "static",
]);

/** Renames of the strict-reserved words a cell uses as names (see the file's comment). */
function reservedNameEdits(file: ts.SourceFile, globals: ReadonlySet<string>): Edit[] {
  // An undeclared global's assignments are globalThis.x already (globalWriteEdits).
  const written = new Set(globalAssignmentTargets(file).filter((t) => globals.has(t.text)));
  const edits: Edit[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node) || ts.isImportDeclaration(node)) return;
    const reserved = ts.isIdentifier(node) && STRICT_RESERVED.has(node.text);
    if (reserved && !written.has(node) && namesVariable(node)) {
      const global = globals.has(node.text) && isGlobalReference(node);
      const renamed = global ? `globalThis.${node.text}` : `__${node.text}`;
      const parent = node.parent;
      const shorthand =
        ts.isShorthandPropertyAssignment(parent) ||
        (ts.isBindingElement(parent) &&
          parent.propertyName === undefined &&
          ts.isObjectBindingPattern(parent.parent));
      const text = shorthand ? `${node.text}: ${renamed}` : renamed;
      edits.push({ start: node.getStart(file), end: node.end, text });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return edits;
}

/** False for an identifier that names a property (`o.x`, `{ x: 1 }`, a method, `{ x: y } = o`). */
export function namesVariable(node: ts.Identifier): boolean {
  const parent = node.parent;
  const property =
    ts.isPropertyAccessExpression(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isMethodDeclaration(parent) ||
    ts.isGetAccessorDeclaration(parent) ||
    ts.isSetAccessorDeclaration(parent) ||
    ts.isPropertyDeclaration(parent);
  if (property && parent.name === node) return false;
  return !(ts.isBindingElement(parent) && parent.propertyName === node);
}

/**
 * `this` where the notebook's sloppy code had the global object or a boxed receiver: outside
 * any function (the cell ran inside an arrow in a script) and in functions that are not class
 * members. An arrow's `this` is its enclosing one's, so arrows are looked through.
 */
function thisEdits(file: ts.SourceFile): Edit[] {
  const edits: Edit[] = [];
  const visit = (node: ts.Node, inFunction: boolean): void => {
    if (ts.isClassLike(node)) return;
    if (node.kind === ts.SyntaxKind.ThisKeyword) {
      const text = inFunction ? "__sloppyThis(this)" : "globalThis";
      edits.push({ start: node.getStart(file), end: node.end, text });
      return;
    }
    const inner = inFunction || (ts.isFunctionLike(node) && !ts.isArrowFunction(node));
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(file, false);
  return edits;
}

/** `delete x`: what the notebook's sloppy code did (see the file's comment). */
function deleteEdits(file: ts.SourceFile, bindings: ReadonlySet<string>): Edit[] {
  return deletedNames(file).map((operand) => {
    const name = operand.text;
    const node = deleteOf(operand);
    const text = !isGlobalReference(operand)
      ? "false"
      : bindings.has(name)
        ? `(${name} = undefined, true)`
        : `delete globalThis.${name}`;
    return { start: node.getStart(file), end: node.end, text };
  });
}

/** The plain names `delete` is applied to (`delete x`, `delete (x)`), outside class bodies. */
function deletedNames(file: ts.SourceFile): ts.Identifier[] {
  const found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node)) return;
    if (ts.isDeleteExpression(node)) {
      let operand: ts.Expression = node.expression;
      while (ts.isParenthesizedExpression(operand)) operand = operand.expression;
      if (ts.isIdentifier(operand)) return void found.push(operand);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** The delete expression around a (parenthesized) operand. */
function deleteOf(operand: ts.Node): ts.Node {
  let node = operand.parent;
  while (ts.isParenthesizedExpression(node)) node = node.parent;
  return node;
}

/** `x = 5` (x a global no declaration binds) becomes `globalThis.x = 5`; `({ x } = o)`, `({ x: globalThis.x } = o)`. */
function globalWriteEdits(file: ts.SourceFile, globals: ReadonlySet<string>): Edit[] {
  if (globals.size === 0) return [];
  return globalAssignmentTargets(file)
    .filter((target) => globals.has(target.text))
    .map((target) => {
      const shorthand = ts.isShorthandPropertyAssignment(target.parent);
      const global = `globalThis.${target.text}`;
      const text = shorthand ? `${target.text}: ${global}` : global;
      return { start: target.getStart(file), end: target.end, text };
    });
}

/**
 * The edits that send a cell's property writes on possibly primitive names through `__sloppy`:
 * `s.k = v` becomes `__sloppy("o[k] = v", s, "k", v)`, keeping the key's and the value's text in
 * place (so other edits inside them still apply). Class bodies are left alone (strict there too).
 */
function primitiveWriteEdits(file: ts.SourceFile, primitives: ReadonlySet<string>): Edit[] {
  const edits: Edit[] = [];
  if (primitives.size === 0) return edits;
  const visit = (node: ts.Node): void => {
    if (ts.isClassLike(node)) return;
    const write = propertyWrite(node, primitives);
    if (write !== undefined) edits.push(...writeEdits(file, write));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return edits;
}

interface PropertyWrite {
  node: ts.Expression;
  target: ts.PropertyAccessExpression | ts.ElementAccessExpression;
  /** The assignment operator (`=`, `+=`, `||=`...), or `++`/`--` for an update. */
  operator: string;
  /** The assigned value; undefined for `++`/`--`. */
  value: ts.Expression | undefined;
  prefix: boolean;
}

/** NODE as a write to a property of a name in PRIMITIVES, or undefined. */
function propertyWrite(node: ts.Node, primitives: ReadonlySet<string>): PropertyWrite | undefined {
  // The notebook's name, not a parameter or local of the same name.
  const onPrimitive = (e: ts.Expression): e is PropertyWrite["target"] =>
    (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) &&
    e.questionDotToken === undefined &&
    ts.isIdentifier(e.expression) &&
    primitives.has(e.expression.text) &&
    isGlobalReference(e.expression);
  if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind)) {
    if (!onPrimitive(node.left)) return undefined;
    const operator = ts.tokenToString(node.operatorToken.kind) ?? "=";
    // A thunk cannot yield for its generator: such a write stays as it is.
    if (LOGICAL.has(operator) && contains(node.right, ts.isYieldExpression)) return undefined;
    return { node, target: node.left, operator, value: node.right, prefix: false };
  }
  const update =
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken ||
      node.operator === ts.SyntaxKind.MinusMinusToken);
  if (!update || !onPrimitive(node.operand)) return undefined;
  const operator = node.operator === ts.SyntaxKind.PlusPlusToken ? "++" : "--";
  const prefix = ts.isPrefixUnaryExpression(node);
  return { node, target: node.operand, operator, value: undefined, prefix };
}

const LOGICAL = new Set(["&&=", "||=", "??="]);

/** The edits for one write; see primitiveWriteEdits. */
function writeEdits(file: ts.SourceFile, write: PropertyWrite): Edit[] {
  const { node, target, operator, value } = write;
  const owner = target.expression;
  // A logical assignment evaluates its value only when it assigns: the value becomes a thunk.
  const lazy = value !== undefined && LOGICAL.has(operator);
  const awaits = lazy && contains(value, ts.isAwaitExpression);
  const read = awaits ? "await v()" : "v()";
  const form =
    value === undefined
      ? write.prefix
        ? `${operator}o[k]`
        : `o[k]${operator}`
      : `o[k] ${operator} ${lazy ? read : "v"}`;
  const open = `${awaits ? "(await " : ""}__sloppy(${JSON.stringify(form)}, `;
  const close = awaits ? "))" : ")";
  const edits: Edit[] = [{ start: node.getStart(file), end: owner.getStart(file), text: open }];
  const keyEnd = ts.isPropertyAccessExpression(target) ? target.end : target.argumentExpression.end;
  if (ts.isPropertyAccessExpression(target)) {
    edits.push({
      start: owner.end,
      end: target.end,
      text: `, ${JSON.stringify(target.name.text)}`,
    });
  } else {
    const key = target.argumentExpression;
    edits.push({ start: owner.end, end: key.getStart(file), text: ", " });
  }
  const thunk = lazy ? (awaits ? "async () => " : "() => ") : "";
  const rest = value === undefined ? close : `, ${thunk}`;
  edits.push({
    start: keyEnd,
    end: value === undefined ? node.end : value.getStart(file),
    text: rest,
  });
  if (value !== undefined) edits.push({ start: node.end, end: node.end, text: close });
  return edits;
}

/** True when EXPRESSION has a node of the kind outside any function of its own (await, yield). */
function contains(expression: ts.Expression, kind: (node: ts.Node) => boolean): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (kind(node)) found = true;
    ts.forEachChild(node, visit);
  };
  visit(expression);
  return found;
}

/**
 * `__sloppy` and `__sloppyThis` for pipeline.ts (`__sloppy` compiles one function per form,
 * once, as sloppy code). Written into the pipeline only when some cell uses them, so other
 * exports stay as they were.
 */
export const SLOPPY_HELPER = `
/**
 * A property write as the notebook's sloppy JavaScript made it: on a primitive it does nothing
 * (this module is strict, where it would throw). FORM is the write over o (owner), k (key) and
 * v (value); a Function body is sloppy unless it says otherwise.
 */
const __sloppyForms = new Map<string, (o: unknown, k: unknown, v: unknown) => unknown>();
function __sloppy(form: string, o: unknown, k: unknown, v?: unknown): unknown {
  let write = __sloppyForms.get(form);
  if (write === undefined) {
    const maker = form.includes("await ") ? (async () => {}).constructor as FunctionConstructor : Function;
    write = maker("o", "k", "v", \`return \${form};\`) as (o: unknown, k: unknown, v: unknown) => unknown;
    __sloppyForms.set(form, write);
  }
  return write(o, k, v);
}

/** A sloppy function's \`this\`: the global object for none, an object for a primitive. */
function __sloppyThis(value: unknown): unknown {
  return value === undefined || value === null ? globalThis : Object(value);
}
`;

/** True for a string, number, bigint or boolean literal. */
function isPrimitiveLiteral(node: ts.Expression | undefined): boolean {
  if (node === undefined) return false;
  return (
    ts.isStringLiteral(node) ||
    ts.isNoSubstitutionTemplateLiteral(node) ||
    ts.isTemplateExpression(node) ||
    ts.isNumericLiteral(node) ||
    ts.isBigIntLiteral(node) ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword
  );
}

/**
 * Names a cell gives a primitive literal: declared at top level or assigned anywhere. Sending
 * a write on such a name through `__sloppy` when it holds an object changes nothing (sloppy and
 * strict writes differ only where strict code throws), so one primitive literal is enough.
 */
function collectPrimitives(file: ts.SourceFile, primitives: Set<string>): void {
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations)
      if (ts.isIdentifier(d.name) && isPrimitiveLiteral(d.initializer)) primitives.add(d.name.text);
  }
  const visit = (node: ts.Node): void => {
    const assigns =
      ts.isBinaryExpression(node) &&
      node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isIdentifier(node.left);
    if (assigns && isPrimitiveLiteral(node.right)) primitives.add(node.left.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
}

function isAssignment(kind: ts.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}
