/**
 * `replab run --check`: compare a fresh run's outputs with the ones stored in the notebook
 * and name the cells that differ, with a short line diff of what a reader would see. A cell
 * the lineage flagged nondeterministic (it read the clock, crypto randomness, the network) is
 * marked, not failed, as `replab verify` treats it: its difference is what the flag says.
 */
import { joinSource, type CodeCell, type Notebook, type Output } from "../notebook/types.js";
import type { LineageGraph } from "../lineage/types.js";
import { outputSha256 } from "./output-hash.js";

export interface CheckDifference {
  cellId: string;
  position: number;
  diff: string[];
  /** The nondeterminism the fresh run's lineage saw in the cell; empty when none. */
  flags: string[];
}

/**
 * The code cells whose outputs differ between `stored` and `fresh`, in notebook order, up to
 * and including the first one not flagged nondeterministic (the one that fails the check).
 */
export function differences(
  stored: Notebook,
  fresh: Notebook,
  lineage: LineageGraph,
): CheckDifference[] {
  const before = codeCells(stored);
  const flagged = new Map(
    lineage.nodes.flatMap((n) => (n.kind === "cell" ? [[n.id, n.nondeterminism] as const] : [])),
  );
  const found: CheckDifference[] = [];
  for (const [i, cell] of codeCells(fresh).entries()) {
    const oldOutputs = before.find((c) => c.id === cell.id)?.outputs ?? [];
    if (outputSha256(oldOutputs) === outputSha256(cell.outputs)) continue;
    const diff = shortDiff(render(oldOutputs), render(cell.outputs));
    const flags = flagged.get(cell.id) ?? [];
    found.push({ cellId: cell.id, position: i + 1, diff, flags });
    if (flags.length === 0) break;
  }
  return found;
}

function codeCells(notebook: Notebook): CodeCell[] {
  return notebook.cells.filter((c): c is CodeCell => c.cell_type === "code");
}

/** Outputs as the lines a reader sees: stream text, text/plain (or the MIME types shown), errors. */
export function render(outputs: Output[]): string[] {
  const lines: string[] = [];
  for (const output of outputs) {
    switch (output.output_type) {
      case "stream":
        lines.push(...joinSource(output.text).replace(/\n$/, "").split("\n"));
        break;
      case "display_data":
      case "execute_result": {
        const plain = output.data["text/plain"];
        const text = Array.isArray(plain)
          ? plain.join("")
          : typeof plain === "string"
            ? plain
            : undefined;
        lines.push(...(text ?? `<${Object.keys(output.data).sort().join(", ")}>`).split("\n"));
        break;
      }
      case "error":
        lines.push(`${output.ename}: ${output.evalue}`);
        break;
    }
  }
  return lines;
}

/** Lines around the first difference, "-" stored and "+" fresh, at most a few each. */
export function shortDiff(before: string[], after: string[], context = 1, limit = 3): string[] {
  let first = 0;
  while (first < before.length && first < after.length && before[first] === after[first]) first++;
  const from = Math.max(0, first - context);
  const out = before.slice(from, first).map((l) => `  ${l}`);
  const removed = before.slice(first, first + limit).map((l) => `- ${l}`);
  const added = after.slice(first, first + limit).map((l) => `+ ${l}`);
  if (removed.length === 0 && added.length === 0)
    return ["(the outputs differ in data not shown as text)"];
  return [...out, ...removed, ...added];
}
