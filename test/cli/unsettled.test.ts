/**
 * `replab run` when a cell's await can never settle (docs/contracts.md, "Exit codes"): the
 * event loop empties
 * with the cell pending. The cell fails saying so, later cells are skipped (or run with
 * --allow-errors), the notebook is written and the exit status is 1.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJson, replab, scratch, writeNotebook } from "./helpers.js";

const NEVER = /UnsettledAwait: the cell awaits a promise that can never settle/;

/** The text of a cell's outputs (streams and errors). */
function outputText(cell: Record<string, unknown>): string {
  return JSON.stringify(cell["outputs"]);
}

describe("a cell whose await can never settle", () => {
  it("fails with that message; the notebook is written; later cells do not run; exit 1", () => {
    const dir = scratch("unsettled");
    writeNotebook(join(dir, "nb.ipynb"), [
      'console.log("before")',
      "await new Promise(() => {})",
      'console.log("after")',
    ]);
    const result = replab(["run", "nb.ipynb", "-o", "out.ipynb", "--quiet"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/replab: cell c2 \(code cell 2\) failed: UnsettledAwait: /);
    const cells = readJson(join(dir, "out.ipynb")).cells;
    expect(outputText(cells[0] as Record<string, unknown>)).toContain("before");
    expect(outputText(cells[1] as Record<string, unknown>)).toMatch(NEVER);
    expect(cells[2]?.["outputs"]).toEqual([]);
    expect(cells[2]?.["execution_count"]).toBe(null);
  });

  it("with --allow-errors the later cells run and the status is 0, as after any failed cell", () => {
    const dir = scratch("unsettled-allow");
    writeNotebook(join(dir, "nb.ipynb"), ["await new Promise(() => {})", 'console.log("after")']);
    const result = replab(["run", "nb.ipynb", "-o", "out.ipynb", "--quiet", "--allow-errors"], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    const cells = readJson(join(dir, "out.ipynb")).cells;
    expect(outputText(cells[0] as Record<string, unknown>)).toMatch(NEVER);
    expect(outputText(cells[1] as Record<string, unknown>)).toContain("after");
  });

  it("a Worker that throws before answering: the worker's error is shown, then the cell fails", () => {
    const dir = scratch("unsettled-worker");
    writeNotebook(join(dir, "nb.ipynb"), [
      [
        'import { Worker } from "node:worker_threads";',
        "const answer = await new Promise((resolve) => {",
        '  new Worker("throw new Error(\'boom\')", { eval: true }).on("message", resolve);',
        "});",
      ].join("\n"),
      'console.log("after")',
    ]);
    const result = replab(["run", "nb.ipynb", "-o", "out.ipynb", "--quiet"], { cwd: dir });
    expect(result.code).toBe(1);
    const cells = readJson(join(dir, "out.ipynb")).cells;
    const text = outputText(cells[0] as Record<string, unknown>);
    expect(text).toContain("boom");
    expect(text).toMatch(NEVER);
    expect(cells[1]?.["outputs"]).toEqual([]);
  });
});
