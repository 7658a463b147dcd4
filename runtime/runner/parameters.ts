/**
 * Parameters (`-p NAME=VALUE`) follow papermill's convention: a new cell tagged
 * `injected-parameters` is inserted right after the cell tagged `parameters` (or first,
 * when no cell has that tag), so the defaults run and are then overridden.
 */
import { createHash } from "node:crypto";
import type { Language } from "../session/types.js";
import { tagsOf } from "../notebook/tags.js";
import { joinSource, splitLines, type CodeCell, type Notebook } from "../notebook/types.js";

/** Insert the injected-parameters cell; returns its index, or -1 when there are no parameters. */
export function injectParameters(
  notebook: Notebook,
  parameters: Map<string, unknown>,
  language: Language,
): number {
  if (parameters.size === 0) return -1;
  const tagged = notebook.cells.findIndex((c) => tagsOf(c.metadata).includes("parameters"));
  const index = tagged + 1;
  const keyword = language === "typescript" ? "let" : "var";
  const lines = [...parameters].map(
    ([name, value]) => `${keyword} ${name} = ${JSON.stringify(value)};\n`,
  );
  const source = `// Parameters\n${lines.join("")}`;
  const cell: CodeCell = {
    cell_type: "code",
    // Derived from the content, so the same parameters give the same notebook.
    id: `injected-${createHash("sha256").update(source).digest("hex").slice(0, 8)}`,
    source: splitLines(source),
    metadata: { tags: ["injected-parameters"] },
    execution_count: null,
    outputs: [],
  };
  notebook.cells.splice(index, 0, cell);
  return index;
}

/**
 * What to tell the user about `-p` names, as papermill does: a name the cell tagged
 * `parameters` does not declare is most likely a typo (`-p lerning_rate=0.1` would otherwise
 * run with the default and say nothing), and without such a cell the values go first.
 */
export function parameterWarnings(
  notebook: Notebook,
  parameters: ReadonlyMap<string, unknown>,
  declaredBy: (source: string) => ReadonlySet<string>,
): string[] {
  if (parameters.size === 0) return [];
  const cell = notebook.cells.find((c) => tagsOf(c.metadata).includes("parameters"));
  if (cell === undefined) {
    return ['no cell is tagged "parameters": the -p values are set in a cell before the first one'];
  }
  const declared = declaredBy(joinSource(cell.source));
  const listed = declared.size === 0 ? "none" : [...declared].join(", ");
  return [...parameters.keys()]
    .filter((name) => !declared.has(name))
    .map(
      (name) =>
        `-p ${name}: the cell tagged "parameters" declares no ${name} (it declares ${listed}); it is set anyway`,
    );
}
