import { describe, expect, it } from "vitest";
import { GraphIndex } from "../src/graph.js";
import { dependencyOrder, relatedCells, withUpstream } from "../src/run-order.js";
import type { LineageGraph } from "../src/schema.js";
import { sampleGraph, sha } from "./fixtures.js";

/** c1 -> c3 -> c2 through variables, though the notebook lists c1, c2, c3. */
function outOfOrder(): LineageGraph {
  const g = sampleGraph();
  g.edges = [
    { from: "c1", to: "c3", kind: "var", label: "a" },
    { from: "c3", to: "c2", kind: "var", label: "b" },
  ];
  return g;
}

describe("dependencyOrder", () => {
  const notebook = ["c1", "c2", "c3", "c4"];

  it("puts each cell after the cells it depends on, though the notebook lists it first", () => {
    const index = new GraphIndex(outOfOrder());
    expect(dependencyOrder(index, ["c2", "c3", "c1"], notebook)).toEqual(["c1", "c3", "c2"]);
  });

  it("keeps notebook order between independent cells", () => {
    const index = new GraphIndex(sampleGraph());
    expect(dependencyOrder(index, ["c4", "c2", "c3"], notebook)).toEqual(["c2", "c3", "c4"]);
  });

  it("orders through files: a cell reading what another wrote comes after it", () => {
    const g = sampleGraph();
    g.edges.push({ from: "file:out.json", to: "c2", kind: "read", label: "out.json" });
    g.edges = g.edges.filter((e) => !(e.from === "c2" && e.to === "c3"));
    const index = new GraphIndex(g);
    expect(dependencyOrder(index, ["c2", "c3"], notebook)).toEqual(["c3", "c2"]);
  });

  it("still returns every cell once when the graph has a cycle", () => {
    const g = outOfOrder();
    g.edges.push({ from: "c2", to: "c1", kind: "var", label: "loop" });
    const order = dependencyOrder(new GraphIndex(g), ["c1", "c2", "c3"], notebook);
    expect([...order].sort()).toEqual(["c1", "c2", "c3"]);
  });
});

describe("withUpstream and relatedCells", () => {
  it("runs a cell after every cell it depends on, and none that do not feed it", () => {
    const index = new GraphIndex(sampleGraph());
    expect(withUpstream(index, "c3", ["c1", "c2", "c3", "c4"])).toEqual(["c1", "c2", "c3"]);
    expect(withUpstream(index, "c1", ["c1", "c2", "c3", "c4"])).toEqual(["c1"]);
  });

  it("lists cells only, not files or frames", () => {
    const index = new GraphIndex(sampleGraph());
    expect([...relatedCells(index, "c1", "downstream")].sort()).toEqual(["c2", "c3", "c4"]);
    expect([...relatedCells(index, "c3", "upstream")].sort()).toEqual(["c1", "c2"]);
    expect(index.nodes.has(`frame:${sha("df")}`)).toBe(true);
  });
});
