/**
 * `--target` slices follow the lineage observed at run time (issue 16, docs/lineage-semantics.md):
 * an in-place change through an alias, a function reading a global a later cell reassigned, and a
 * helper that pushes to its parameter all make the cell that ran them a writer, so the slice of a
 * cell reading the value keeps that cell, and the sliced pipeline reproduces the notebook's result.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJson, replab, scratch, writeNotebook } from "../cli/helpers.js";
import { runPipeline } from "./run-export.js";

const KERNELS = ["replab", "replab-js"] as const;
type Kernel = (typeof KERNELS)[number];

/** What a sliced export gives: the cells it kept, the notebook's shown results, where it went. */
interface Sliced {
  kept: string[];
  shown: (id: string) => string;
  out: string;
}

/** Run a notebook of CELLS (ids c1, c2, ...) with `replab run`, then export the slice of TARGET. */
function runAndSlice(name: string, cells: string[], kernel: Kernel, target: string): Sliced {
  const dir = scratch(name);
  writeNotebook(join(dir, "nb.ipynb"), cells, kernel);
  const ran = replab(["run", "nb.ipynb", "--inplace"], { cwd: dir });
  expect(ran.stderr).toMatch(/replab: ran /);
  expect(ran.code).toBe(0);
  const exported = replab(["export", "nb.ipynb", "-o", "out", "--target", target], { cwd: dir });
  expect(exported.stderr).toMatch(/^replab: exported nb\.ipynb to out /);
  expect(exported.code).toBe(0);
  const out = join(dir, "out");
  const lock = JSON.parse(readFileSync(join(out, "repro.lock.json"), "utf8")) as {
    cells: { id: string }[];
  };
  const notebook = readJson(join(dir, "nb.ipynb"));
  const shown = (id: string): string => {
    const outputs = notebook.cells.find((c) => c["id"] === id)?.["outputs"] as
      { data?: Record<string, string[] | string> }[] | undefined;
    return [outputs?.find((o) => o.data !== undefined)?.data?.["text/plain"] ?? ""].flat().join("");
  };
  return { kept: lock.cells.map((c) => c.id), shown, out };
}

/** `replab verify DIR` re-runs the pipeline and compares its stdout and shown results with the lock. */
function expectVerified(out: string): void {
  const verified = replab(["verify", out]);
  expect(verified.stderr).toMatch(/^replab: verified /);
  expect(verified.code).toBe(0);
}

/** The source with its TypeScript annotation when the kernel is TypeScript. */
const typed = (kernel: Kernel, ts: string, js: string): string => (kernel === "replab" ? ts : js);

describe.each(KERNELS)("--target slices with edges observed at run time (%s)", (kernel) => {
  it("keeps the cell that changed the value through an alias: view.push(2) is a write of data", () => {
    const { kept, shown, out } = runAndSlice(
      "observed-alias",
      [
        "const data = [1];",
        "const unrelated = 7;",
        "const view = data;",
        "view.push(2);",
        "data.length",
      ],
      kernel,
      "c5",
    );
    expect(shown("c5")).toBe("2");
    expect(kept).toEqual(["c1", "c3", "c4", "c5"]);
    // verify compares the pipeline's shown result for c5 with the notebook's 2.
    expectVerified(out);
  });

  it("keeps the cell that reassigned a global a function reads when a later cell calls it", () => {
    const { kept, shown, out } = runAndSlice(
      "observed-closure",
      [
        "let rate = 1;",
        typed(
          kernel,
          "function price(x: number) {\n  return x * rate;\n}",
          "function price(x) {\n  return x * rate;\n}",
        ),
        "const unrelated = 7;",
        "rate = 5;",
        "console.log(price(10));\nprice(10)",
      ],
      kernel,
      "c5",
    );
    expect(shown("c5")).toBe("50");
    // c4's 5 is the rate price() read when c5 called it; c1 declares the rate c4 assigns.
    expect(kept).toEqual(["c1", "c2", "c4", "c5"]);
    expect(runPipeline(out)).toEqual({ stdout: "50\n", stderr: "", status: 0 });
    expectVerified(out);
  });

  it("keeps the cell that called a helper pushing to its parameter, not only the helper's definition", () => {
    const { kept, out } = runAndSlice(
      "observed-called",
      [
        typed(
          kernel,
          "function add(arr: number[]) {\n  arr.push(arr.length + 1);\n}",
          "function add(arr) {\n  arr.push(arr.length + 1);\n}",
        ),
        "const items = [1];",
        "const unrelated = 7;",
        "add(items);",
        "console.log(items.join(','));",
      ],
      kernel,
      "c5",
    );
    expect(kept).toEqual(["c1", "c2", "c4", "c5"]);
    expect(runPipeline(out)).toEqual({ stdout: "1,2\n", stderr: "", status: 0 });
    expectVerified(out);
  });
});
