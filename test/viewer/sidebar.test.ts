/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The panel at sidebar width, kernel-free (lineage stored in the notebooks): 150 cells in a
// 250 px sidebar with no sideways scrolling, frames named by variable, counted nouns, search,
// focus mode, zoom steps through 100% about the view's centre, the scroll kept across
// redraws, and the toolbar button that opens the panel in Notebook 7. Screenshots in
// test-output/viewer/.
import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigGraph, sampleGraph } from "../../extensions/lineage-viewer/test/fixtures.js";
import {
  activeCellIndex,
  notebook,
  openNotebook,
  OUTPUT,
  panelNode,
  poll,
  settleKernel,
  showLineagePanel,
  startBrowser,
  startLab,
  widenLeftSidebar,
  type Lab,
} from "./harness.js";

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/** 150 cells whose stored lineage matches their sources (so none is marked edited). */
function big150(): Record<string, unknown> {
  const sources = Array.from({ length: 150 }, (_, i) =>
    i === 0 ? "let v0 = 0;" : `const v${i} = v${i - 1}${i > 1 ? ` + v${i - 2}` : ""};`,
  );
  const graph = bigGraph(150);
  for (const n of graph.nodes) {
    if (n.kind === "cell") n.sourceSha256 = sha256(sources[Number(n.id.slice(5))] as string);
  }
  return notebook(
    sources.map((source, i) => ({ id: `cell-${i}`, source, count: i + 1 })),
    { replab: { seed: 7, lineage: graph } },
  );
}

const stored = notebook(
  [
    { id: "c1", source: 'const df = readCsv("data.csv");', count: 1 },
    { id: "c2", source: "const stats = describe(df);", count: 2 },
    { id: "c3", source: 'writeJson("out.json", { stats, at: Date.now() });', count: 3 },
    { id: "c4", source: "const plot = draw(df);", count: 4 },
  ],
  { replab: { seed: 42, lineage: sampleGraph() } },
);

let lab: Lab;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const node = (id: string) => panelNode(page, id);
const panel = () => page.locator("#replab-lineage-panel");
const canvas = () => page.locator("#replab-lineage-panel .rl-canvas");
const view = () => page.locator("#replab-lineage-panel .rl-view");
const zoomLabel = () => page.locator("#replab-lineage-panel .rl-zoom-label").textContent();
const zoomButton = (text: string) =>
  page.locator("#replab-lineage-panel .rl-zoom-button", { hasText: text });
const drawnNodes = () => page.locator("#replab-lineage-panel g.rl-node").count();
/** The id of the node drawn nearest the middle of the canvas. */
const centreNode = () =>
  canvas().evaluate((c) => {
    const r = c.getBoundingClientRect();
    const mid = r.top + r.height / 2;
    let best = "";
    let distance = Infinity;
    for (const g of c.querySelectorAll<SVGGElement>("g.rl-node")) {
      const b = g.getBoundingClientRect();
      const d = Math.abs(b.top + b.height / 2 - mid);
      if (d < distance) [best, distance] = [g.dataset.id ?? "", d];
    }
    return best;
  });

describe("the panel at sidebar width", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    lab = await startLab({ "big150.ipynb": big150(), "stored.ipynb": stored });
    browser = await startBrowser();
    page = await browser.context.newPage();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it("lays 150 cells out top to bottom within a 250 px sidebar, no sideways scrolling", async () => {
    await openNotebook(page, lab, "big150.ipynb");
    await showLineagePanel(page);
    await widenLeftSidebar(page, 250);
    await poll(() => view().getAttribute("data-source")).toBe("stored");
    const width = (await panel().boundingBox())?.width ?? 0;
    expect(width).toBeGreaterThan(230);
    expect(width).toBeLessThan(275);
    await poll(() => page.locator("#replab-lineage-panel g.rl-node.rl-kind-cell").count()).toBe(
      150,
    );
    // The layout follows the width: nothing to scroll sideways, nodes stay readable.
    await poll(() => canvas().evaluate((c) => c.scrollWidth <= c.clientWidth)).toBe(true);
    const boxWidth = await node("cell-3")
      .locator(".rl-box")
      .evaluate((r) => r.getBoundingClientRect().width);
    expect(boxWidth).toBeGreaterThanOrEqual(120);
    const y = async (id: string) => (await node(id).boundingBox())?.y ?? NaN;
    expect(await y("cell-1")).toBeLessThan(await y("cell-2"));
    expect(await zoomLabel()).toBe("100%");
    await page.screenshot({ path: join(OUTPUT, "sidebar-250-150-cells.png") });
  });

  it("keeps the scroll position when the graph is drawn again", async () => {
    await canvas().evaluate((c) => (c.scrollTop = 4000));
    const version = Number(await view().getAttribute("data-rendered-at"));
    // Any change to the notebook's replab metadata redraws the stored graph; reactive mode is one.
    for (let i = 0; i < 2; i++) {
      await page.keyboard.press("Control+Shift+c");
      await page.locator(".lm-CommandPalette-input").fill("Reactive mode");
      await page.locator(".lm-CommandPalette-item", { hasText: "Reactive mode" }).click();
    }
    await poll(async () => Number(await view().getAttribute("data-rendered-at"))).toBeGreaterThan(
      version,
    );
    expect(await canvas().evaluate((c) => c.scrollTop)).toBe(4000);
  });

  it("zooms in steps through 100%, about the middle of what is shown", async () => {
    const before = await centreNode();
    expect(before).not.toBe("");
    await zoomButton("+").click();
    expect(await zoomLabel()).toBe("110%");
    expect(await centreNode()).toBe(before);
    await zoomButton("−").click();
    await zoomButton("−").click();
    expect(await zoomLabel()).toBe("90%");
    expect(await centreNode()).toBe(before);
    await zoomButton("Fit").click();
    for (let i = 0; i < 12 && (await zoomLabel()) !== "100%"; i++) await zoomButton("+").click();
    expect(await zoomLabel()).toBe("100%");
    await zoomButton("1:1").click();
    expect(await zoomLabel()).toBe("100%");
  });

  it("names frames by variable and counts in the right number", async () => {
    await openNotebook(page, lab, "stored.ipynb");
    await showLineagePanel(page);
    await poll(() => view().getAttribute("data-source")).toBe("stored");
    const frame = page.locator("#replab-lineage-panel g.rl-node.rl-kind-frame");
    expect(await frame.locator(".rl-title").textContent()).toBe("df 344×2");
    expect(await page.locator("#replab-lineage-panel .rl-summary").textContent()).toBe(
      // The sources do not match the stored hashes: every cell is edited, so all four re-run.
      "4 cells · 2 files · 1 frame · 1 stale · 4 to re-run · 1 nondeterministic · seed 42",
    );
  });

  it("finds nodes by variable, file or cell, and Enter goes to the next match", async () => {
    const search = page.locator("#replab-lineage-panel .rl-search");
    await search.fill("stats");
    await poll(() => view().getAttribute("data-matches")).toBe("2");
    expect(await node("c2").getAttribute("class")).toContain("rl-match");
    expect(await node("c1").getAttribute("class")).not.toContain("rl-match");
    await search.press("Enter");
    await poll(() => activeCellIndex(page)).toBe(1);
    await search.press("Enter");
    await poll(() => activeCellIndex(page)).toBe(2);
    await search.fill("out.json");
    await poll(() => view().getAttribute("data-matches")).toBe("1");
    expect(await node("file:out.json").getAttribute("class")).toContain("rl-match");
    await search.fill("[4]");
    await poll(() => view().getAttribute("data-matches")).toBe("1");
    await page.screenshot({ path: join(OUTPUT, "sidebar-search.png") });
    await search.fill("");
    await poll(() => view().getAttribute("data-matches")).toBe("");
  });

  it("focus mode draws only the active cell's upstream and downstream", async () => {
    await node("c2").click();
    await poll(() => activeCellIndex(page)).toBe(1);
    await page.locator("#replab-lineage-panel .rl-focus").click();
    // c2, upstream c1 and data.csv, downstream c3 and out.json.
    await poll(drawnNodes).toBe(5);
    expect(await node("c4").count()).toBe(0);
    expect(await page.locator("#replab-lineage-panel .rl-summary").textContent()).toMatch(
      /^focus: 5 of 7 nodes · /,
    );
    await page.screenshot({ path: join(OUTPUT, "sidebar-focus.png") });
    // It follows the notebook's active cell.
    await page
      .locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")
      .nth(3)
      .locator(".jp-InputPrompt")
      .click();
    await poll(drawnNodes).toBe(3);
    expect(await node("c2").count()).toBe(0);
    await page.locator("#replab-lineage-panel .rl-focus").click();
    await poll(drawnNodes).toBe(7);
  });

  it("Notebook 7 has a toolbar button that opens the panel", async () => {
    await page.goto(`${lab.url}/notebooks/stored.ipynb?token=${lab.token}`);
    await page.locator(".jp-Cell").first().waitFor({ timeout: 60_000 });
    await settleKernel(page);
    expect(await panel().isVisible()).toBe(false);
    await page.locator(".jp-NotebookPanel-toolbar .rl-toolbar-lineage").click();
    await poll(() => panel().isVisible()).toBe(true);
    await poll(() => view().getAttribute("data-source")).toBe("stored");
    await page.screenshot({ path: join(OUTPUT, "notebook7-toolbar.png") });
  });
});
