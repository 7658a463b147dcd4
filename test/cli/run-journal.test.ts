/**
 * The journal a `replab run` writes names the notebook it ran (its file name in the notebook's
 * directory), so recovery and `replab lineage` can say which notebook it was. Regression: only
 * kernel journals named their notebook; a run's journal was anonymous and never recovered.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "./helpers.js";

describe("the journal of replab run", () => {
  it("names the notebook, and replab lineage recovers that run's lineage from it", () => {
    const dir = scratch("run-journal");
    writeNotebook(join(dir, "nb.ipynb"), ["const a = 1;", "const b = a + 1;"], "replab-js");
    writeNotebook(join(dir, "other.ipynb"), ["1"], "replab-js");
    const run = replab(["run", "nb.ipynb", "-o", "executed.ipynb", "--quiet"], { cwd: dir });
    expect(run.code).toBe(0);
    const journals = readdirSync(join(dir, ".replab")).filter((f) => f.endsWith(".jsonl"));
    expect(journals).toHaveLength(1);
    const first = readFileSync(join(dir, ".replab", journals[0] as string), "utf8").split("\n")[0];
    expect(JSON.parse(first ?? "{}")).toMatchObject({ type: "session", notebook: "nb.ipynb" });

    // nb.ipynb itself stores no lineage (the run wrote executed.ipynb): the journal is what ran.
    const lineage = replab(["lineage", "nb.ipynb"], { cwd: dir });
    expect(lineage.code).toBe(0);
    expect(lineage.stderr).toBe(
      `replab: nb.ipynb: recovered the lineage of the previous session from .replab/${journals[0]} (previousSession; nothing is stored in the notebook)\n`,
    );
    const graph = JSON.parse(lineage.stdout) as {
      previousSession?: { graph: { nodes: { kind: string; id: string }[] } };
    };
    const cells = graph.previousSession?.graph.nodes.filter((n) => n.kind === "cell");
    expect(cells?.map((n) => n.id)).toEqual(["c1", "c2"]);

    // Another notebook of the folder is not mistaken for it.
    expect(replab(["lineage", "other.ipynb"], { cwd: dir }).code).toBe(2);
  });
});
