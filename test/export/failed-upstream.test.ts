/**
 * A cell that used a variable from a cell whose last run failed (issue 8, item 7: never a
 * pipeline that crashes). The export holds only the cells that succeeded, so the pipeline ran
 * the user without what the failed cell set before it threw, and crashed with ReferenceError
 * while the export said it succeeded. It is refused in one line naming both cells; a failed
 * cell nothing uses still exports, as before.
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

/** Run CELLS under KERNEL with --allow-errors and export; the export's result and directory. */
function exportAfterFailure(name: string, cells: string[], kernel: string) {
  const dir = scratch(name);
  writeNotebook(join(dir, `${name}.ipynb`), cells, kernel);
  expect(replab(["run", `${name}.ipynb`, "--inplace", "--allow-errors"], { cwd: dir }).code).toBe(
    0,
  );
  return {
    exported: replab(["export", `${name}.ipynb`, "-o", "out"], { cwd: dir }),
    out: join(dir, "out"),
  };
}

it.each(["replab", "replab-js"])(
  "refuses a cell that used a variable from a failed cell, naming both (%s)",
  (kernel) => {
    const { exported } = exportAfterFailure(
      "failed-upstream",
      ['var y = 1;\nthrow new Error("boom");', "console.log(y);"],
      kernel,
    );
    expect(exported.stderr).toMatch(
      /^replab: cell c2 uses y from cell c1, whose last run failed[^\n]*\n$/,
    );
    expect(exported.code).toBe(1);
  },
);

it("exports past a failed cell that no later cell uses, and the export verifies", () => {
  const { exported, out } = exportAfterFailure(
    "failed-unused",
    ['throw new Error("boom");', "const z = 2;\nconsole.log(z);"],
    "replab-js",
  );
  expect(exported.code).toBe(0);
  expect(replab(["verify", out]).code).toBe(0);
});
