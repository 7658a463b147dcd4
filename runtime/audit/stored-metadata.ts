/**
 * What a report reads from `metadata.replab` besides the lineage (lineage/stored.ts): the
 * end-of-run capture at `audit` (frame profiles and model summaries) and the `runtime`
 * versions, read once at the boundary: checked before the report's cards trust their types, so
 * a hand-edited or forged notebook gets a message naming the fault instead of a crash in a
 * renderer. Frames are checked with the run record's own definition (schema/run-record.schema.json).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ReplabError } from "../errors.js";
import { firstViolation } from "../json-schema.js";
import { PACKAGE_ROOT } from "../paths.js";
import type { RuntimeVersions } from "../repro/versions.js";
import type { AuditCapture } from "./capture.js";

const strings = { type: "array", items: { type: "string" } };
const scalars = { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } };

const MODEL = {
  type: "object",
  required: [
    "variable",
    "cellId",
    "className",
    "layers",
    "params",
    "trainableParams",
    "optimizer",
    "loss",
    "metrics",
    "training",
    "finalMetrics",
    "weightsSha256",
  ],
  properties: {
    variable: { type: "string" },
    cellId: { type: "string" },
    className: { type: "string" },
    layers: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "type", "outputShape", "params"],
        properties: {
          name: { type: "string" },
          type: { type: "string" },
          outputShape: { type: "string" },
          params: { type: "integer" },
        },
      },
    },
    params: { type: "integer" },
    trainableParams: { type: "integer" },
    optimizer: {
      oneOf: [
        { type: "null" },
        {
          type: "object",
          required: ["name", "config"],
          properties: { name: { type: "string" }, config: scalars },
        },
      ],
    },
    loss: strings,
    metrics: strings,
    training: { oneOf: [{ type: "null" }, scalars] },
    finalMetrics: { type: "object", additionalProperties: { type: "number" } },
    weightsSha256: { type: "string" },
  },
};

const RUNTIME = {
  type: "object",
  required: ["node", "replab", "typescript", "platform"],
  properties: {
    node: { type: "string" },
    replab: { type: "string" },
    typescript: { type: "string" },
    platform: { type: "string" },
  },
};

/** The stored runtime versions: undefined when absent; throws naming the fault when malformed. */
export function storedRuntime(value: unknown, name: string): RuntimeVersions | undefined {
  if (value === undefined) return undefined;
  return checked(RUNTIME, value, `${name}: metadata.replab.runtime`, name) as RuntimeVersions;
}

let schema: Record<string, unknown> | undefined;

/** The stored capture: undefined when the notebook has none; throws naming the fault when it is malformed. */
export function storedCapture(value: unknown, name: string): AuditCapture | undefined {
  if (value === undefined) return undefined;
  schema ??= captureSchema();
  return checked(schema, value, `${name}: metadata.replab.audit`, name) as AuditCapture;
}

/** `value` when it conforms to `against`; else the error naming `where`, the fault and the fix. */
function checked(
  against: Record<string, unknown>,
  value: unknown,
  where: string,
  name: string,
): unknown {
  const problem = firstViolation(against, value);
  if (problem === undefined) return value;
  throw new ReplabError(
    "notebook-invalid",
    `${where} is not what replab wrote (${problem}); run the notebook again to store it anew: replab run ${name} --inplace`,
  );
}

function captureSchema(): Record<string, unknown> {
  const record = JSON.parse(
    readFileSync(join(PACKAGE_ROOT, "schema", "run-record.schema.json"), "utf8"),
  ) as { $defs: Record<string, unknown> };
  return {
    $defs: { ...record.$defs, model: MODEL },
    type: "object",
    required: ["frames", "models"],
    properties: {
      frames: { type: "array", items: { $ref: "#/$defs/frame" } },
      models: { type: "array", items: { $ref: "#/$defs/model" } },
    },
  };
}
