/**
 * Which cells of an export declare a name again with a new binding. The notebook lets a
 * later cell declare `const v` again, even with another type; one module scope does not.
 * Turning the second declaration into an assignment keeps the runtime meaning but breaks
 * the type check when the type changed. So a cell that declares names again opens a block
 * that lasts to the end of the pipeline: its declarations are real ones that shadow the
 * earlier bindings, for it and every later cell, and pipeline.ts type-checks.
 *
 * A function from an earlier cell that mentions the name would still see the old binding,
 * where the notebook's saw the new value. For such names (and the cells that redeclare
 * them) the assignment form stays: runtime fidelity beats the type check.
 */
import ts from "../compiler/typescript.cjs";
import { declaredNames } from "./transform.js";

export interface RebindingPlan {
  /** Per cell index: the names it declares again in a block of its own (empty: no block). */
  rebound: Set<string>[];
  /** Names some cell declares again by assignment; their first declaration must be `let`. */
  assigned: Set<string>;
}

/** Decide, cell by cell, between a new binding in a block and an assignment. */
export function planRebinding(sources: readonly string[]): RebindingPlan {
  const seen = new Set<string>();
  const deferred = new Set<string>();
  const rebound: Set<string>[] = [];
  const assigned = new Set<string>();
  for (const code of sources) {
    const names = new Set(declaredNames(code));
    const again = [...names].filter((n) => seen.has(n));
    const block = again.length > 0 && again.every((n) => !deferred.has(n));
    rebound.push(block ? new Set(again) : new Set());
    if (!block) for (const n of again) assigned.add(n);
    for (const n of names) seen.add(n);
    for (const n of namesInsideFunctions(code)) deferred.add(n);
  }
  return { rebound, assigned };
}

/** Identifiers mentioned inside functions and classes: code that may run after later cells. */
function namesInsideFunctions(code: string): Set<string> {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const names = new Set<string>();
  const visit = (node: ts.Node, inside: boolean): void => {
    if (inside && ts.isIdentifier(node)) names.add(node.text);
    const deferredBody = ts.isFunctionLike(node) || ts.isClassLike(node);
    ts.forEachChild(node, (child) => visit(child, inside || deferredBody));
  };
  visit(file, false);
  return names;
}
