/** Shared by the export tests: run a notebook of given cells, export it, run the pipeline it wrote. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

/** What `runAndExport` gives: the export's CLI result, the cells' stdout, where it went. */
export interface RunAndExport {
  exported: ReturnType<typeof replab>;
  /** All the cells' stdout, in notebook order. */
  printed: string;
  /** Each cell's stdout, in notebook order. */
  perCell: string[];
  /** The export directory. */
  out: string;
}

/** Run NAME.ipynb of CELLS under KERNEL with `replab run`, then `replab export` it to out/. */
export function runAndExport(name: string, cells: string[], kernel: string): RunAndExport {
  const dir = scratch(name);
  writeNotebook(join(dir, `${name}.ipynb`), cells, kernel);
  const ran = replab(["run", `${name}.ipynb`, "--inplace"], { cwd: dir });
  expect(ran.code).toBe(0);
  const notebook = JSON.parse(readFileSync(join(dir, `${name}.ipynb`), "utf8")) as {
    cells: { outputs: { name?: string; text?: string[] }[] }[];
  };
  const perCell = notebook.cells.map((c) =>
    c.outputs
      .filter((o) => o.name === "stdout")
      .map((o) => (o.text ?? []).join(""))
      .join(""),
  );
  const exported = replab(["export", `${name}.ipynb`, "-o", "out"], { cwd: dir });
  return { exported, printed: perCell.join(""), perCell, out: join(dir, "out") };
}

/** The exported pipeline, run as its README says (`node pipeline.mjs` in its directory). */
export function runPipeline(out: string): {
  stdout: string;
  stderr: string;
  status: number | null;
} {
  const run = spawnSync(process.execPath, ["pipeline.mjs"], { cwd: out, encoding: "utf8" });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}
