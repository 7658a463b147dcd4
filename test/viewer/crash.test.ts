/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// After a kernel crash the panel shows what ran before it (issue 10, item 6), in a real browser:
// the replab kernel runs two cells, gets SIGKILL, Jupyter Server restarts it, and the new
// kernel's lineage carries the killed session's, recovered from its journal (previousSession).
// The panel draws those cells apart (tagged "prev"), says when that kernel ended and which
// journal it came from, and marks the cells whose outputs the notebook shows as not run here.
// Then the same after a reload of a notebook nobody saved: only the journal knows what ran.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  notebook,
  openNotebook,
  OUTPUT,
  panelNode,
  poll,
  showLineagePanel,
  startBrowser,
  startLab,
  widenLeftSidebar,
  type Lab,
} from "./harness.js";

const crash = notebook([
  { id: "k1", source: "const a = 40;" },
  { id: "k2", source: "const b = a + 2;\nconsole.log(b);" },
  { id: "k3", source: "console.log(b * 2);" },
  { id: "k4", source: "%lineage" },
]);

// The first cell loads the TypeScript checker, and after a kill JupyterLab reconnects to the
// restarted kernel with a growing back-off: on a loaded 2-core machine both take minutes.
const TIMEOUT = 720_000;
let lab: Lab;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;

const cell = (i: number): Locator =>
  page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").nth(i);
const countOf = async (i: number): Promise<number | null> => {
  const m = /\[(\d+)\]/.exec((await cell(i).locator(".jp-InputPrompt").textContent()) ?? "");
  return m ? Number(m[1]) : null;
};
/** The badge's words and tooltip, or null when the cell has no mark. */
const markOf = (i: number): Promise<{ text: string; why: string } | null> =>
  cell(i).evaluate((c) => {
    const b = c.querySelector(":scope > .rl-cell-mark");
    return b ? { text: b.textContent ?? "", why: b.getAttribute("title") ?? "" } : null;
  });
const banner = async (): Promise<string> =>
  page.locator("#replab-lineage-panel .rl-banner").evaluate((b) => (b as HTMLElement).innerText);
const view = () => page.locator("#replab-lineage-panel .rl-view");
const classOf = async (id: string): Promise<string> =>
  (await panelNode(page, id).getAttribute("class")) ?? "";

/** Runs cell i with Ctrl+Enter and waits for its execution count. */
async function run(i: number, count: number): Promise<void> {
  await cell(i).locator(".jp-InputPrompt").click();
  await page.keyboard.press("Control+Enter");
  await poll(() => countOf(i), 240_000).toBe(count);
}

/** The notebook's kernel processes: the launcher and the engine it may run under a snapshot. */
async function kernelPids(): Promise<number[]> {
  const r = await fetch(`${lab.url}/api/sessions?token=${lab.token}`);
  const sessions = (await r.json()) as { path: string; kernel: { id: string } }[];
  const id = sessions.find((s) => s.path === "crash.ipynb")?.kernel.id;
  if (!id) throw new Error("no session for crash.ipynb");
  // Jupyter passes the connection file, named by the kernel id, to every kernel process.
  const pids: number[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(`kernel-${id}.json`)) {
        pids.push(Number(pid));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** kill -9 of the notebook's kernel, then waits until Jupyter Server has started the next. */
async function killKernel(): Promise<void> {
  const pids = await kernelPids();
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  // JupyterLab says the kernel died and will restart; the user acknowledges it.
  const dialog = page.locator(".jp-Dialog", { hasText: /restart/i });
  await dialog.waitFor({ timeout: 60_000 });
  await dialog.locator(".jp-mod-accept").click();
  await poll(async () => (await kernelPids()).some((p) => !pids.includes(p)), 180_000).toBe(true);
  // Jupyter Server's word that the new kernel answers (JupyterLab's status bar may say
  // "Unknown" until a cell runs: the panel must not wait for it either).
  await poll(async () => {
    const r = await fetch(`${lab.url}/api/kernels?token=${lab.token}`);
    const kernels = (await r.json()) as { execution_state: string }[];
    return kernels.map((k) => k.execution_state);
  }, 480_000).toEqual(["idle"]);
}

/** The cells a journal recorded executions of, in order. */
function executedIn(path: string): string[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as { type?: string; cellId?: string })
    .filter((r) => r.type === "execution")
    .map((r) => r.cellId ?? "");
}

/** The one journal that recorded exactly these executions, and when it was last written. */
function journalOf(cellIds: string[]): { journal: string; ended: string } {
  const dir = join(lab.notebooks, ".replab");
  const found = readdirSync(dir)
    .filter((f) => /^session-\d+-\d+\.jsonl$/.test(f))
    .filter((f) => JSON.stringify(executedIn(join(dir, f))) === JSON.stringify(cellIds));
  expect(found).toHaveLength(1);
  const t = new Date(statSync(join(dir, found[0] as string)).mtimeMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  // The browser runs on this machine, in its time zone: the same local time.
  return {
    journal: `.replab/${found[0]}`,
    ended: `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`,
  };
}

describe("the panel after a kernel crash", { timeout: TIMEOUT }, () => {
  beforeAll(async () => {
    lab = await startLab({ "crash.ipynb": crash });
    browser = await startBrowser();
    page = await browser.context.newPage();
  }, TIMEOUT);
  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
  });

  it("shows the killed kernel's cells as the previous kernel's, when it ended and from which journal", async () => {
    await openNotebook(page, lab, "crash.ipynb");
    await showLineagePanel(page);
    await widenLeftSidebar(page, 300);
    await run(0, 1);
    await run(1, 2);
    await poll(() => view().getAttribute("data-source")).toBe("live");
    await poll(() => panelNode(page, "k2").count()).toBe(1);
    expect(await classOf("k1")).not.toContain("rl-previous");
    expect(await banner()).toBe("");

    await killKernel();
    const { journal, ended } = journalOf(["k1", "k2"]);
    // JupyterLab reconnects with a growing back-off (up to two minutes).
    await poll(() => view().getAttribute("data-source"), 300_000).toBe("previous");
    expect(await banner()).toBe(
      "Lineage of the previous kernel (2 cells): nothing has run in this kernel yet.\n" +
        `It ended ${ended}; recovered from its journal ${journal}.`,
    );
    for (const id of ["k1", "k2"]) {
      const cls = await classOf(id);
      expect(cls).toContain("rl-previous");
      expect(cls).toContain("rl-not-run-here");
      expect(await panelNode(page, id).locator(".rl-previous-tag").textContent()).toBe("prev");
      expect(await panelNode(page, id).locator("title").textContent()).toContain(
        `from the previous kernel (ended ${ended}), recovered from its journal ${journal}`,
      );
    }
    expect(await page.locator("#replab-lineage-panel .rl-summary").textContent()).toMatch(
      /^2 cells \(2 prev\) · /,
    );
    // k3 never ran: nothing of it in either kernel's lineage.
    expect(await panelNode(page, "k3").count()).toBe(0);
    const key = page.locator("#replab-lineage-panel .rl-key", { hasText: "previous kernel" });
    expect(await key.isVisible()).toBe(true);
    // The notebook still shows [1] and [2] and k2's output: those results are the dead kernel's.
    expect(await countOf(1)).toBe(2);
    expect(await cell(1).locator(".jp-OutputArea").textContent()).toContain("42");
    for (const i of [0, 1]) {
      expect((await markOf(i))?.text).toBe("not run");
      expect((await markOf(i))?.why).toContain("not run in this kernel");
    }
    expect(await markOf(2)).toBeNull();
    await page.screenshot({ path: join(OUTPUT, "crash-previous.png") });
  });

  it("once a cell runs here, it is this kernel's and the rest stays the previous kernel's", async () => {
    const { journal, ended } = journalOf(["k1", "k2"]);
    await run(0, 1);
    await poll(() => view().getAttribute("data-source")).toBe("live");
    await poll(banner).toBe(
      "1 cell not run in this kernel (faded): its output is from the previous kernel.\n" +
        `It ended ${ended}; recovered from its journal ${journal}.`,
    );
    const k1 = await classOf("k1");
    expect(k1).not.toContain("rl-previous");
    expect(k1).not.toContain("rl-not-run-here");
    expect(await panelNode(page, "k1").locator(".rl-previous-tag").count()).toBe(0);
    expect(await classOf("k2")).toContain("rl-previous");
    expect(await page.locator("#replab-lineage-panel .rl-summary").textContent()).toMatch(
      /^2 cells \(1 prev\) · /,
    );
    expect(await markOf(0)).toBeNull();
    expect((await markOf(1))?.text).toBe("not run");
    await page.screenshot({ path: join(OUTPUT, "crash-one-rerun.png") });
    // %lineage draws the same inline: k2 is the previous kernel's, k1 this one's.
    await run(3, 2);
    const inline = cell(3).locator(".jp-OutputArea .rl-inline");
    await poll(() => inline.locator('g.rl-node[data-id="k2"]').count()).toBe(1);
    expect(await inline.locator('g.rl-node[data-id="k2"]').getAttribute("class")).toContain(
      "rl-previous",
    );
    expect(await inline.locator('g.rl-node[data-id="k1"]').getAttribute("class")).not.toContain(
      "rl-previous",
    );
    expect(await inline.locator(".rl-banner").evaluate((b) => (b as HTMLElement).innerText)).toBe(
      "1 cell of the previous kernel shown (prev): not run in this kernel.\n" +
        `It ended ${ended}; recovered from its journal ${journal}.`,
    );
  });

  it("after a reload of a notebook nobody saved, the journal alone shows what ran before the crash", async () => {
    await killKernel();
    // What the file holds when the kernel dies before anyone saved: no outputs, no lineage.
    writeFileSync(join(lab.notebooks, "crash.ipynb"), JSON.stringify(crash, null, 1));
    const { journal, ended } = journalOf(["k1"]);
    // Leaving a notebook with unsaved changes asks first; the user leaves.
    page.once("dialog", (d) => void d.accept());
    await openNotebook(page, lab, "crash.ipynb");
    await showLineagePanel(page);
    await poll(() => view().getAttribute("data-source")).toBe("previous");
    expect(await banner()).toBe(
      "Lineage of the previous kernel (1 cell): nothing has run in this kernel yet.\n" +
        `It ended ${ended}; recovered from its journal ${journal}.`,
    );
    expect(await classOf("k1")).toContain("rl-previous");
    // The notebook shows no result of k1 now, so it is not marked as one from another kernel.
    expect(await classOf("k1")).not.toContain("rl-not-run-here");
    expect(await countOf(0)).toBeNull();
    expect(await markOf(0)).toBeNull();
    expect(await panelNode(page, "k2").count()).toBe(0);
  });
});
