/**
 * The subset of nbformat 4 (https://nbformat.readthedocs.io/en/latest/format_description.html)
 * replab reads and writes. Unknown fields are kept as they are: a run must not drop what
 * another tool stored in the notebook.
 */

/** Multiline strings are a string or a list of lines in nbformat; we normalise to a string on read. */
export type MultilineString = string | string[];

export type Output =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: MultilineString }
  | {
      output_type: "display_data";
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
      transient?: { display_id?: string };
    }
  | {
      output_type: "execute_result";
      execution_count: number | null;
      data: Record<string, unknown>;
      metadata: Record<string, unknown>;
    }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface CodeCell {
  cell_type: "code";
  id: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  execution_count: number | null;
  outputs: Output[];
  [key: string]: unknown;
}

export interface OtherCell {
  cell_type: "markdown" | "raw";
  id: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  [key: string]: unknown;
}

export type Cell = CodeCell | OtherCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
  [key: string]: unknown;
}

/** Join nbformat's list-of-lines form into one string. */
export function joinSource(source: MultilineString): string {
  return Array.isArray(source) ? source.join("") : source;
}

/** Split text into nbformat's list-of-lines form (each line keeps its "\n"). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}
