/**
 * The packages an exported pipeline needs besides the notebook's own (seedrandom at run time;
 * TypeScript and typings to type-check pipeline.ts), pinned from replab's own lockfile. A
 * notebook project rarely has them, and a notebook that imports nothing may have no npm
 * project at all; the export must still pin them exactly, offline. A git checkout derives
 * them from package-lock.json; an installed replab reads dist/pipeline-lock.json, which the
 * build writes (npm does not publish package-lock.json).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../paths.js";
import { closure, type Lockfile } from "./lockfile.js";

export const PIPELINE_DEPENDENCIES = ["seedrandom"];
export const PIPELINE_DEV_DEPENDENCIES = ["typescript", "@types/node", "@types/seedrandom"];

const SHIPPED = join(PACKAGE_ROOT, "dist", "pipeline-lock.json");
const OWN_LOCK = join(PACKAGE_ROOT, "package-lock.json");

/** The pipeline packages' entries, with everything they depend on, from a full lockfile. */
export function pipelineLockFrom(lock: Lockfile): Lockfile {
  const paths = closure(lock, [...PIPELINE_DEPENDENCIES, ...PIPELINE_DEV_DEPENDENCIES]);
  const packages = Object.fromEntries(
    [...paths].sort().map((path) => [path, lock.packages[path] ?? {}]),
  );
  return { packages };
}

/** replab's pins for the pipeline packages. */
export function pipelineLock(): Lockfile {
  if (existsSync(OWN_LOCK)) return pipelineLockFrom(readLock(OWN_LOCK));
  return readLock(SHIPPED);
}

/** `project` with the pipeline packages added where it has none at that path; the project's pins win. */
export function withPipelinePackages(project: Lockfile): Lockfile {
  return { packages: { ...pipelineLock().packages, ...project.packages } };
}

/** Write dist/pipeline-lock.json from package-lock.json (run by `npm run build`). */
export function writeShippedPipelineLock(): void {
  const text = `${JSON.stringify(pipelineLockFrom(readLock(OWN_LOCK)), null, 2)}\n`;
  writeFileSync(`${SHIPPED}.tmp`, text);
  renameSync(`${SHIPPED}.tmp`, SHIPPED);
}

function readLock(path: string): Lockfile {
  const lock = JSON.parse(readFileSync(path, "utf8")) as Partial<Lockfile>;
  return { packages: lock.packages ?? {} };
}
