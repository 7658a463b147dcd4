/**
 * `replab run -o OUT.ipynb` is checked before any cell runs: a run that cannot write its
 * result must not spend its time first (docs/contracts.md, "CLI").
 */
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { ReplabError } from "../errors.js";

/** Fail with a usage error unless `target` (an absolute path) names a file that can be written. */
export function checkOutputTarget(target: string, given: string): void {
  const kind = (path: string): "dir" | "file" | "missing" => {
    try {
      return statSync(path).isDirectory() ? "dir" : "file";
    } catch {
      return "missing";
    }
  };
  if (kind(target) === "dir")
    throw new ReplabError(
      "usage",
      `-o ${given}: ${target} is a directory; -o names the notebook file to write, e.g. -o ${join(given, "out.ipynb")}`,
    );
  const parent = dirname(target);
  if (kind(parent) !== "dir")
    throw new ReplabError(
      "usage",
      `-o ${given}: the directory ${parent} does not exist; create it first or choose another -o path (nothing was run)`,
    );
}
