/**
 * Type-checking of TypeScript cells with a long-lived language service. Earlier cells'
 * declarations live in DeclarationStore files; the cell being checked is one more virtual
 * file. Completions and quick info use the same service, so they see the same types.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import ts from "./typescript.cjs";
import {
  DeclarationStore,
  helperImportIndex,
  importFiles,
  importLines,
  moduleName,
  type VirtualFile,
} from "./declarations.js";
import { DiskFiles } from "./disk-files.js";
import { sharingDeclarations } from "./document-registry.js";
import { Resolutions, type EarlierResolutions } from "./resolution.js";
import { toCellDiagnostic, type CellDiagnostic } from "./diagnostics.js";
import { checkOptions, IGNORED_DIAGNOSTICS } from "./options.js";
import { NOTEBOOK_MODULE_TYPES } from "./notebook-module-types.js";
import { blankRanges, cellSyntax, type CellSyntax } from "./syntax.js";
import { installHint } from "../install-hint.js";

export type CheckResult =
  | { ok: true; syntax: CellSyntax; commit: () => void }
  | { ok: false; diagnostics: CellDiagnostic[] };

interface FileEntry {
  text: string;
  version: number;
}

/**
 * The @types folder replab's own @types/node is in: wherever npm put it (hoisted into a
 * project, inside a global install, in npx's cache), so every cell knows Node's globals.
 */
export function ownTypeRoot(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return dirname(dirname(require.resolve("@types/node/package.json")));
  } catch {
    // A broken install; the notebook's own @types may still provide Node's types.
    return undefined;
  }
}

/**
 * The snapshot's registry of parsed declarations when this process started from the
 * warm-compiler snapshot (warm-compiler.cts put the snapshot's compiler in place, so it is the
 * `ts` this module has), else undefined. Read from the global the snapshot left, not imported
 * from warm-compiler.cts, so the module loads the same way in tests that import the source.
 */
function warmRegistry(): ts.DocumentRegistry | undefined {
  return warmState()?.registry;
}

/**
 * The module resolutions the snapshot's build made, when this process started from it; handed
 * out once, since the checker that takes them goes on filling their cache.
 */
function warmResolutions(): EarlierResolutions | undefined {
  const state = warmState();
  const resolutions = state?.resolutions;
  if (state !== undefined) delete state.resolutions;
  return resolutions;
}

/** What the warm-compiler snapshot left for the checker (warm-snapshot-entry.cts's WarmState). */
interface WarmState {
  ts: unknown;
  registry: ts.DocumentRegistry;
  resolutions?: EarlierResolutions;
}

function warmState(): WarmState | undefined {
  const state = (globalThis as Record<symbol, unknown>)[Symbol.for("replab.warmCompiler")] as
    WarmState | undefined;
  return state?.ts === ts ? state : undefined;
}

export class CellTypeChecker {
  private readonly files = new Map<string, FileEntry>();
  /** Virtual files first, then the disk: for the language service and the resolver alike. */
  private readonly fileExists = (f: string): boolean => this.files.has(f) || ts.sys.fileExists(f);
  private readonly readFile = (f: string): string | undefined =>
    this.files.get(f)?.text ?? ts.sys.readFile(f);
  private readonly store: DeclarationStore;
  private readonly service: ts.LanguageService;
  private readonly cellFile: string;
  private readonly cellImportsBase: string;
  private readonly options: ts.CompilerOptions;
  private readonly disk = new DiskFiles();
  private readonly resolutions: Resolutions;
  private cellImportFiles: string[] = [];
  /** The import files the service holds for each execution. */
  private readonly importFilesOf = new Map<number, string[]>();
  /** Versions only grow, even across delete and re-create, so the service never reuses a stale parse. */
  private version = 0;
  /**
   * The last check that passed with nothing to commit, and the file version it saw: the same
   * code checked again before any file changed gets the same answer without asking the
   * service (which would compare every file's version three times: ~0.3 ms per `1 + 1`).
   */
  private lastPass: { code: string; version: number; result: CheckResult } | undefined;

  constructor(private readonly dir: string) {
    this.store = new DeclarationStore(dir);
    this.cellFile = join(dir, "__replab_cell.ts");
    this.cellImportsBase = join(dir, "__replab_cell");
    this.options = checkOptions(dir);
    this.options.typeRoots = [join(dir, "node_modules", "@types"), ownTypeRoot()].filter(
      (p): p is string => p !== undefined && existsSync(p),
    );
    // Default-import helpers are virtual modules; the resolver must find them too.
    this.resolutions = new Resolutions(
      dir,
      this.options,
      { ...ts.sys, fileExists: this.fileExists, readFile: this.readFile },
      warmResolutions(),
      (path) => this.files.has(path),
    );
    this.setFile(join(dir, "__replab_notebook_module.d.ts"), NOTEBOOK_MODULE_TYPES);
    this.setFile(this.cellFile, "");
    // A kernel started warm (docs/startup.md) finds lib and @types parsed and bound in here,
    // also under a tsconfig.json whose options only change how code is checked.
    const registry = sharingDeclarations(warmRegistry() ?? ts.createDocumentRegistry());
    this.service = ts.createLanguageService(this.host(), registry);
  }

  /** Type-check a cell against everything declared so far; on success, `commit` records its declarations. */
  check(code: string): CheckResult {
    const last = this.lastPass;
    if (last?.code === code && last.version === this.version) return last.result;
    const syntax = cellSyntax(code, "typescript");
    if (syntax.imports.length > 0) {
      // An import may name a package installed since the last cell: look at the disk again.
      this.disk.revalidate();
      this.resolutions.revalidate();
      // The disk may differ now: the service must compare every file's version again.
      this.version++;
    }
    const before = this.store.snapshot();
    const names = syntax.declaredNames;
    const changed = [...this.store.forget(names), ...this.store.referencing(names)];
    // Earlier declarations that mention a name this cell declares again see the new one.
    this.store.setPending({ names, fileName: this.cellFile });
    this.syncStore(changed);
    const importsFile = this.setCell(code, syntax);
    const diagnostics = this.diagnostics(syntax, importsFile);
    this.store.setPending(undefined);
    if (diagnostics.length > 0) {
      this.store.restore(before);
      this.syncStore(changed);
      return { ok: false, diagnostics };
    }
    const result: CheckResult = { ok: true, syntax, commit: () => this.commit(syntax) };
    // A cell that declares or imports nothing leaves every file as it is (commit is a no-op).
    const leavesFiles = syntax.declaredNames.size === 0 && syntax.imports.length === 0;
    this.lastPass = leavesFiles ? { code, version: this.version, result } : undefined;
    return result;
  }

  /** The declaration files (lib, @types, typings) of the last check's program, for tests and bench/. */
  declarationFiles(): readonly ts.SourceFile[] {
    return (
      this.service
        .getProgram()
        ?.getSourceFiles()
        .filter((f) => f.isDeclarationFile) ?? []
    );
  }

  /** Completion entries at `position` (UTF-16 offset) in a cell that is not yet run. */
  completions(code: string, position: number): ts.CompletionInfo | undefined {
    // Besides the names the cell mentions, the cell file imports those that complete the word.
    const before = code.slice(0, position);
    const word = /[\p{ID_Continue}$]*$/u.exec(before)?.[0] ?? "";
    const member = before
      .slice(0, before.length - word.length)
      .trimEnd()
      .endsWith(".");
    const completing = (name: string): boolean => !member && name.startsWith(word);
    this.setCell(code, cellSyntax(code, "typescript"), completing);
    const info = this.service.getCompletionsAtPosition(this.cellFile, position, {
      includeCompletionsWithInsertText: true,
    });
    if (info === undefined || info.isMemberCompletion) return info;
    // Earlier cells' names reach the cell as imports; show what each one declares.
    const owners = this.store.owners();
    const entries = info.entries.map((e) => {
      const owner = e.kind === ts.ScriptElementKind.alias ? owners.get(e.name) : undefined;
      return owner === undefined || owner.imported ? e : { ...e, kind: owner.kind };
    });
    return { ...info, entries };
  }

  /** Details of one completion entry (its signature), for the experimental types field. */
  completionDetail(position: number, name: string): ts.CompletionEntryDetails | undefined {
    const detail = this.service.getCompletionEntryDetails(
      this.cellFile,
      position,
      name,
      {},
      undefined,
      {},
      undefined,
    );
    if (detail === undefined || !this.isNotebookAlias(detail.kind, name)) return detail;
    return { ...detail, displayParts: withoutAlias(detail.displayParts) };
  }

  /** Quick info (type and documentation) at `position` in a cell. */
  quickInfo(code: string, position: number): ts.QuickInfo | undefined {
    const syntax = cellSyntax(code, "typescript");
    this.setCell(code, syntax);
    const info = this.service.getQuickInfoAtPosition(this.cellFile, position);
    if (info === undefined) return undefined;
    const { start, length } = info.textSpan;
    const name = code.slice(start, start + length);
    if (syntax.declaredNames.has(name) || !this.isNotebookAlias(info.kind, name)) return info;
    const kind = this.store.owners().get(name)?.kind ?? info.kind;
    return { ...info, kind, displayParts: withoutAlias(info.displayParts ?? []) };
  }

  /** An alias the cell file imports for a name an earlier cell declared (not one it imported). */
  private isNotebookAlias(kind: string, name: string): boolean {
    if (kind !== ts.ScriptElementKind.alias) return false;
    const owner = this.store.owners().get(name);
    return owner !== undefined && !owner.imported;
  }

  private commit(syntax: CellSyntax): void {
    if (syntax.declaredNames.size === 0) {
      // Nothing to carry forward. The cell file stays as it is, so running the same cell
      // again finds the program up to date and skips building a new one.
      return;
    }
    const output = this.service.getEmitOutput(this.cellFile, true);
    const emitted = output.outputFiles.find((f) => f.name.endsWith(".d.ts"))?.text ?? "";
    const dts = emitted + this.nestedVarDeclarations(syntax);
    const id = this.store.add(dts, syntax.imports);
    const referencing = this.store.referencing(syntax.declaredNames);
    this.syncStore([id, ...referencing, ...this.store.prune()]);
    this.setCell("", cellSyntax("", "typescript"));
  }

  /** `declare var k: string;` for each nested var (`for (var k in o)`), typed by the checker. */
  private nestedVarDeclarations(syntax: CellSyntax): string {
    if (syntax.nestedVars.length === 0) return "";
    const program = this.service.getProgram();
    const file = program?.getSourceFile(this.cellFile);
    if (program === undefined || file === undefined) return "";
    const checker = program.getTypeChecker();
    const lines: string[] = [];
    for (const declaration of syntax.nestedVars) {
      // The cell file holds the cell with module syntax blanked: positions are the same.
      const node = findIdentifiers(file, declaration.name.getStart(syntax.sourceFile));
      for (const name of node) {
        const type = checker.getTypeAtLocation(name);
        const text = checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
        lines.push(`declare var ${name.text}: ${text};`);
      }
    }
    return `\n${lines.join("\n")}\n`;
  }

  private diagnostics(syntax: CellSyntax, importsFile: string | undefined): CellDiagnostic[] {
    const program = this.service.getProgram();
    const file = program?.getSourceFile(this.cellFile);
    if (program === undefined || file === undefined) return [];
    const own = [
      ...this.service.getSyntacticDiagnostics(this.cellFile),
      ...this.service.getSemanticDiagnostics(this.cellFile),
    ].filter((d) => !IGNORED_DIAGNOSTICS.has(d.code) && d.category === ts.DiagnosticCategory.Error);
    // What the cell file adds after the cell is replab's: that the cell leaves one of its
    // imports unused is no problem (noUnusedLocals); any other is the cell's end (an unclosed
    // comment or expression runs into it).
    const end = syntax.sourceFile.text.length;
    const clamped = own
      .filter((d) => (d.start ?? 0) <= end || !UNUSED_DIAGNOSTICS.has(d.code))
      .map((d) => ((d.start ?? 0) > end ? { ...d, start: end } : d));
    const result = clamped.map((d) => this.asDeclared(toCellDiagnostic(d, file), syntax));
    if (importsFile !== undefined) result.push(...this.importDiagnostics(syntax, importsFile));
    // An import's problem shows up in its imports file and in the helper that re-exports its
    // bindings ("Cannot find module" twice at one import): the user sees it once.
    const key = (d: CellDiagnostic): string => `${d.line}:${d.column}:${d.code}:${d.message}`;
    const once = [...new Map(result.map((d) => [key(d), d])).values()];
    return once
      .map((d) => this.withInstallHint(d))
      .sort((a, b) => a.line - b.line || a.column - b.column);
  }

  /** "Cannot find module 'x'" about a package Node cannot load either says how to install it. */
  private withInstallHint(d: CellDiagnostic): CellDiagnostic {
    if (d.code !== CANNOT_FIND_MODULE) return d;
    const hint = installHint(d.message, this.dir);
    return hint === undefined ? d : { ...d, message: `${d.message}\n${hint}` };
  }

  /**
   * "Cannot assign to 'f' because it is an import" about an earlier cell's function, class,
   * enum or namespace (the cell file imports it) says what the name is, as in one script.
   */
  private asDeclared(d: CellDiagnostic, syntax: CellSyntax): CellDiagnostic {
    if (d.code !== ASSIGN_TO_IMPORT) return d;
    const start = syntax.sourceFile.getPositionOfLineAndCharacter(d.line - 1, d.column - 1);
    const name = syntax.sourceFile.text.slice(start, start + d.length);
    const owner = this.store.owners().get(name);
    const what = owner === undefined || owner.imported ? undefined : ASSIGNED_KINDS.get(owner.kind);
    if (what === undefined) return d;
    return {
      ...d,
      code: what.code,
      message: `Cannot assign to '${name}' because it is ${what.text}.`,
    };
  }

  /**
   * Problems with a cell's imports show up in its imports file (line k is import k) or in the
   * helper file that re-exports one import's bindings; report them at that import.
   */
  private importDiagnostics(syntax: CellSyntax, importsFile: string): CellDiagnostic[] {
    const program = this.service.getProgram();
    const at = (index: number, d: ts.Diagnostic): CellDiagnostic => {
      const target = syntax.imports[Math.min(index, syntax.imports.length - 1)];
      const position = syntax.sourceFile.getLineAndCharacterOfPosition(target?.start ?? 0);
      return {
        line: position.line + 1,
        column: position.character + 1,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
        length: (target?.end ?? 1) - (target?.start ?? 0),
      };
    };
    const result: CellDiagnostic[] = [];
    for (const fileName of [
      importsFile,
      ...this.cellImportFiles.filter((f) => f !== importsFile),
    ]) {
      const file = program?.getSourceFile(fileName);
      if (file === undefined) continue;
      const helper = helperImportIndex(fileName);
      for (const d of this.service.getSemanticDiagnostics(fileName)) {
        if (IGNORED_DIAGNOSTICS.has(d.code) || d.category !== ts.DiagnosticCategory.Error) continue;
        const line = file.getLineAndCharacterOfPosition(d.start ?? 0).line;
        result.push(at(helper ?? line, d));
      }
    }
    return result;
  }

  /**
   * Put the cell and its imports in place: the cell with its module syntax blanked (positions
   * stay), then what makes it a module of its own (cellTail).
   */
  private setCell(
    code: string,
    syntax: CellSyntax,
    wanted: (name: string) => boolean = () => false,
  ): string | undefined {
    for (const f of this.cellImportFiles) this.deleteFile(f);
    const imports = syntax.imports.filter((i) => i.bindings.length > 0);
    const files = imports.length > 0 ? importFiles(this.cellImportsBase, imports) : [];
    for (const f of files) this.setFile(f.fileName, f.text);
    this.cellImportFiles = files.map((f) => f.fileName);
    const importsFile = files[0]?.fileName;
    const tail = this.cellTail(syntax, importsFile, wanted);
    this.setFile(this.cellFile, blankRanges(code, syntax.moduleSyntax) + tail);
    return importsFile;
  }

  /**
   * After the cell: imports of the names it mentions that earlier cells (and its own imports)
   * bind, so the cell's own declarations shadow lib's globals instead of merging with them;
   * an earlier variable the cell assigns is declared again with its type (an import is
   * read-only); and an export of what the cell declares, so its declaration emit keeps all
   * of it. Only mentioned names: the tail grows with the cell, not with the notebook.
   */
  private cellTail(
    syntax: CellSyntax,
    importsFile: string | undefined,
    wanted: (name: string) => boolean,
  ): string {
    const byFile = new Map<string, Set<string>>();
    const variables: string[] = [];
    const owners = this.store.owners();
    const names = new Set([...syntax.mentionedNames].filter((n) => owners.has(n)));
    for (const name of owners.keys()) if (wanted(name)) names.add(name);
    for (const name of names) {
      const owner = owners.get(name);
      if (owner === undefined || syntax.declaredNames.has(name)) continue;
      const keyword = VARIABLE_KEYWORDS.get(owner.kind);
      if (keyword !== undefined && syntax.assignedNames.has(name)) {
        const from = JSON.stringify(`./${moduleName(owner.fileName)}`);
        variables.push(`declare ${keyword} ${name}: typeof import(${from}).${name};`);
        continue;
      }
      byFile.set(owner.fileName, (byFile.get(owner.fileName) ?? new Set()).add(name));
    }
    const imported = new Set(syntax.imports.flatMap((i) => i.bindings.map((b) => b.local)));
    if (importsFile !== undefined) byFile.set(importsFile, imported);
    const declared = [...syntax.declaredNames].filter((n) => !imported.has(n));
    return ["", ...importLines(byFile), ...variables, `export { ${declared.join(", ")} };`].join(
      "\n",
    );
  }

  /** Bring the service's files for executions `ids` in line with the store. */
  private syncStore(ids: readonly number[]): void {
    const declarationFiles = new Map<string, number>();
    for (const id of ids) {
      declarationFiles.set(this.store.declarationFileOf(id), id);
      for (const name of this.importFilesOf.get(id) ?? []) this.deleteFile(name);
      const files: VirtualFile[] = this.store.importFilesOf(id);
      for (const f of files) this.setFile(f.fileName, f.text);
      if (files.length > 0)
        this.importFilesOf.set(
          id,
          files.map((f) => f.fileName),
        );
      else this.importFilesOf.delete(id);
    }
    for (const [fileName, id] of declarationFiles) {
      const text = this.store.declarationText(id);
      if (text === "") this.deleteFile(fileName);
      else this.setFile(fileName, text);
    }
  }

  private setFile(fileName: string, text: string): void {
    const previous = this.files.get(fileName);
    if (previous?.text === text) return;
    this.files.set(fileName, { text, version: ++this.version });
  }

  /** A file gone is a change too: the service's list of files differs (see getProjectVersion). */
  private deleteFile(fileName: string): void {
    if (this.files.delete(fileName)) this.version++;
  }

  private host(): ts.LanguageServiceHost {
    // getModuleResolutionCache is read by the language service (it hands the cache's
    // package.json lookups to each program) but missing from the public typings. Without it
    // every program re-reads package.json files to tell ESM from CommonJS: a third of a
    // cell's check time. If a TypeScript release drops it, checks only get slower.
    const host: ts.LanguageServiceHost & { getModuleResolutionCache(): ts.ModuleResolutionCache } =
      {
        // Every change a program could see bumps `version` (a file set or deleted, the disk
        // looked at again), so while it stands the service skips comparing each of the ~160
        // files' versions: it did so on every call, three per cell checked.
        getProjectVersion: () => String(this.version),
        getScriptFileNames: () => [...this.files.keys()],
        getScriptVersion: (f) => {
          const entry = this.files.get(f);
          return entry !== undefined ? String(entry.version) : this.disk.version(f);
        },
        getScriptSnapshot: (f) => {
          const entry = this.files.get(f);
          return entry !== undefined
            ? ts.ScriptSnapshot.fromString(entry.text)
            : this.disk.snapshot(f);
        },
        getCurrentDirectory: () => this.dir,
        getCompilationSettings: () => this.options,
        getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
        getModuleResolutionCache: () => this.resolutions.moduleCache(),
        resolveModuleNameLiterals: (literals, file, redirected, options, source) =>
          this.resolutions.resolveModules(literals, file, redirected, options, source),
        resolveTypeReferenceDirectiveReferences: (references, file, redirected, options, source) =>
          this.resolutions.resolveTypeReferences(references, file, redirected, options, source),
        fileExists: this.fileExists,
        readFile: this.readFile,
        readDirectory: ts.sys.readDirectory,
        directoryExists: ts.sys.directoryExists,
        getDirectories: ts.sys.getDirectories,
        realpath: ts.sys.realpath,
        useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      };
    return host;
  }
}

/** "'x' is declared but its value is never read" and its kin, for a tsconfig's noUnusedLocals. */
const UNUSED_DIAGNOSTICS = new Set([6133, 6192, 6196, 6198, 6199]);

/** TypeScript's "Cannot assign to '{0}' because it is an import." */
const ASSIGN_TO_IMPORT = 2632;
/** TS2307: "Cannot find module 'x' or its corresponding type declarations." */
const CANNOT_FIND_MODULE = 2307;

/** TypeScript's own codes and words for assigning to a declaration that is not a variable. */
const ASSIGNED_KINDS = new Map<string, { code: number; text: string }>([
  [ts.ScriptElementKind.enumElement, { code: 2628, text: "an enum" }],
  [ts.ScriptElementKind.classElement, { code: 2629, text: "a class" }],
  [ts.ScriptElementKind.functionElement, { code: 2630, text: "a function" }],
  [ts.ScriptElementKind.moduleElement, { code: 2631, text: "a namespace" }],
]);

/** The keyword that declares a variable of each kind again in a cell. */
const VARIABLE_KEYWORDS = new Map<string, string>([
  [ts.ScriptElementKind.variableElement, "var"],
  [ts.ScriptElementKind.letElement, "let"],
  [ts.ScriptElementKind.constElement, "const"],
]);

/** `(alias) function f(): void` + `import f` as `function f(): void`, as a declaration shows. */
function withoutAlias(parts: readonly ts.SymbolDisplayPart[]): ts.SymbolDisplayPart[] {
  const head = parts
    .slice(0, 4)
    .map((p) => p.text)
    .join("");
  const start = head === "(alias) " ? 4 : 0;
  const importLine = parts.findLastIndex(
    (p, i) => p.kind === "lineBreak" && parts[i + 1]?.text === "import",
  );
  return parts.slice(start, importLine > start ? importLine : parts.length);
}

/** The identifiers of the binding name that starts at `position` in `file`. */
function findIdentifiers(file: ts.SourceFile, position: number): ts.Identifier[] {
  let found: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (found.length > 0 || position < node.getFullStart() || position >= node.end) return;
    if (ts.isVariableDeclaration(node) && node.name.getStart(file) === position) {
      const collect = (name: ts.BindingName): ts.Identifier[] =>
        ts.isIdentifier(name)
          ? [name]
          : name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : collect(e.name)));
      found = collect(node.name);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
