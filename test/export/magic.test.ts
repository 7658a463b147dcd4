/** `%repro export` and `%repro verify` handlers on a live engine's lineage and history. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { isReplabError } from "../../runtime/errors.js";
import type { LineageGraph } from "../../runtime/lineage/types.js";
import { reproExport } from "../../runtime/magics/repro-export.js";
import { reproVerify } from "../../runtime/magics/repro-verify.js";
import { NotebookOutputSink } from "../../runtime/runner/outputs.js";
import { scratch } from "../cli/helpers.js";

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

function liveEngine(notebookDir: string) {
  const a = "const n = 2;";
  const b = "console.log(n * Math.floor(Math.random() * 1000));";
  const lineage: LineageGraph = {
    schema: "replab.lineage/1",
    seed: 7,
    nodes: [
      {
        kind: "cell",
        id: "a",
        executionCount: 1,
        sourceSha256: sha256(a),
        defines: ["n"],
        uses: [],
        status: "ok",
        stale: false,
        nondeterminism: [],
      },
      {
        kind: "cell",
        id: "b",
        executionCount: 3,
        sourceSha256: sha256(b),
        defines: [],
        uses: ["n"],
        status: "ok",
        stale: false,
        nondeterminism: [],
      },
      {
        kind: "cell",
        id: "m",
        executionCount: 2,
        sourceSha256: sha256("%lineage"),
        defines: [],
        uses: [],
        status: "ok",
        stale: false,
        nondeterminism: [],
      },
    ],
    edges: [{ from: "a", to: "b", kind: "var", label: "n" }],
  };
  const printed = `${2 * Math.floor(seedrandom(`replab:7:${sha256(b)}`)() * 1000)}\n`;
  return {
    engine: {
      language: "typescript" as const,
      notebookDir,
      lineage: () => lineage,
      history: () => [
        { session: 1, line: 1, input: a },
        { session: 1, line: 2, input: "%lineage" },
        { session: 1, line: 3, input: b },
      ],
    },
    printed,
  };
}

describe("%repro export and %repro verify", () => {
  it("export the live session and verify it, paths relative to the notebook", async () => {
    const dir = scratch("magic");
    const { engine, printed } = liveEngine(dir);
    const sink = new NotebookOutputSink();
    const services = {
      engine,
      notebookName: "live.ipynb",
      stdoutOf: (id: string) => (id === "b" ? printed : ""),
    };
    await reproExport({ args: ["export", "out"], body: "", sink, services });
    expect(sink.stdout()).toBe("exported 2 cells to out (9 files)\n");
    const lock = JSON.parse(readFileSync(join(dir, "out/repro.lock.json"), "utf8")) as {
      notebook: string;
      seed: number;
      cells: { id: string }[];
    };
    expect(lock).toMatchObject({ notebook: "live.ipynb", seed: 7 });
    expect(lock.cells.map((c) => c.id)).toEqual(["a", "b"]);
    const verifySink = new NotebookOutputSink();
    await reproVerify({
      args: ["verify", "out"],
      body: "",
      sink: verifySink,
      services: { engine },
    });
    expect(verifySink.stdout()).toBe(
      "verified out: 2 cells and 0 data files match repro.lock.json\n",
    );
  });

  it("says how many cells it exported when --target cuts the notebook down", async () => {
    const dir = scratch("magic-target");
    const { engine } = liveEngine(dir);
    const sink = new NotebookOutputSink();
    const services = { engine, notebookName: "live.ipynb" };
    await reproExport({ args: ["export", "out", "--target", "a"], body: "", sink, services });
    expect(sink.stdout()).toMatch(/^exported 1 cell to out \(\d+ files\)\n$/);
  });

  it("refuses an existing directory without --force", async () => {
    const dir = scratch("magic-exists");
    const { engine } = liveEngine(dir);
    const run = () =>
      reproExport({
        args: ["export", "out"],
        body: "",
        sink: new NotebookOutputSink(),
        services: { engine },
      });
    await run();
    const error = await run().catch((e: unknown) => e);
    expect(isReplabError(error, "export-exists")).toBe(true);
  });
});
