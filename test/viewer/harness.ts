/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The browser test's world: a JupyterLab 4.6.4 server on 127.0.0.1 with a token, its own
 * temporary Jupyter dirs holding the replab kernelspecs and the built lineage viewer, and
 * Debian's Chromium driven by playwright-core (never a downloaded browser).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";
import { freePort } from "../support/free-port.js";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Where screenshots go (ignored by git, kept by CI as test output). */
export const OUTPUT = join(ROOT, "test-output", "viewer");
const CHROMIUM = process.env.REPLAB_CHROMIUM ?? "/usr/bin/chromium";
const EXTENSION = join(ROOT, "extensions", "lineage-viewer", "labextension");

/** The jupyter executable: the repo's test venv, or REPLAB_VIEWER_VENV while it is missing. */
export function jupyterBin(): string {
  const venv = process.env.REPLAB_VIEWER_VENV ?? join(ROOT, ".venv");
  const bin = join(venv, "bin", "jupyter");
  if (!existsSync(bin)) {
    throw new Error(`no jupyter at ${bin}: run test/setup/prepare.sh (it makes .venv)`);
  }
  return bin;
}

/** A running JupyterLab with its notebook directory. */
export interface Lab {
  url: string;
  token: string;
  notebooks: string;
  stop(): Promise<void>;
}

/** Installs kernel and viewer into a fresh prefix with `replab install --prefix`, as a user does. */
function installInto(prefix: string): void {
  if (!existsSync(join(EXTENSION, "package.json"))) {
    throw new Error("extension not built: run bash extensions/lineage-viewer/build.sh");
  }
  const cli = join(ROOT, "dist", "bin", "replab.js");
  const r = spawnSync(process.execPath, [cli, "install", "--prefix", prefix], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`replab install failed (${r.status}):\n${r.stderr}`);
  const kernels = join(prefix, "share", "jupyter", "kernels", "replab", "kernel.json");
  const ext = join(prefix, "share", "jupyter", "labextensions", "@replab", "lineage-viewer");
  for (const installed of [kernels, join(ext, "package.json")]) {
    if (!existsSync(installed))
      throw new Error(`replab install --prefix did not write ${installed}`);
  }
}

/** What a test may set up beyond the notebooks. */
export interface LabOptions {
  /**
   * JupyterLab user settings per plugin id (`"@jupyterlab/completer-extension:manager"` ->
   * `{ showDocumentationPanel: true }`), as a user's Settings Editor would save them.
   */
  settings?: Record<string, Record<string, unknown>>;
}

/**
 * Writes each plugin's settings where JupyterLab reads a user's (`JUPYTERLAB_SETTINGS_DIR`):
 * `<dir>/<package>/<plugin>.jupyterlab-settings`.
 */
function writeUserSettings(dir: string, settings: Record<string, Record<string, unknown>>): void {
  for (const [id, values] of Object.entries(settings)) {
    const [pkg, plugin] = id.split(":");
    if (!pkg || !plugin) throw new Error(`settings key ${id} is not "package:plugin"`);
    mkdirSync(join(dir, pkg), { recursive: true });
    writeFileSync(join(dir, pkg, `${plugin}.jupyterlab-settings`), JSON.stringify(values));
  }
}

/** Starts JupyterLab on a free loopback port and waits until it answers. */
export async function startLab(
  notebooks: Record<string, unknown>,
  options: LabOptions = {},
): Promise<Lab> {
  const base = mkdtempSync(join(tmpdir(), "replab-viewer-"));
  const prefix = join(base, "prefix");
  const config = join(base, "config");
  const nbDir = join(base, "notebooks");
  mkdirSync(nbDir, { recursive: true });
  mkdirSync(join(config, "labconfig"), { recursive: true });
  // No news pop-up: it would cover the notebook in screenshots and asks the network.
  writeFileSync(
    join(config, "labconfig", "page_config.json"),
    JSON.stringify({
      disabledExtensions: { "@jupyterlab/apputils-extension:announcements": true },
    }),
  );
  const settings = join(base, "settings");
  writeUserSettings(settings, options.settings ?? {});
  installInto(prefix);
  for (const [name, nb] of Object.entries(notebooks)) {
    writeFileSync(join(nbDir, name), JSON.stringify(nb, null, 1));
  }
  const port = await freePort();
  const token = `t${Math.random().toString(36).slice(2)}`;
  const env = {
    ...process.env,
    JUPYTER_PATH: join(prefix, "share", "jupyter"),
    JUPYTER_DATA_DIR: join(base, "data"),
    JUPYTER_CONFIG_DIR: config,
    JUPYTER_RUNTIME_DIR: join(base, "runtime"),
    JUPYTER_PLATFORM_DIRS: "1",
    // A fresh settings dir: no setting of the machine's user reaches the test.
    JUPYTERLAB_SETTINGS_DIR: settings,
    REPLAB_SEED: "42",
  };
  const proc: ChildProcess = spawn(
    jupyterBin(),
    [
      "lab",
      "--no-browser",
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${nbDir}`,
      "--ServerApp.allow_root=True",
      "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  proc.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  proc.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter lab exited:\n${log}`);
    try {
      const r = await fetch(`${url}/api/status?token=${token}`);
      if (r.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`jupyter lab did not start in 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    token,
    notebooks: nbDir,
    async stop() {
      const exited = new Promise<void>((ok) => proc.once("exit", () => ok()));
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Launches Chromium from apt with a fresh profile. */
export async function startBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium`);
  const profile = mkdtempSync(join(tmpdir(), "replab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a notebook in JupyterLab and waits until its kernel question is settled. */
export async function openNotebook(page: Page, lab: Lab, name: string): Promise<void> {
  await page.goto(`${lab.url}/lab/tree/${encodeURIComponent(name)}?token=${lab.token}&reset`);
  await page.locator(".jp-NotebookPanel .jp-Cell").first().waitFor({ timeout: 60_000 });
  await settleKernel(page);
}

/**
 * Waits until the notebook's kernel is idle, or answers JupyterLab's "Select Kernel" dialog
 * with "No Kernel" (it comes up when the notebook's kernelspec is not installed).
 */
export async function settleKernel(page: Page): Promise<void> {
  const state = await page.waitForFunction(
    () => {
      if (document.querySelector(".jp-Dialog")) return "dialog";
      const bar = document.querySelector("#jp-main-statusbar");
      if (bar) return /\|\s*Idle/.test(bar.textContent ?? "") ? "idle" : null;
      // Notebook 7 has no status bar: read the notebook toolbar's kernel name and indicator.
      const name = document.querySelector(".jp-NotebookPanel-toolbar .jp-KernelName");
      const indicator = document.querySelector(".jp-Notebook-ExecutionIndicator");
      const named = !!name?.textContent && !/No Kernel/.test(name.textContent);
      return named && indicator?.getAttribute("data-status") === "idle" ? "idle" : null;
    },
    undefined,
    { timeout: 90_000, polling: 100 },
  );
  if ((await state.jsonValue()) === "dialog") {
    await page.locator(".jp-Dialog").getByRole("button", { name: "No Kernel" }).click();
    await page.locator(".jp-Dialog").waitFor({ state: "detached" });
  }
}

/** Shows the lineage sidebar (clicks its tab unless it is already open). */
export async function showLineagePanel(page: Page): Promise<void> {
  const panel = page.locator("#replab-lineage-panel");
  if (!(await panel.isVisible())) {
    await page.locator('.jp-SideBar [data-id="replab-lineage-panel"]').click();
  }
  await panel.waitFor({ state: "visible" });
}

/** Drags the left sidebar's edge so the panel is `width` px wide (for readable screenshots). */
export async function widenLeftSidebar(page: Page, width: number): Promise<void> {
  const stack = await page.locator("#jp-left-stack").boundingBox();
  if (!stack) return;
  const y = stack.y + stack.height / 2;
  const edge = stack.x + stack.width + 2;
  await page.mouse.move(edge, y);
  await page.mouse.down();
  await page.mouse.move(stack.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** A notebook with the given code cells (ids are the keys), kernelspec replab. */
export function notebook(
  cells: { id: string; source: string; outputs?: unknown[]; count?: number | null }[],
  metadata: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "replab", display_name: "TypeScript (replab)", language: "typescript" },
      language_info: { name: "typescript" },
      ...metadata,
    },
    cells: cells.map((c) => ({
      cell_type: "code",
      id: c.id,
      metadata: {},
      execution_count: c.count ?? null,
      source: c.source,
      outputs: c.outputs ?? [],
    })),
  };
}

/** A node of the sidebar's graph. */
export function panelNode(page: Page, id: string): Locator {
  return page.locator(`#replab-lineage-panel g.rl-node[data-id="${CSS_ESCAPE(id)}"]`);
}

// Ids in the tests are plain; quotes are the one thing that would break the selector.
const CSS_ESCAPE = (s: string): string => s.replace(/["\\]/g, "\\$&");

/** expect.poll with room for a loaded CI machine (its default gives up after 1 s). */
export function poll<T>(fn: () => T | Promise<T>, timeout = 60_000) {
  return expect.poll(fn, { timeout, interval: 50 });
}

/** The active cell's 0-based index, read from the status bar's "Cell N/M" item. */
export async function activeCellIndex(page: Page): Promise<number> {
  const bar = (await page.locator("#jp-main-statusbar").textContent()) ?? "";
  const m = /Cell (\d+)\/\d+/.exec(bar);
  return m ? Number(m[1]) - 1 : -1;
}

/** Whether the visible notebook shows the cell at `index` inside its scrolled viewport. */
export function cellIndexInView(page: Page, index: number): Promise<boolean> {
  return page.evaluate((i) => {
    const panel = [...document.querySelectorAll(".jp-NotebookPanel")].find(
      (p) => !p.classList.contains("lm-mod-hidden"),
    );
    const cell = panel?.querySelector(`.jp-Cell[data-windowed-list-index="${i}"]`);
    const outer = panel?.querySelector(".jp-WindowedPanel-outer");
    if (!cell || !outer) return false;
    const c = cell.getBoundingClientRect();
    const o = outer.getBoundingClientRect();
    return c.top >= o.top && c.bottom <= o.bottom;
  }, index);
}

// `npm run bench` runs the browser tests and folds this file into bench/RESULTS.md.
const BENCH =
  process.env["REPLAB_VIEWER_RESULTS"] ?? join(ROOT, "test-output", "viewer-results.json");

/** Merges measured figures into the viewer results file (for the bench report). */
export function writeBench(figures: Record<string, unknown>): void {
  if (Object.keys(figures).length === 0) return;
  let prev: Record<string, unknown> = {};
  try {
    prev = JSON.parse(readFileSync(BENCH, "utf8")) as Record<string, unknown>;
  } catch {
    // First run: nothing to merge with.
  }
  const keys = Object.keys({ ...prev, ...figures }).sort();
  const merged = Object.fromEntries(keys.map((k) => [k, figures[k] ?? prev[k]]));
  mkdirSync(dirname(BENCH), { recursive: true });
  writeFileSync(BENCH, `${JSON.stringify(merged, null, 2)}\n`);
}

/**
 * package.json and package-lock.json for a notebook directory that `%repro export` can pin:
 * every pipeline needs seedrandom (and typescript with types to type-check), pinned with the
 * entries of replab's own lockfile.
 */
export function exportProject(): Record<string, unknown> {
  const rootLock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string; dependencies?: Record<string, string> }>;
  };
  const direct = ["seedrandom", "typescript", "@types/node", "@types/seedrandom"];
  const packages: Record<string, unknown> = {};
  const todo = [...direct];
  while (todo.length > 0) {
    const name = todo.pop() as string;
    const entry = rootLock.packages[`node_modules/${name}`];
    if (!entry || packages[`node_modules/${name}`]) continue;
    packages[`node_modules/${name}`] = entry;
    todo.push(...Object.keys(entry.dependencies ?? {}));
  }
  const dependencies = Object.fromEntries(
    direct.map((n) => [n, rootLock.packages[`node_modules/${n}`].version]),
  );
  const project = { name: "live-notebook", version: "1.0.0", private: true, dependencies };
  return {
    "package.json": project,
    "package-lock.json": {
      name: project.name,
      version: project.version,
      lockfileVersion: 3,
      requires: true,
      packages: { "": { name: project.name, version: project.version, dependencies }, ...packages },
    },
  };
}

/** What the panel's export dialog is filled in with (unset boxes: force on, data off). */
export interface ExportChoice {
  dir: string;
  force?: boolean;
  includeData?: boolean;
  target?: string;
}

/** The lineage panel's status line (what the last export or command said). */
export function panelStatus(page: Page): Locator {
  return page.locator("#replab-lineage-panel .rl-status");
}

/**
 * Opens the export dialog from the panel's button, fills it in and accepts it, as a user does;
 * returns what the panel's status line says once the export has finished.
 */
export async function exportFromPanel(page: Page, options: ExportChoice): Promise<string> {
  await startExportFromPanel(page, options);
  const status = panelStatus(page);
  await poll(async () => (await status.textContent()) ?? "", 120_000).not.toMatch(/^(Exporting|$)/);
  return (await status.textContent()) ?? "";
}

/** Opens the export dialog from the panel's button, fills it in and accepts it (no waiting). */
export async function startExportFromPanel(page: Page, options: ExportChoice): Promise<void> {
  await page.locator("#replab-lineage-panel .rl-export").click();
  const dialog = page.locator(".jp-Dialog");
  await dialog.waitFor();
  await dialog.locator('input[name="dir"]').fill(options.dir);
  await dialog.locator('input[name="force"]').setChecked(options.force ?? true);
  await dialog.locator('input[name="include-data"]').setChecked(options.includeData ?? false);
  await dialog.locator('input[name="target"]').fill(options.target ?? "");
  await dialog.locator(".jp-mod-accept").click();
  await dialog.waitFor({ state: "detached" });
}

/** Runs a command by its label through the command palette, as a user finds it. */
export async function runFromPalette(page: Page, label: string): Promise<void> {
  await page.keyboard.press("Control+Shift+c");
  const input = page.locator(".lm-CommandPalette-input");
  await input.waitFor();
  await input.fill(label);
  await page.locator(".lm-CommandPalette-item", { hasText: label }).first().click();
}

/** Run > Run All Cells from the menu bar. */
export async function runAllCells(page: Page): Promise<void> {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: /^Run$/ }).click();
  await page.locator(".lm-Menu-itemLabel", { hasText: /^Run All Cells$/ }).click();
}
