/**
 * complete, inspect and is_complete. Positions arrive from Jupyter in Unicode code points
 * and TypeScript works in UTF-16 units; the conversion happens here, at the boundary.
 */
import { inspect as nodeInspect } from "node:util";
import vm from "node:vm";
import ts from "../compiler/typescript.cjs";
import type { CellTypeChecker } from "../compiler/service.js";
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

/** Completions from the type checker (TypeScript) or from live objects (JavaScript). */
export function complete(
  code: string,
  cursorPos: number,
  checker: CellTypeChecker | undefined,
): CompleteResult {
  const position = toUtf16(code, cursorPos);
  const prefix = IDENTIFIER_TAIL.exec(code.slice(0, position))?.[0] ?? "";
  const start = position - prefix.length;
  const names =
    checker !== undefined ? typeCompletions(checker, code, position) : liveCompletions(code, start);
  const matches = [...new Set(names.filter((n) => n.startsWith(prefix)))].sort();
  const cursorStart = toCodePoints(code, start);
  const cursorEnd = toCodePoints(code, position);
  return {
    matches,
    cursorStart,
    cursorEnd,
    types: matches.map((m) => ({ text: m, type: "", start: cursorStart, end: cursorEnd })),
  };
}

function typeCompletions(checker: CellTypeChecker, code: string, position: number): string[] {
  const info = checker.completions(code, position);
  return (info?.entries ?? [])
    .filter((e) => e.kind !== ts.ScriptElementKind.keyword || !info?.isMemberCompletion)
    .map((e) => e.name)
    .filter((n) => !n.startsWith("__replab") && !n.startsWith("__m") && !n.startsWith("__d"));
}

/** Property names of the object before the dot, or globals; evaluates only plain name chains. */
function liveCompletions(code: string, start: number): string[] {
  const before = code.slice(0, start);
  const chain =
    /([\p{ID_Start}$_][\p{ID_Continue}$]*(?:\.[\p{ID_Start}$_][\p{ID_Continue}$]*)*)\.$/u.exec(
      before,
    );
  const target = chain === null ? globalThis : evaluateChain(chain[1] ?? "");
  if (target === undefined || target === null) return [];
  const names = new Set<string>();
  for (let o: unknown = target; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) names.add(name);
  }
  return [...names].filter((n) => /^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u.test(n));
}

function evaluateChain(chain: string): unknown {
  try {
    // A chain of plain names has no side effects beyond getters, as in Node's REPL.
    return vm.runInThisContext(chain) as unknown;
  } catch {
    return undefined;
  }
}

/** Type and documentation of the name at the cursor. */
export function inspectAt(
  code: string,
  cursorPos: number,
  detailLevel: 0 | 1,
  checker: CellTypeChecker | undefined,
): InspectResult {
  const position = toUtf16(code, cursorPos);
  if (checker !== undefined) {
    const at = Math.max(0, Math.min(position, code.length) - (position >= code.length ? 1 : 0));
    const info = checker.quickInfo(code, at);
    if (info === undefined) return { found: false, data: {} };
    const signature = ts.displayPartsToString(info.displayParts);
    const docs = ts.displayPartsToString(info.documentation);
    const tags =
      detailLevel > 0
        ? (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`)
        : [];
    const text = [signature, docs, ...tags].filter((s) => s !== "").join("\n\n");
    const markdown = ["```typescript", signature, "```", docs, ...tags].join("\n");
    return { found: true, data: { "text/plain": text, "text/markdown": markdown } };
  }
  const name = /[\p{ID_Start}$_][\p{ID_Continue}$.]*$/u.exec(code.slice(0, position))?.[0];
  if (name === undefined) return { found: false, data: {} };
  const value = evaluateChain(name.replace(/\.$/, ""));
  if (value === undefined) return { found: false, data: {} };
  return { found: true, data: { "text/plain": nodeInspect(value, { depth: detailLevel + 1 }) } };
}

/** Whether a cell is ready to run: TypeScript's parser decides. */
export function isComplete(code: string): IsCompleteResult {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const errors = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  if (errors.length === 0) return { status: "complete" };
  const atEnd = errors.every((d) => (d.start ?? 0) >= code.trimEnd().length);
  if (!atEnd) return { status: "invalid" };
  const lastLine = code.split("\n").pop() ?? "";
  const indent = /^\s*/.exec(lastLine)?.[0] ?? "";
  return { status: "incomplete", indent: /[{([]\s*$/.test(code) ? `${indent}  ` : indent };
}
