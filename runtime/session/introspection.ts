/**
 * complete, inspect and is_complete. Positions arrive from Jupyter in Unicode code points
 * and TypeScript works in UTF-16 units; the conversion happens here, at the boundary.
 */
import { inspect as nodeInspect } from "node:util";
import vm from "node:vm";
import ts from "../compiler/typescript.cjs";
import type { CellTypeChecker } from "../compiler/service.js";
import { cellSyntax } from "../compiler/syntax.js";
import { incompleteReply } from "./continuation.js";
import type { CompleteResult, InspectResult, IsCompleteResult } from "./types.js";

/** UTF-16 offset of a code-point offset. */
export function toUtf16(code: string, codePoints: number): number {
  let units = 0;
  let points = 0;
  for (const ch of code) {
    if (points >= codePoints) break;
    units += ch.length;
    points++;
  }
  return units;
}

/** Code-point offset of a UTF-16 offset. */
export function toCodePoints(code: string, units: number): number {
  return [...code.slice(0, units)].length;
}

const IDENTIFIER_TAIL = /[\p{ID_Continue}$]*$/u;

/** One completion candidate: its name, a kind JupyterLab shows as an icon, and a signature. */
interface Candidate {
  name: string;
  type: string;
  signature?: string;
}

/** Signatures cost a lookup each; the completer shows the first few dozen anyway. */
const MAX_SIGNATURES = 40;

/** Completions from the type checker (TypeScript) or from live objects (JavaScript). */
export function complete(
  code: string,
  cursorPos: number,
  checker: CellTypeChecker | undefined,
): CompleteResult {
  const position = toUtf16(code, cursorPos);
  const prefix = IDENTIFIER_TAIL.exec(code.slice(0, position))?.[0] ?? "";
  const start = position - prefix.length;
  const all =
    checker !== undefined
      ? typeCompletions(checker, code, position, start)
      : liveCompletions(code, start);
  const byName = new Map<string, Candidate>();
  for (const c of all) if (c.name.startsWith(prefix) && !byName.has(c.name)) byName.set(c.name, c);
  const candidates = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  if (checker !== undefined) addSignatures(checker, position, candidates);
  const cursorStart = toCodePoints(code, start);
  const cursorEnd = toCodePoints(code, position);
  return {
    matches: candidates.map((c) => c.name),
    cursorStart,
    cursorEnd,
    types: candidates.map((c) => ({
      text: c.name,
      type: c.type,
      start: cursorStart,
      end: cursorEnd,
      ...(c.signature !== undefined && c.signature !== "" ? { signature: c.signature } : {}),
    })),
  };
}

/** TypeScript's element kinds in the words JupyterLab's completer has icons for. */
function kindName(kind: string): string {
  const K = ts.ScriptElementKind;
  switch (kind) {
    case K.functionElement:
    case K.localFunctionElement:
    case K.memberFunctionElement:
      return "function";
    case K.memberVariableElement:
    case K.memberGetAccessorElement:
    case K.memberSetAccessorElement:
      return "property";
    case K.classElement:
    case K.localClassElement:
      return "class";
    case K.interfaceElement:
      return "interface";
    case K.typeElement:
      return "type";
    case K.enumElement:
      return "enum";
    case K.moduleElement:
    case K.externalModuleName:
      return "module";
    case K.parameterElement:
      return "param";
    case K.keyword:
      return "keyword";
    default:
      return "variable";
  }
}

/**
 * The checker's entries as candidates. An entry that must rewrite text before the word
 * (`Math.` offers `Symbol` as `Math[Symbol]`, `o.` a quoted key as `o["my-key"]`) is left out:
 * a Jupyter reply replaces from one cursor_start for every match, so it would insert
 * `Math.Symbol`, which the checker then rejects.
 */
function typeCompletions(
  checker: CellTypeChecker,
  code: string,
  position: number,
  wordStart: number,
): Candidate[] {
  const info = checker.completions(code, position);
  return (info?.entries ?? [])
    .filter((e) => e.replacementSpan === undefined || e.replacementSpan.start >= wordStart)
    .filter((e) => e.kind !== ts.ScriptElementKind.keyword || !info?.isMemberCompletion)
    .filter((e) => !/^__(replab|m\d|d\d)/.test(e.name))
    .map((e) => ({ name: e.name, type: kindName(e.kind) }));
}

/** The signature of the first candidates, from the entry details the language service gives. */
function addSignatures(checker: CellTypeChecker, position: number, candidates: Candidate[]): void {
  for (const c of candidates.slice(0, MAX_SIGNATURES)) {
    if (c.type === "keyword") continue;
    const detail = checker.completionDetail(position, c.name);
    if (detail !== undefined) c.signature = ts.displayPartsToString(detail.displayParts);
  }
}

/**
 * What the code before the dot is, for JavaScript cells: a literal's prototype (no code runs),
 * a chain of plain names (evaluated as Node's REPL does), or the global object.
 */
function completionTarget(before: string): unknown {
  if (!before.endsWith(".")) return globalThis;
  const head = before.slice(0, -1).trimEnd();
  const literal = literalPrototype(head);
  if (literal !== undefined) return literal;
  const chain =
    /([\p{ID_Start}$_][\p{ID_Continue}$]*(?:\.[\p{ID_Start}$_][\p{ID_Continue}$]*)*)$/u.exec(head);
  return chain === null ? undefined : evaluateChain(chain[1] ?? "");
}

/** The prototype of the literal `head` ends with (`"a"`, `[1]`, `(1)`, `({})`, `/x/`), if any. */
function literalPrototype(head: string): object | undefined {
  if (/["'`]$/.test(head)) return String.prototype;
  if (head.endsWith("]") && literalStart(head, "[", "]") >= 0) return Array.prototype;
  if (head.endsWith("}") && literalStart(head, "{", "}") >= 0) return Object.prototype;
  if (head.endsWith(")")) {
    // `(1)` or `({ a: 1 })` is grouping; `f(1)` is a call whose result we cannot know.
    const open = literalStart(head, "(", ")");
    return open < 0 ? undefined : literalPrototype(head.slice(open + 1, -1).trim());
  }
  if (/^-?\d[\d_]*(\.\d+)?(e-?\d+)?$/.test(head)) return Number.prototype;
  if (/^-?\d[\d_]*n$/.test(head)) return BigInt.prototype;
  if (/(^|[=(,:;\s])\/(?:[^/\\\n]|\\.)+\/[dgimsuvy]*$/.test(head)) return RegExp.prototype;
  return undefined;
}

/**
 * Where the bracketed literal that ends `head` opens, or -1 when the brackets are an element
 * access, a call or a block (`xs[0]`, `f(1)`): what comes before the opening bracket decides.
 */
function literalStart(head: string, open: string, close: string): number {
  let depth = 0;
  for (let i = head.length - 1; i >= 0; i--) {
    if (head[i] === close) depth++;
    else if (head[i] === open && --depth === 0) {
      return /[\p{ID_Continue}$)\]]\s*$/u.test(head.slice(0, i)) ? -1 : i;
    }
  }
  return -1;
}

/** Property names of the object before the dot, or globals, with a kind read from the descriptor. */
function liveCompletions(code: string, start: number): Candidate[] {
  const target = completionTarget(code.slice(0, start));
  if (target === undefined || target === null) return [];
  const found: Candidate[] = [];
  for (let o: unknown = target; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (!/^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u.test(name)) continue;
      found.push({ name, type: liveKind(Object.getOwnPropertyDescriptor(o, name)) });
    }
  }
  return found;
}

/** A kind from a property descriptor; getters are never called (they may have effects). */
function liveKind(descriptor: PropertyDescriptor | undefined): string {
  if (descriptor === undefined || !("value" in descriptor)) return "property";
  const value: unknown = descriptor.value;
  if (typeof value !== "function") return typeof value === "object" ? "instance" : "property";
  return /^class\b/.test(Function.prototype.toString.call(value)) ? "class" : "function";
}

function evaluateChain(chain: string): unknown {
  try {
    // A chain of plain names has no side effects beyond getters, as in Node's REPL.
    return vm.runInThisContext(chain) as unknown;
  } catch {
    return undefined;
  }
}

/** Type and documentation of the name at the cursor, or of the call the cursor is inside. */
export function inspectAt(
  code: string,
  cursorPos: number,
  detailLevel: 0 | 1,
  checker: CellTypeChecker | undefined,
): InspectResult {
  const position = toUtf16(code, cursorPos);
  if (checker !== undefined) {
    const at = Math.max(0, Math.min(position, code.length) - (position >= code.length ? 1 : 0));
    const info =
      checker.quickInfo(code, at) ??
      ((callee) => (callee === undefined ? undefined : checker.quickInfo(code, callee)))(
        calleeAt(code, position),
      );
    if (info === undefined) return { found: false, data: {} };
    return { found: true, data: quickInfoBundle(info, detailLevel) };
  }
  const name = /[\p{ID_Start}$_][\p{ID_Continue}$.]*$/u.exec(code.slice(0, position))?.[0];
  if (name === undefined) return { found: false, data: {} };
  const value = evaluateChain(name.replace(/\.$/, ""));
  if (value === undefined) return { found: false, data: {} };
  return { found: true, data: { "text/plain": nodeInspect(value, { depth: detailLevel + 1 }) } };
}

/** The signature, the JSDoc text and (at detail level 1) the JSDoc tags, as text and markdown. */
function quickInfoBundle(info: ts.QuickInfo, detailLevel: 0 | 1): Record<string, string> {
  const signature = ts.displayPartsToString(info.displayParts);
  const docs = ts.displayPartsToString(info.documentation);
  const tags = (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`);
  const shownTags = detailLevel > 0 || docs === "" ? tags : [];
  const text = [signature, docs, ...shownTags].filter((s) => s !== "").join("\n\n");
  const markdown = [
    `\`\`\`typescript\n${signature}\n\`\`\``,
    docs,
    ...shownTags.map((t) => `*${t}*`),
  ]
    .filter((s) => s !== "")
    .join("\n\n");
  return { "text/plain": text, "text/markdown": markdown };
}

/**
 * Where the callee of the innermost call around `position` ends: Shift+Tab inside `f(1, |)`
 * asks about `f`, as in IPython.
 */
function calleeAt(code: string, cursor: number): number | undefined {
  // An unfinished call (`f(1, `) ends at its last token, before the whitespace the cursor is in.
  const position = Math.min(cursor, code.trimEnd().length);
  // The checker has just parsed this cell for quickInfo: its parse is the one reused here.
  const file = cellSyntax(code, "typescript").sourceFile;
  let found: number | undefined;
  const visit = (node: ts.Node): void => {
    if (position < node.getStart(file) || position > node.end) return;
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && position > node.expression.end) {
      const callee = node.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
      found = name.end - 1;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Whether a cell is ready to run: TypeScript's parser decides. */
export function isComplete(code: string): IsCompleteResult {
  // The cell's one parse (compiler/syntax.ts), which the execute that follows reuses; its
  // parser diagnostics say where the text stops making sense.
  const file = cellSyntax(code, "typescript").sourceFile;
  const errors = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  if (errors.length === 0) return { status: "complete" };
  const atEnd = errors.every((d) => (d.start ?? 0) >= code.trimEnd().length);
  if (!atEnd) return { status: "invalid" };
  return incompleteReply(code);
}
