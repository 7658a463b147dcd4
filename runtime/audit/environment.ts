/**
 * The packages a notebook imports, with the exact version and integrity its project's
 * package-lock.json pins (the same lockfile `replab export` copies from), and how many
 * packages they bring in.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { closure, type Lockfile } from "../export/lockfile.js";
import { findProjectRoot, importedPackages } from "../export/packages.js";

/** One imported package. version/integrity are null when no lockfile pins it. */
export interface PackageRow {
  name: string;
  version: string | null;
  integrity: string | null;
  resolved: string | null;
  /** Packages installed with it (its dependency closure, itself included). */
  closure: number;
}

/** The packages `sources` import, as the nearest lockfile above `notebookDir` pins them. */
export function packageRows(sources: string[], notebookDir: string): PackageRow[] {
  const lock = readLock(notebookDir);
  return importedPackages(sources).map((name) => {
    const entry = lock?.packages[`node_modules/${name}`];
    const text = (v: unknown): string | null => (typeof v === "string" ? v : null);
    return {
      name,
      version: text(entry?.version),
      integrity: text(entry?.integrity),
      resolved: text(entry?.resolved),
      closure: lock === undefined || entry === undefined ? 0 : closure(lock, [name]).size,
    };
  });
}

function readLock(notebookDir: string): Lockfile | undefined {
  const root = findProjectRoot(notebookDir);
  const path = root === undefined ? undefined : join(root, "package-lock.json");
  if (path === undefined || !existsSync(path)) return undefined;
  try {
    const lock = JSON.parse(readFileSync(path, "utf8")) as Partial<Lockfile>;
    return typeof lock.packages === "object" && lock.packages !== null
      ? (lock as Lockfile)
      : undefined;
  } catch {
    return undefined; // an unreadable lockfile pins nothing; the table says so
  }
}
