/**
 * is_complete without the engine, where the characters alone decide: a cell that ends inside
 * an open bracket, template literal or block comment is incomplete in JavaScript and
 * TypeScript alike, so the protocol process answers it at once instead of waiting for the
 * engine to load the TypeScript parser (up to ~1.7 s on a first start, docs/startup.md).
 * Everything else, complete or invalid, the engine's parser decides. The scan knows the
 * C-family lexical rules only, no TypeScript: a `/` that is not a comment might start a
 * regular expression, which could hold any bracket or quote, so such a cell goes to the engine.
 */

import { incompleteReply } from "../runtime/session/continuation.js";

/** What the scan found at the end of the cell. */
type Open = "(" | "[" | "{" | "`" | "${" | "/*";

const CLOSERS: Record<string, Open> = { ")": "(", "]": "[", "}": "{" };

/** The reply for a cell that is surely incomplete, or undefined when the engine must decide. */
export function lexicallyIncomplete(
  code: string,
): { status: "incomplete"; indent: string } | undefined {
  const open = openAtEnd(code);
  if (open === undefined || open.length === 0) return undefined;
  return incompleteReply(code);
}

/**
 * What is still open at the end (empty when nothing is), or undefined when the characters do
 * not decide: a possible regular expression, a quote left open on its line, a stray closer.
 */
function openAtEnd(code: string): Open[] | undefined {
  const stack: Open[] = [];
  let i = 0;
  while (i < code.length) {
    const ch = code[i] as string;
    const top = stack.at(-1);
    if (top === "`") {
      i = templateStep(code, i, stack);
      continue;
    }
    if (code.startsWith("//", i)) {
      const end = code.indexOf("\n", i);
      i = end < 0 ? code.length : end;
    } else if (code.startsWith("/*", i)) {
      const end = code.indexOf("*/", i + 2);
      if (end < 0) return [...stack, "/*"];
      i = end + 2;
    } else if (ch === "/") return undefined;
    else if (ch === '"' || ch === "'") {
      const end = quoteEnd(code, i);
      if (end === undefined) return undefined;
      i = end;
    } else {
      if (ch === "`" || ch === "(" || ch === "[" || ch === "{") stack.push(ch);
      else if (ch === "}" && top === "${") stack.pop();
      else if (ch in CLOSERS) {
        if (top !== CLOSERS[ch]) return undefined;
        stack.pop();
      }
      i++;
    }
  }
  return stack;
}

/** One step inside a template literal: an escape, its end, a `${`, or a plain character. */
function templateStep(code: string, i: number, stack: Open[]): number {
  if (code[i] === "\\") return i + 2;
  if (code[i] === "`") {
    stack.pop();
    return i + 1;
  }
  if (code.startsWith("${", i)) {
    stack.push("${");
    return i + 2;
  }
  return i + 1;
}

/** The index after a quoted string's closing quote, or undefined when its line ends first. */
function quoteEnd(code: string, start: number): number | undefined {
  const quote = code[start];
  for (let i = start + 1; i < code.length; i++) {
    const ch = code[i];
    if (ch === "\\") i++;
    else if (ch === quote) return i + 1;
    else if (ch === "\n") return undefined;
  }
  return undefined;
}
