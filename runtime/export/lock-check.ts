/**
 * repro.lock.json as `replab verify` reads it: checked against the published schema
 * (schema/repro-lock.schema.json) before anything runs, so an edited lock is a clear error
 * (exit 2), not a crash or a vacuous pass; its data paths must stay inside the data directory,
 * which a schema cannot say.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join, normalize, sep } from "node:path";
import { ReplabError } from "../errors.js";
import { PACKAGE_ROOT } from "../paths.js";
import { firstViolation } from "../json-schema.js";
import type { LockDisplay } from "./verify-outputs.js";

/** Content as the lock records it: sha256 (hex) and size in bytes. */
export interface LockContent {
  sha256: string;
  bytes: number;
}

/** A file of the lock: its path relative to the data directory, and its content. */
export interface LockFile extends LockContent {
  path: string;
}

/** A cell of the lock: its id, source hash and expected stdout (null: not recorded). */
export interface LockCell {
  id: string;
  sourceSha256?: string;
  stdout: LockContent | null;
  /** The displayed results the notebook stored; absent when the export did not know them. */
  displays?: LockDisplay[];
  /** What the lineage flagged in the cell: verify marks its differences instead of failing. */
  nondeterminism?: string[];
}

/** What verify needs of repro.lock.json. */
export interface ReproLock {
  seed: number;
  notebook?: string;
  node?: string;
  platform?: string;
  timeZone?: string;
  locale?: string;
  dataIncluded: boolean;
  data: LockFile[];
  /** Files the cells leave; absent in locks written before verify checked them. */
  writes?: LockFile[];
  /** The notebook's own modules carried in the export directory; absent when none were. */
  modules?: LockFile[];
  cells: LockCell[];
}

/** Where the schema is published; shipped with the package ("files" in package.json). */
export const LOCK_SCHEMA_PATH = join(PACKAGE_ROOT, "schema", "repro-lock.schema.json");

let schema: Record<string, unknown> | undefined;

/** Parse and check the lock at `path`; every problem names the field and what to do. */
export function parseLock(text: string, path: string): ReproLock {
  const invalid = (what: string): ReplabError =>
    new ReplabError(
      "notebook-invalid",
      `${path}: ${what}; it is not a repro.lock.json replab export wrote (schema/repro-lock.schema.json): export the notebook again`,
    );
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch {
    throw new ReplabError("notebook-invalid", `${path} is not valid JSON`);
  }
  schema ??= JSON.parse(readFileSync(LOCK_SCHEMA_PATH, "utf8")) as Record<string, unknown>;
  const problem = firstViolation(schema, lock);
  if (problem !== undefined) throw invalid(problem);
  const valid = lock as ReproLock;
  for (const [list, files] of [
    ["data", valid.data],
    ["writes", valid.writes ?? []],
    ["modules", valid.modules ?? []],
  ] as const) {
    files.forEach((file, i) => {
      if (!inside(file.path))
        throw invalid(
          `${list}[${i}].path ${file.path} is outside the ${list === "modules" ? "export" : "data"} directory`,
        );
    });
  }
  return valid;
}

/** Whether a lock's data path names a file inside the data directory. */
function inside(path: string): boolean {
  const native = normalize(path);
  return path !== "" && !isAbsolute(native) && !native.split(sep).includes("..") && native !== ".";
}
