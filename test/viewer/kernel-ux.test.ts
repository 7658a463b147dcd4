/// <reference lib="dom" />
// What the kernel gives JupyterLab beyond the lineage, in a real browser: a chart made with
// display.chart drawn by JupyterLab's own Vega-Lite renderer, and completion that shows each
// item's kind and, in the documentation panel, the signature and JSDoc of an earlier cell.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  notebook,
  openNotebook,
  OUTPUT,
  poll,
  startBrowser,
  startLab,
  type Lab,
} from "./harness.js";

const ux = notebook([
  {
    id: "chart",
    source:
      'import { display } from "replab";\n' +
      "const points = [0, 1, 2, 3, 4].map((epoch) => ({ epoch, loss: 1 / (epoch + 1) }));\n" +
      'await display.chart(points, { x: "epoch", y: "loss", title: "loss" });',
  },
  {
    id: "helper",
    source:
      "/** Scales a value by the factor k. */\nfunction scaleBy(v: number, k = 2): number { return v * k; }\n" +
      "/** Scales a value to the unit range. */\nfunction scaleTo(v: number): number { return v / Math.abs(v); }",
  },
  { id: "use", source: "" },
]);

// The first cell loads the TypeScript checker; on a loaded 2-core machine that takes a while.
const TIMEOUT = 240_000;
let lab: Lab;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const cells = () => page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell");

describe("charts and completion in JupyterLab", { timeout: TIMEOUT }, () => {
  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    lab = await startLab({ "ux.ipynb": ux });
    browser = await startBrowser();
    page = await browser.context.newPage();
    await openNotebook(page, lab, "ux.ipynb");
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
    // The helper cell has run once its prompt shows an execution count.
    await cells()
      .nth(1)
      .locator(".jp-InputPrompt", { hasText: /\[\d+\]/ })
      .waitFor({ timeout: 180_000 });
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it("draws display.chart with JupyterLab's Vega-Lite renderer", async () => {
    const chart = cells().nth(0).locator(".jp-OutputArea .jp-RenderedVegaCommon5");
    await poll(() => chart.locator("canvas, svg").count()).toBeGreaterThan(0);
    // Vega draws into the element it was given a size for: a chart, not an empty box.
    const box = await chart.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(200);
    expect(box?.height ?? 0).toBeGreaterThan(100);
    await chart.screenshot({ path: join(OUTPUT, "ux-chart.png") });
  });

  it("shows each completion's kind", async () => {
    await cells().nth(2).locator(".cm-content").click();
    // Two matches, so JupyterLab opens the list instead of inserting the only one.
    await page.keyboard.insertText("scale");
    await page.keyboard.press("Tab");
    const item = (name: string) => page.locator(".jp-Completer-item", { hasText: name }).first();
    await poll(() => item("scaleBy").count()).toBeGreaterThan(0);
    expect(await item("scaleBy").locator(".jp-Completer-typeExtended").textContent()).toBe(
      "function",
    );
    expect(await item("scaleTo").getAttribute("title")).toBe("function");
    await page.screenshot({ path: join(OUTPUT, "ux-completion.png") });
    await page.keyboard.press("Escape");
  });

  it("shows the signature and the JSDoc of an earlier cell on Shift+Tab inside a call", async () => {
    await page.keyboard.insertText("By(1, ");
    await page.keyboard.press("Shift+Tab");
    const tooltip = page.locator(".jp-Tooltip");
    await poll(() => tooltip.textContent()).toContain("Scales a value by the factor k.");
    expect(await tooltip.textContent()).toContain("scaleBy(v: number, k?: number): number");
    await page.screenshot({ path: join(OUTPUT, "ux-inspect.png") });
  });
});
