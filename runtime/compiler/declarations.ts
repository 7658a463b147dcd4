/**
 * The types of everything earlier cells declared. Each declaration file is a module, and a
 * cell (a module too) imports the names it does not declare itself, so a cell's names stay
 * its own: `interface Event` shadows lib's Event instead of merging with it, as in tslab.
 * Executions share declaration files in fixed buckets of BUCKET_SIZE: a new cell changes
 * one small file and the set of file names stays the same for BUCKET_SIZE cells, so the
 * language service reuses the whole program structure and reparses one bucket. When a cell
 * declares a name again, only the buckets that held the old declaration, and those whose
 * declarations refer to the name, change. Either way the cost per cell stays flat as a
 * notebook grows.
 */
import ts from "./typescript.cjs";
import type { CellImport } from "./syntax.js";

/** One top-level statement of an emitted declaration file and the names it declares. */
interface Chunk {
  names: string[];
  text: string;
  /** What the statement declares, as the language service names kinds. */
  kind: ts.ScriptElementKind;
  /** Every identifier the statement mentions: the names its bucket must import. */
  refs: string[];
}

interface Execution {
  id: number;
  chunks: Chunk[];
  imports: CellImport[];
}

/** Where a notebook name is declared now: the module that exports it, and what it is. */
export interface NameOwner {
  fileName: string;
  kind: ts.ScriptElementKind;
  /** True for a binding of a cell's import (a module, not a declaration of the notebook). */
  imported: boolean;
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
  /** The cell being checked: its names, and the file earlier buckets import them from meanwhile. */
  private pending: { names: ReadonlySet<string>; fileName: string } | undefined;
  /** owners(), kept until the executions change. */
  private ownersCache: Map<string, NameOwner> | undefined;

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
        this.ownersCache = undefined;
        execution.chunks = chunks;
        execution.imports = imports;
        changed.push(execution.id);
      }
    }
    return changed;
  }

  /**
   * While a cell is checked, earlier declarations that mention a name it declares see the
   * cell's declaration (as they would in one script); `undefined` ends that.
   */
  setPending(pending: { names: ReadonlySet<string>; fileName: string } | undefined): void {
    this.pending = pending;
  }

  /** Executions whose declarations mention one of `names`: their buckets' imports change. */
  referencing(names: ReadonlySet<string>): number[] {
    if (names.size === 0) return [];
    return [...this.executions.values()]
      .filter((e) => e.chunks.some((c) => c.refs.some((r) => names.has(r))))
      .map((e) => e.id);
  }

  /** Record a successfully checked cell from its emitted declaration text. */
  add(declarationText: string, imports: readonly CellImport[]): number {
    const id = this.nextId++;
    this.ownersCache = undefined;
    const typeImports = imports.filter((i) => i.bindings.length > 0);
    this.executions.set(id, { id, chunks: splitChunks(declarationText), imports: typeImports });
    return id;
  }

  /** Snapshot for rollback when a cell fails to type-check. */
  snapshot(): Map<number, Execution> {
    return new Map([...this.executions].map(([id, e]) => [id, { ...e }]));
  }

  restore(snapshot: Map<number, Execution>): void {
    this.ownersCache = undefined;
    this.executions.clear();
    for (const [id, e] of snapshot) this.executions.set(id, e);
  }

  /** Every name earlier cells declared or imported, with the module that exports it. */
  owners(): ReadonlyMap<string, NameOwner> {
    this.ownersCache ??= this.findOwners();
    return this.ownersCache;
  }

  private findOwners(): Map<string, NameOwner> {
    const owners = new Map<string, NameOwner>();
    for (const execution of this.executions.values()) {
      const fileName = this.declarationFileOf(execution.id);
      for (const chunk of execution.chunks) {
        for (const name of chunk.names) {
          if (!owners.has(name)) owners.set(name, { fileName, kind: chunk.kind, imported: false });
        }
      }
      const importsFile = this.importsFileOf(execution.id);
      for (const binding of execution.imports.flatMap((i) => i.bindings)) {
        const kind = ts.ScriptElementKind.alias;
        owners.set(binding.local, { fileName: importsFile, kind, imported: true });
      }
    }
    return owners;
  }

  /** The declaration file an execution's declarations live in. */
  declarationFileOf(id: number): string {
    return `${this.dir}/__replab_decls_${Math.floor((id - 1) / BUCKET_SIZE)}.d.ts`;
  }

  /**
   * The text of the declaration file holding execution `id`: imports of the names its
   * declarations mention from the files that declare them, then the declarations, each
   * exported. Empty when the bucket declares nothing.
   */
  declarationText(id: number): string {
    const first = Math.floor((id - 1) / BUCKET_SIZE) * BUCKET_SIZE + 1;
    const chunks: Chunk[] = [];
    for (let member = first; member < first + BUCKET_SIZE; member++) {
      chunks.push(...(this.executions.get(member)?.chunks ?? []));
    }
    if (chunks.length === 0) return "";
    const own = this.declarationFileOf(id);
    const declared = new Set(chunks.flatMap((c) => c.names));
    const owners = this.owners();
    const byFile = new Map<string, Set<string>>();
    for (const name of new Set(chunks.flatMap((c) => c.refs))) {
      if (declared.has(name)) continue;
      const file = this.pending?.names.has(name)
        ? this.pending.fileName
        : owners.get(name)?.fileName;
      if (file === undefined || file === own) continue;
      byFile.set(file, (byFile.get(file) ?? new Set()).add(name));
    }
    return [...importLines(byFile), ...chunks.map((c) => c.text)].join("\n");
  }

  /** The module of an execution's imports, which exports the bindings it re-exposes. */
  importsFileOf(id: number): string {
    return `${this.dir}/__replab_exec_${id}.imports.ts`;
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

/** `import { a, b } from "./file";` for each file, sorted, so the text only changes with them. */
export function importLines(byFile: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  return [...byFile]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([file, names]) => {
      const list = [...names].sort().join(", ");
      return `import { ${list} } from ${JSON.stringify(`./${moduleName(file)}`)};`;
    });
}

/** The specifier of a virtual file next to the cell: its name without the extension. */
export function moduleName(fileName: string): string {
  return basename(fileName).replace(/(\.d)?\.ts$/, "");
}

/**
 * Declaration files for a cell's imports: a module that exports each binding, for the cell and
 * later cells to import, through `export import`, which carries value, type and namespace
 * meanings at once. Named and default bindings go through a helper module per import that
 * re-exports them (`import { basename } from "path"; export { basename as n0 }`):
 * `export import x = m.default` is not valid syntax, and `export import x = m.basename` is
 * refused when `basename` is a property of an `export =` value (Node's "path") rather than a
 * member of a namespace.
 */
export function importFiles(base: string, imports: readonly CellImport[]): VirtualFile[] {
  const head: string[] = [];
  const helperImports: string[] = [];
  const exports: string[] = [];
  const helpers: VirtualFile[] = [];
  imports.forEach((cellImport, index) => {
    const spec = JSON.stringify(cellImport.specifier);
    // Line k of the head is import k: diagnostics on it map back to the cell's k-th import.
    head.push(`import * as __m${index} from ${spec};`);
    const reexported: string[] = [];
    cellImport.bindings.forEach((binding, n) => {
      if (binding.kind === "namespace") {
        exports.push(`export import ${binding.local} = __m${index};`);
        return;
      }
      const imported = binding.kind === "default" ? "default" : binding.imported;
      reexported.push(`${imported} as n${n}`);
      exports.push(`export import ${binding.local} = __h${index}.n${n};`);
    });
    if (reexported.length === 0) return;
    const helper = `${base}.bindings${index}`;
    helpers.push({
      fileName: `${helper}.ts`,
      text: `export { ${reexported.join(", ")} } from ${spec};\n`,
    });
    helperImports.push(`import * as __h${index} from ${JSON.stringify(`./${basename(helper)}`)};`);
  });
  const text = `${[...head, ...helperImports].join("\n")}\n${exports.join("\n")}\nexport {};\n`;
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

/**
 * Split an emitted declaration file into name-keyed statements, each exported. The cell's
 * own imports and export list go: a bucket imports what its statements mention itself.
 */
function splitChunks(text: string): Chunk[] {
  const file = ts.createSourceFile("x.d.ts", text, ts.ScriptTarget.ES2022, true);
  const chunks: Chunk[] = [];
  for (const statement of file.statements) {
    if (
      ts.isImportDeclaration(statement) ||
      ts.isExportDeclaration(statement) ||
      ts.isExportAssignment(statement)
    ) {
      continue;
    }
    // The JSDoc a cell wrote stays with its declaration, so inspect in later cells shows it.
    const doc = jsDocOf(text, statement);
    const refs = mentionedNames(statement);
    if (ts.isVariableStatement(statement)) {
      const keyword = variableKeyword(statement.declarationList.flags);
      const kind = VARIABLE_KINDS[keyword];
      for (const declaration of statement.declarationList.declarations) {
        const names = ts.isIdentifier(declaration.name) ? [declaration.name.text] : [];
        const declared = `declare ${keyword} ${declaration.getText(file)};`;
        chunks.push({ names, kind, refs, text: `${doc}export ${declared}` });
      }
      continue;
    }
    const names = declaredName(statement);
    const exported = names.length > 0 && !hasExportModifier(statement) ? "export " : "";
    const kind = statementKind(statement);
    chunks.push({ names, kind, refs, text: `${doc}${exported}${statement.getText(file)}` });
  }
  return chunks;
}

const VARIABLE_KINDS: Record<string, ts.ScriptElementKind> = {
  const: ts.ScriptElementKind.constElement,
  let: ts.ScriptElementKind.letElement,
  var: ts.ScriptElementKind.variableElement,
};

/** The name a declaration statement binds; none for `declare global` and other statements. */
function declaredName(statement: ts.Statement): string[] {
  if (
    ts.isModuleDeclaration(statement) &&
    (statement.flags & ts.NodeFlags.GlobalAugmentation) !== 0
  )
    return [];
  const name = (statement as { name?: ts.Node }).name;
  return name !== undefined && ts.isIdentifier(name) ? [name.text] : [];
}

/** A statement's kind in the language service's words, for completions of later cells. */
function statementKind(statement: ts.Statement): ts.ScriptElementKind {
  const K = ts.ScriptElementKind;
  if (ts.isFunctionDeclaration(statement)) return K.functionElement;
  if (ts.isClassDeclaration(statement)) return K.classElement;
  if (ts.isInterfaceDeclaration(statement)) return K.interfaceElement;
  if (ts.isTypeAliasDeclaration(statement)) return K.typeElement;
  if (ts.isEnumDeclaration(statement)) return K.enumElement;
  if (ts.isModuleDeclaration(statement)) return K.moduleElement;
  return K.unknown;
}

function hasExportModifier(statement: ts.Statement): boolean {
  return (
    ts.canHaveModifiers(statement) &&
    (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
  );
}

/**
 * Identifiers a statement refers to: type names, `typeof x`, heritage clauses. Names it
 * declares (its own, members, parameters) and the right side of `a.b` are left out.
 */
function mentionedNames(statement: ts.Statement): string[] {
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && !isDeclaredOrMember(node)) found.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(statement);
  return [...found];
}

function isDeclaredOrMember(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isQualifiedName(parent)) return parent.right === node;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === node;
  return NAMED_DECLARATIONS.has(parent.kind) && (parent as { name?: ts.Node }).name === node;
}

/** Declarations whose `name` binds rather than refers (members and parameters included). */
const NAMED_DECLARATIONS = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.VariableDeclaration,
  ts.SyntaxKind.Parameter,
  ts.SyntaxKind.TypeParameter,
  ts.SyntaxKind.PropertySignature,
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.MethodSignature,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.EnumDeclaration,
  ts.SyntaxKind.EnumMember,
  ts.SyntaxKind.ModuleDeclaration,
  ts.SyntaxKind.BindingElement,
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.NamedTupleMember,
]);

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
