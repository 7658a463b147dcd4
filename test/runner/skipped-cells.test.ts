/**
 * Cells `replab run` does not reach after a failure (issue 8, item 8) carry no execution count
 * and no outputs, even in a notebook saved from an earlier run: a count left from that run would
 * show the skipped cell as run (`[6]:`), where ipykernel and JupyterLab show `[ ]`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { nbformatErrors, readJson, replab, scratch } from "../cli/helpers.js";

it("leaves the cells after a failing one without a count or outputs from the last run", () => {
  const dir = scratch("skipped-cells");
  const stale = [{ output_type: "stream", name: "stdout", text: ["from the last run\n"] }];
  const cell = (id: string, source: string, count: number): Record<string, unknown> => ({
    cell_type: "code",
    id,
    metadata: {},
    source,
    outputs: stale,
    execution_count: count,
  });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "replab", display_name: "TypeScript", language: "typescript" },
    },
    cells: [
      cell("first", 'console.log("first")', 5),
      cell("fails", 'throw new Error("no data")', 6),
      cell("skipped", 'console.log("never")', 6),
      cell("also-skipped", 'console.log("never")', 7),
    ],
  };
  writeFileSync(join(dir, "ran-before.ipynb"), JSON.stringify(nb));
  const run = replab(["run", "ran-before.ipynb", "-o", "out.ipynb", "--quiet"], { cwd: dir });
  expect(run.code).toBe(1);
  const out = join(dir, "out.ipynb");
  expect(nbformatErrors(out)).toBe("");
  const cells = readJson(out).cells;
  expect(cells.map((c) => c["execution_count"])).toEqual([1, 2, null, null]);
  expect(cells[2]?.["outputs"]).toEqual([]);
  expect(cells[3]?.["outputs"]).toEqual([]);
});
