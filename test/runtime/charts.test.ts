/**
 * Charts from a cell as a user makes them: the bundle JupyterLab draws, the SVG every other
 * frontend shows, and no nondeterminism mark for the clock reads vega makes while drawing
 * (they are replab's, not the cell's); a cell that reads the clock itself is still marked.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import type { CellNode } from "../../runtime/lineage/types.js";
import { notebookDir, recordingSink } from "./helpers.js";

let session: Session;

beforeAll(async () => {
  session = await createSession({ language: "typescript", notebookDir: notebookDir() });
});

afterAll(async () => {
  await session.dispose();
});

async function run(cellId: string, code: string) {
  const sink = recordingSink();
  const outcome = await session.execute(
    { code, cellId, silent: false, storeHistory: true, allowStdin: false },
    sink,
  );
  const node = session
    .lineage()
    .nodes.find((n): n is CellNode => n.kind === "cell" && n.id === cellId);
  return { outcome, sink, node };
}

it("display.chart sends the Vega-Lite spec and an SVG, and the cell stays deterministic", async () => {
  const { outcome, sink, node } = await run(
    "chart",
    'import { display } from "replab";\n' +
      'await display.chart([{ day: "2024-01-01", t: 3 }, { day: "2024-01-02", t: 5 }], { x: "day", y: "t" });',
  );
  expect(outcome.status).toBe("ok");
  const [shown] = sink.recorded.displays;
  const spec = shown?.data["application/vnd.vegalite.v5+json"] as {
    encoding: { x: { type: string } };
    data: { values: unknown[] };
  };
  expect(spec.encoding.x.type).toBe("temporal");
  expect(spec.data.values).toEqual([
    { day: "2024-01-01", t: 3 },
    { day: "2024-01-02", t: 5 },
  ]);
  expect(String(shown?.data["image/svg+xml"])).toMatch(/^<svg[^>]*>/);
  expect(node?.nondeterminism).toEqual([]);
});

it("a cell that reads the clock next to a chart is still marked", async () => {
  const { node } = await run(
    "clock",
    'import { display } from "replab";\nconst now = Date.now();\nawait display.vegaLite({ mark: "point", data: { values: [{ a: 1 }] }, encoding: { x: { field: "a", type: "quantitative" } } });',
  );
  expect(node?.nondeterminism).toContain("clock:Date.now");
});

it("a spec that is not Vega-Lite fails the cell with vega-lite's reason", async () => {
  const { outcome } = await run(
    "bad",
    'import { display } from "replab";\nawait display.vegaLite({ mark: "no-such-mark" });',
  );
  expect(outcome.status).toBe("error");
  if (outcome.status === "error") expect(outcome.evalue).toMatch(/not valid Vega-Lite/);
});
