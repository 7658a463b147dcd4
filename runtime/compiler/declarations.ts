/**
 * The types of everything earlier cells declared. A later cell sees them as globals.
 * Executions share declaration files in fixed buckets of BUCKET_SIZE: a new cell changes
 * one small file and the set of file names stays the same for BUCKET_SIZE cells, so the
 * language service reuses the whole program structure and reparses one bucket. When a cell
 * declares a name again, only the buckets that held the old declaration change. Either
 * way the cost per cell stays flat as a notebook grows.
 */
import ts from "./typescript.cjs";
import type { CellImport } from "./syntax.js";

/** One top-level statement of an emitted declaration file and the names it declares. */
interface Chunk {
  names: string[];
  text: string;
}

interface Execution {
  id: number;
  chunks: Chunk[];
  imports: CellImport[];
}

/** A virtual file the language service should see. */
export interface VirtualFile {
  fileName: string;
  text: string;
}

/** Executions per declaration file. */
const BUCKET_SIZE = 16;

export class DeclarationStore {
  private readonly executions = new Map<number, Execution>();
  private nextId = 1;

  constructor(private readonly dir: string) {}

  /** Drop `names` from every earlier execution; returns the executions that changed. */
  forget(names: ReadonlySet<string>): number[] {
    const changed: number[] = [];
    for (const execution of this.executions.values()) {
      const chunks = execution.chunks.filter((c) => !c.names.some((n) => names.has(n)));
      const imports = execution.imports
        .map((i) => ({ ...i, bindings: i.bindings.filter((b) => !names.has(b.local)) }))
        .filter((i) => i.bindings.length > 0);
      const importCount = execution.imports.reduce((n, i) => n + i.bindings.length, 0);
      const keptImports = imports.reduce((n, i) => n + i.bindings.length, 0);
      if (chunks.length !== execution.chunks.length || keptImports !== importCount) {
        execution.chunks = chunks;
        execution.imports = imports;
        changed.push(execution.id);
      }
    }
    return changed;
  }

  /** Record a successfully checked cell from its emitted declaration text. */
  add(declarationText: string, imports: readonly CellImport[]): number {
    const id = this.nextId++;
    const typeImports = imports.filter((i) => i.bindings.length > 0);
    this.executions.set(id, { id, chunks: splitChunks(declarationText), imports: typeImports });
    return id;
  }

  /** Snapshot for rollback when a cell fails to type-check. */
  snapshot(): Map<number, Execution> {
    return new Map([...this.executions].map(([id, e]) => [id, { ...e }]));
  }

  restore(snapshot: Map<number, Execution>): void {
    this.executions.clear();
    for (const [id, e] of snapshot) this.executions.set(id, e);
  }

  /** The declaration file an execution's declarations live in. */
  declarationFileOf(id: number): string {
    return `${this.dir}/__replab_decls_${Math.floor((id - 1) / BUCKET_SIZE)}.d.ts`;
  }

  /** The text of the declaration file holding execution `id`; empty when its bucket is. */
  declarationText(id: number): string {
    const first = Math.floor((id - 1) / BUCKET_SIZE) * BUCKET_SIZE + 1;
    const parts: string[] = [];
    for (let member = first; member < first + BUCKET_SIZE; member++) {
      for (const chunk of this.executions.get(member)?.chunks ?? []) parts.push(chunk.text);
    }
    return parts.join("\n");
  }

  /** The import files of one execution (re-exposed bindings, default-import helpers). */
  importFilesOf(id: number): VirtualFile[] {
    const execution = this.executions.get(id);
    // Most cells import nothing; an empty imports file would only cost the program a file.
    if (execution === undefined || execution.imports.length === 0) return [];
    return importFiles(`${this.dir}/__replab_exec_${id}`, execution.imports);
  }

  /** Remove executions that no longer declare anything. */
  prune(): number[] {
    const empty = [...this.executions.values()].filter(
      (e) => e.chunks.length === 0 && e.imports.length === 0,
    );
    for (const e of empty) this.executions.delete(e.id);
    return empty.map((e) => e.id);
  }
}

/**
 * Declaration files for a cell's imports: a module that re-exposes each binding as a global
 * through `export import`, which carries value, type and namespace meanings at once. Named and
 * default bindings go through a helper module per import that re-exports them
 * (`import { basename } from "path"; export { basename as n0 }`): `export import x = m.default`
 * is not valid syntax, and `export import x = m.basename` is refused when `basename` is a
 * property of an `export =` value (Node's "path") rather than a member of a namespace.
 */
export function importFiles(base: string, imports: readonly CellImport[]): VirtualFile[] {
  const head: string[] = [];
  const helperImports: string[] = [];
  const globals: string[] = [];
  const helpers: VirtualFile[] = [];
  imports.forEach((cellImport, index) => {
    const spec = JSON.stringify(cellImport.specifier);
    // Line k of the head is import k: diagnostics on it map back to the cell's k-th import.
    head.push(`import * as __m${index} from ${spec};`);
    const reexported: string[] = [];
    cellImport.bindings.forEach((binding, n) => {
      if (binding.kind === "namespace") {
        globals.push(`export import ${binding.local} = __m${index};`);
        return;
      }
      const imported = binding.kind === "default" ? "default" : binding.imported;
      reexported.push(`${imported} as n${n}`);
      globals.push(`export import ${binding.local} = __h${index}.n${n};`);
    });
    if (reexported.length === 0) return;
    const helper = `${base}.bindings${index}`;
    helpers.push({
      fileName: `${helper}.ts`,
      text: `export { ${reexported.join(", ")} } from ${spec};\n`,
    });
    helperImports.push(`import * as __h${index} from ${JSON.stringify(`./${basename(helper)}`)};`);
  });
  const text = `${[...head, ...helperImports].join("\n")}\ndeclare global {\n${globals.join("\n")}\n}\nexport {};\n`;
  return [{ fileName: `${base}.imports.ts`, text }, ...helpers];
}

/** The cell import a helper file of importFiles re-exports, by its index; undefined for others. */
export function helperImportIndex(fileName: string): number | undefined {
  const match = /\.bindings(\d+)\.ts$/.exec(fileName);
  return match === null ? undefined : Number(match[1]);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Split an emitted declaration file into name-keyed statements. */
function splitChunks(text: string): Chunk[] {
  const file = ts.createSourceFile("x.d.ts", text, ts.ScriptTarget.ES2022, true);
  const chunks: Chunk[] = [];
  for (const statement of file.statements) {
    // The JSDoc a cell wrote stays with its declaration, so inspect in later cells shows it.
    const doc = jsDocOf(text, statement);
    if (ts.isVariableStatement(statement)) {
      const keyword = variableKeyword(statement.declarationList.flags);
      for (const declaration of statement.declarationList.declarations) {
        const names = ts.isIdentifier(declaration.name) ? [declaration.name.text] : [];
        chunks.push({ names, text: `${doc}declare ${keyword} ${declaration.getText(file)};` });
      }
      continue;
    }
    const name = (statement as { name?: ts.Node }).name;
    const names = name !== undefined && ts.isIdentifier(name) ? [name.text] : [];
    chunks.push({ names, text: `${doc}${statement.getText(file)}` });
  }
  return chunks;
}

/** The `/** ... *\/` comments right before a statement, each on its own line. */
function jsDocOf(text: string, statement: ts.Statement): string {
  const ranges = ts.getLeadingCommentRanges(text, statement.getFullStart()) ?? [];
  return ranges
    .map((r) => text.slice(r.pos, r.end))
    .filter((c) => c.startsWith("/**"))
    .map((c) => `${c}\n`)
    .join("");
}

function variableKeyword(flags: ts.NodeFlags): string {
  if (flags & ts.NodeFlags.Const) return "const";
  if (flags & ts.NodeFlags.Let) return "let";
  return "var";
}
