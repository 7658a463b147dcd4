/**
 * The packages a notebook imports, with the exact version and integrity the package-lock.json
 * of the project each loads from pins (the same lockfile `replab export` copies from,
 * pinningRoot), and how many packages they bring in.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { closure, type Lockfile } from "../export/lockfile.js";
import { importedPackages, pinningRoot } from "../export/packages.js";

/** One imported package. version/integrity are null when no lockfile pins it. */
export interface PackageRow {
  name: string;
  version: string | null;
  integrity: string | null;
  resolved: string | null;
  /** Packages installed with it (its dependency closure, itself included). */
  closure: number;
}

/** The packages `sources` import, as the lockfile of the project each loads from pins them. */
export function packageRows(sources: string[], notebookDir: string): PackageRow[] {
  return importedPackages(sources).map((name) => {
    const lock = readLock(pinningRoot(notebookDir, name));
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

function readLock(root: string | undefined): Lockfile | undefined {
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
