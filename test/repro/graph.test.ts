/**
 * The lineage graph over a small notebook: edges, staleness, order, renderers
 * (docs/contracts.md, "Lineage JSON").
 */
import fs, { statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { renderDot } from "../../runtime/lineage/render/dot.js";
import { renderHtml } from "../../runtime/lineage/render/html.js";
import { renderSvg } from "../../runtime/lineage/render/svg.js";
import type { CellNode, LineageGraph } from "../../runtime/lineage/types.js";
import { Recorder } from "../../runtime/repro/recorder.js";
import { runCell, sha256sum, tempNotebookDir } from "./helpers.js";

let recorder: Recorder | undefined;
afterEach(() => {
  recorder?.dispose();
  recorder = undefined;
});

const cells = (g: LineageGraph) => g.nodes.filter((n): n is CellNode => n.kind === "cell");
const cell = (g: LineageGraph, id: string) => cells(g).find((c) => c.id === id) as CellNode;
const varEdges = (g: LineageGraph) =>
  g.edges.filter((e) => e.kind === "var").map((e) => `${e.from}->${e.to}:${e.label}`);

/** A notebook that loads, mutates, derives, writes and re-runs. */
async function notebook(): Promise<{ dir: string; r: Recorder }> {
  const dir = tempNotebookDir();
  fs.writeFileSync(join(dir, "in.csv"), "a,b\n1,2\n3,4\n");
  const r = new Recorder({ notebookDir: dir, seed: 42, journal: false });
  recorder = r;
  const dfd = await import("danfojs-node");
  const g = globalThis as Record<string, unknown>;
  await runCell(
    r,
    {
      cellId: "load",
      executionCount: 1,
      code: `import * as dfd from "danfojs-node"; const df = await dfd.readCSV("in.csv");`,
    },
    async () => {
      g["df"] = await dfd.readCSV(join(dir, "in.csv"));
    },
  );
  await runCell(
    r,
    {
      cellId: "mutate",
      executionCount: 2,
      code: `df.addColumn("c", [5, 6], { inplace: true });`,
      bindings: new Map([["df", g["df"]]]),
    },
    () =>
      (g["df"] as { addColumn: (...a: unknown[]) => void }).addColumn("c", [5, 6], {
        inplace: true,
      }),
  );
  await runCell(
    r,
    {
      cellId: "derive",
      executionCount: 3,
      code: `const total = df["c"].sum(); fs.writeFileSync("out.txt", String(total));`,
      // A reader's bindings may include the frame; only its writer gets the frame edge.
      bindings: new Map([
        ["df", g["df"]],
        ["total", 11],
      ]),
    },
    () => fs.writeFileSync(join(dir, "out.txt"), "11"),
  );
  await runCell(r, {
    cellId: "local",
    executionCount: 4,
    code: `function f(df: number) { return df; } const k = f(1);`,
  });
  return { dir, r };
}

describe("graph", () => {
  test("var edges come from the latest writer; read, write and frame edges", async () => {
    const { dir, r } = await notebook();
    const g = r.graph();
    expect(varEdges(g)).toEqual(["load->mutate:df", "mutate->derive:df"]);
    expect(g.edges.filter((e) => e.kind !== "var")).toEqual([
      {
        from: "file:in.csv",
        to: "load",
        kind: "read",
        label: "in.csv",
        sha256: sha256sum(join(dir, "in.csv")),
        bytes: statSync(join(dir, "in.csv")).size,
      },
      expect.objectContaining({ from: "mutate", kind: "frame", label: "df" }),
      {
        from: "derive",
        to: "file:out.txt",
        kind: "write",
        label: "out.txt",
        sha256: sha256sum(join(dir, "out.txt")),
        bytes: 2,
      },
    ]);
    const frame = g.nodes.find((n) => n.kind === "frame");
    expect(frame).toMatchObject({ rows: 2, columns: ["a", "b", "c"] });
    expect(cell(g, "local").uses).toEqual([]);
    expect(cells(g).every((c) => !c.stale)).toBe(true);
    expect(r.executionOrder()).toEqual(["load", "mutate", "derive", "local"]);
  });

  test("re-running an upstream cell makes its readers stale until they re-run", async () => {
    const { r } = await notebook();
    await runCell(r, { cellId: "load", executionCount: 5, code: `const df = 1;` });
    let g = r.graph();
    // Both readers of df are stale: df was written again after each of them ran.
    expect(cell(g, "mutate").stale).toBe(true);
    expect(cell(g, "derive").stale).toBe(true);
    expect(cell(g, "local").stale).toBe(false);
    expect(cell(g, "load").stale).toBe(false);
    expect(r.executionOrder()).toEqual(["mutate", "derive", "local", "load"]);
    await runCell(r, {
      cellId: "mutate",
      executionCount: 6,
      code: `df.addColumn("c", [5, 6], { inplace: true });`,
    });
    g = r.graph();
    expect(cell(g, "mutate").stale).toBe(false);
    expect(cell(g, "derive").stale).toBe(true);
    expect(varEdges(g)).toContain("load->mutate:df");
  });

  test("a failed cell is recorded but writes nothing", async () => {
    const { r } = await notebook();
    await runCell(
      r,
      { cellId: "boom", executionCount: 5, code: "const df = 2; throw new Error()" },
      () => {
        throw new Error("boom");
      },
    );
    const g = r.graph();
    expect(cell(g, "boom").status).toBe("error");
    expect(cell(g, "derive").stale).toBe(false);
  });
});

test("the graph validates against schema/lineage.schema.json", async () => {
  const { Ajv2020 } = await import("ajv/dist/2020.js");
  const schemaPath = join(import.meta.dirname, "..", "..", "schema", "lineage.schema.json");
  const schema = JSON.parse(fs.readFileSync(schemaPath, "utf8")) as object;
  const validate = new Ajv2020({ strict: false }).compile(schema);
  const { r } = await notebook();
  await runCell(r, { cellId: "nd", executionCount: 9, code: "const t = Date.now();" }, () =>
    Date.now(),
  );
  const graph = r.graph();
  expect(graph.nodes.map((n) => n.kind)).toEqual(expect.arrayContaining(["cell", "file", "frame"]));
  expect(validate(graph), JSON.stringify(validate.errors)).toBe(true);
});

describe("renderers", () => {
  test("same graph, same bytes; every node appears", async () => {
    const { r } = await notebook();
    const g = r.graph();
    const copy = JSON.parse(JSON.stringify(g)) as LineageGraph;
    const svg = renderSvg(g);
    expect(renderSvg(copy)).toBe(svg);
    expect(svg.startsWith("<svg xmlns=")).toBe(true);
    for (const n of g.nodes) expect(svg).toContain(`data-id="${n.id}"`);
    expect(svg.match(/class="edge /g)).toHaveLength(g.edges.length);
    const dot = renderDot(g);
    expect(renderDot(copy)).toBe(dot);
    expect(dot).toContain(`"load" -> "mutate" [label="df"];`);
    const html = renderHtml(g);
    expect(renderHtml(copy)).toBe(html);
    expect(html).toContain("<!DOCTYPE html>");
    expect(html).not.toMatch(/<script src|<link /);
    expect(html).toContain(svg);
  });

  test("labels are escaped", () => {
    const g: LineageGraph = {
      schema: "replab.lineage/1",
      seed: 1,
      nodes: [
        { kind: "file", id: "file:<a&b>.csv", path: "<a&b>.csv", sha256: "0".repeat(64), bytes: 1 },
      ],
      edges: [],
    };
    expect(renderSvg(g)).toContain("&lt;a&amp;b&gt;.csv");
    expect(renderSvg(g)).not.toContain("<a&b>");
  });
});
