/**
 * package.json and package-lock.json of an export: every package the cells import, with
 * its transitive dependencies, copied from the lockfile of the project the kernel loaded it
 * from (the project whose node_modules holds it, as Node resolves it from the notebook), so
 * `npm ci` installs exactly what the notebook ran with and no network is needed to produce
 * them. Packages installed from a local tarball travel with the export (./tarballs.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, resolve } from "node:path";
import ts from "../compiler/typescript.cjs";
import { ReplabError } from "../errors.js";
import { closure, type LockEntry, type Lockfile } from "./lockfile.js";
import {
  PIPELINE_DEPENDENCIES,
  PIPELINE_DEV_DEPENDENCIES,
  withPipelinePackages,
} from "./pipeline-lock.js";
import { CarriedTarballs, carriedSpec } from "./tarballs.js";

const NOTEBOOK_MODULES = new Set(["replab", "tslab"]);

/** Bare package names imported (statically, dynamically or by require) by the given sources. */
export function importedPackages(sources: string[]): string[] {
  const names = new Set<string>();
  for (const code of sources) {
    const file = ts.createSourceFile(
      "cell.ts",
      code,
      ts.ScriptTarget.ES2022,
      true,
      ts.ScriptKind.TS,
    );
    const visit = (node: ts.Node): void => {
      const specifier = moduleSpecifier(node);
      const name = specifier === undefined ? undefined : packageName(specifier);
      if (name !== undefined) names.add(name);
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return [...names].sort();
}

function moduleSpecifier(node: ts.Node): string | undefined {
  if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
    return node.importClause?.isTypeOnly === true ? undefined : node.moduleSpecifier.text;
  }
  if (ts.isCallExpression(node) && node.arguments.length > 0) {
    const arg = node.arguments[0];
    const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
    const isRequire = ts.isIdentifier(node.expression) && node.expression.text === "require";
    if ((isImport || isRequire) && arg !== undefined && ts.isStringLiteral(arg)) return arg.text;
  }
  return undefined;
}

function packageName(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier))
    return undefined;
  if (NOTEBOOK_MODULES.has(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The nearest directory at or above `dir` holding a package-lock.json, if any. */
export function findProjectRoot(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, "package-lock.json"))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/**
 * The directory whose package-lock.json pins `pkg` for a notebook in `notebookDir`: the
 * project whose node_modules Node loads it from (the first node_modules/PKG up from the
 * notebook), or the nearest lockfile above the notebook when that project has none.
 */
export function pinningRoot(notebookDir: string, pkg: string): string | undefined {
  const loadedFrom = installedIn(notebookDir, pkg);
  return loadedFrom !== undefined && existsSync(join(loadedFrom, "package-lock.json"))
    ? loadedFrom
    : findProjectRoot(notebookDir);
}

/** The first directory at or above `dir` whose node_modules holds `pkg`: where Node loads it from. */
function installedIn(dir: string, pkg: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, "node_modules", pkg))) return d;
    if (dirname(d) === d) return undefined;
  }
}

/** An npm project an export pins packages from: where it is, its lockfile and its package.json. */
interface Project {
  root: string;
  lock: Lockfile;
  manifest: Record<string, unknown>;
}

function readProject(root: string): Project {
  const read = (file: string): unknown => JSON.parse(readFileSync(join(root, file), "utf8"));
  const manifestPath = join(root, "package.json");
  return {
    root,
    lock: read("package-lock.json") as Lockfile,
    manifest: existsSync(manifestPath) ? (read("package.json") as Record<string, unknown>) : {},
  };
}

/** The notebook's packages grouped by the project that pins each; a package no lockfile can pin is refused. */
function pinningProjects(notebookDir: string, notebookPackages: string[]): Map<Project, string[]> {
  const byRoot = new Map<string, string[]>();
  const unpinned: string[] = [];
  for (const pkg of notebookPackages) {
    const root = pinningRoot(notebookDir, pkg);
    if (root === undefined) unpinned.push(pkg);
    else byRoot.set(root, [...(byRoot.get(root) ?? []), pkg]);
  }
  if (unpinned.length > 0) {
    throw new ReplabError(
      "export-failed",
      `the notebook imports ${unpinned.join(", ")}, but there is no package-lock.json in its directory or above it: install them with npm (npm install ${unpinned.join(" ")}) so their exact versions can be pinned`,
    );
  }
  const projects = new Map<Project, string[]>();
  for (const [root, pkgs] of [...byRoot].sort(byKey)) {
    projects.set(readProject(root), pkgs);
  }
  return projects;
}

/** The pipeline's own packages: the nearest project's pins where it has them, else replab's. */
function pipelineProject(notebookDir: string): Project {
  const nearest = findProjectRoot(notebookDir);
  const project =
    nearest === undefined
      ? { root: notebookDir, lock: { packages: {} }, manifest: {} }
      : readProject(nearest);
  return { ...project, lock: withPipelinePackages(project.lock) };
}

/** One lock entry of the export, from the project whose lockfile pins it. */
interface Placed {
  entry: LockEntry;
  from: string;
  prod: boolean;
}

/**
 * The export's package tree: the closures of packages from several projects' lockfiles, each
 * at its path. Two lockfiles may share a package only if they pin it the same.
 */
class ExportTree {
  readonly placed = new Map<string, Placed>();
  readonly overrides = new Map<string, { spec: unknown; from: string }>();
  readonly tarballs = new CarriedTarballs();

  /** Add `roots` and what they depend on, as `project` pins them. */
  add(project: Project, roots: string[], prod: boolean): void {
    const paths = closure(project.lock, roots);
    for (const path of [...paths].sort()) {
      const source = project.lock.packages[path] as LockEntry;
      const entry = this.tarballs.carry(source, packageOfPath(path), project.root);
      const earlier = this.placed.get(path);
      if (earlier === undefined) {
        this.placed.set(path, { entry, from: project.root, prod });
        continue;
      }
      if (identity(earlier.entry) !== identity(entry))
        throw new ReplabError(
          "export-failed",
          `the notebook's packages are pinned by two lockfiles that disagree on ${path} (${describe(earlier.entry)} in ${join(earlier.from, "package-lock.json")}, ${describe(entry)} in ${join(project.root, "package-lock.json")}): install them in one project, then export`,
        );
      earlier.prod ||= prod;
    }
    const included = new Set([...paths].map(packageOfPath));
    for (const [pkg, spec] of Object.entries(relevantOverrides(project.manifest, included))) {
      const earlier = this.overrides.get(pkg);
      if (earlier !== undefined && JSON.stringify(earlier.spec) !== JSON.stringify(spec))
        throw new ReplabError(
          "export-failed",
          `${join(earlier.from, "package.json")} and ${join(project.root, "package.json")} override ${pkg} differently: override it the same in both, then export`,
        );
      this.overrides.set(pkg, { spec, from: project.root });
    }
  }

  /** The package.json spec of root package `pkg`: its exact version, alias or carried tarball. */
  spec(pkg: string): string {
    return pinnedSpec(this.placed.get(`node_modules/${pkg}`)?.entry, pkg);
  }
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number =>
  a < b ? -1 : a > b ? 1 : 0;

const identity = (e: LockEntry): string =>
  JSON.stringify([e.name, e.version, e.resolved, e.integrity, e.link]);

const describe = (e: LockEntry): string =>
  `${e.name ?? ""}${e.name === undefined ? "" : "@"}${e.version ?? "no version"}`;

export interface PackageFiles {
  packageJson: string;
  packageLock: string;
  /** Tarballs the notebook's packages were installed from, by their path in the export. */
  tarballs: Map<string, Uint8Array>;
}

/**
 * Build package.json and package-lock.json for the packages a notebook in `notebookDir`
 * imports, each pinned by the project it is loaded from.
 */
export function packageFiles(
  notebookDir: string,
  name: string,
  notebookPackages: string[],
): PackageFiles {
  const tree = new ExportTree();
  // What the notebook imports must be pinned by its own project; only the pipeline's
  // packages may come from replab's pins. A linked folder is refused as such first.
  for (const [project, pkgs] of pinningProjects(notebookDir, notebookPackages)) {
    tree.add(project, pkgs, true);
    for (const pkg of pkgs) pinnedSpec(project.lock.packages[`node_modules/${pkg}`], pkg);
  }
  const prodRoots = [...new Set([...notebookPackages, ...PIPELINE_DEPENDENCIES])].sort();
  const devRoots = PIPELINE_DEV_DEPENDENCIES.filter((d) => !prodRoots.includes(d));
  const pipeline = pipelineProject(notebookDir);
  tree.add(
    pipeline,
    PIPELINE_DEPENDENCIES.filter((p) => !notebookPackages.includes(p)),
    true,
  );
  tree.add(pipeline, devRoots, false);
  const dependencies = Object.fromEntries(prodRoots.map((p) => [p, tree.spec(p)]));
  const devDependencies = Object.fromEntries(devRoots.map((p) => [p, tree.spec(p)]));
  const root = { name, version: "1.0.0", dependencies, devDependencies };
  const packages: Record<string, unknown> = { "": root };
  for (const [path, placed] of [...tree.placed].sort(byKey)) {
    packages[path] = lockEntry(placed.entry, path, !placed.prod);
  }
  const overrides = Object.fromEntries([...tree.overrides].map(([pkg, o]) => [pkg, o.spec]));
  const packageJson = {
    name,
    version: "1.0.0",
    private: true,
    description: "A notebook exported by replab as a deterministic pipeline",
    type: "module",
    scripts: { start: "node pipeline.mjs", typecheck: "tsc --noEmit" },
    dependencies,
    devDependencies,
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
  };
  const packageLock = { name, version: "1.0.0", lockfileVersion: 3, requires: true, packages };
  return {
    packageJson: json(packageJson),
    packageLock: json(packageLock),
    tarballs: tree.tarballs.files,
  };
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** How package.json names the pinned `entry` of `pkg`; a package the lockfile does not pin is refused. */
function pinnedSpec(entry: LockEntry | undefined, pkg: string): string {
  if (entry?.version === undefined) {
    throw new ReplabError(
      "export-failed",
      `the notebook imports ${pkg}, which is not in the project's package-lock.json: install it with npm so its exact version can be pinned`,
    );
  }
  const carried = carriedSpec(entry);
  if (carried !== undefined) return carried;
  return entry.name !== undefined && entry.name !== pkg
    ? `npm:${entry.name}@${entry.version}`
    : entry.version;
}

function packageOfPath(path: string): string {
  return path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
}

/** A lockfile entry for the export: dependency-kind flags recomputed, `resolved` filled in when the source lock omitted it. */
function lockEntry(entry: LockEntry, path: string, devOnly: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (key !== "dev" && key !== "devOptional" && key !== "peer" && key !== "extraneous")
      out[key] = value;
  }
  const registryName = entry.name ?? packageOfPath(path);
  if (out["resolved"] === undefined && entry.version !== undefined) {
    const file = registryName.split("/").at(-1) ?? registryName;
    out["resolved"] = `https://registry.npmjs.org/${registryName}/-/${file}-${entry.version}.tgz`;
  }
  if (devOnly) out["dev"] = true;
  return sortKeys(out, ["name", "version", "resolved", "integrity"]);
}

function sortKeys(value: Record<string, unknown>, first: string[]): Record<string, unknown> {
  const keys = [
    ...first.filter((k) => k in value),
    ...Object.keys(value).filter((k) => !first.includes(k)),
  ];
  return Object.fromEntries(keys.map((k) => [k, value[k]]));
}

/** The project's npm overrides that apply to packages in the export (e.g. a swapped native build). */
function relevantOverrides(
  project: Record<string, unknown>,
  included: Set<string>,
): Record<string, unknown> {
  const overrides = project["overrides"];
  if (overrides === null || typeof overrides !== "object") return {};
  return Object.fromEntries(Object.entries(overrides).filter(([pkg]) => included.has(pkg)));
}
