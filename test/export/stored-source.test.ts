/** `%repro export` in a kernel where nothing ran yet exports the saved notebook's stored run. */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromNotebook, type LiveEngine } from "../../runtime/export/source.js";
import { liveOrStoredSource } from "../../runtime/export/stored.js";
import type { LineageGraph } from "../../runtime/lineage/types.js";
import { scratch } from "../cli/helpers.js";

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");
const a = "const n = 2;";
const b = "console.log(n * 3);";

function lineage(): LineageGraph {
  const node = (id: string, n: number, source: string, defines: string[], uses: string[]) => ({
    kind: "cell" as const,
    id,
    executionCount: n,
    sourceSha256: sha256(source),
    defines,
    uses,
    status: "ok" as const,
    stale: false,
    nondeterminism: [],
  });
  return {
    schema: "replab.lineage/1",
    seed: 5,
    nodes: [node("a", 1, a, ["n"], []), node("b", 2, b, [], ["n"])],
    edges: [{ from: "a", to: "b", kind: "var", label: "n" }],
  };
}

/** A saved notebook holding a replab run, in a fresh directory. */
function savedNotebook(withRun = true): string {
  const dir = scratch("stored-source");
  const cell = (id: string, source: string, n: number, outputs: unknown[] = []) => ({
    cell_type: "code",
    id,
    metadata: {},
    execution_count: n,
    source,
    outputs,
  });
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "replab", display_name: "TypeScript (replab)", language: "typescript" },
      ...(withRun ? { replab: { seed: 5, lineage: lineage() } } : {}),
    },
    cells: [
      cell("a", a, 1),
      cell("b", b, 2, [{ output_type: "stream", name: "stdout", text: "6\n" }]),
    ],
  };
  writeFileSync(join(dir, "saved.ipynb"), JSON.stringify(nb));
  return dir;
}

const fresh = (notebookDir: string): LiveEngine => ({
  language: "typescript",
  notebookDir,
  lineage: () => ({ schema: "replab.lineage/1", seed: 5, nodes: [], edges: [] }),
  history: () => [],
});

describe("liveOrStoredSource", () => {
  it("exports the saved notebook's run when the kernel has run nothing, as replab export reads it", async () => {
    const dir = savedNotebook();
    const source = await liveOrStoredSource(fresh(dir), "saved.ipynb");
    expect(source.cells.map((c) => c.id)).toEqual(["a", "b"]);
    expect(source.seed).toBe(5);
    const { readNotebook } = await import("../../runtime/notebook/read.js");
    const path = join(dir, "saved.ipynb");
    const cli = fromNotebook(await readNotebook(path), path, dir, "typescript");
    expect(source).toEqual(cli);
  });

  it("exports the live run once a cell ran in this kernel", async () => {
    const dir = savedNotebook();
    const engine: LiveEngine = {
      ...fresh(dir),
      lineage: () => ({ ...lineage(), nodes: lineage().nodes.slice(0, 1), edges: [] }),
      history: () => [{ session: 1, line: 1, input: a }],
    };
    const source = await liveOrStoredSource(engine, "saved.ipynb");
    expect(source.cells.map((c) => c.id)).toEqual(["a"]);
  });

  it("keeps the live source (and its 'no executed code cells' error) when nothing is stored", async () => {
    for (const [dir, name] of [
      [savedNotebook(false), "saved.ipynb"],
      [scratch("stored-source"), "missing.ipynb"],
    ]) {
      const source = await liveOrStoredSource(fresh(dir), name);
      expect(source.cells).toEqual([]);
    }
  });
});
