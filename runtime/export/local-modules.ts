/**
 * The notebook's own modules (`import { EPS } from "./lib"`), carried into the export: every
 * local module the exported cells load, and what those load locally in turn, goes into the
 * export directory at its path relative to the notebook. TypeScript is compiled to CommonJS
 * exactly as the kernel loads it (executor/local-modules.ts), so the pipeline sees the values
 * the notebook saw. The export's package.json says "type": "module", so a file that ran as
 * CommonJS is carried as .cjs; the specifiers that name a renamed file are rewritten.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, extname, isAbsolute, join, posix, relative, resolve, sep } from "node:path";
import ts from "../compiler/typescript.cjs";
import { cellSyntax } from "../compiler/syntax.js";
import { isEsModule, isLocalSpecifier, transpileLocalModule } from "../executor/local-modules.js";
import { ReplabError } from "../errors.js";
import type { ExportCell, ExportSource } from "./source.js";

/** One carried module: where it is in the export, what it was in the notebook, its content. */
export interface CarriedModule {
  /** Path in the export directory, relative, with "/". */
  path: string;
  /** Path of the notebook's file it comes from, relative to the notebook directory, with "/". */
  from: string;
  content: string;
  sha256: string;
  bytes: number;
}

/** The modules an export carries, and what each local specifier of a cell names in the export. */
export interface CarriedModules {
  modules: CarriedModule[];
  /** A cell's specifier ("./lib/stats") -> the carried file ("./lib/stats.cjs"). */
  specifiers: Map<string, string>;
}

/** Extensions the kernel's require tries, in its order (Node's, then the TypeScript ones it registers). */
const EXTENSIONS = [".js", ".json", ".node", ".ts", ".mts", ".cts"];

/** A place a local specifier occurs in code, to be rewritten when its file is renamed. */
interface Occurrence {
  specifier: string;
  start: number;
  end: number;
}

/**
 * The source with its local modules carried: `source.modules` set, and the reads of module
 * files left out of the cells' data (they are modules in the export, not data files).
 */
export function withLocalModules(source: ExportSource): ExportSource {
  const carried = carryModules(source.notebookDir, source.cells);
  if (carried.modules.length === 0) return source;
  const paths = new Set(carried.modules.map((m) => m.from));
  refuseChanged(resolve(source.notebookDir), source.cells, carried.modules);
  const cells = source.cells.map((c) => ({
    ...c,
    reads: c.reads.filter((f) => !paths.has(f.path)),
  }));
  return { ...source, cells, modules: carried };
}

/** Find, compile and carry every local module the cells load. */
export function carryModules(notebookDir: string, cells: ExportCell[]): CarriedModules {
  const root = resolve(notebookDir);
  const specifiers = new Map<string, string>();
  const files = new Map<string, string>();
  const pending: string[] = [];
  for (const cell of cells) {
    for (const specifier of cellSpecifiers(cell.source)) {
      if (specifiers.has(specifier)) continue;
      const file = locate(root, root, specifier, `cell ${cell.id}`);
      specifiers.set(specifier, `./${carriedPath(root, file)}`);
      if (!files.has(file)) pending.push(file);
      files.set(file, carriedPath(root, file));
    }
  }
  const modules: CarriedModule[] = [];
  for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
    const from = relativePath(root, file);
    const compiled = compiledText(file);
    const edits: { start: number; end: number; text: string }[] = [];
    for (const at of occurrences(compiled)) {
      const target = locate(root, dirname(file), at.specifier, from);
      const path = carriedPath(root, target);
      if (!files.has(target)) pending.push(target);
      files.set(target, path);
      // A specifier that names its file as carried stays as the notebook wrote it.
      if (posix.join(posix.dirname(from), at.specifier) === path) continue;
      const to = posix.relative(posix.dirname(carriedPath(root, file)), path);
      edits.push({ ...at, text: JSON.stringify(to.startsWith(".") ? to : `./${to}`) });
    }
    const content = applyEdits(compiled, edits);
    const bytes = Buffer.byteLength(content);
    const sha256 = createHash("sha256").update(content, "utf8").digest("hex");
    modules.push({ path: carriedPath(root, file), from, content, sha256, bytes });
  }
  refuseCollisions(modules);
  modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { modules, specifiers };
}

/** Local specifiers a cell loads: its value imports and its require() calls. */
function cellSpecifiers(source: string): string[] {
  // Parsed as TypeScript: a JavaScript cell's imports read the same.
  const syntax = cellSyntax(source, "typescript");
  const imported = syntax.imports.filter((i) => !i.typeOnly).map((i) => i.specifier);
  const required = requireCalls(syntax.sourceFile).map((r) => r.specifier);
  return [...imported, ...required].filter(isLocalSpecifier);
}

/** `require("x")` calls with a literal argument, with where the literal is. */
export function requireCalls(file: ts.SourceFile): Occurrence[] {
  const found: Occurrence[] = [];
  const visit = (node: ts.Node): void => {
    const [argument] = ts.isCallExpression(node) ? node.arguments : [];
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "require" &&
      argument !== undefined &&
      ts.isStringLiteral(argument)
    ) {
      found.push({ specifier: argument.text, start: argument.getStart(file), end: argument.end });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Every local specifier a module's JavaScript loads: import, export ... from, import(), require(). */
function occurrences(code: string): Occurrence[] {
  const file = ts.createSourceFile(
    "module.js",
    code,
    ts.ScriptTarget.ES2022,
    true,
    ts.ScriptKind.JS,
  );
  const found: Occurrence[] = [];
  const literal = (node: ts.Expression | undefined): void => {
    if (node === undefined || !ts.isStringLiteral(node) || !isLocalSpecifier(node.text)) return;
    found.push({ specifier: node.text, start: node.getStart(file), end: node.end });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      literal(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(file);
  found.push(...requireCalls(file).filter((r) => isLocalSpecifier(r.specifier)));
  return found.sort((a, b) => a.start - b.start);
}

/** The module's code as it runs: TypeScript compiled as the kernel compiles it, JavaScript as it is. */
function compiledText(file: string): string {
  const text = readFileSync(file, "utf8");
  if (!/\.(m|c)?ts$/.test(file)) return text;
  // Named by its base name, so the output holds no absolute path.
  return transpileLocalModule(ts, text, posix.basename(file), false);
}

/**
 * The file a specifier names, as the kernel's require resolves it (its extensions, a
 * directory's index, `./lib.js` for `lib.ts`), inside the notebook's directory.
 */
function locate(root: string, fromDir: string, specifier: string, who: string): string {
  const base = isAbsolute(specifier) ? specifier : resolve(fromDir, specifier);
  const typescript = specifier.replace(/\.(m|c)?js$/, ".$1ts");
  const file =
    fileOrIndex(base) ??
    (typescript === specifier ? undefined : fileOrIndex(resolve(fromDir, typescript)));
  if (file === undefined)
    throw new ReplabError(
      "export-failed",
      `${who} loads "${specifier}", which is not in the notebook's directory any more: restore it, run the notebook again, then export`,
    );
  const path = relative(root, file);
  if (path.startsWith("..") || isAbsolute(path))
    throw new ReplabError(
      "export-failed",
      `${who} loads "${specifier}" (${file}), which is outside the notebook's directory, and an export carries only the modules inside it: move it beside the notebook (or into a folder there) to export this notebook`,
    );
  return file;
}

function fileOrIndex(base: string): string | undefined {
  const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  if (isFile(base)) return base;
  for (const extension of EXTENSIONS) if (isFile(base + extension)) return base + extension;
  if (statSync(base, { throwIfNoEntry: false })?.isDirectory() !== true) return undefined;
  const main = mainOf(join(base, "package.json"));
  if (main !== undefined) {
    const found = fileOrIndex(resolve(base, main));
    if (found !== undefined) return found;
  }
  return fileOrIndex(join(base, "index"));
}

function mainOf(manifest: string): string | undefined {
  if (!existsSync(manifest)) return undefined;
  try {
    const main = (JSON.parse(readFileSync(manifest, "utf8")) as { main?: unknown }).main;
    return typeof main === "string" ? main : undefined;
  } catch {
    return undefined;
  }
}

/** Where a notebook file goes in the export: CommonJS as .cjs (the export is "type": "module"). */
function carriedPath(root: string, file: string): string {
  const path = relativePath(root, file);
  const extension = extname(path);
  const stem = path.slice(0, path.length - extension.length);
  switch (extension) {
    case ".ts":
    case ".mts":
    case ".cts":
      return `${stem}.cjs`;
    case ".js":
      return isEsModule(file) ? path : `${stem}.cjs`;
    case ".mjs":
    case ".cjs":
    case ".json":
      return path;
    default:
      throw new ReplabError(
        "export-failed",
        `${path} is loaded as a module, and an export carries only .ts, .mts, .cts, .js, .mjs, .cjs and .json modules: load it from one of those to export this notebook`,
      );
  }
}

const relativePath = (root: string, file: string): string =>
  relative(root, file).split(sep).join("/");

/** Two notebook files that would be carried to one path (lib.ts and lib.cjs) cannot both go. */
function refuseCollisions(modules: CarriedModule[]): void {
  const seen = new Map<string, string>();
  for (const m of modules) {
    const other = seen.get(m.path);
    if (other !== undefined && other !== m.from)
      throw new ReplabError(
        "export-failed",
        `${other} and ${m.from} would both be carried into the export as ${m.path}: rename one of them to export this notebook`,
      );
    seen.set(m.path, m.from);
  }
}

/** A module the run recorded reading must still hold what the notebook loaded. */
function refuseChanged(root: string, cells: ExportCell[], modules: CarriedModule[]): void {
  const recorded = new Map(cells.flatMap((c) => c.reads.map((r) => [r.path, r.sha256] as const)));
  for (const m of modules) {
    const loaded = recorded.get(m.from);
    if (loaded === undefined) continue;
    const now = createHash("sha256")
      .update(readFileSync(join(root, m.from)))
      .digest("hex");
    if (now !== loaded)
      throw new ReplabError(
        "export-failed",
        `${m.from} changed since the notebook loaded it, so the export would not run what the notebook ran: run the notebook again, then export`,
      );
  }
}

function applyEdits(text: string, edits: { start: number; end: number; text: string }[]): string {
  let out = "";
  let cursor = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}
