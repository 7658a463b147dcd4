import { describe, expect, it } from "vitest";
import { mergePrevious } from "../src/provenance.js";
import type { LineageGraph } from "../src/schema.js";
import { sampleGraph } from "./fixtures.js";

describe("mergePrevious", () => {
  it("adds the previous kernel's cells this kernel has not run, with their edges", () => {
    const previous = sampleGraph();
    const live: LineageGraph = {
      ...previous,
      nodes: previous.nodes.filter((n) => n.id === "c1" || n.id === "file:data.csv"),
      edges: previous.edges.filter((e) => e.to === "c1"),
    };
    const all = new Set(["c1", "c2", "c3", "c4"]);
    const { graph, notRunHere } = mergePrevious(live, previous, all);
    expect([...notRunHere].sort()).toEqual(["c2", "c3", "c4"]);
    expect(graph.nodes).toHaveLength(previous.nodes.length);
    expect(graph.edges).toHaveLength(previous.edges.length);
    // This kernel's nodes come first and are this kernel's.
    expect(graph.nodes[0]).toBe(live.nodes[0]);
  });

  it("leaves out cells deleted from the notebook since", () => {
    const previous = sampleGraph();
    const live: LineageGraph = { ...previous, nodes: [], edges: [] };
    const { notRunHere } = mergePrevious(live, previous, new Set(["c1"]));
    expect([...notRunHere]).toEqual(["c1"]);
  });
});
