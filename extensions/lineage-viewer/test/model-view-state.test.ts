import { describe, expect, it } from "vitest";
import { LineageModel, type LineageChange } from "../src/model.js";
import { sampleGraph } from "./fixtures.js";

function record(model: LineageModel): LineageChange[] {
  const seen: LineageChange[] = [];
  model.changed.connect((_, c) => seen.push(c));
  return seen;
}

describe("LineageModel view state", () => {
  it("in focus mode a new selection redraws the graph; otherwise it only restyles", () => {
    const m = new LineageModel();
    m.setData(sampleGraph(), "live");
    const seen = record(m);
    m.select("c1");
    m.setFocus(true);
    m.select("c2");
    m.setFocus(true);
    expect(seen).toEqual(["selection", "graph", "graph"]);
    expect(m.focus).toBe(true);
  });

  it("keeps the search text and says when it changes", () => {
    const m = new LineageModel();
    const seen = record(m);
    m.setQuery("df");
    m.setQuery("df");
    expect(m.query).toBe("df");
    expect(seen).toEqual(["search"]);
  });

  it("redraws when the cells not run in this kernel or the banner change, not when they repeat", () => {
    const m = new LineageModel();
    const seen = record(m);
    m.setProvenance(new Set(["c2"]), "1 cell not run in this kernel");
    m.setProvenance(new Set(["c2"]), "1 cell not run in this kernel");
    m.setProvenance(new Set(), "");
    expect(seen).toEqual(["graph", "graph"]);
    expect(m.notRunHere.size).toBe(0);
    expect(m.banner).toBe("");
  });
});
