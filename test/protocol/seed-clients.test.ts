/**
 * Every Jupyter client draws the same seeded numbers for the same notebook: `replab run`,
 * nbclient, nbconvert, papermill, jupyter console and JupyterLab's request shape (which alone
 * sends cell ids). The streams are keyed on each cell's source (docs/determinism.md).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installKernelspecs, PYTHON, ROOT } from "./unittest.js";

const CELLS = [
  'console.log("draw:a", Math.random(), Math.random());',
  'console.log("draw:b", Math.floor(Math.random() * 1e6));',
  'console.log("draw:c", [1, 2, 3, 4].sort(() => Math.random() - 0.5).join(","));',
];

function notebookFile(dir: string): string {
  const path = join(dir, "draws.ipynb");
  const cells = CELLS.map((source, i) => ({
    cell_type: "code",
    id: `cell-${i}-${Math.random().toString(36).slice(2, 8)}`,
    metadata: {},
    source,
    outputs: [],
    execution_count: null,
  }));
  const kernelspec = {
    name: "replab",
    display_name: "TypeScript (replab)",
    language: "typescript",
  };
  writeFileSync(
    path,
    JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec }, cells }),
  );
  return path;
}

function replabRun(path: string): string[] {
  const out = path.replace(/\.ipynb$/, ".out.ipynb");
  const run = spawnSync(
    process.execPath,
    [join(ROOT, "dist/bin/replab.js"), "run", path, "-o", out],
    {
      encoding: "utf8",
      env: { ...process.env, REPLAB_SEED: "" },
    },
  );
  expect(run.status, run.stderr).toBe(0);
  const nb = JSON.parse(readFileSync(out, "utf8")) as {
    cells: { outputs: { output_type: string; text?: string[] }[] }[];
  };
  return nb.cells.map((c) =>
    c.outputs.map((o) => (o.output_type === "stream" ? (o.text ?? []).join("") : "")).join(""),
  );
}

describe("the same seeded numbers in every client", { timeout: 600_000 }, () => {
  let byClient: Record<string, string[]> = {};
  let headless: string[] = [];

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), "replab-seeds-"));
    const path = notebookFile(dir);
    headless = replabRun(path);
    const json = execFileSync(
      PYTHON,
      [join(ROOT, "test/protocol/seed_clients.py"), path, "replab"],
      {
        encoding: "utf8",
        env: { ...process.env, JUPYTER_PATH: installKernelspecs(), REPLAB_SEED: "" },
        timeout: 580_000,
      },
    );
    byClient = JSON.parse(json) as Record<string, string[]>;
  }, 600_000);

  it("replab run prints one seeded line per cell", () => {
    expect(headless).toHaveLength(CELLS.length);
    for (const [i, line] of headless.entries())
      expect(line).toMatch(new RegExp(`^draw:${"abc"[i]} `));
  });

  for (const client of [
    "nbclient",
    "nbconvert",
    "papermill",
    "jupyter console",
    "JupyterLab requests",
  ]) {
    it(`${client} draws what replab run draws`, () => {
      expect(byClient[client]).toEqual(headless);
    });
  }
});
