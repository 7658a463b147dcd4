/**
 * repro.lock.json as `replab verify` reads it: checked against its shape (schema
 * replab.repro-lock/1) before anything runs, so an edited lock is a clear error (exit 2), not a
 * crash or a vacuous pass; its data paths must stay inside the data directory.
 */
import { isAbsolute, normalize, sep } from "node:path";
import { ReplabError } from "../errors.js";

/** A cell of the lock: its id and the sha256 and size of its expected stdout (null: not recorded). */
export interface LockCell {
  id: string;
  stdout: { sha256: string; bytes: number } | null;
}

/** What verify needs of repro.lock.json. */
export interface ReproLock {
  seed: number;
  dataIncluded: boolean;
  data: { path: string; sha256: string; bytes: number }[];
  cells: LockCell[];
}

const SHA256 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isSize = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** Parse and check the lock at `path`; every problem names the field and what to do. */
export function parseLock(text: string, path: string): ReproLock {
  const invalid = (what: string): ReplabError =>
    new ReplabError(
      "notebook-invalid",
      `${path}: ${what}; it is not a repro.lock.json replab export wrote: export the notebook again`,
    );
  let lock: unknown;
  try {
    lock = JSON.parse(text);
  } catch {
    throw new ReplabError("notebook-invalid", `${path} is not valid JSON`);
  }
  if (!isObject(lock)) throw invalid("expected a JSON object");
  if (lock["schema"] !== "replab.repro-lock/1")
    throw invalid('schema is not "replab.repro-lock/1"');
  if (!Number.isSafeInteger(lock["seed"])) throw invalid("seed is not an integer");
  if (typeof lock["dataIncluded"] !== "boolean") throw invalid("dataIncluded is not true or false");
  const data = lock["data"];
  if (!Array.isArray(data)) throw invalid("data is not a list");
  data.forEach((file: unknown, i) => {
    if (!isObject(file) || typeof file["path"] !== "string")
      throw invalid(`data[${i}] has no path`);
    if (!inside(file["path"]))
      throw invalid(`data[${i}].path ${file["path"]} is outside the data directory`);
    if (
      typeof file["sha256"] !== "string" ||
      !SHA256.test(file["sha256"]) ||
      !isSize(file["bytes"])
    )
      throw invalid(`data[${i}] (${file["path"]}) needs a sha256 and a size in bytes`);
  });
  const cells = lock["cells"];
  if (!Array.isArray(cells)) throw invalid("cells is not a list");
  if (cells.length === 0) throw invalid("cells is empty, so there is nothing to verify");
  cells.forEach((cell: unknown, i) => {
    if (!isObject(cell) || typeof cell["id"] !== "string") throw invalid(`cells[${i}] has no id`);
    const stdout = cell["stdout"];
    if (stdout === null) return;
    if (
      !isObject(stdout) ||
      typeof stdout["sha256"] !== "string" ||
      !SHA256.test(stdout["sha256"]) ||
      !isSize(stdout["bytes"])
    )
      throw invalid(
        `cells[${i}] (${cell["id"]}).stdout needs a sha256 and a size in bytes, or null`,
      );
  });
  return lock as unknown as ReproLock;
}

/** Whether a lock's data path names a file inside the data directory. */
function inside(path: string): boolean {
  const native = normalize(path);
  return path !== "" && !isAbsolute(native) && !native.split(sep).includes("..") && native !== ".";
}
