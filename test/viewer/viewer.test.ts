/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The lineage viewer in a real browser: JupyterLab 4.6.4 + Debian's Chromium. The kernel-free
// part shows lineage stored in a notebook and a %lineage output written by hand; the live part
// runs the replab kernel. Screenshots land in test-output/viewer/; timings in
// test-output/viewer-results.json (measured, never asserted).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigGraph, sampleGraph } from "../../extensions/lineage-viewer/test/fixtures.js";
import {
  notebook,
  openNotebook,
  OUTPUT,
  activeCellIndex,
  cellIndexInView,
  panelNode,
  poll,
  writeBench,
  settleKernel,
  widenLeftSidebar,
  showLineagePanel,
  startBrowser,
  startLab,
  type Lab,
} from "./harness.js";

const MIME = "application/vnd.replab.lineage+json";

const stored = notebook(
  [
    { id: "c1", source: 'const df = readCsv("data.csv");', count: 1 },
    { id: "c2", source: "const stats = describe(df);", count: 2 },
    { id: "c3", source: 'writeJson("out.json", { stats, at: Date.now() });', count: 3 },
    { id: "c4", source: "const plot = draw(df);", count: 4 },
    {
      id: "c5",
      source: "%lineage",
      count: 5,
      outputs: [
        {
          output_type: "display_data",
          metadata: {},
          data: {
            [MIME]: sampleGraph(),
            "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
            "text/plain": "lineage: 4 cells",
          },
        },
      ],
    },
  ],
  { replab: { seed: 42, lineage: sampleGraph() } },
);

const big = notebook(
  Array.from({ length: 200 }, (_, i) => ({ id: `cell-${i}`, source: `const v${i} = ${i};` })),
  { replab: { seed: 7, lineage: bigGraph(200) } },
);

let lab: Lab;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const bench: Record<string, unknown> = {};
const node = (id: string) => panelNode(page, id);
const activeCellId = () => activeCellIndex(page);
const cellInView = (index: number) => cellIndexInView(page, index);

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  lab = await startLab({ "stored.ipynb": stored, "big.ipynb": big });
  browser = await startBrowser();
  page = await browser.context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await lab?.stop();
  writeBench(bench);
});

// Starting JupyterLab pages on a loaded 2-core machine takes longer than vitest's default.
describe("lineage viewer without a kernel", { timeout: 180_000 }, () => {
  it("shows the lineage stored in the notebook's metadata", async () => {
    await openNotebook(page, lab, "stored.ipynb");
    await showLineagePanel(page);
    await widenLeftSidebar(page, 560);
    const view = page.locator("#replab-lineage-panel .rl-view");
    await poll(() => view.getAttribute("data-source")).toBe("stored");
    expect(await page.locator("#replab-lineage-panel g.rl-node").count()).toBe(7);
    expect(await page.locator("#replab-lineage-panel g.rl-node.rl-kind-cell").count()).toBe(4);
    // Cell nodes show the execution count, file and frame nodes a short hash.
    await poll(() => node("c1").locator(".rl-title").textContent()).toBe("[1]");
    const file = await node("file:data.csv").locator(".rl-detail").textContent();
    expect(file).toMatch(/^[0-9a-f]{8} · 2\.0 kB$/);
    // Edges are labelled with the variable or file.
    const edge = page.locator('#replab-lineage-panel g.rl-edge[data-from="c1"][data-to="c2"]');
    expect(await edge.locator(".rl-edge-label").textContent()).toBe("df");
    expect(
      await page
        .locator('#replab-lineage-panel g.rl-edge[data-to="file:out.json"] text')
        .textContent(),
    ).toBe("out.json");
    // Stale and nondeterministic cells are marked.
    expect(await node("c4").getAttribute("class")).toContain("rl-stale");
    expect(await node("c3").getAttribute("class")).toContain("rl-nondet");
    expect(await page.locator("#replab-lineage-panel .rl-summary").textContent()).toContain(
      "1 stale",
    );
    bench.renderSmallGraphMs = Number(await view.getAttribute("data-render-ms"));
    bench.renderSmallGraphNote =
      "dagre layout + SVG build in Chromium of 4 cells, 2 files, 1 frame";
    await page.screenshot({ path: join(OUTPUT, "stored-panel.png") });
  });

  it("clicking a cell node selects that cell and highlights its upstream and downstream", async () => {
    await node("c3").click();
    await poll(activeCellId).toBe(2);
    expect(await node("c3").getAttribute("class")).toContain("rl-selected");
    expect(await node("c1").getAttribute("class")).toContain("rl-upstream");
    expect(await node("file:data.csv").getAttribute("class")).toContain("rl-upstream");
    expect(await node("file:out.json").getAttribute("class")).toContain("rl-downstream");
    expect(await node("c4").getAttribute("class")).not.toMatch(/rl-(upstream|downstream)/);
    await page.screenshot({ path: join(OUTPUT, "stored-selected.png") });
  });

  it("selecting a cell in the notebook highlights it in the panel", async () => {
    await page
      .locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")
      .nth(1)
      .locator(".jp-InputPrompt")
      .click();
    await poll(() => node("c2").getAttribute("class")).toContain("rl-selected");
    expect(await node("c3").getAttribute("class")).toContain("rl-downstream");
  });

  it("is keyboard reachable: Tab reaches the nodes and Enter activates one", async () => {
    await node("c1").focus();
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(
      () => (document.activeElement as SVGElement | null)?.dataset?.id,
    );
    expect(focused).toBe("c2");
    await node("c4").focus();
    await page.keyboard.press("Enter");
    await poll(activeCellId).toBe(3);
  });

  it("renders a %lineage output as the interactive graph inline", async () => {
    const inline = page.locator(".jp-OutputArea .rl-inline svg.rl-graph");
    await inline.scrollIntoViewIfNeeded();
    expect(await inline.locator("g.rl-node").count()).toBe(7);
    expect(await inline.locator("g.rl-edge").count()).toBe(6);
    await page.screenshot({ path: join(OUTPUT, "stored-inline.png") });
  });

  it("uses the theme's colours: the dark theme gives dark node boxes", async () => {
    await page.locator(".lm-MenuBar-itemLabel", { hasText: "Settings" }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: "Theme" }).first().hover();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^JupyterLab Dark$/ }).click();
    await poll(() => page.locator("body").getAttribute("data-jp-theme-light")).toBe("false");
    await page.locator("#jupyterlab-splash").waitFor({ state: "detached" });
    const fill = () =>
      node("c2")
        .locator(".rl-box")
        .evaluate((r) => getComputedStyle(r).fill);
    // Dark layout colours have low RGB values; the light theme's are near white.
    await poll(async () =>
      Math.max(...((await fill()).match(/\d+/g) ?? ["255"]).map(Number)),
    ).toBeLessThan(128);
    await page.screenshot({ path: join(OUTPUT, "stored-dark.png") });
    await page.locator(".lm-MenuBar-itemLabel", { hasText: "Settings" }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: "Theme" }).first().hover();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^JupyterLab Light$/ }).click();
    await poll(() => page.locator("body").getAttribute("data-jp-theme-light")).toBe("true");
    await page.locator("#jupyterlab-splash").waitFor({ state: "detached" });
  });

  it("works in Notebook 7: inline graph and the sidebar panel", async () => {
    const url = `${lab.url}/notebooks/stored.ipynb?token=${lab.token}`;
    const served = await fetch(url);
    expect(served.status, "Notebook 7 not served: the test venv needs notebook==7.6.3").toBe(200);
    await page.goto(url);
    await page.locator(".jp-Cell").first().waitFor({ timeout: 60_000 });
    await settleKernel(page);
    const inline = page.locator(".jp-OutputArea .rl-inline svg.rl-graph");
    await poll(() => inline.locator("g.rl-node").count()).toBe(7);
    await page.locator(".lm-MenuBar-itemLabel", { hasText: "View" }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: "Left Sidebar" }).hover();
    await page.locator(".lm-Menu-itemLabel", { hasText: "Cell lineage" }).click();
    const view = page.locator("#replab-lineage-panel .rl-view");
    await poll(() => view.getAttribute("data-source")).toBe("stored");
    expect(await page.locator("#replab-lineage-panel g.rl-node").count()).toBe(7);
    await page.screenshot({ path: join(OUTPUT, "notebook7.png") });
  });

  it("renders a 200-cell graph (measured)", async () => {
    const started = Date.now();
    await openNotebook(page, lab, "big.ipynb");
    await showLineagePanel(page);
    await widenLeftSidebar(page, 560);
    const view = page.locator("#replab-lineage-panel .rl-view");
    await poll(() => view.getAttribute("data-source")).toBe("stored");
    expect(await page.locator("#replab-lineage-panel g.rl-node.rl-kind-cell").count()).toBe(200);
    const renderMs = Number(await view.getAttribute("data-render-ms"));
    bench.render200CellsMs = renderMs;
    bench.open200CellNotebookToGraphMs = Date.now() - started;
    bench.render200CellsNote =
      "layout + SVG build in Chromium of 200 cells, 20 files, 417 edges (graphs over 60 nodes use the notebook-order layout, smaller ones dagre); target < 500 ms";
    await node("cell-120").click();
    await poll(activeCellId).toBe(120);
    await poll(() => cellInView(120)).toBe(true);
    await page.screenshot({ path: join(OUTPUT, "big-200-cells.png") });
    // "Fit" zooms the whole width of the graph into the panel for an overview.
    await page.locator("#replab-lineage-panel .rl-zoom-button", { hasText: "Fit" }).click();
    const widths = await page
      .locator("#replab-lineage-panel .rl-canvas")
      .evaluate((c) => [c.querySelector("svg")?.getBoundingClientRect().width ?? 0, c.clientWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    await page.screenshot({ path: join(OUTPUT, "big-200-cells-fit.png") });
  });
});
