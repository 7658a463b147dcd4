/** `--target VARIABLE` starts from the cell that last left the variable's value. */
import { expect, it } from "vitest";
import type { CellNode, LineageGraph } from "../../runtime/lineage/types.js";
import { sliceToTarget } from "../../runtime/export/slice.js";
import type { ExportCell, ExportSource } from "../../runtime/export/source.js";

const cell = (id: string, n: number, defines: string[]): ExportCell => ({
  id,
  executionCount: n,
  source: `// ${id}`,
  sourceSha256: "",
  stdout: undefined,
  outputSha256: undefined,
  reads: [],
  writes: [],
  defines,
});

const node = (id: string, n: number, defines: string[], mutates: string[] = []): CellNode => ({
  kind: "cell",
  id,
  executionCount: n,
  sourceSha256: "",
  defines,
  uses: [],
  mutates,
  status: "ok",
  stale: false,
  nondeterminism: [],
});

it("a variable last changed in place targets the cell that changed it, with its upstream", () => {
  // a: const xs = [1]; b: const other = 2; c: xs.push(other); d: console.log("unrelated")
  const lineage: LineageGraph = {
    schema: "replab.lineage/1",
    seed: 1,
    nodes: [
      node("a", 1, ["xs"]),
      node("b", 2, ["other"]),
      node("c", 3, [], ["xs"]),
      node("d", 4, []),
    ],
    edges: [
      { from: "a", to: "c", kind: "var", label: "xs" },
      { from: "b", to: "c", kind: "var", label: "other" },
    ],
  };
  const source: ExportSource = {
    name: "nb.ipynb",
    language: "typescript",
    notebookDir: "/tmp",
    seed: 1,
    cells: [cell("a", 1, ["xs"]), cell("b", 2, ["other"]), cell("c", 3, []), cell("d", 4, [])],
    lineage,
  };
  expect(sliceToTarget(source, "xs").cells.map((c) => c.id)).toEqual(["a", "b", "c"]);
  expect(sliceToTarget(source, "other").cells.map((c) => c.id)).toEqual(["b"]);
});
