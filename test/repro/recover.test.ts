/**
 * The crash-safe journal has a reader in the product (issue 10, item 6): a real kernel serving
 * a notebook is killed with SIGKILL mid-notebook; the next kernel for that notebook shows what
 * ran before the crash as the previous session's, and `replab lineage NB` recovers it from the
 * journal when the notebook itself stored none.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, replab, scratch, writeNotebook } from "../cli/helpers.js";
import { runKernelScript } from "../protocol/unittest.js";

interface Cell {
  kind: string;
  executionCount?: number | null;
  defines?: string[];
}
interface Graph {
  nodes: Cell[];
  previousSession?: {
    journal: string;
    torn: number;
    endedAt?: string;
    graph: { nodes: Cell[] };
  };
}

const CELLS = ["const a = 40;", "const b = a + 2;\nconsole.log(b);"];

let dir: string;
let shown: { statuses: string[]; lineage: Graph | null };

const cells = (graph: { nodes: Cell[] } | undefined) =>
  (graph?.nodes ?? [])
    .filter((n) => n.kind === "cell")
    .map((n) => ({ count: n.executionCount, defines: n.defines }));

describe("after a kernel is killed (SIGKILL) mid-notebook", () => {
  beforeAll(() => {
    dir = scratch("recover");
    const notebook = join(dir, "nb.ipynb");
    // Three cells; the kernel dies after two, before anyone saved the notebook.
    writeNotebook(notebook, [...CELLS, "console.log(b * 2);"]);
    const result = runKernelScript("test/repro/recover_kernel.py", [
      notebook,
      JSON.stringify(CELLS),
    ]);
    expect(result.status, result.stderr).toBe(0);
    shown = JSON.parse(result.stdout) as typeof shown;
  }, 600_000);

  it("the next kernel for the notebook shows what ran as the previous session's", () => {
    expect(shown.statuses).toEqual(["ok", "ok"]);
    const graph = shown.lineage;
    // This session has run nothing of its own yet (%lineage is a magic).
    expect(cells(graph ?? undefined)).toEqual([]);
    expect(graph?.previousSession?.journal).toMatch(/^\.replab\/session-\d+-\d+\.jsonl$/);
    expect(graph?.previousSession?.torn).toBe(0);
    // When it ended: its journal's last write, as the panel says it (nothing is written after a kill).
    const journal = join(dir, graph?.previousSession?.journal ?? "");
    expect(graph?.previousSession?.endedAt).toBe(new Date(statSync(journal).mtimeMs).toISOString());
    expect(cells(graph?.previousSession?.graph)).toEqual([
      { count: 1, defines: ["a"] },
      { count: 2, defines: ["b"] },
    ]);
  });

  it("replab lineage NB recovers it from the journal, and says so", async () => {
    const result = replab(["lineage", "nb.ipynb"], { cwd: dir });
    expect(result.code).toBe(0);
    const graph = JSON.parse(result.stdout) as Graph;
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const schema = JSON.parse(readFileSync(join(ROOT, "schema/lineage.schema.json"), "utf8"));
    const validate = new Ajv2020({ strict: false }).compile(schema as object);
    expect(validate(graph), JSON.stringify(validate.errors)).toBe(true);
    expect(cells(graph)).toEqual([]);
    expect(cells(graph.previousSession?.graph)).toEqual([
      { count: 1, defines: ["a"] },
      { count: 2, defines: ["b"] },
    ]);
    expect(result.stderr).toMatch(
      /^replab: nb\.ipynb: recovered the lineage of the previous session from \.replab\/session-\d+-\d+\.jsonl \(previousSession; nothing is stored in the notebook\)\n$/,
    );
    // The second kernel ran only %lineage, which writes no record: one journal, the killed one's.
    const journals = readdirSync(join(dir, ".replab")).filter((f) => f.endsWith(".jsonl"));
    expect(journals.map((f) => `.replab/${f}`)).toEqual([graph.previousSession?.journal]);
  });

  it("a notebook of another name in the same folder recovers nothing", () => {
    writeNotebook(join(dir, "other.ipynb"), ["1"]);
    const result = replab(["lineage", "other.ipynb"], { cwd: dir });
    expect(result.stderr).toBe(
      "replab: other.ipynb has no stored lineage; run it with replab run first\n",
    );
    expect(result.code).toBe(2);
  });
});
