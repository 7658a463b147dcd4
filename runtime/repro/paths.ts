/**
 * Which traced paths belong in the lineage, and how they are named there: relative to the
 * notebook's directory with "/" separators, so lineage and exports hold no absolute paths.
 */
import { relative, sep } from "node:path";

/** The lineage name of an absolute path, or undefined for files replab does not record. */
export function lineagePath(notebookDir: string, absolute: string): string | undefined {
  const parts = relative(notebookDir, absolute).split(sep);
  if (parts.includes("node_modules") || parts[0] === ".replab") return undefined;
  const path = parts.join("/");
  return path === "" ? undefined : path;
}
