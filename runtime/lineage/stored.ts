/**
 * The lineage an executed notebook stores at `metadata.replab.lineage`, read once at the
 * boundary: checked against the published schema (schema/lineage.schema.json) before the
 * commands that read it (lineage, report, export) trust its types, so a hand-edited or forged
 * graph gets a message naming what is wrong instead of a crash deep in a renderer.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ReplabError } from "../errors.js";
import { firstViolation } from "../json-schema.js";
import type { Notebook } from "../notebook/types.js";
import { PACKAGE_ROOT } from "../paths.js";
import type { LineageGraph } from "./types.js";

/** Where the schema is published; shipped with the package ("files" in package.json). */
const LINEAGE_SCHEMA_PATH = join(PACKAGE_ROOT, "schema", "lineage.schema.json");

let schema: Record<string, unknown> | undefined;

/** The stored lineage: undefined when the notebook has none; throws when it is malformed. */
export function storedLineage(notebook: Notebook, name: string): LineageGraph | undefined {
  const replab = notebook.metadata["replab"];
  if (typeof replab !== "object" || replab === null || Array.isArray(replab)) return undefined;
  const lineage = (replab as Record<string, unknown>)["lineage"];
  if (lineage === undefined) return undefined;
  schema ??= JSON.parse(readFileSync(LINEAGE_SCHEMA_PATH, "utf8")) as Record<string, unknown>;
  const problem = firstViolation(schema, lineage);
  if (problem === undefined) return lineage as LineageGraph;
  throw new ReplabError(
    "notebook-invalid",
    `${name}: metadata.replab.lineage is not a lineage replab wrote (${problem}); run the notebook again to store a new one: replab run ${name} --inplace`,
  );
}
