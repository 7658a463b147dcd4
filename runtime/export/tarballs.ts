/**
 * Packages a project installed from its own disk. One installed from a tarball
 * (`npm install ./greeter-1.0.0.tgz`: lock `resolved: "file:..."`) is carried into the export
 * under packages/, with its lock entry and package.json spec pointing there, so `npm ci` in
 * the export installs the same bytes offline. One linked from a folder (`npm install ../dir`:
 * lock `link: true`) is whatever that folder holds now, which no lockfile pins: it is refused.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { ReplabError } from "../errors.js";
import type { LockEntry } from "./lockfile.js";

/** The export's directory for carried tarballs. */
export const TARBALL_DIR = "packages";

/** The tarballs an export carries, by their path in the export. */
export class CarriedTarballs {
  readonly files = new Map<string, Uint8Array>();
  private readonly integrityOf = new Map<string, string>();

  /**
   * `entry` (the lock entry of `name`, in the lockfile of the project at `projectRoot`) as the
   * export's lock holds it: a local tarball is carried and `resolved` points at the copy; a
   * registry package is returned unchanged; a folder is refused.
   */
  carry(entry: LockEntry, name: string, projectRoot: string): LockEntry {
    const resolved = typeof entry.resolved === "string" ? entry.resolved : undefined;
    if (entry.link === true) refuseFolder(name, resolve(projectRoot, resolved ?? name));
    if (resolved === undefined || !resolved.startsWith("file:")) return entry;
    const from = resolve(projectRoot, resolved.slice("file:".length));
    if (!isFile(from)) refuseFolder(name, from);
    const bytes = readFileSync(from);
    const integrity = checkedIntegrity(entry, name, from, bytes);
    const path = `${TARBALL_DIR}/${basename(from)}`;
    const earlier = this.integrityOf.get(path);
    if (earlier !== undefined && earlier !== integrity)
      throw new ReplabError(
        "export-failed",
        `two different tarballs named ${basename(from)} are installed (one for ${name}): rename one, npm install it again, then export`,
      );
    this.integrityOf.set(path, integrity);
    this.files.set(path, new Uint8Array(bytes));
    return { ...entry, resolved: `file:${path}`, integrity };
  }
}

/** The package.json spec of a package with this (carried) lock entry, or undefined for a registry one. */
export function carriedSpec(entry: LockEntry): string | undefined {
  return typeof entry.resolved === "string" && entry.resolved.startsWith(`file:${TARBALL_DIR}/`)
    ? entry.resolved
    : undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function refuseFolder(name: string, folder: string): never {
  throw new ReplabError(
    "export-failed",
    `${name} is installed from the folder ${folder}, which no lockfile pins: run \`npm pack\` in that folder, \`npm install\` the tarball it writes, then export again`,
  );
}

/** The lock's integrity, checked against the tarball's bytes: an edited tarball is not what was installed. */
function checkedIntegrity(entry: LockEntry, name: string, from: string, bytes: Buffer): string {
  const sha512 = `sha512-${createHash("sha512").update(bytes).digest("base64")}`;
  const recorded = typeof entry.integrity === "string" ? entry.integrity : undefined;
  if (recorded === undefined) return sha512;
  const matches = recorded.split(/\s+/).some((hash) => {
    const dash = hash.indexOf("-");
    const algorithm = hash.slice(0, dash);
    if (!["sha1", "sha256", "sha384", "sha512"].includes(algorithm)) return false;
    return hash.slice(dash + 1) === createHash(algorithm).update(bytes).digest("base64");
  });
  if (!matches)
    throw new ReplabError(
      "export-failed",
      `${from}, the tarball ${name} was installed from, has changed since (its package-lock.json integrity no longer matches): npm install it again, then export`,
    );
  return recorded;
}
