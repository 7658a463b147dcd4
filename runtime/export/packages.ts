/**
 * package.json and package-lock.json of an export: every package the cells import, with
 * its transitive dependencies, copied from the notebook project's own lockfile (the nearest
 * package-lock.json above the notebook), so `npm ci` installs exactly what the notebook ran
 * with and no network is needed to produce them.
 */
import { existsSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join } from "node:path";
import ts from "../compiler/typescript.cjs";
import { ReplabError } from "../errors.js";
import { closure, type LockEntry, type Lockfile } from "./lockfile.js";
import {
  PIPELINE_DEPENDENCIES,
  PIPELINE_DEV_DEPENDENCIES,
  withPipelinePackages,
} from "./pipeline-lock.js";

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

/** The project's lockfile and package.json; none is fine for a notebook that imports no package. */
function readProject(
  projectRoot: string | undefined,
  notebookPackages: string[],
): { lock: Lockfile; manifest: Record<string, unknown> } {
  if (projectRoot === undefined) {
    if (notebookPackages.length > 0) {
      throw new ReplabError(
        "export-failed",
        `the notebook imports ${notebookPackages.join(", ")}, but there is no package-lock.json in its directory or above it: install them with npm (npm install ${notebookPackages.join(" ")}) so their exact versions can be pinned`,
      );
    }
    return { lock: { packages: {} }, manifest: {} };
  }
  const read = (file: string): unknown => JSON.parse(readFileSync(join(projectRoot, file), "utf8"));
  const manifestPath = join(projectRoot, "package.json");
  return {
    lock: read("package-lock.json") as Lockfile,
    manifest: existsSync(manifestPath) ? (read("package.json") as Record<string, unknown>) : {},
  };
}

export interface PackageFiles {
  packageJson: string;
  packageLock: string;
}

/** Build package.json and package-lock.json for the given notebook packages. */
export function packageFiles(
  projectRoot: string | undefined,
  name: string,
  notebookPackages: string[],
): PackageFiles {
  const { lock: projectLock, manifest: project } = readProject(projectRoot, notebookPackages);
  // What the notebook imports must be pinned by its own project; only the pipeline's
  // packages may come from replab's pins.
  for (const pkg of notebookPackages) exactVersion(projectLock, pkg);
  const lock = withPipelinePackages(projectLock);
  const prodRoots = [...new Set([...notebookPackages, ...PIPELINE_DEPENDENCIES])].sort();
  const devRoots = PIPELINE_DEV_DEPENDENCIES.filter((d) => !prodRoots.includes(d));
  const prod = closure(lock, prodRoots);
  const dev = closure(lock, devRoots);
  const version = (pkg: string): string => exactVersion(lock, pkg);
  const dependencies = Object.fromEntries(prodRoots.map((p) => [p, version(p)]));
  const devDependencies = Object.fromEntries(devRoots.map((p) => [p, version(p)]));
  const overrides = relevantOverrides(project, new Set([...prod, ...dev].map(packageOfPath)));
  const root = { name, version: "1.0.0", dependencies, devDependencies };
  const packages: Record<string, unknown> = { "": root };
  for (const path of [...new Set([...prod, ...dev])].sort()) {
    packages[path] = lockEntry(lock.packages[path] as LockEntry, path, !prod.has(path));
  }
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
  return { packageJson: json(packageJson), packageLock: json(packageLock) };
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function exactVersion(lock: Lockfile, pkg: string): string {
  const entry = lock.packages[`node_modules/${pkg}`];
  if (entry?.version === undefined) {
    throw new ReplabError(
      "export-failed",
      `the notebook imports ${pkg}, which is not in the project's package-lock.json: install it with npm so its exact version can be pinned`,
    );
  }
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
