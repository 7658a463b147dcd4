/** Checks run records against the published schema with a real validator (ajv), not replab's own checker. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

/** Assert each record is valid against schema/run-record.schema.json (its lineage against lineage.schema.json). */
export async function expectValidRunRecords(records: readonly unknown[]): Promise<void> {
  const { Ajv2020 } = await import("ajv/dist/2020.js");
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const schema = (name: string): object =>
    JSON.parse(readFileSync(join(ROOT, "schema", name), "utf8")) as object;
  ajv.addSchema(schema("lineage.schema.json"));
  const validate = ajv.compile(schema("run-record.schema.json"));
  for (const record of records)
    expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
}
