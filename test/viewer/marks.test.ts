/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The lineage where the user looks, with the replab kernel in a real browser: marks at the
// cells (stale, downstream of stale, edited, input changed on disk, nondeterministic, not run
// in this kernel) and acting on them (Run stale cells, Run cell with its upstream, Select
// upstream/downstream, reactive mode), then the export dialog's options and errors and the
// export of a reopened notebook. Screenshots in test-output/viewer/.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  exportFromPanel,
  exportProject,
  notebook,
  openNotebook,
  OUTPUT,
  panelNode,
  panelStatus,
  poll,
  ROOT,
  runFromPalette,
  settleKernel,
  showLineagePanel,
  startBrowser,
  startLab,
  widenLeftSidebar,
  type ExportChoice,
  type Lab,
} from "./harness.js";

const marks = notebook([
  { id: "m1", source: "let x = 3;" },
  { id: "m2", source: "const y = x * 10;" },
  { id: "m3", source: "console.log(y + 1);" },
  {
    id: "m4",
    source:
      'const fs = await import("node:fs");\nconst text = fs.readFileSync("data.txt", "utf8");',
  },
  { id: "m5", source: "console.log(text.trim().split(' ').length);" },
  { id: "m6", source: "const stamp = Date.now();" },
]);

let lab: Lab;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;

const LIVE_TIMEOUT = 240_000;
const cells = () => page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell");
const cell = (i: number): Locator => cells().nth(i);
/** The badge's words and tooltip, or null when the cell has no mark (read in one step). */
const markOf = (i: number): Promise<{ text: string; why: string } | null> =>
  cell(i).evaluate((c) => {
    const b = c.querySelector(":scope > .rl-cell-mark");
    return b ? { text: b.textContent ?? "", why: b.getAttribute("title") ?? "" } : null;
  });
/** The cell's execution count as its prompt shows it, or null. */
const countOf = async (i: number): Promise<number | null> => {
  const m = /\[(\d+)\]/.exec((await cell(i).locator(".jp-InputPrompt").textContent()) ?? "");
  return m ? Number(m[1]) : null;
};
const counts = async (): Promise<(number | null)[]> => {
  const out: (number | null)[] = [];
  for (let i = 0; i < 6; i++) out.push(await countOf(i));
  return out;
};
const idle = async (): Promise<void> => {
  await poll(async () =>
    /\|\s*Idle/.test((await page.locator("#jp-main-statusbar").textContent()) ?? ""),
  ).toBe(true);
};
const status = () => panelStatus(page);
const banner = () => page.locator("#replab-lineage-panel .rl-banner");

/** Clicks a cell's prompt, so it is the active cell in command mode. */
async function activate(i: number): Promise<void> {
  await cell(i).locator(".jp-InputPrompt").click();
}

/** Runs a command by its label through the command palette. */
const palette = (label: string): Promise<void> => runFromPalette(page, label);

/** Replaces a cell's source by typing, as a user does (not run). */
async function edit(i: number, source: string): Promise<void> {
  await cell(i).locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.insertText(source);
  await page.keyboard.press("Escape");
}

/** Exports through the panel's dialog; what the status line then says. */
const exportWith = (options: ExportChoice): Promise<string> => exportFromPanel(page, options);

describe("marks at the cells and acting on them", { timeout: LIVE_TIMEOUT }, () => {
  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    lab = await startLab({ "marks.ipynb": marks, ...exportProject() });
    writeFileSync(join(lab.notebooks, "data.txt"), "one two three\n");
    browser = await startBrowser();
    page = await browser.context.newPage();
  }, LIVE_TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it("after Run All only the nondeterministic cell is marked, with why", async () => {
    await openNotebook(page, lab, "marks.ipynb");
    await showLineagePanel(page);
    await widenLeftSidebar(page, 250);
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
    await poll(() => countOf(5), 180_000).toBe(6);
    await poll(() => markOf(5)).toEqual({
      text: "⚠",
      why: "nondeterministic: clock:Date.now",
    });
    for (let i = 0; i < 5; i++) expect(await markOf(i)).toBeNull();
  });

  it("re-running an upstream cell marks its dependents, transitively, and says why", async () => {
    await activate(0);
    await page.keyboard.press("Control+Enter");
    await poll(() => countOf(0)).toBe(7);
    await poll(async () => (await markOf(1))?.text).toBe("stale");
    expect((await markOf(1))?.why).toBe("uses `x`, redefined by [7]");
    // console.log(y + 1) reads nothing that changed itself, but y is out of date.
    expect(await markOf(2)).toEqual({
      text: "stale ↓",
      why: "depends on [2], which is out of date",
    });
    expect(await markOf(3)).toBeNull();
    expect(await cell(1).getAttribute("class")).toContain("rl-cell-stale");
    await poll(
      async () => (await page.locator("#replab-lineage-panel .rl-summary").textContent()) ?? "",
    ).toContain("1 stale · 2 to re-run");
    // The panel draws the downstream cell as out of date too.
    await poll(() => panelNode(page, "m3").getAttribute("class")).toContain("rl-out-of-date");
    await cell(0).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT, "marks-stale.png") });
  });

  it("Run stale cells (its shortcut) runs exactly the stale cells, in order, and the marks clear", async () => {
    const before = await counts();
    await activate(4);
    await page.keyboard.press("Control+Alt+Enter");
    await poll(() => countOf(2)).toBe(9);
    await idle();
    const after = await counts();
    // m2 then m3, nothing else.
    expect(after).toEqual([before[0], 8, 9, before[3], before[4], before[5]]);
    await poll(() => markOf(1)).toBeNull();
    expect(await markOf(2)).toBeNull();
  });

  it("an edited cell is marked before it runs, and its downstream with it", async () => {
    await edit(1, "const y = x * 100;");
    await poll(async () => (await markOf(1))?.text).toBe("edited");
    expect((await markOf(1))?.why).toBe("edited since it ran: the output is from the old code");
    expect((await markOf(2))?.text).toBe("stale ↓");
    await page.screenshot({ path: join(OUTPUT, "marks-edited.png") });
    // Typing the old source back clears the mark: the hash is the code's, not an edit flag.
    await edit(1, "const y = x * 10;");
    await poll(() => markOf(1)).toBeNull();
    expect(await markOf(2)).toBeNull();
    await edit(1, "const y = x * 100;");
    await poll(async () => (await markOf(1))?.text).toBe("edited");
    await palette("Run stale cells");
    await poll(() => countOf(2)).toBe(11);
    await idle();
    expect(await countOf(1)).toBe(10);
    await poll(() => markOf(1)).toBeNull();
    expect(await cell(2).locator(".jp-OutputArea").textContent()).toContain("301");
  });

  it("a file changed on disk marks the cell that read it and what follows", async () => {
    writeFileSync(join(lab.notebooks, "data.txt"), "one two three four\n");
    await palette("Refresh cell lineage");
    await poll(async () => (await markOf(3))?.text).toBe("new input");
    expect((await markOf(3))?.why).toBe("reads data.txt, changed on disk since it ran");
    expect((await markOf(4))?.text).toBe("stale ↓");
    expect(await markOf(1)).toBeNull();
    await poll(() => panelNode(page, "file:data.txt").getAttribute("class")).toContain(
      "rl-changed",
    );
    await cell(3).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(OUTPUT, "marks-input-changed.png") });
    const before = await counts();
    await page.keyboard.press("Control+Alt+Enter");
    await poll(() => countOf(4)).toBe(13);
    await idle();
    expect(await counts()).toEqual([before[0], before[1], before[2], 12, 13, before[5]]);
    await poll(() => markOf(3)).toBeNull();
    expect(await cell(4).locator(".jp-OutputArea").textContent()).toContain("4");
    await poll(() => panelNode(page, "file:data.txt").getAttribute("class")).not.toContain(
      "rl-changed",
    );
    expect(await panelNode(page, "m5").getAttribute("class")).not.toContain("rl-out-of-date");
  });

  it("Select upstream / downstream select the cells the lineage links", async () => {
    await activate(2);
    await page.keyboard.press("Alt+ArrowUp");
    const selected = () =>
      page.evaluate(() =>
        [...document.querySelectorAll(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")]
          .map((c, i) => (c.classList.contains("jp-mod-selected") ? i : -1))
          .filter((i) => i >= 0),
      );
    await poll(selected).toEqual([0, 1, 2]);
    await activate(0);
    await palette("Select downstream cells");
    await poll(selected).toEqual([0, 1, 2]);
    await activate(3);
    await page.keyboard.press("Alt+ArrowDown");
    await poll(selected).toEqual([3, 4]);
  });

  it("reactive mode: after a cell runs, its stale dependents run", async () => {
    await activate(0);
    await page.keyboard.press("Alt+r");
    await poll(async () => (await status().textContent()) ?? "").toContain("Reactive mode on");
    const before = await counts();
    await page.keyboard.press("Control+Enter");
    await poll(() => countOf(2)).toBe((before[4] ?? 0) + 3);
    await idle();
    expect(await counts()).toEqual([
      (before[4] ?? 0) + 1,
      (before[4] ?? 0) + 2,
      (before[4] ?? 0) + 3,
      before[3],
      before[4],
      before[5],
    ]);
    for (let i = 0; i < 5; i++) expect(await markOf(i)).toBeNull();
    // Off again: re-running m1 leaves m2 stale.
    await palette("Reactive mode");
    await poll(async () => (await status().textContent()) ?? "").toBe("");
    await activate(0);
    await page.keyboard.press("Control+Enter");
    await poll(async () => (await markOf(1))?.text).toBe("stale");
    await idle();
    await page.keyboard.press("Control+Alt+Enter");
    await poll(() => markOf(1)).toBeNull();
    await idle();
  });

  it("the export dialog's options go to the export, and its errors say what to do", async () => {
    const first = await exportWith({ dir: "export/marks", force: false });
    expect(first).not.toMatch(/failed/i);
    expect(first).toMatch(/^exported 6 cells to export\/marks \(\d+ files\)$/);
    const again = await exportWith({ dir: "export/marks", force: false });
    expect(again).toBe(
      "Export failed: The folder “export/marks” already holds an export. Tick “Replace the earlier export” to overwrite it, or choose another folder.",
    );
    expect(again).not.toMatch(/ReplabError|--force|\/tmp\//);
    await page.screenshot({ path: join(OUTPUT, "export-error.png") });
    const wrong = await exportWith({ dir: "export/marks", target: "nosuch" });
    expect(wrong).toContain("Nothing is called “nosuch”");
    const sliced = await exportWith({ dir: "export/y", target: "y", includeData: true });
    // y is m2's, which needs m1's x: two cells, said in the plural.
    expect(sliced).toMatch(/^exported 2 cells to export\/y \(\d+ files\)$/);
    const lock = JSON.parse(
      readFileSync(join(lab.notebooks, "export", "y", "repro.lock.json"), "utf8"),
    ) as { cells: { id: string }[] };
    expect(lock.cells.map((c) => c.id)).toEqual(["m1", "m2"]);
    const data = await exportWith({ dir: "export/data", target: "text", includeData: true });
    // text is m4's alone: one cell, said in the singular ("exported 1 cells" was issue 13).
    expect(data).toMatch(/^exported 1 cell to export\/data \(\d+ files\)$/);
    const dataLock = JSON.parse(
      readFileSync(join(lab.notebooks, "export", "data", "repro.lock.json"), "utf8"),
    ) as { cells: { id: string }[] };
    expect(dataLock.cells.map((c) => c.id)).toEqual(["m4"]);
    expect(readFileSync(join(lab.notebooks, "export", "data", "data", "data.txt"), "utf8")).toBe(
      "one two three four\n",
    );
    const replaced = await exportWith({ dir: "export/marks", force: true });
    expect(replaced).toMatch(/^exported 6 cells to export\/marks \(\d+ files\)$/);
  });

  it("after a restart the panel says the graph is the previous kernel's and marks cells not run", async () => {
    await page.keyboard.press("Control+s");
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Kernel$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Restart Kernel…$/ }).click();
    await page.locator(".jp-Dialog .jp-mod-accept").click();
    await poll(async () => (await banner().textContent()) ?? "").toContain(
      "Lineage of the previous kernel (6 cells): nothing has run in this kernel yet.",
    );
    // The last export's words were about the old kernel.
    expect(await status().textContent()).toBe("");
    await idle();
    await activate(2);
    await palette("Run cell with its upstream");
    await poll(() => countOf(2)).toBe(3);
    await idle();
    expect(await countOf(0)).toBe(1);
    expect(await countOf(1)).toBe(2);
    await poll(async () => ((await banner().textContent()) ?? "").split("\n")[0]).toBe(
      "3 cells not run in this kernel (faded): their outputs are from the previous kernel.",
    );
    // The restarted kernel recovered the previous one's lineage from its journal, and says so.
    expect(((await banner().textContent()) ?? "").split("\n")[1]).toMatch(
      /^It ended \d\d:\d\d:\d\d; recovered from its journal \.replab\/session-\d+-\d+\.jsonl\.$/,
    );
    expect((await markOf(3))?.text).toBe("not run");
    expect((await markOf(3))?.why).toContain("not run in this kernel");
    expect(await markOf(0)).toBeNull();
    expect(
      await page.locator('#replab-lineage-panel g.rl-node.rl-not-run-here[data-id="m4"]').count(),
    ).toBe(1);
    expect(await panelNode(page, "m4").getAttribute("class")).toContain("rl-previous");
    expect(await panelNode(page, "m1").getAttribute("class")).not.toContain("rl-previous");
    await page.screenshot({ path: join(OUTPUT, "restart-not-run.png") });
  });

  it("a reopened notebook with a fresh kernel exports its stored run, as replab export does", async () => {
    await page.keyboard.press("Control+s");
    await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Kernel$/ }).click();
    await page.locator(".lm-Menu-itemLabel", { hasText: /^Shut Down Kernel$/ }).click();
    // With no kernel the export cannot run, and the button says so.
    await poll(() => page.locator("#replab-lineage-panel .rl-export").isDisabled()).toBe(true);
    expect(await page.locator("#replab-lineage-panel .rl-export").getAttribute("title")).toContain(
      "Start the notebook's replab kernel",
    );
    await openNotebook(page, lab, "marks.ipynb");
    await settleKernel(page);
    await showLineagePanel(page);
    await poll(() => page.locator("#replab-lineage-panel .rl-export").isDisabled()).toBe(false);
    const said = await exportWith({ dir: "export/reopened" });
    expect(said).toMatch(/^exported 3 cells to export\/reopened \(\d+ files\)$/);
    const cli = spawnSync(
      process.execPath,
      [join(ROOT, "dist", "bin", "replab.js"), "export", "marks.ipynb", "-o", "export/cli"],
      { cwd: lab.notebooks, encoding: "utf8" },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const manifest = (dir: string) =>
      readFileSync(join(lab.notebooks, "export", dir, ".replab-export.json"), "utf8");
    expect(manifest("reopened")).toBe(manifest("cli"));
  });
});
