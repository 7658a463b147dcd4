/**
 * Draws the marks (marks.ts) on the notebook's cells: a badge under the input prompt with a
 * tooltip saying why, and a class per kind on the cell (`rl-cell-stale`, ...) that tints the
 * prompt. Cells without marks carry none of it.
 */
import type { Cell } from "@jupyterlab/cells";
import type { Notebook } from "@jupyterlab/notebook";
import { MARK_KINDS, MARK_LABELS, type CellMark } from "./marks";

/** Class of the badge element inside a marked cell. */
export const BADGE_CLASS = "rl-cell-mark";

const kindClass = (kind: string): string => `rl-cell-${kind}`;

/** The badge's text: the strongest kind's word, and ⚠ too when the cell is nondeterministic. */
export function badgeText(mark: CellMark): string {
  const main = mark.kinds.find((k) => k !== "nondeterministic");
  const nondet = mark.kinds.includes("nondeterministic");
  return [main ? MARK_LABELS[main] : "", nondet ? MARK_LABELS.nondeterministic : ""]
    .filter(Boolean)
    .join(" ");
}

function markCell(cell: Cell, mark: CellMark | undefined): void {
  const node = cell.node;
  for (const kind of MARK_KINDS)
    node.classList.toggle(kindClass(kind), !!mark?.kinds.includes(kind));
  node.classList.toggle("rl-cell-marked", mark !== undefined);
  let badge = node.querySelector<HTMLElement>(`:scope > .${BADGE_CLASS}`);
  if (!mark) {
    badge?.remove();
    return;
  }
  if (!badge) {
    badge = document.createElement("div");
    badge.className = BADGE_CLASS;
    badge.setAttribute("role", "note");
    // First in the cell so it sits over the prompt column (style/base.css places it).
    node.prepend(badge);
  }
  const text = badgeText(mark);
  const why = mark.reasons.join("\n");
  if (badge.textContent !== text) badge.textContent = text;
  badge.title = why;
  badge.setAttribute("aria-label", why.replace(/\n/g, "; "));
  badge.dataset.kinds = mark.kinds.join(" ");
}

/** Marks every cell of `notebook` from `marks` (by cell id); unmarked cells are cleared. */
export function applyCellMarks(notebook: Notebook, marks: ReadonlyMap<string, CellMark>): void {
  for (const cell of notebook.widgets) markCell(cell, marks.get(cell.model.id));
}

/** Removes every mark from `notebook` (the panel stopped following it). */
export function clearCellMarks(notebook: Notebook): void {
  applyCellMarks(notebook, new Map());
}
