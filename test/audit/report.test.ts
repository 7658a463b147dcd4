/**
 * `replab report` of each example notebook, opened in Debian's Chromium from a file:// URL:
 * it renders with no request beyond its own file, the verdict comes first, and the environment,
 * input, frame, cell and lineage sections hold the run's facts. A screenshot of each goes to
 * test-output/audit/. Then the verdict follows the evidence: a verified export, a changed
 * input, a clock read.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContext } from "playwright-core";
import { ROOT, replab, writeNotebook } from "../cli/helpers.js";
import { startBrowser } from "../viewer/harness.js";
import { EXAMPLES, outName, runExamples } from "./setup.js";

const SHOTS = join(ROOT, "test-output", "audit");
let dir: string;
let browser: { context: BrowserContext; close(): Promise<void> };

beforeAll(async () => {
  dir = runExamples("audit-report");
  mkdirSync(SHOTS, { recursive: true });
  browser = await startBrowser();
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

/**
 * Open a page, intercepting every request it makes: the page's own file goes through, anything
 * else is recorded and aborted. Returns the page, every request seen and the aborted ones.
 */
async function open(file: string) {
  const page = await browser.context.newPage();
  const own = pathToFileURL(file).href;
  const requests: string[] = [];
  const blocked: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  await page.route("**/*", async (route) => {
    const url = route.request().url();
    if (url === own) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  await page.goto(own);
  await page.waitForLoadState("load");
  return { page, requests, blocked };
}

interface StoredCell {
  id: string;
  cell_type: string;
  outputs?: { output_type: string }[];
}

/** The ids of the code cells of an executed notebook that displayed something, with how many. */
function displaysOf(nb: string): [string, number][] {
  const stored = JSON.parse(readFileSync(join(dir, nb), "utf8")) as { cells: StoredCell[] };
  return stored.cells
    .map((c): [string, number] => [
      c.id,
      (c.outputs ?? []).filter((o) => o.output_type === "display_data").length,
    ])
    .filter(([, n]) => n > 0);
}

describe("replab report in Chromium", () => {
  for (const nb of EXAMPLES) {
    it(
      `renders the report of ${nb} offline, verdict first, with its tables`,
      { timeout: 120_000 },
      async () => {
        const html = join(dir, nb.replace(/\.ipynb$/, ".report.html"));
        expect(replab(["report", outName(nb), "-o", html], { cwd: dir })).toMatchObject({
          code: 0,
          stderr: "",
        });
        const { page, requests, blocked } = await open(html);
        expect(blocked).toEqual([]);
        expect(requests).toEqual([pathToFileURL(html).href]);
        const first = await page.evaluate(() => document.body.querySelector("section, h2")?.id);
        expect(first).toBe("verdict");
        await expect(page.locator("#verdict h2").textContent()).resolves.toMatch(
          /^((not )?reproducible|not known until verified)/,
        );
        const stored = JSON.parse(readFileSync(join(dir, outName(nb)), "utf8")) as {
          metadata: { replab: { lineage: { nodes: { kind: string; id: string }[] } } };
        };
        const cells = stored.metadata.replab.lineage.nodes.filter((n) => n.kind === "cell");
        await expect(page.locator("#cells-table tbody tr").count()).resolves.toBe(cells.length);
        await expect(page.locator("#runtime").textContent()).resolves.toContain(
          process.versions.node,
        );
        await expect(page.locator("#seed").textContent()).resolves.toBe("42");
        await expect(
          page.locator(".lineage svg g, .lineage svg rect").count(),
        ).resolves.toBeGreaterThan(0);
        // Every chart or table a cell displayed is an output with its cell and hashes.
        const provenance = (await page.locator("#provenance-table").textContent()) ?? "";
        const shown = displaysOf(outName(nb));
        expect(shown.length).toBeGreaterThan(0);
        for (const [id, n] of shown)
          for (let i = 1; i <= n; i++) expect(provenance).toContain(`display cell ${id} #${i}`);
        await expect(page.locator("#runtime").textContent()).resolves.toContain("UTC");
        await page.screenshot({
          path: join(SHOTS, nb.replace(/\.ipynb$/, ".png")),
          fullPage: true,
        });
        await page.close();
      },
    );
  }

  it("catches a page's external requests, so the reports' empty list means none", async () => {
    const control = join(dir, "external.html");
    writeFileSync(
      control,
      '<!DOCTYPE html><link rel="stylesheet" href="https://fonts.example.org/a.css"><img src="http://127.0.0.1:9/x.png"><p>control</p>',
    );
    const { page, blocked } = await open(control);
    expect([...blocked].sort()).toEqual([
      "http://127.0.0.1:9/x.png",
      "https://fonts.example.org/a.css",
    ]);
    await page.close();
  });

  it(
    "shows penguins' input hash, frame schema with missing values and its data card",
    { timeout: 60_000 },
    async () => {
      const html = join(dir, "penguins-danfo.report.html");
      const { page } = await open(html);
      const inputs = await page.locator("#inputs-table").textContent();
      expect(inputs).toContain("data/penguins.json");
      expect(inputs).toContain("ca5513a8930c09390448c056aa6cf88f20eedb565f3ba812ef351e91b7230277");
      expect(inputs).toContain("same sha256 as recorded");
      // penguins.json has 2 rows without measurements and 10 without a sex; the frame table says so.
      const frames = await page.locator("#frames-table").textContent();
      expect(frames).toContain("Sex: string (10 missing)");
      // The chart is traced back to the file and cells it was drawn from.
      const chart = page.locator("#provenance-table tr", { hasText: "cell mass-chart #1" });
      await expect(chart.textContent()).resolves.toMatch(
        /image\/svg\+xml: [0-9a-f]{64}.*mass-chartload, clean, by-species, mass-chartdata\/penguins\.json ca5513a8/,
      );
      const card = await page.locator('section[id="data-card-data/penguins.json"]').textContent();
      expect(card).toContain("Transformed by");
      expect(card).toContain("[author: Why was this dataset created, and by whom?]");
      await page.close();
    },
  );

  it(
    "gives the tfjs model a model card: layers, parameters, optimizer, loss, fit, weights hash",
    { timeout: 60_000 },
    async () => {
      const { page } = await open(join(dir, "tfjs-regression.report.html"));
      const card = (await page.locator("#model-card-model").textContent()) ?? "";
      expect(card).toContain("Sequential");
      expect(card).toContain("2 (2 trainable)");
      expect(card).toContain("SGD");
      expect(card).toContain("learningRate: 0.05");
      expect(card).toContain("meanSquaredError");
      expect(card).toContain("epochs: 60");
      expect(card).toMatch(/Weights sha256[0-9a-f]{64}/);
      expect(card).toContain("cells: setup, data, train");
      expect(card).toContain("[author: What is the model for, and for whom?]");
      // The weight initialiser and the shuffle draw from the cell's seeded stream: a second run holds the same weights.
      const again = join(dir, "again.out.ipynb");
      expect(
        replab(["run", "tfjs-regression.ipynb", "-o", again, "--quiet"], { cwd: dir }).code,
      ).toBe(0);
      const weights = (f: string): string =>
        (
          JSON.parse(readFileSync(join(dir, f), "utf8")) as {
            metadata: { replab: { audit: { models: { weightsSha256: string }[] } } };
          }
        ).metadata.replab.audit.models[0]?.weightsSha256 ?? "";
      expect(weights("again.out.ipynb")).toBe(weights(outName("tfjs-regression.ipynb")));
      await page.close();
    },
  );
});

describe("the verdict", () => {
  it(
    "is 'verified on DATE with the same hashes' after a verify of the export passes",
    { timeout: 240_000 },
    () => {
      const exported = join(dir, "qs-export");
      expect(
        replab(["export", outName("quickstart.ipynb"), "-o", exported], { cwd: dir }).code,
      ).toBe(0);
      const md = replab(
        ["report", outName("quickstart.ipynb"), "--format", "md", "--verify", exported],
        { cwd: dir },
      );
      expect(md.code).toBe(0);
      const today = new Date().toISOString().slice(0, 10);
      expect(md.stdout).toContain(`**reproducible: verified on ${today} with the same hashes**`);
      expect(md.stdout).toMatch(/passed: \d+ cells, 1 data files \| yes \|/);
      // The report hashes what the cells showed as the export's lock does, so the two can be matched.
      const lock = JSON.parse(readFileSync(join(exported, "repro.lock.json"), "utf8")) as {
        cells: { id: string; displays?: { data: Record<string, { sha256: string }> }[] }[];
      };
      const chart = lock.cells.find((c) => c.id === "chart")?.displays?.[0]?.data;
      expect(chart?.["image/svg+xml"]?.sha256).toMatch(/^[0-9a-f]{64}$/);
      for (const [mime, { sha256 }] of Object.entries(chart ?? {}))
        expect(md.stdout).toContain(`${mime}: \`${sha256}\``);
      expect(md.stdout).toContain(`| ${process.platform}-${process.arch} | UTC | en-US |`);
    },
  );

  it(
    "names a changed input and a clock read as what stands in the way",
    { timeout: 240_000 },
    () => {
      const data = join(dir, "data", "seattle-weather.csv");
      const original = readFileSync(data);
      writeFileSync(data, Buffer.concat([original, Buffer.from("2016-01-01,0,0,0,0,sun\n")]));
      try {
        const md = replab(["report", outName("quickstart.ipynb"), "--format", "md"], {
          cwd: dir,
        }).stdout;
        expect(md).toContain(
          "**not reproducible: input data/seattle-weather.csv has changed since the run**",
        );
      } finally {
        writeFileSync(data, original);
      }
      // A package timing itself (tfjs-core's hrtime) is not the cell's own read: only a verify can settle it.
      const tfjs = replab(["report", outName("tfjs-regression.ipynb"), "--format", "md"], {
        cwd: dir,
      });
      expect(tfjs.stdout).toContain(
        "**not known until verified: cell train reads the clock (process.hrtime), in package @tensorflow/tfjs-core**",
      );
      writeNotebook(join(dir, "clock.ipynb"), [
        "const started = Date.now();\nconsole.log(started > 0);",
      ]);
      expect(
        replab(["run", "clock.ipynb", "-o", "clock.out.ipynb", "--quiet"], { cwd: dir }).code,
      ).toBe(0);
      const md = replab(["report", "clock.out.ipynb", "--format", "md"], { cwd: dir }).stdout;
      expect(md).toContain(
        "**not reproducible: cell c1 reads the clock (Date.now), in the cell's own code**",
      );
    },
  );

  it(
    "names a failed cell first and lists it under stale or errored cells",
    { timeout: 120_000 },
    () => {
      writeNotebook(join(dir, "fails.ipynb"), ["const x = 1;", 'throw new Error("no data");']);
      const run = replab(
        ["run", "fails.ipynb", "-o", "fails.out.ipynb", "--allow-errors", "--quiet"],
        { cwd: dir },
      );
      expect(run.code).toBe(0);
      const md = replab(["report", "fails.out.ipynb", "--format", "md"], { cwd: dir }).stdout;
      expect(md).toContain("**not reproducible: cell c2 failed: Error: no data**");
      expect(md).toMatch(
        /### Stale or errored cells\n\n\| cell \| state \|\n\| --- \| --- \|\n\| c2 \| error: Error: no data \|/,
      );
    },
  );

  it("refuses a notebook that was never run with replab, exit 2", () => {
    writeNotebook(join(dir, "never.ipynb"), ["1"]);
    const result = replab(["report", "never.ipynb"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "never.ipynb has no stored lineage; run it with replab run first",
    );
  });
});
