/** `replab lineage`: what a run stored, as JSON or DOT (golden files). */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeStoredRun } from "../export/stored-run.js";
import { expectGolden, readJson, replab, scratch, writeNotebook } from "./helpers.js";

let dir: string;
beforeAll(() => {
  dir = scratch("lineage");
  writeStoredRun(dir);
});

describe("replab lineage", () => {
  it("prints the stored graph as JSON by default", () => {
    const result = replab(["lineage", "stored.ipynb"], { cwd: dir });
    expect(result.code).toBe(0);
    const stored = readJson(join(dir, "stored.ipynb")).metadata["replab"] as { lineage: unknown };
    expect(JSON.parse(result.stdout)).toEqual(stored.lineage);
  });

  it("renders DOT, to stdout or atomically to -o FILE", () => {
    const result = replab(["lineage", "stored.ipynb", "--format", "dot"], { cwd: dir });
    expect(result.code).toBe(0);
    expectGolden("cli/lineage.dot", result.stdout);
    expect(
      replab(["lineage", "stored.ipynb", "--format", "dot", "-o", "graph.dot"], { cwd: dir }).code,
    ).toBe(0);
  });

  it("exits 2 naming the problem for a notebook without a run, or a bad format", () => {
    writeNotebook(join(dir, "fresh.ipynb"), ["1"]);
    const fresh = replab(["lineage", "fresh.ipynb"], { cwd: dir });
    expect(fresh.code).toBe(2);
    expect(fresh.stderr).toBe(
      "replab: fresh.ipynb has no stored lineage; run it with replab run first\n",
    );
    const format = replab(["lineage", "stored.ipynb", "--format", "png"], { cwd: dir });
    expect(format.code).toBe(2);
    expect(format.stderr.split("\n")[0]).toBe(
      "replab: --format must be one of json, svg, dot, html",
    );
  });
});
