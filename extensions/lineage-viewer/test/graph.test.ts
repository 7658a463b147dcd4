import { describe, expect, it } from "vitest";
import { clip, formatBytes, GraphIndex, nodeText, shortHash } from "../src/graph.js";
import type { LineageGraph } from "../src/schema.js";
import { sampleGraph, sha } from "./fixtures.js";

const frameId = `frame:${sha("df")}`;

describe("GraphIndex", () => {
  const index = new GraphIndex(sampleGraph());

  it("finds everything upstream of a cell, through cells and files", () => {
    expect([...index.upstream("c3")].sort()).toEqual(["c1", "c2", "file:data.csv"]);
    expect(index.upstream("file:data.csv").size).toBe(0);
  });

  it("finds everything downstream of a cell", () => {
    expect([...index.downstream("c1")].sort()).toEqual(
      ["c2", "c3", "c4", "file:out.json", frameId].sort(),
    );
    expect([...index.downstream("c4")]).toEqual([]);
  });

  it("terminates on cycles and leaves the start out", () => {
    const g = sampleGraph();
    g.edges.push({ from: "c3", to: "c1", kind: "var", label: "loop" });
    const cyclic = new GraphIndex(g);
    expect(cyclic.upstream("c1").has("c1")).toBe(false);
    expect(cyclic.downstream("c1").has("c3")).toBe(true);
  });

  it("drops edges whose ends are missing and counts them", () => {
    const g: LineageGraph = sampleGraph();
    g.edges.push({ from: "ghost", to: "c1", kind: "var", label: "x" });
    const i = new GraphIndex(g);
    expect(i.droppedEdges).toBe(1);
    expect(i.edges).toHaveLength(6);
    expect(i.upstream("c1").has("ghost")).toBe(false);
  });

  it("summarises kinds, stale and nondeterministic cells", () => {
    expect(index.summary()).toEqual({ cells: 4, files: 2, frames: 1, stale: 1, nondet: 1 });
  });
});

describe("search and focus", () => {
  const index = new GraphIndex(sampleGraph());

  it("finds cells by variable, id or [n], files by path, frames by variable", () => {
    expect([...index.search("stats")].sort()).toEqual(["c2", "c3"]);
    expect([...index.search("[4]")]).toEqual(["c4"]);
    expect([...index.search("4")]).toEqual(["c4"]);
    expect([...index.search("DATA.csv")]).toEqual(["file:data.csv"]);
    expect([...index.search("df")].sort()).toEqual(["c1", "c2", "c4", frameId].sort());
    expect(index.search("  ").size).toBe(0);
    expect(index.search("nothing-like-it").size).toBe(0);
  });

  it("restricts the graph to a node set with the edges among them", () => {
    const sub = index.subgraph(new Set(["c1", "c2", "c3"]));
    expect([...sub.nodes.keys()]).toEqual(["c1", "c2", "c3"]);
    expect(sub.edges.map((e) => `${e.from}>${e.to}`)).toEqual(["c1>c2", "c2>c3"]);
  });
});

describe("nodeText", () => {
  const nodes = new GraphIndex(sampleGraph()).nodes;

  it("shows the execution count and marks on cells", () => {
    expect(nodeText(nodes.get("c1")!).title).toBe("[1]");
    expect(nodeText(nodes.get("c1")!).detail).toBe("df");
    expect(nodeText(nodes.get("c4")!).title).toBe("[4] stale");
    expect(nodeText(nodes.get("c3")!).title).toBe("[3] nondet");
    expect(nodeText(nodes.get("c3")!).tooltip).toContain("clock:Date.now");
  });

  it("shows a blank count for a cell that never ran, and errors", () => {
    const c = { ...(nodes.get("c1") as Extract<LineageGraph["nodes"][number], { kind: "cell" }>) };
    expect(nodeText({ ...c, executionCount: null, status: "not-run" }).title).toBe("[ ]");
    expect(nodeText({ ...c, status: "error" }).title).toBe("[1] error");
  });

  it("shows a short hash on files and frames", () => {
    expect(nodeText(nodes.get("file:data.csv")!)).toMatchObject({
      title: "data.csv",
      detail: `${sha("data").slice(0, 8)} · 2.0 kB`,
    });
    expect(nodeText(nodes.get(frameId)!)).toMatchObject({
      title: "frame 344×2",
      detail: shortHash(sha("df")),
    });
  });

  it("names a frame by the variable holding it", () => {
    const index = new GraphIndex(sampleGraph());
    expect(index.frameVar(frameId)).toBe("df");
    expect(nodeText(nodes.get(frameId)!, "df")).toMatchObject({ title: "df 344×2" });
    expect(nodeText(nodes.get(frameId)!, "df").tooltip).toMatch(/^dataframe df, 344 rows/);
  });

  it("clips long names and formats sizes", () => {
    expect(clip("a".repeat(30))).toHaveLength(22);
    expect(clip("short")).toBe("short");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1_500_000)).toBe("1.5 MB");
    expect(formatBytes(25_000)).toBe("25 kB");
  });
});
