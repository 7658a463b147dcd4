/** `replab lineage`: what a run stored, as JSON or DOT (golden files). */
import { readFileSync } from "node:fs";
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

  it("renders SVG and self-contained HTML with the shared renderers", () => {
    const svg = replab(["lineage", "stored.ipynb", "--format", "svg"], { cwd: dir });
    expect(svg.code).toBe(0);
    expect(svg.stdout).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    for (const id of ["load", "noise", "total", "data/numbers.csv"])
      expect(svg.stdout).toContain(id);
    const html = replab(["lineage", "stored.ipynb", "--format", "html", "-o", "graph.html"], {
      cwd: dir,
    });
    expect(html.code).toBe(0);
    const page = readFileSync(join(dir, "graph.html"), "utf8");
    expect(page).toMatch(/<html/i);
    expect(page).toContain("<svg");
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
      "replab: --format must be one of json, svg, dot, html, openlineage, prov-json, prov-n",
    );
  });
});
