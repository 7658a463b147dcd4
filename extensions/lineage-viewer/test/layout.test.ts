import { describe, expect, it } from "vitest";
import { GraphIndex } from "../src/graph.js";
import {
  DAGRE_MAX_NODES,
  edgeLabelText,
  layoutColumns,
  layoutGraph,
  NODE_HEIGHT,
  orderNodes,
  NODE_WIDTH,
  type Layout,
} from "../src/layout.js";
import { bigGraph, fanGraph, sampleGraph } from "./fixtures.js";

function overlaps(layout: Layout): number {
  let n = 0;
  const ns = layout.nodes;
  for (let i = 0; i < ns.length; i++) {
    for (let j = i + 1; j < ns.length; j++) {
      const a = ns[i];
      const b = ns[j];
      if (Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT) n++;
    }
  }
  return n;
}

describe("layoutGraph", () => {
  it("places every node inside the drawing, without overlaps", () => {
    const layout = layoutGraph(new GraphIndex(sampleGraph()));
    expect(layout.nodes).toHaveLength(7);
    for (const n of layout.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.y - n.height / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width / 2).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(layout.height);
    }
    expect(overlaps(layout)).toBe(0);
  });

  it("keeps graph order for nodes, so Tab walks them as the notebook does", () => {
    const layout = layoutGraph(new GraphIndex(sampleGraph()));
    expect(layout.nodes.map((n) => n.id).slice(0, 4)).toEqual(["c1", "c2", "c3", "c4"]);
  });

  it("routes every edge downwards from its source to its target, with its label", () => {
    const layout = layoutGraph(new GraphIndex(sampleGraph()));
    const pos = new Map(layout.nodes.map((n) => [n.id, n]));
    expect(layout.edges).toHaveLength(6);
    for (const e of layout.edges) {
      expect(e.points.length).toBeGreaterThanOrEqual(2);
      expect(pos.get(e.to)!.y).toBeGreaterThan(pos.get(e.from)!.y);
      expect(e.label.length).toBeGreaterThan(0);
    }
  });

  it("clips long edge labels", () => {
    expect(edgeLabelText("x".repeat(40))).toHaveLength(18);
    expect(edgeLabelText("df")).toBe("df");
  });

  it("uses dagre up to DAGRE_MAX_NODES nodes and the notebook-order layout above", () => {
    const small = layoutGraph(new GraphIndex(bigGraph(40)));
    const large = layoutGraph(new GraphIndex(bigGraph(60)));
    expect(new GraphIndex(bigGraph(40)).nodes.size).toBeLessThanOrEqual(DAGRE_MAX_NODES);
    // The notebook-order layout keeps every cell in one column.
    expect(
      new Set(small.nodes.filter((n) => n.node.kind === "cell").map((n) => n.x)).size,
    ).toBeGreaterThan(1);
    expect(new Set(large.nodes.filter((n) => n.node.kind === "cell").map((n) => n.x)).size).toBe(1);
  });

  for (const [name, graph] of [
    ["a 200-cell chain", bigGraph(200)],
    ["a 200-cell fan-out (one frame used by 66 cells)", fanGraph(200)],
  ] as const) {
    it(`lays out ${name} readably: full-size nodes, no overlaps, bounded width`, () => {
      const index = new GraphIndex(graph);
      const started = performance.now();
      const layout = layoutGraph(index);
      const ms = performance.now() - started;
      expect(layout.nodes).toHaveLength(220);
      expect(overlaps(layout)).toBe(0);
      expect(layout.nodes.every((n) => n.width === NODE_WIDTH)).toBe(true);
      // One cell column, lanes and one side column: a sidebar can show it at 100 %.
      expect(layout.width).toBeLessThan(1000);
      // Cells keep notebook order top to bottom.
      const ys = layout.nodes.filter((n) => n.node.kind === "cell").map((n) => n.y);
      expect(ys).toEqual([...ys].sort((a, b) => a - b));
      // Measured, not asserted (tests never assert on wall time).
      process.stderr.write(`layout of ${name}: ${ms.toFixed(0)} ms, ${layout.width} px wide\n`);
    });
  }

  it("routes cell-to-cell edges on lanes left of the cells, ending at the target", () => {
    const layout = layoutColumns(new GraphIndex(fanGraph(100)));
    const pos = new Map(layout.nodes.map((n) => [n.id, n]));
    for (const e of layout.edges.filter((x) => x.kind === "var")) {
      const to = pos.get(e.to)!;
      const last = e.points[e.points.length - 1];
      expect(last.x).toBe(to.x - NODE_WIDTH / 2);
      expect(Math.abs(last.y - to.y)).toBeLessThanOrEqual(NODE_HEIGHT / 2);
      expect(Math.min(...e.points.map((p) => p.x))).toBeLessThan(to.x - NODE_WIDTH / 2);
      expect(e.labelAnchor).toBe("end");
    }
    // One (source, variable) pair shares a lane: all 33 "df" edges run on one vertical line.
    const dfLanes = new Set(layout.edges.filter((e) => e.label === "df").map((e) => e.points[1].x));
    expect(dfLanes.size).toBe(1);
  });

  it("puts each file beside the first cell that touches it", () => {
    const layout = layoutColumns(new GraphIndex(bigGraph(100)));
    const pos = new Map(layout.nodes.map((n) => [n.id, n]));
    expect(pos.get("file:data/part-50.csv")!.y).toBe(pos.get("cell-50")!.y);
    expect(pos.get("file:data/part-50.csv")!.x).toBeGreaterThan(pos.get("cell-50")!.x);
  });

  it("follows the notebook's cell order, not the kernel's execution order", () => {
    const index = new GraphIndex(sampleGraph());
    const ids = orderNodes(index, ["c4", "c2", "c1", "c3"]).map((n) => n.id);
    expect(ids.slice(0, 4)).toEqual(["c4", "c2", "c1", "c3"]);
    expect(ids.slice(4)).toEqual([...index.nodes.keys()].slice(4));
    // Cells the notebook does not list keep their graph order after the listed ones.
    expect(
      orderNodes(index, ["c3"])
        .map((n) => n.id)
        .slice(0, 4),
    ).toEqual(["c3", "c1", "c2", "c4"]);
    const big = layoutGraph(new GraphIndex(bigGraph(100)), ["cell-99", "cell-0"]);
    const y = (id: string) => big.nodes.find((n) => n.id === id)!.y;
    expect(y("cell-99")).toBeLessThan(y("cell-0"));
    expect(y("cell-0")).toBeLessThan(y("cell-1"));
  });

  it("gives an empty graph a zero size (dagre says -Infinity)", () => {
    const layout = layoutGraph(
      new GraphIndex({ schema: "replab.lineage/1", seed: 1, nodes: [], edges: [] }),
    );
    expect(layout).toEqual({ width: 0, height: 0, nodes: [], edges: [] });
  });
});
