import { describe, expect, it } from "vitest";
import { GraphIndex } from "../src/graph.js";
import { layoutGraph, MIN_NODE_WIDTH, NODE_HEIGHT, type Layout } from "../src/layout.js";
import { bigGraph, sampleGraph, sha } from "./fixtures.js";

/** Pairs of nodes whose boxes overlap. */
function overlaps(layout: Layout): number {
  let n = 0;
  const ns = layout.nodes;
  for (let i = 0; i < ns.length; i++) {
    for (let j = i + 1; j < ns.length; j++) {
      const a = ns[i];
      const b = ns[j];
      if (Math.abs(a.x - b.x) < (a.width + b.width) / 2 && Math.abs(a.y - b.y) < NODE_HEIGHT) n++;
    }
  }
  return n;
}

describe("layout at sidebar width", () => {
  it("fits a 150-cell notebook into 250 px, one column top to bottom, nodes readable", () => {
    const index = new GraphIndex(bigGraph(150));
    const layout = layoutGraph(index, [], 234);
    expect(layout.width).toBeLessThanOrEqual(234);
    expect(overlaps(layout)).toBe(0);
    const xs = new Set(layout.nodes.map((n) => n.x));
    expect(xs.size).toBe(1);
    expect(Math.min(...layout.nodes.map((n) => n.width))).toBeGreaterThanOrEqual(MIN_NODE_WIDTH);
    // Top to bottom in notebook order.
    const y = (id: string) => layout.nodes.find((n) => n.id === id)?.y ?? NaN;
    expect(y("cell-0")).toBeLessThan(y("cell-1"));
    expect(y("cell-148")).toBeLessThan(y("cell-149"));
  });

  it("puts a file just above the cell that reads it and a frame just below its cell", () => {
    const layout = layoutGraph(new GraphIndex(sampleGraph()), ["c1", "c2", "c3", "c4"], 230);
    const order = [...layout.nodes].sort((a, b) => a.y - b.y).map((n) => n.id);
    expect(order.slice(0, 3)).toEqual(["file:data.csv", "c1", `frame:${sha("df")}`]);
    expect(order.indexOf("file:out.json")).toBe(order.indexOf("c3") + 1);
  });

  it("keeps the wider layouts when they fit", () => {
    const index = new GraphIndex(sampleGraph());
    const wide = layoutGraph(index);
    expect(layoutGraph(index, [], wide.width + 10)).toEqual(wide);
    expect(layoutGraph(index, [], 0)).toEqual(wide);
  });

  it("routes every edge to its target's left side, its label beside the arrow", () => {
    const layout = layoutGraph(new GraphIndex(sampleGraph()), [], 230);
    const left = layout.nodes[0].x - layout.nodes[0].width / 2;
    for (const e of layout.edges) {
      expect(e.points.at(-1)?.x).toBe(left);
      expect(e.labelX).toBeLessThan(left);
    }
  });
});

describe("stacked layout order", () => {
  it("lists nodes in graph order, so Tab walks the cells as the notebook does", () => {
    const index = new GraphIndex(sampleGraph());
    const layout = layoutGraph(index, [], 230);
    expect(layout.nodes.map((n) => n.id)).toEqual([...index.nodes.keys()]);
  });
});
