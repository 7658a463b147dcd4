/**
 * Lineage graphs written by hand following schema/lineage.schema.json, for unit tests and
 * the browser test (which stores them in notebook metadata and outputs, with no kernel).
 */
import { createHash } from "node:crypto";
import type { LineageGraph } from "../src/schema.js";

/** A deterministic fake sha256 for a name. */
export function sha(name: string): string {
  return createHash("sha256").update(name).digest("hex");
}

/**
 * Four cells: c1 reads data.csv into a frame `df`, c2 derives `stats` from df, c3 writes
 * out.json from stats and uses the clock, c4 is stale (its input `df` changed since it ran).
 */
export function sampleGraph(): LineageGraph {
  const cell = (id: string, n: number, defines: string[], uses: string[]) => ({
    kind: "cell" as const,
    id,
    executionCount: n,
    sourceSha256: sha(`src-${id}`),
    defines,
    uses,
    status: "ok" as const,
    stale: false,
    nondeterminism: [] as string[],
  });
  const c3 = { ...cell("c3", 3, [], ["stats"]), nondeterminism: ["clock:Date.now"] };
  const c4 = { ...cell("c4", 4, ["plot"], ["df"]), stale: true };
  return {
    schema: "replab.lineage/1",
    seed: 42,
    nodes: [
      cell("c1", 1, ["df"], []),
      cell("c2", 2, ["stats"], ["df"]),
      c3,
      c4,
      { kind: "file", id: "file:data.csv", path: "data.csv", sha256: sha("data"), bytes: 2048 },
      { kind: "file", id: "file:out.json", path: "out.json", sha256: sha("out"), bytes: 120 },
      {
        kind: "frame",
        id: `frame:${sha("df")}`,
        sha256: sha("df"),
        rows: 344,
        columns: ["a", "b"],
      },
    ],
    edges: [
      { from: "file:data.csv", to: "c1", kind: "read", label: "data.csv" },
      { from: "c1", to: `frame:${sha("df")}`, kind: "frame", label: "df" },
      { from: "c1", to: "c2", kind: "var", label: "df" },
      { from: "c2", to: "c3", kind: "var", label: "stats" },
      { from: "c3", to: "file:out.json", kind: "write", label: "out.json" },
      { from: "c1", to: "c4", kind: "var", label: "df" },
    ],
  };
}

/**
 * A notebook-sized stress graph: `cells` cells where each cell uses the previous two cells'
 * variables, and every tenth cell reads a file; ids are `cell-<i>`.
 */
export function bigGraph(cells: number): LineageGraph {
  const nodes: LineageGraph["nodes"] = [];
  const edges: LineageGraph["edges"] = [];
  for (let i = 0; i < cells; i++) {
    const uses = [i - 1, i - 2].filter((j) => j >= 0).map((j) => `v${j}`);
    nodes.push({
      kind: "cell",
      id: `cell-${i}`,
      executionCount: i + 1,
      sourceSha256: sha(`big-${i}`),
      defines: [`v${i}`],
      uses,
      status: "ok",
      stale: i % 37 === 5,
      nondeterminism: i % 53 === 7 ? ["crypto:randomUUID"] : [],
    });
    for (const j of [i - 1, i - 2]) {
      if (j >= 0) edges.push({ from: `cell-${j}`, to: `cell-${i}`, kind: "var", label: `v${j}` });
    }
    if (i % 10 === 0) {
      const path = `data/part-${i}.csv`;
      nodes.push({ kind: "file", id: `file:${path}`, path, sha256: sha(path), bytes: 1000 + i });
      edges.push({ from: `file:${path}`, to: `cell-${i}`, kind: "read", label: path });
    }
  }
  return { schema: "replab.lineage/1", seed: 7, nodes, edges };
}

/**
 * The shape dagre handles worst: one dataframe (`df`, cell-0) used by every third cell,
 * plus a chain through the previous cell; `cells` cells.
 */
export function fanGraph(cells: number): LineageGraph {
  const g = bigGraph(cells);
  g.edges = g.edges.filter(
    (e) => e.kind !== "var" || e.from === `cell-${Number(e.to.slice("cell-".length)) - 1}`,
  );
  for (let i = 2; i < cells; i += 3) {
    g.edges.push({ from: "cell-0", to: `cell-${i}`, kind: "var", label: "df" });
  }
  return g;
}
