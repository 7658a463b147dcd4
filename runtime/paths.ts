/** Where replab itself is installed, for files it ships (types, logos, schema). */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("replab: cannot find its own package.json");
    dir = parent;
  }
  return dir;
}

/** Absolute path of the replab package (the folder with its package.json). */
export const PACKAGE_ROOT = findPackageRoot();
