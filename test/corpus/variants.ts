/**
 * The metamorphic variants of a corpus notebook: the same code with every top-level statement
 * in a cell of its own, with all cells merged into one, and with every cell run twice.
 * A notebook's `metadata.corpus.metamorphic` names a relation that does not hold for it and why
 * (`{ "merged": "declares f twice" }`); a cell tagged `not-idempotent` changes state a second
 * run sees, so its second run only has to run.
 */
import ts from "typescript";
import type { CodeCell, Notebook } from "./harness.js";

/** The relations the metamorphic suite checks. */
export type Relation = "split" | "merged" | "twice";

const text = (source: string | string[]): string =>
  Array.isArray(source) ? source.join("") : source;

function codeCell(id: string, source: string, tags: string[] = []): CodeCell {
  return {
    cell_type: "code",
    id,
    source,
    metadata: tags.length > 0 ? { tags } : {},
    execution_count: null,
    outputs: [],
  };
}

/** Why RELATION does not hold for NOTEBOOK, or undefined when it does. */
export function exemption(notebook: Notebook, relation: Relation): string | undefined {
  return notebook.metadata.corpus?.metamorphic?.[relation];
}

/** The top-level statements of a cell; a cell that does not parse stays whole. */
export function statements(source: string, language: string): string[] {
  const kind = language === "javascript" ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, kind);
  const diagnostics = (file as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics;
  if (diagnostics.length > 0 || file.statements.length === 0) return [source];
  return file.statements.map((s) => source.slice(s.getStart(file), s.end));
}

/** The notebook with each top-level statement in a cell of its own. */
export function split(notebook: Notebook): Notebook {
  const language = notebook.metadata.kernelspec.language;
  const cells = notebook.cells.flatMap((cell, i) =>
    statements(text(cell.source), language).map((s, j) => codeCell(`s${i + 1}-${j + 1}`, s)),
  );
  return { ...notebook, cells };
}

/** The notebook as one cell. */
export function merged(notebook: Notebook): Notebook {
  const source = notebook.cells.map((cell) => text(cell.source)).join("\n");
  return { ...notebook, cells: [codeCell("merged", source)] };
}

/** The notebook with every cell followed by a copy of itself (same source, another id). */
export function twice(notebook: Notebook): Notebook {
  const cells = notebook.cells.flatMap((cell, i) => [
    codeCell(`t${i + 1}`, text(cell.source), cell.metadata.tags),
    codeCell(`t${i + 1}-again`, text(cell.source), cell.metadata.tags),
  ]);
  return { ...notebook, cells };
}
