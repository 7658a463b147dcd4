// The hand-written mirror (src/schema.ts) against the shared JSON Schema file: if the schema
// changes and the mirror does not, these fail.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import {
  CELL_STATUSES,
  EDGE_KINDS,
  LINEAGE_SCHEMA,
  LineageFormatError,
  parseLineage,
  REQUIRED_FIELDS,
} from "../src/schema.js";
import { bigGraph, sampleGraph } from "./fixtures.js";

const here = dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(
  readFileSync(resolve(here, "../../../schema/lineage.schema.json"), "utf8"),
) as {
  required: string[];
  properties: { schema: { const: string }; previousSession: { required: string[] } };
  $defs: Record<string, { required: string[]; properties: Record<string, { enum?: string[] }> }>;
};
const ajv = new Ajv2020({ allErrors: true });
const validate = ajv.compile(schema);

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    return e instanceof LineageFormatError ? e.code : "other";
  }
}

describe("schema mirror", () => {
  it("has the schema's version tag, required fields and enums", () => {
    expect(LINEAGE_SCHEMA).toBe(schema.properties.schema.const);
    expect([...REQUIRED_FIELDS.graph]).toEqual(schema.required);
    for (const kind of ["cellNode", "fileNode", "frameNode", "edge"] as const) {
      expect([...REQUIRED_FIELDS[kind]]).toEqual(schema.$defs[kind].required);
    }
    expect([...REQUIRED_FIELDS.previousSession]).toEqual(
      schema.properties.previousSession.required,
    );
    expect([...CELL_STATUSES]).toEqual(schema.$defs.cellNode.properties.status.enum);
    expect([...EDGE_KINDS]).toEqual(schema.$defs.edge.properties.kind.enum);
  });

  it("fixtures are valid by the schema file itself", () => {
    expect(validate(sampleGraph()), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(bigGraph(200)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("accepts what the schema accepts and keeps fields it does not know", () => {
    const g = { ...sampleGraph(), extra: 1 };
    const parsed = parseLineage(g) as unknown as Record<string, unknown>;
    expect(parsed.extra).toBe(1);
    expect(parseLineage(sampleGraph())).toEqual(sampleGraph());
  });

  // Each mutation breaks one rule of the schema; the schema and the parser must both refuse it.
  const mutations: [string, (g: Record<string, unknown>) => void, RegExp][] = [
    ["wrong version", (g) => (g.schema = "replab.lineage/2"), /lineage\.schema/],
    ["seed not an integer", (g) => (g.seed = 1.5), /lineage\.seed/],
    ["nodes missing", (g) => delete g.nodes, /lineage\.nodes/],
    ["unknown node kind", (g) => (node(g, 0).kind = "table"), /nodes\[0\]\.kind/],
    ["bad hash", (g) => (node(g, 0).sourceSha256 = "ABC"), /nodes\[0\]\.sourceSha256/],
    ["stale not boolean", (g) => (node(g, 1).stale = "yes"), /nodes\[1\]\.stale/],
    ["bad status", (g) => (node(g, 1).status = "done"), /nodes\[1\]\.status/],
    ["count not integer", (g) => (node(g, 1).executionCount = "3"), /executionCount/],
    ["file id prefix", (g) => (node(g, 4).id = "data.csv"), /nodes\[4\]\.id/],
    ["negative bytes", (g) => (node(g, 4).bytes = -1), /nodes\[4\]\.bytes/],
    ["frame columns", (g) => (node(g, 6).columns = [1]), /nodes\[6\]\.columns/],
    ["edge kind", (g) => (edge(g, 0).kind = "calls"), /edges\[0\]\.kind/],
    ["edge label missing", (g) => delete edge(g, 2).label, /edges\[2\]\.label/],
  ];
  for (const [name, mutate, where] of mutations) {
    it(`refuses ${name}, naming the field`, () => {
      const g = structuredClone(sampleGraph()) as unknown as Record<string, unknown>;
      mutate(g);
      expect(validate(g)).toBe(false);
      expect(codeOf(() => parseLineage(g))).toBe("LINEAGE_FORMAT");
      expect(() => parseLineage(g)).toThrow(where);
    });
  }

  it("reads the previous session a restarted kernel recovered, its graph checked as strictly", () => {
    const g = withPrevious();
    expect(validate(g), JSON.stringify(validate.errors)).toBe(true);
    const parsed = parseLineage(g);
    expect(parsed.previousSession?.journal).toBe(".replab/session-1764658800000-4242.jsonl");
    expect(parsed.previousSession?.endedAt).toBe("2026-12-02T07:12:05.000Z");
    expect(parsed.previousSession?.torn).toBe(1);
    expect(parsed.previousSession?.graph.nodes.map((n) => n.id)).toEqual(
      sampleGraph().nodes.map((n) => n.id),
    );
    // A kernel that names no end (older replab) is still read.
    const older = withPrevious();
    delete (older.previousSession as Record<string, unknown>).endedAt;
    expect(parseLineage(older).previousSession?.endedAt).toBeUndefined();
  });

  const previousMutations: [string, (p: Record<string, unknown>) => void, RegExp][] = [
    ["journal missing", (p) => delete p.journal, /previousSession\.journal/],
    ["torn negative", (p) => (p.torn = -1), /previousSession\.torn/],
    ["graph not a lineage", (p) => (p.graph = { nodes: [] }), /previousSession\.graph\.schema/],
    [
      "a bad node inside its graph",
      (p) =>
        (((p.graph as Record<string, unknown>).nodes as Record<string, unknown>[])[1].status =
          "done"),
      /previousSession\.graph\.nodes\[1\]\.status/,
    ],
    ["endedAt not a string", (p) => (p.endedAt = 1764659525000), /previousSession\.endedAt/],
  ];
  for (const [name, mutate, where] of previousMutations) {
    it(`refuses a previous session with ${name}, naming the field`, () => {
      const g = withPrevious();
      mutate(g.previousSession as Record<string, unknown>);
      expect(validate(g)).toBe(false);
      expect(codeOf(() => parseLineage(g))).toBe("LINEAGE_FORMAT");
      expect(() => parseLineage(g)).toThrow(where);
    });
  }

  it("refuses non-objects", () => {
    for (const v of [null, 3, "x", []])
      expect(codeOf(() => parseLineage(v))).toBe("LINEAGE_FORMAT");
  });
});

/** A fresh kernel's graph: nothing of its own yet, the killed kernel's lineage recovered. */
function withPrevious(): Record<string, unknown> & { previousSession: unknown } {
  return {
    ...structuredClone(sampleGraph()),
    nodes: [],
    edges: [],
    previousSession: {
      journal: ".replab/session-1764658800000-4242.jsonl",
      torn: 1,
      endedAt: "2026-12-02T07:12:05.000Z",
      graph: structuredClone(sampleGraph()),
    },
  };
}

function node(g: Record<string, unknown>, i: number): Record<string, unknown> {
  return (g.nodes as Record<string, unknown>[])[i];
}

function edge(g: Record<string, unknown>, i: number): Record<string, unknown> {
  return (g.edges as Record<string, unknown>[])[i];
}
