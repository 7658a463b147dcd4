/**
 * Interrupt checks in loops that run after an `await`. Before its first await a cell runs
 * inside vm's runInThisContext, where SIGINT breaks any loop; after it, the cell is a
 * promise continuation that no signal can reach without ending the thread that holds the
 * notebook's state (docs/interrupts.md). So each loop that starts after an await gets a
 * check of a flag the kernel's interrupt relay thread sets from another thread. Loops before any
 * await, and in functions without one, stay untouched: a check costs a tight integer loop
 * up to 4x, a loop over objects or arrays a few percent.
 */
import ts from "./typescript.cjs";
import { RUNTIME_GLOBAL } from "./runtime-global.js";

/** An insertion into the cell's JavaScript. */
export interface Insertion {
  start: number;
  end: number;
  text: string;
}

/** The statement a loop body starts with; the flag is `__replab.stop`, shared with the interrupt relay thread. */
export const LOOP_CHECK = `if (${RUNTIME_GLOBAL}.stop[0] !== 0) ${RUNTIME_GLOBAL}.halt(); `;

/** Insertions that put LOOP_CHECK at the start of every loop body that can run after an await. */
export function loopCheckInsertions(file: ts.SourceFile): Insertion[] {
  const insertions: Insertion[] = [];
  // `seen`: an await has run by this point of the enclosing function (or the cell).
  const visit = (node: ts.Node, scope: { seen: boolean }): void => {
    const before = scope.seen;
    if (ts.isForOfStatement(node) && node.awaitModifier !== undefined) scope.seen = true;
    // A function has its own "after an await", but one written after an await runs after it.
    const inner = ts.isFunctionLike(node) ? { seen: scope.seen } : scope;
    ts.forEachChild(node, (child) => visit(child, inner));
    // A loop with an await in its body runs its later iterations after that await.
    if (ts.isIterationStatement(node, false) && (before || scope.seen))
      insertions.push(...checkBody(node.statement, file));
    if (ts.isAwaitExpression(node)) scope.seen = true;
  };
  visit(file, { seen: false });
  return insertions;
}

/** Same line, no new lines: stack traces keep their line numbers. */
function checkBody(body: ts.Statement, file: ts.SourceFile): Insertion[] {
  if (ts.isBlock(body)) {
    const at = body.getStart(file) + 1;
    return [{ start: at, end: at, text: LOOP_CHECK }];
  }
  const start = body.getStart(file);
  return [
    { start, end: start, text: `{ ${LOOP_CHECK}` },
    { start: body.end, end: body.end, text: " }" },
  ];
}
