/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// What issue 13 asked of the notebook beyond the marks, in a real JupyterLab with the replab
// kernel: the magics' help and status table, magic names completing, the completer's
// documentation panel, `Math.` limited to what Node 20 has, display.vegaLite and a danfo
// chart (drawn by JupyterLab, with the kernel's SVG kept for other frontends), distinct
// launcher logos, plural forms, and an export error that does not outlive its notebook.
// Screenshots in test-output/viewer/.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  exportFromPanel,
  exportProject,
  notebook,
  openNotebook,
  OUTPUT,
  panelStatus,
  poll,
  ROOT,
  runAllCells,
  settleKernel,
  showLineagePanel,
  startBrowser,
  startExportFromPanel,
  startLab,
  type Lab,
} from "./harness.js";

// A cell id as JupyterLab makes one: %repro status must not print it.
const GENERATED_ID = "0f8c2a4e-5b1d-4c3e-9a7f-2d6b8e1c3a90";
const IDS = [
  "help",
  "lsmagic",
  "bare",
  "helper",
  "read",
  "vl",
  "frame",
  GENERATED_ID,
  "status",
  "report",
];
const extra = notebook([
  { id: "help", source: "%repro help" },
  { id: "lsmagic", source: "%lsmagic" },
  { id: "bare", source: "%repro" },
  {
    id: "helper",
    source:
      "/** Scales a value by the factor k. */\nfunction scaleBy(v: number, k = 2): number { return v * k; }\n" +
      "/** Scales a value to the unit range. */\nfunction scaleTo(v: number): number { return v / Math.abs(v); }",
  },
  {
    id: "read",
    source:
      'const fs = await import("node:fs");\nconst words = fs.readFileSync("words.txt", "utf8").trim().split(" ");',
  },
  {
    id: "vl",
    source:
      'import { display } from "replab";\n' +
      "const squares = [1, 2, 3, 4].map((n) => ({ n, square: n * n }));\n" +
      'await display.vegaLite({ title: "squares", data: { values: squares }, mark: "bar",\n' +
      '  encoding: { x: { field: "n", type: "ordinal" }, y: { field: "square", type: "quantitative" } } });',
  },
  {
    id: "frame",
    source:
      'import * as dfd from "danfojs-node";\n' +
      "const losses = new dfd.DataFrame({ epoch: [0, 1, 2, 3], loss: [1, 0.5, 0.25, 0.125] });\n" +
      'await display.chart(losses, { x: "epoch", y: "loss", title: "loss by epoch" });',
  },
  {
    id: GENERATED_ID,
    source: 'console.log(Object.getOwnPropertyNames(Math).sort().join(" "));',
  },
  { id: "status", source: "%repro status" },
  // As the help says to write a report to a file.
  { id: "report", source: "%repro report -o audit.html" },
  { id: "scratch", source: "" },
]);
const other = notebook([{ id: "o1", source: "const other = 1;" }], {
  kernelspec: { name: "replab-js", display_name: "JavaScript (replab)", language: "javascript" },
  language_info: { name: "javascript" },
});

// The first cell loads the TypeScript checker and danfo loads tfjs: on a loaded 2-core
// machine that takes a while.
const TIMEOUT = 300_000;
let lab: Lab;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const cells = () => page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell");
const cell = (id: string): Locator => cells().nth(IDS.indexOf(id));
const output = (id: string): Locator => cell(id).locator(".jp-OutputArea");
const scratch = (): Locator => cells().last().locator(".cm-content");
// A closed completer keeps its last list in the DOM, hidden: only the open one counts.
const completerItems = (): Locator =>
  page.locator(".jp-Completer:not(.lm-mod-hidden) .jp-Completer-item");
/** The execution count a cell's prompt shows. */
const countOf = async (id: string): Promise<number> => {
  const text = (await cell(id).locator(".jp-InputPrompt").textContent()) ?? "";
  const m = /\[(\d+)\]/.exec(text);
  if (!m) throw new Error(`cell ${id} shows no execution count: ${text}`);
  return Number(m[1]);
};

/** Empties the scratch cell and types `text` into it, cursor at the end. */
async function typeInScratch(text: string): Promise<void> {
  // A completer or tooltip a failed step left open would take the keys.
  await page.keyboard.press("Escape");
  await scratch().click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

/** The text the completer lists, top to bottom (waits for the list to appear). */
async function completerList(): Promise<string[]> {
  await poll(() => completerItems().count()).toBeGreaterThan(0);
  // JupyterLab 4.6 draws a long list a chunk per animation frame, keeping the room for the
  // rest as the last drawn item's bottom margin; the list is whole once that margin is gone.
  await page.waitForFunction(
    () => {
      const list = document.querySelector(".jp-Completer:not(.lm-mod-hidden) .jp-Completer-list");
      const last = list?.lastElementChild;
      return last instanceof HTMLElement && last.style.marginBottom === "";
    },
    undefined,
    { timeout: 30_000 },
  );
  return completerItems().evaluateAll((items) =>
    items.map((i) => i.querySelector(".jp-Completer-match")?.textContent ?? ""),
  );
}

/** The notebook file as saved (Ctrl+S), parsed. */
async function saved(name: string): Promise<{
  cells: { id: string; outputs: { data?: Record<string, unknown> }[] }[];
}> {
  const path = join(lab.notebooks, name);
  const before = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
  await cells().first().locator(".jp-InputPrompt").click();
  await page.keyboard.press("Control+s");
  await poll(() => page.locator(".jp-mod-dirty").count()).toBe(0);
  // The file once rewritten whole: a read during the server's write can find it empty.
  const written = (): unknown => {
    if (statSync(path, { throwIfNoEntry: false })?.mtimeMs === before) return undefined;
    try {
      return JSON.parse(readFileSync(path, "utf8"));
    } catch {
      return undefined;
    }
  };
  await poll(() => written() !== undefined).toBe(true);
  return written() as never;
}

describe(
  "magics, completion, charts, logos and wording in JupyterLab",
  { timeout: TIMEOUT },
  () => {
    beforeAll(async () => {
      mkdirSync(OUTPUT, { recursive: true });
      lab = await startLab(
        // A project export can pin (seedrandom, typescript), for the exports that succeed.
        { "extra.ipynb": extra, "other.ipynb": other, ...exportProject() },
        {
          settings: { "@jupyterlab/completer-extension:manager": { showDocumentationPanel: true } },
        },
      );
      writeFileSync(join(lab.notebooks, "words.txt"), "one two three\n");
      // The notebook imports danfojs-node as a user's project would have it installed.
      symlinkSync(join(ROOT, "node_modules"), join(lab.notebooks, "node_modules"), "dir");
      browser = await startBrowser();
      page = await browser.context.newPage();
      await openNotebook(page, lab, "extra.ipynb");
      await runAllCells(page);
      await cell("report")
        .locator(".jp-InputPrompt", { hasText: /\[\d+\]/ })
        .waitFor({ timeout: 240_000 });
    }, TIMEOUT);

    afterAll(async () => {
      await browser?.close();
      await lab?.stop();
    });

    it("%repro help, %lsmagic and %repro alone print the magics' help, not an error", async () => {
      for (const id of ["help", "lsmagic", "bare"]) {
        const out = output(id);
        // A cell error is stderr text in JupyterLab; help is a Markdown table of the magics.
        expect(
          await out
            .locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")
            .count(),
        ).toBe(0);
        const firstColumn = await out
          .locator(".jp-RenderedMarkdown table tbody tr td:first-child")
          .allTextContents();
        expect(firstColumn, id).toContain("%repro status");
        const text = (await out.textContent()) ?? "";
        expect(text, id).toContain("replab magics");
        for (const usage of ["%repro export DIR", "%repro status", "%lineage", "%lsmagic"]) {
          expect(text, id).toContain(usage);
        }
      }
      await output("help").screenshot({ path: join(OUTPUT, "magic-help.png") });
    });

    it("a magic written as its help row says runs (%repro report -o FILE)", async () => {
      const usages = await output("help")
        .locator(".jp-RenderedMarkdown table tbody tr td:first-child")
        .allTextContents();
      expect(usages).toContain("%repro report [-o FILE] [--format html|md] [--verify DIR]");
      expect(usages).toContain("%repro runs [N]");
      expect((await output("report").textContent()) ?? "").toMatch(/^wrote audit\.html: /);
      expect(readFileSync(join(lab.notebooks, "audit.html"), "utf8")).toContain("<html");
    });

    it("%repro status names cells as their prompts do and has a status column", async () => {
      const table = output("status").locator("table");
      await table.waitFor();
      const headers = await table.locator("th").allTextContents();
      expect(headers).toEqual(["cell", "status", "defines", "files", "nondeterminism"]);
      const rows = await table
        .locator("tbody tr")
        .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? "")));
      const byLabel = new Map(rows.map((r) => [r[0], r]));
      const helper = byLabel.get(`[${await countOf("helper")}] helper`);
      expect(helper?.[1]).toBe("ran");
      expect(helper?.[2]).toBe("scaleBy, scaleTo");
      expect(byLabel.get(`[${await countOf("read")}] read`)?.[3]).toMatch(/^< words\.txt \w+$/);
      // JupyterLab's own 36-character id is left out: the prompt number names the cell.
      expect(byLabel.get(`[${await countOf(GENERATED_ID)}]`)?.[1]).toBe("ran");
      expect((await output("status").textContent()) ?? "").not.toContain(GENERATED_ID);
      // Labels, names and paths line up on the left, as they are read.
      const aligns = await table
        .locator("th, td")
        .evaluateAll((els) => [...new Set(els.map((e) => getComputedStyle(e).textAlign))]);
      expect(aligns).toEqual(["left"]);
      await table.scrollIntoViewIfNeeded();
      await table.screenshot({ path: join(OUTPUT, "magic-status.png") });
    });

    it("magic names and %repro subcommands complete on Tab", async () => {
      await typeInScratch("%re");
      await page.keyboard.press("Tab");
      // JupyterLab 4.6 lists even a single match; a second Tab inserts it.
      expect(await completerList()).toEqual(["repro"]);
      expect(await completerItems().locator(".jp-Completer-typeExtended").textContent()).toBe(
        "magic",
      );
      await page.keyboard.press("Tab");
      await poll(() => scratch().textContent()).toBe("%repro");
      await page.keyboard.insertText(" st");
      await page.keyboard.press("Tab");
      expect(await completerList()).toEqual(["status"]);
      await page.keyboard.press("Tab");
      await poll(() => scratch().textContent()).toBe("%repro status");
    });

    it("the documentation panel shows a completion's kind, signature and JSDoc", async () => {
      await typeInScratch("scale");
      await page.keyboard.press("Tab");
      expect(await completerList()).toEqual(["scaleBy", "scaleTo"]);
      // JupyterLab shows the `type` of _jupyter_types_experimental beside each item...
      const kinds = await completerItems().locator(".jp-Completer-typeExtended").allTextContents();
      expect(kinds).toEqual(["function", "function"]);
      // ...and fills the documentation panel by inspecting the active item.
      const doc = page.locator(".jp-Completer-docpanel");
      await poll(() => doc.textContent()).toContain("Scales a value by the factor k.");
      expect(await doc.textContent()).toContain("scaleBy(v: number, k?: number): number");
      await page.screenshot({ path: join(OUTPUT, "ux-docpanel.png") });
      await page.keyboard.press("ArrowDown");
      await poll(() => doc.textContent()).toContain("Scales a value to the unit range.");
      await page.keyboard.press("Escape");
    });

    it("Math. offers exactly the members Node 20's Math has (no f16round, no Symbol)", async () => {
      const names = ((await output(GENERATED_ID).textContent()) ?? "").trim().split(" ");
      expect(names).toContain("hypot");
      await typeInScratch("Math.f");
      await page.keyboard.press("Tab");
      const listed = await completerList();
      expect(listed).not.toContain("f16round");
      expect(listed.sort()).toEqual(names.filter((n) => n.startsWith("f")));
      // And all of Math: every member offered is one Node 20 has, and none is missing.
      await typeInScratch("Math.");
      await page.keyboard.press("Tab");
      const all = await completerList();
      expect([...all].sort()).toEqual(names);
      await page.keyboard.press("Escape");
    });

    it("Shift+Tab on a library call shows its JSDoc from the lib", async () => {
      await typeInScratch("Math.hypot(3, ");
      await page.keyboard.press("Shift+Tab");
      const tooltip = page.locator(".jp-Tooltip");
      await poll(() => tooltip.textContent()).toContain("square root of the sum of squares");
      expect(await tooltip.textContent()).toContain("hypot(...values: number[]): number");
      await page.keyboard.press("Escape");
    });

    it("display.vegaLite draws in JupyterLab and leaves an SVG for other frontends", async () => {
      const chart = output("vl").locator(".jp-RenderedVegaCommon5");
      await poll(() => chart.locator("canvas, svg").count()).toBeGreaterThan(0);
      const box = await chart.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(100);
      await chart.screenshot({ path: join(OUTPUT, "ux-vegalite.png") });
      const nb = await saved("extra.ipynb");
      const data = nb.cells.find((c) => c.id === "vl")?.outputs[0]?.data ?? {};
      // The kernel sent the spec and its SVG (JupyterLab's renderer adds a PNG of what it drew).
      expect(Object.keys(data)).toEqual(
        expect.arrayContaining(["application/vnd.vegalite.v5+json", "image/svg+xml", "text/plain"]),
      );
      const svg = String(data["image/svg+xml"]);
      expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
      // The kernel's rendering is of this chart: its title and its four bars.
      expect(svg).toContain(">squares<");
      expect(svg.match(/<path[^>]*aria-roledescription="bar"/g)?.length).toBe(4);
    });

    it("display.chart of a danfo DataFrame draws its columns in one call", async () => {
      const chart = output("frame").locator(".jp-RenderedVegaCommon5");
      await poll(() => chart.locator("canvas, svg").count()).toBeGreaterThan(0);
      await chart.screenshot({ path: join(OUTPUT, "ux-danfo-chart.png") });
      const nb = await saved("extra.ipynb");
      const data = nb.cells.find((c) => c.id === "frame")?.outputs[0]?.data ?? {};
      const spec = data["application/vnd.vegalite.v5+json"] as { data: { values: unknown[] } };
      expect(spec.data.values).toEqual([
        { epoch: 0, loss: 1 },
        { epoch: 1, loss: 0.5 },
        { epoch: 2, loss: 0.25 },
        { epoch: 3, loss: 0.125 },
      ]);
      const svg = String(data["image/svg+xml"]);
      expect(svg).toContain(">loss by epoch<");
      // Whole epochs get whole ticks (vega's default labelled 0.2, 0.4, ... between them).
      const xAxis = svg.slice(svg.indexOf('aria-label="X-axis'), svg.indexOf('aria-label="Y-axis'));
      const labels = [...xAxis.matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]);
      expect(labels).toEqual(["0", "1", "2", "3", "epoch"]);
    });

    it("the panel counts one file as 1 file", async () => {
      await showLineagePanel(page);
      const summary = page.locator("#replab-lineage-panel .rl-summary");
      await poll(() => summary.textContent()).toMatch(/ · 1 file · /);
    });

    it("an export error goes when the user switches to another notebook and back", async () => {
      const failed = await exportFromPanel(page, { dir: "export/extra", target: "nosuch" });
      expect(failed).toMatch(/^Export failed: Nothing is called “nosuch”/);
      await page.locator('.jp-SideBar [data-id="filebrowser"]').click();
      await page.locator(".jp-DirListing-item", { hasText: "other.ipynb" }).dblclick();
      await settleKernel(page);
      await showLineagePanel(page);
      await poll(() => panelStatus(page).textContent()).toBe("");
      // Back to the notebook it was about: the error was said once, and is not said again.
      await page.locator(".lm-TabBar-tab", { hasText: "extra.ipynb" }).click();
      await poll(() => cells().count()).toBe(IDS.length + 1);
      expect(await panelStatus(page).textContent()).toBe("");
    });

    it("an export that ends after the user switched notebooks says nothing in the other's panel", async () => {
      await startExportFromPanel(page, { dir: "export/race", target: "helper" });
      await page.locator(".lm-TabBar-tab", { hasText: "other.ipynb" }).click();
      // The notification says the export finished, wherever the user is.
      const done = page.locator(".Toastify__toast", {
        hasText: /^exported 1 cell to export\/race/,
      });
      await done.waitFor({ timeout: 120_000 });
      expect(existsSync(join(lab.notebooks, "export", "race", "repro.lock.json"))).toBe(true);
      // The panel shows other.ipynb: the words were about extra.ipynb.
      expect(await panelStatus(page).textContent()).toBe("");
      await page.locator(".lm-TabBar-tab", { hasText: "extra.ipynb" }).click();
      await poll(() => cells().count()).toBe(IDS.length + 1);
    });

    it("an export error goes after a restart", async () => {
      expect(await exportFromPanel(page, { dir: "export/extra", target: "nosuch" })).toMatch(
        /^Export failed/,
      );
      await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Kernel$/ }).click();
      await page.locator(".lm-Menu-itemLabel", { hasText: /^Restart Kernel…$/ }).click();
      await page.locator(".jp-Dialog .jp-mod-accept").click();
      await poll(() => panelStatus(page).textContent()).toBe("");
      await settleKernel(page);
      expect(await panelStatus(page).textContent()).toBe("");
    });

    it("the launcher shows the TypeScript and JavaScript kernels with different logos", async () => {
      await page.goto(`${lab.url}/lab?token=${lab.token}&reset`);
      const card = (label: string) =>
        page.locator(".jp-LauncherCard[data-category='Notebook']", { hasText: label });
      const logo = async (label: string): Promise<string> => {
        const img = card(label).locator(".jp-LauncherCard-icon img");
        await img.waitFor();
        const src = (await img.getAttribute("src")) ?? "";
        // The bytes the browser was served for that card's image.
        const bytes = await page.evaluate(async (url) => {
          const r = await fetch(url);
          return [...new Uint8Array(await r.arrayBuffer())];
        }, src);
        return createHash("sha256").update(Buffer.from(bytes)).digest("hex");
      };
      const ts = await logo("TypeScript (replab)");
      const js = await logo("JavaScript (replab)");
      expect(ts).not.toBe(js);
      const asset = (lang: string, file: string) =>
        createHash("sha256")
          .update(readFileSync(join(ROOT, "assets", lang, file)))
          .digest("hex");
      expect([
        asset("typescript", "logo-svg.svg"),
        asset("typescript", "logo-64x64.png"),
      ]).toContain(ts);
      expect([
        asset("javascript", "logo-svg.svg"),
        asset("javascript", "logo-64x64.png"),
      ]).toContain(js);
      await page
        .locator(".jp-Launcher-section")
        .first()
        .screenshot({
          path: join(OUTPUT, "launcher-logos.png"),
        });
    });
  },
);
