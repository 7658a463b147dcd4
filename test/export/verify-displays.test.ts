/**
 * `replab verify` checks what the user SAW, not only what the cells printed (issue 10, item
 * 7): a cell's displays (display.html, display.json, display.vegaLite) and its last
 * expression's value, captured from the pipeline through the kernel's own display code and
 * compared with repro.lock.json, or with the notebook's stored outputs under `--against`. The
 * notebook is run by `replab run`, exported by `replab export`; forgeries edit the export.
 */
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

let dir: string;

const CELLS = [
  {
    id: "load",
    source:
      'import { display } from "replab";\nconst rows = [{ city: "Oslo", t: 3 }, { city: "Lima", t: 19 }];\nconsole.log(`${rows.length} rows`);\ndisplay.html(`<b>${rows[0]!.city}</b>`);',
  },
  { id: "doubled", source: "rows.map((r) => r.t * 2)" },
  {
    id: "summary",
    source: 'display.json({ warmest: rows[1]!.city });\nconsole.log("done");\n6 * 7',
  },
  {
    id: "chart",
    source:
      'display.vegaLite({ data: { values: rows }, mark: "bar", encoding: { x: { field: "city", type: "nominal" }, y: { field: "t", type: "quantitative" } } })',
  },
  {
    id: "progress",
    source:
      'import { newDisplay } from "replab";\nconst bar = newDisplay();\nbar.text("loading");\nbar.text("loaded");',
  },
  // The notebook keeps only what follows a clear; the pipeline prints both lines.
  { id: "cleared", source: 'console.log("draft");\ndisplay.clear();\nconsole.log("final");' },
  { id: "clock", source: 'const now = Date.now();\nnow > 0 ? "after 1970" : "before 1970"' },
];

interface LockCell {
  id: string;
  displays?: { output_type: string; data: Record<string, { sha256: string; bytes: number }> }[];
  nondeterminism?: string[];
}

beforeAll(() => {
  dir = scratch("verify-displays");
  writeNotebook(join(dir, "nb.ipynb"), CELLS);
  const run = replab(["run", "nb.ipynb", "-o", "executed.ipynb", "--quiet"], { cwd: dir });
  expect(run.stderr).toBe("");
  expect(replab(["export", "executed.ipynb", "-o", "out"], { cwd: dir }).code).toBe(0);
}, 120_000);

/** A copy of the export with pipeline.mjs (or the lock) changed, verified with `extra` arguments. */
function verifyCopy(name: string, edit: (copy: string) => void, extra: string[] = []) {
  const copy = join(dir, name);
  cpSync(join(dir, "out"), copy, { recursive: true });
  edit(copy);
  return replab(["verify", name, ...extra], { cwd: dir });
}

/** Replace `from` (which must be there) by `to` in the copy's pipeline.mjs. */
const editPipeline = (from: string, to: string) => (copy: string) => {
  const path = join(copy, "pipeline.mjs");
  const text = readFileSync(path, "utf8");
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
};

const lockCells = (copy: string): LockCell[] =>
  (JSON.parse(readFileSync(join(copy, "repro.lock.json"), "utf8")) as { cells: LockCell[] }).cells;

/** What each cell printed in the executed notebook, by id, in the order the cells ran. */
function storedStdout(): [string, string][] {
  const nb = JSON.parse(readFileSync(join(dir, "executed.ipynb"), "utf8")) as {
    cells: { id: string; outputs: { name?: string; text?: string | string[] }[] }[];
  };
  return nb.cells.map((c) => [
    c.id,
    c.outputs
      .filter((o) => o.name === "stdout")
      .map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")))
      .join(""),
  ]);
}

describe("replab verify compares what the cells displayed", () => {
  it("passes the honest export, counting its displayed results, and records them in the lock", () => {
    // What the notebook stored, as the user saw it: an updated display once, a clear applied.
    const stored = new Map(storedStdout());
    expect(stored.get("cleared")).toBe("final\n");
    const result = replab(["verify", "out"], { cwd: dir });
    expect(result.stderr).toBe(
      "replab: verified out: 7 cells (7 displayed results) and 0 data files match repro.lock.json\n",
    );
    expect(result.code).toBe(0);
    const cells = new Map(lockCells(join(dir, "out")).map((c) => [c.id, c]));
    expect(cells.get("doubled")?.displays?.map((d) => d.output_type)).toEqual(["execute_result"]);
    expect(Object.keys(cells.get("chart")?.displays?.[0]?.data ?? {})).toEqual([
      "application/vnd.vegalite.v5+json",
      "image/svg+xml",
      "text/plain",
    ]);
    expect(cells.get("clock")?.nondeterminism).toEqual(["clock:Date.now"]);
    const against = replab(["verify", "out", "--against", "executed.ipynb"], { cwd: dir });
    expect(against.stderr).toBe(
      "replab: verified out: 7 cells (7 displayed results) and 0 data files match executed.ipynb\n",
    );
    expect(against.code).toBe(0);
  });

  it("fails a pipeline whose last expression shows another value, though its stdout is right", () => {
    const result = verifyCopy("wrong-value", editPipeline("r.t * 2", "r.t * 3"));
    expect(result.stderr).toMatch(
      /^replab: cell doubled: displayed result 1 \(text\/plain\) differs: expected sha256 [0-9a-f]{64} \(9 bytes\), got [0-9a-f]{64} \(9 bytes\); the pipeline's line 1: "\[ 9, 57 \]"\n$/,
    );
    expect(result.code).toBe(1);
  });

  it("fails a pipeline that displays other HTML", () => {
    const result = verifyCopy("wrong-html", editPipeline("`<b>${", "`<i>${"));
    expect(result.stderr).toMatch(/^replab: cell load: displayed result 1 \(text\/html\) differs/);
    expect(result.code).toBe(1);
  });

  it("fails a forged pipeline that prints the recorded stdout under verify's marks and displays nothing", () => {
    const printed = JSON.stringify(storedStdout());
    const forged = `const mark = process.env.REPLAB_VERIFY_MARK;\nfor (const [id, text] of ${printed}) process.stdout.write("\\x1e" + mark + " " + id + "\\n" + text);\n`;
    const result = verifyCopy("forged", (copy) =>
      writeFileSync(join(copy, "pipeline.mjs"), forged),
    );
    expect(result.stderr).toBe(
      "replab: cell load: displayed result 1 (display_data with text/html) was not displayed by the pipeline: it displayed 0, the notebook 1\n",
    );
    expect(result.code).toBe(1);
  });

  it("--against catches a stored output edited in the notebook, naming the line", () => {
    const nb = readFileSync(join(dir, "executed.ipynb"), "utf8");
    expect(nb).toContain('"[ 6, 38 ]"');
    writeFileSync(join(dir, "edited.ipynb"), nb.replace('"[ 6, 38 ]"', '"[ 6, 39 ]"'));
    const result = replab(["verify", "out", "--against", "edited.ipynb"], { cwd: dir });
    expect(result.stderr).toBe(
      'replab: cell doubled: displayed result 1 (text/plain) differs: line 1: the notebook has "[ 6, 39 ]", the pipeline "[ 6, 38 ]"\n',
    );
    expect(result.code).toBe(1);
  });

  it("fails an edited lock: another hash for a displayed result", () => {
    const result = verifyCopy("edited-lock", (copy) => {
      const path = join(copy, "repro.lock.json");
      const lock = JSON.parse(readFileSync(path, "utf8")) as { cells: LockCell[] };
      const plain = lock.cells.find((c) => c.id === "summary")?.displays?.[1]?.data["text/plain"];
      if (plain !== undefined) plain.sha256 = "0".repeat(64);
      writeFileSync(path, JSON.stringify(lock));
    });
    expect(result.stderr).toMatch(
      /^replab: cell summary: displayed result 2 \(text\/plain\) differs: expected sha256 0{64} \(2 bytes\)/,
    );
    expect(result.code).toBe(1);
  });

  it("marks a different display of a cell flagged nondeterministic, without failing", () => {
    const result = verifyCopy("flagged", editPipeline('"after 1970"', '"AFTER 1970"'));
    expect(result.stderr).toMatch(
      /^replab: marked, not failed: cell clock: displayed result 1 \(text\/plain\) differs: .*'AFTER 1970'.* \(the cell is flagged nondeterministic: clock:Date\.now\)\nreplab: verified flagged: 7 cells \(7 displayed results\)/,
    );
    expect(result.code).toBe(0);
  });

  it("says so when the lock records no displayed results (an export of a live session)", () => {
    const result = verifyCopy("unrecorded", (copy) => {
      const path = join(copy, "repro.lock.json");
      const lock = JSON.parse(readFileSync(path, "utf8")) as { cells: LockCell[] };
      for (const cell of lock.cells) delete cell.displays;
      writeFileSync(path, JSON.stringify(lock));
    });
    expect(result.stderr).toBe(
      "replab: repro.lock.json does not record the displayed results of cell(s) load, doubled, summary, chart, progress, cleared, clock (exported from a live session), so they were not compared\nreplab: verified unrecorded: 7 cells and 0 data files match repro.lock.json\n",
    );
    expect(result.code).toBe(0);
  });
});
