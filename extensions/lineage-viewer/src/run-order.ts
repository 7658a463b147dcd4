/**
 * The order to run cells in: every cell after the cells it depends on, ties broken by the
 * notebook's order. Pure, so "Run stale cells" and "Run cell with its upstream" are unit
 * tested without a browser.
 */
import type { GraphIndex } from "./graph";

/**
 * Sorts `cells` so each comes after those of them it depends on (through variables, files
 * or frames), otherwise in notebook order. Cells missing from `notebookOrder` go last; a
 * dependency cycle (a cell re-run out of order) falls back to notebook order for the rest.
 */
export function dependencyOrder(
  index: GraphIndex,
  cells: Iterable<string>,
  notebookOrder: readonly string[],
): string[] {
  const rank = new Map(notebookOrder.map((id, i) => [id, i]));
  const todo = [...new Set(cells)].sort(
    (a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || (a < b ? -1 : 1),
  );
  const wanted = new Set(todo);
  const needs = new Map<string, Set<string>>();
  for (const id of todo) {
    needs.set(id, new Set([...index.upstream(id)].filter((u) => wanted.has(u))));
  }
  const done = new Set<string>();
  const out: string[] = [];
  while (out.length < todo.length) {
    const ready = todo.find(
      (id) => !done.has(id) && [...(needs.get(id) ?? [])].every((u) => done.has(u)),
    );
    // A cycle: take the first remaining cell in notebook order.
    const next = ready ?? (todo.find((id) => !done.has(id)) as string);
    done.add(next);
    out.push(next);
  }
  return out;
}

/** The cell and every cell it depends on, in the order to run them. */
export function withUpstream(
  index: GraphIndex,
  cellId: string,
  notebookOrder: readonly string[],
): string[] {
  const cells = [...index.upstream(cellId)].filter((id) => index.nodes.get(id)?.kind === "cell");
  return dependencyOrder(index, [...cells, cellId], notebookOrder);
}

/** The cells upstream (or downstream) of `cellId`, not including it. */
export function relatedCells(
  index: GraphIndex,
  cellId: string,
  direction: "upstream" | "downstream",
): Set<string> {
  const ids = direction === "upstream" ? index.upstream(cellId) : index.downstream(cellId);
  return new Set([...ids].filter((id) => index.nodes.get(id)?.kind === "cell"));
}
