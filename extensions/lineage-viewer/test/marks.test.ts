import { describe, expect, it } from "vitest";
import { badgeText } from "../src/cell-marks.js";
import { GraphIndex } from "../src/graph.js";
import { cellMarks, outOfDate, plural, type NotebookFacts } from "../src/marks.js";
import type { CellNode, LineageGraph } from "../src/schema.js";
import { sha } from "./fixtures.js";

const cell = (id: string, n: number, defines: string[], uses: string[]): CellNode => ({
  kind: "cell",
  id,
  executionCount: n,
  sourceSha256: sha(`src-${id}`),
  defines,
  uses,
  status: "ok",
  stale: false,
  nondeterminism: [],
});

/** let x (re-run as [5]); y = x * 10 (stale); log(y + 1); text = read(data.txt); log(text). */
function chain(): LineageGraph {
  return {
    schema: "replab.lineage/1",
    seed: 1,
    nodes: [
      cell("x", 5, ["x"], []),
      { ...cell("y", 2, ["y"], ["x"]), stale: true },
      cell("log", 3, [], ["y"]),
      cell("read", 4, ["text"], []),
      cell("len", 6, [], ["text"]),
      { kind: "file", id: "file:data.txt", path: "data.txt", sha256: sha("v1"), bytes: 3 },
    ],
    edges: [
      { from: "x", to: "y", kind: "var", label: "x" },
      { from: "y", to: "log", kind: "var", label: "y" },
      { from: "file:data.txt", to: "read", kind: "read", label: "data.txt", sha256: sha("v1") },
      { from: "read", to: "len", kind: "var", label: "text" },
    ],
  };
}

const sources = (g: LineageGraph): Map<string, string> =>
  new Map(g.nodes.flatMap((n) => (n.kind === "cell" ? [[n.id, n.sourceSha256] as const] : [])));
const facts = (g: LineageGraph, over: Partial<NotebookFacts> = {}): NotebookFacts => ({
  sources: sources(g),
  files: new Map(),
  notRunHere: new Set(),
  ...over,
});

describe("cellMarks", () => {
  it("marks a stale cell with the input that was redefined, and its downstream transitively", () => {
    const g = chain();
    const marks = cellMarks(new GraphIndex(g), facts(g));
    expect(marks.get("y")).toEqual({ kinds: ["stale"], reasons: ["uses `x`, redefined by [5]"] });
    expect(marks.get("log")).toEqual({
      kinds: ["downstream"],
      reasons: ["depends on [2], which is out of date"],
    });
    expect(marks.has("x")).toBe(false);
    expect(marks.has("read")).toBe(false);
    expect([...outOfDate(marks)].sort()).toEqual(["log", "y"]);
  });

  it("marks a cell whose source no longer has the hash it ran with as edited", () => {
    const g = chain();
    g.nodes[1] = { ...(g.nodes[1] as CellNode), stale: false };
    const edited = new Map(sources(g)).set("read", sha("something else"));
    const marks = cellMarks(new GraphIndex(g), facts(g, { sources: edited }));
    expect(marks.get("read")?.kinds).toEqual(["edited"]);
    expect(marks.get("len")?.kinds).toEqual(["downstream"]);
    expect(marks.size).toBe(2);
  });

  it("marks a cell whose input file changed or went, unless the cell wrote it itself", () => {
    const g = chain();
    g.nodes[1] = { ...(g.nodes[1] as CellNode), stale: false };
    const index = new GraphIndex(g);
    const changed = cellMarks(index, facts(g, { files: new Map([["file:data.txt", sha("v2")]]) }));
    expect(changed.get("read")).toEqual({
      kinds: ["input-changed"],
      reasons: ["reads data.txt, changed on disk since it ran"],
    });
    expect(changed.get("len")?.kinds).toEqual(["downstream"]);
    const gone = cellMarks(index, facts(g, { files: new Map([["file:data.txt", ""]]) }));
    expect(gone.get("read")?.reasons).toEqual([
      "reads data.txt (deleted), changed on disk since it ran",
    ]);
    const same = cellMarks(index, facts(g, { files: new Map([["file:data.txt", sha("v1")]]) }));
    expect(same.size).toBe(0);
    g.edges.push({
      from: "read",
      to: "file:data.txt",
      kind: "write",
      label: "data.txt",
      sha256: sha("v2"),
    });
    const own = cellMarks(
      new GraphIndex(g),
      facts(g, { files: new Map([["file:data.txt", sha("v2")]]) }),
    );
    expect(own.has("read")).toBe(false);
  });

  it("marks nondeterministic and not-run-here cells without calling them out of date", () => {
    const g = chain();
    g.nodes[1] = { ...(g.nodes[1] as CellNode), stale: false };
    g.nodes[3] = { ...(g.nodes[3] as CellNode), nondeterminism: ["clock:Date.now"] };
    const marks = cellMarks(new GraphIndex(g), facts(g, { notRunHere: new Set(["x"]) }));
    expect(marks.get("read")).toEqual({
      kinds: ["nondeterministic"],
      reasons: ["nondeterministic: clock:Date.now"],
    });
    expect(marks.get("x")?.kinds).toEqual(["not-run-here"]);
    expect(outOfDate(marks).size).toBe(0);
    expect(badgeText(marks.get("read")!)).toBe("⚠");
    expect(badgeText({ kinds: ["stale", "nondeterministic"], reasons: ["", ""] })).toBe("stale ⚠");
  });

  it("does not call a cell that never ran edited", () => {
    const g = chain();
    g.nodes[4] = { ...(g.nodes[4] as CellNode), status: "not-run", executionCount: null };
    const edited = new Map(sources(g)).set("len", sha("new"));
    const marks = cellMarks(new GraphIndex(g), facts(g, { sources: edited }));
    expect(marks.get("len")?.kinds ?? []).not.toContain("edited");
  });
});

describe("plural", () => {
  it("says 1 cell and 2 cells", () => {
    expect(plural(1, "cell")).toBe("1 cell");
    expect(plural(0, "file")).toBe("0 files");
    expect(plural(2, "match", "matches")).toBe("2 matches");
  });
});
