/**
 * What a journal line must be before replay trusts its types (lineage/journal.ts): the shape of
 * JournalRecord as a JSON Schema for the checker in runtime/json-schema.ts. A line that breaks
 * it (a hand edit, a forged file, another version's journal) counts as torn, as a line cut by a
 * power loss does, instead of failing the replay, which runs when a kernel starts.
 */
const strings = { type: "array", items: { type: "string" } };
const count = { type: "integer", minimum: 0 };
const file = {
  type: "object",
  required: ["path", "sha256", "bytes"],
  properties: { path: { type: "string" }, sha256: { type: "string" }, bytes: count },
};
const frame = {
  type: "object",
  required: ["name", "sha256", "rows", "columns"],
  properties: {
    name: { type: "string" },
    sha256: { type: "string" },
    rows: count,
    columns: strings,
  },
};

/** One journal line: a session's start, a seed change or an execution. */
export const JOURNAL_RECORD_SCHEMA: Record<string, unknown> = {
  oneOf: [
    {
      type: "object",
      required: ["type", "seed", "environment"],
      properties: {
        type: { const: "session" },
        seed: { type: "integer" },
        environment: { type: "object", additionalProperties: { type: "string" } },
        notebook: { type: "string" },
      },
    },
    {
      type: "object",
      required: ["type", "seed"],
      properties: { type: { const: "seed" }, seed: { type: "integer" } },
    },
    {
      type: "object",
      required: [
        "type",
        "cellId",
        "executionCount",
        "seed",
        "language",
        "sourceSha256",
        "status",
        "defines",
        "uses",
        "mutates",
        "reads",
        "writes",
        "frames",
        "nondeterminism",
      ],
      properties: {
        type: { const: "execution" },
        cellId: { type: "string" },
        executionCount: { type: "integer" },
        seed: { type: "integer" },
        language: { enum: ["typescript", "javascript"] },
        sourceSha256: { type: "string" },
        status: { enum: ["ok", "error"] },
        defines: strings,
        uses: strings,
        mutates: strings,
        reads: { type: "array", items: file },
        writes: { type: "array", items: file },
        frames: { type: "array", items: frame },
        nondeterminism: strings,
        observed: { type: "boolean" },
        loadTime: strings,
      },
    },
  ],
};
