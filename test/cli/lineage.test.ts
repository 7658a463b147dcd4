/** `replab lineage`: what a run stored, as JSON or DOT (golden files). */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
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

// A graph someone edited by hand is checked once at the boundary against the published schema
// (lineage/stored.ts): each command that reads it says where it breaks the schema, never
// crashes inside a renderer.
describe("a forged or hand-edited stored lineage", () => {
  it("a lineage holding the recovered previous session it says it has is read", () => {
    const d = scratch("lineage-previous");
    writeStoredRun(d);
    const nb = readJson(join(d, "stored.ipynb"));
    const replabMeta = nb.metadata["replab"] as { lineage: Record<string, unknown> };
    const previous = { journal: "j.jsonl", torn: 0, graph: structuredClone(replabMeta.lineage) };
    replabMeta.lineage = { ...replabMeta.lineage, previousSession: previous };
    writeFileSync(join(d, "recovered.ipynb"), JSON.stringify(nb));
    const result = replab(["lineage", "recovered.ipynb"], { cwd: d });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ previousSession: previous });
  });

  it.each([
    [
      "nodes that are a string",
      (l: Record<string, unknown>) => ({ ...l, nodes: "x" }),
      'nodes: expected an array, found "x"',
    ],
    [
      "a node without a kind",
      (l: Record<string, unknown>) => ({ ...l, nodes: [{ id: "c1" }] }),
      "nodes[0]: kind is missing",
    ],
    [
      // The schema refers to itself ("$ref": "#") for a recovered session's graph.
      "a recovered previous session whose graph has a node without a kind",
      (l: Record<string, unknown>) => ({
        ...l,
        previousSession: { journal: "j.jsonl", torn: 0, graph: { ...l, nodes: [{ id: "c1" }] } },
      }),
      "previousSession.graph.nodes[0]: kind is missing",
    ],
    [
      "an edge without ends",
      (l: Record<string, unknown>) => ({ ...l, edges: [{ from: 1, kind: "var", label: "x" }] }),
      "edges[0]: to is missing",
    ],
  ])("holding %s is refused by lineage, report and export, naming the fault", (_, forge, fault) => {
    const d = scratch("lineage-forged");
    writeStoredRun(d);
    const nb = readJson(join(d, "stored.ipynb"));
    const replabMeta = nb.metadata["replab"] as { lineage: Record<string, unknown> };
    replabMeta.lineage = forge(replabMeta.lineage);
    writeFileSync(join(d, "forged.ipynb"), JSON.stringify(nb));
    for (const args of [["lineage"], ["report", "-o", "r.md"], ["export", "-o", "out"]]) {
      const [command, ...rest] = args;
      const result = replab([command ?? "", "forged.ipynb", ...rest], { cwd: d });
      expect(result.code, `${command}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toBe(
        `replab: forged.ipynb: metadata.replab.lineage is not a lineage replab wrote (${fault}); run the notebook again to store a new one: replab run forged.ipynb --inplace\n`,
      );
    }
  });
});

// The report reads two more parts of metadata.replab: they are checked as the lineage is.
describe("a forged or hand-edited capture or runtime in metadata.replab", () => {
  it.each([
    ["audit", { frames: [], models: [{ name: null }] }, "models[0]: variable is missing"],
    ["audit", { frames: "x", models: [] }, 'frames: expected an array, found "x"'],
    ["runtime", { node: 5 }, "the top level: replab is missing"],
  ])("a forged %s is refused by report, naming the fault", (key, forged, fault) => {
    const d = scratch("report-forged");
    writeStoredRun(d);
    const nb = readJson(join(d, "stored.ipynb"));
    (nb.metadata["replab"] as Record<string, unknown>)[key] = forged;
    writeFileSync(join(d, "forged.ipynb"), JSON.stringify(nb));
    for (const format of ["md", "html"]) {
      const result = replab(["report", "forged.ipynb", "-o", `r.${format}`], { cwd: d });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toBe(
        `replab: forged.ipynb: metadata.replab.${key} is not what replab wrote (${fault}); run the notebook again to store it anew: replab run forged.ipynb --inplace\n`,
      );
    }
    expect(readdirSync(d)).not.toContain("r.html");
  });
});
