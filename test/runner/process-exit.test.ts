/**
 * A cell that calls process.exit ends `replab run` as it ends a Node script, with its code,
 * but the run still says which cell ended it and leaves the notebook as far as it ran: the
 * cells before with their outputs, the ending cell with what it printed and an error that
 * says why, the cells after it cleared, and a run record that says "failed". Before, the
 * run exited with the cell's code, wrote no notebook and named no cell.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nbformatErrors, readJson, replab, scratch, writeNotebook } from "../cli/helpers.js";

type Json = Record<string, unknown>;

function record(dir: string): Json {
  const runs = join(dir, ".replab", "runs");
  const files = readdirSync(runs);
  expect(files).toHaveLength(1);
  return JSON.parse(readFileSync(join(runs, files[0] as string), "utf8")) as Json;
}

function texts(cell: Json | undefined): string[] {
  const outputs = (cell?.["outputs"] ?? []) as Json[];
  return outputs.map((o) => {
    if (o["output_type"] === "error") return `${String(o["ename"])}: ${String(o["evalue"])}`;
    const data = o["data"] as Json | undefined;
    return ([data?.["text/plain"] ?? o["text"]].flat() as string[]).join("");
  });
}

function runExiting(
  kernel: string,
  cells: string[],
): { dir: string; code: number | null; stderr: string } {
  const dir = scratch(`process-exit-${kernel}`);
  writeNotebook(join(dir, "nb.ipynb"), cells, kernel);
  const run = replab(["run", "nb.ipynb", "-o", "out.ipynb"], { cwd: dir });
  return { dir, code: run.code, stderr: run.stderr };
}

describe("a cell that calls process.exit", () => {
  for (const kernel of ["replab", "replab-js"]) {
    it(
      `${kernel}: ends the run with its code, names the cell, writes what ran`,
      { timeout: 120_000 },
      () => {
        const { dir, code, stderr } = runExiting(kernel, [
          'console.log("before")',
          'console.log("last words");\nprocess.exit(4);',
          'console.log("never")',
        ]);
        expect(code).toBe(4);
        expect(stderr).toContain(
          "cell c2 (code cell 2): process.exit(4) was called while this cell ran",
        );
        const out = join(dir, "out.ipynb");
        expect(nbformatErrors(out)).toBe("");
        const cells = readJson(out).cells;
        expect(texts(cells[0])).toEqual(["before\n"]);
        expect(texts(cells[1])).toEqual([
          "last words\n",
          expect.stringMatching(/^ProcessExit: process\.exit\(4\) was called while this cell ran/),
        ]);
        expect(cells[2]?.["outputs"]).toEqual([]);
        expect(cells[2]?.["execution_count"]).toBeNull();
        expect(record(dir)["status"]).toBe("failed");
        // The run's metadata, as a run that ends normally stores it: the seed, and the
        // lineage of the cell that finished (the ending cell never did).
        const meta = readJson(out).metadata["replab"] as Json;
        expect(meta["seed"]).toEqual(expect.any(Number));
        const nodes = (meta["lineage"] as { nodes: Json[] }).nodes;
        expect(nodes.filter((n) => n["kind"] === "cell").map((n) => n["id"])).toEqual(["c1"]);
        // The notebook the user gave is not touched.
        expect(readJson(join(dir, "nb.ipynb")).cells[0]?.["outputs"]).toEqual([]);
      },
    );
  }

  it("process.exit(0) midway is not a success: cells did not run", { timeout: 120_000 }, () => {
    const { dir, code, stderr } = runExiting("replab-js", ["process.exit(0)", "1 + 1"]);
    expect(code).toBe(1);
    expect(stderr).toContain("cell c1 (code cell 1): process.exit(0) was called");
    expect(texts(readJson(join(dir, "out.ipynb")).cells[0])).toEqual([
      expect.stringMatching(/^ProcessExit: /),
    ]);
  });

  it(
    "a timer that exits after the last cell still leaves the notebook",
    { timeout: 120_000 },
    () => {
      const { dir, code, stderr } = runExiting("replab-js", [
        'setTimeout(() => { console.log("late"); process.exit(3); }, 50);\n"started"',
      ]);
      expect(code).toBe(3);
      expect(stderr).toContain("process.exit(3) was called by a timer after the last cell had run");
      const cells = readJson(join(dir, "out.ipynb")).cells;
      expect(texts(cells[0])).toEqual(["'started'", "late\n"]);
      expect(cells[0]?.["execution_count"]).toBe(1);
    },
  );
});
