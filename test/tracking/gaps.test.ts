/**
 * Tracking behaviours the issue 14 audit found untested, through the built CLI: `log.params`
 * and `log.metrics` (with steps) land in the run record, in TypeScript and JavaScript
 * notebooks, and `runs compare` names the cell whose code changed and the cell whose output
 * changed because of it, in Markdown and JSON.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

type Json = Record<string, unknown>;

const KERNELS = ["replab", "replab-js"] as const;

/** The records in DIR/.replab/runs, keyed by file name so a new run can be told from old ones. */
function recordFiles(dir: string): Map<string, Json> {
  const folder = join(dir, ".replab", "runs");
  const files = readdirSync(folder).filter((f) => f.endsWith(".json"));
  return new Map(files.map((f) => [f, JSON.parse(readFileSync(join(folder, f), "utf8")) as Json]));
}

/** Run the notebook once and return the one record that run added. */
function runOnce(dir: string, notebook: string): Json {
  let before = new Set<string>();
  try {
    before = new Set(recordFiles(dir).keys());
  } catch {
    // No .replab/runs yet: this is the first run.
  }
  const run = replab(["run", notebook, "-o", "out.ipynb", "-q"], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  const added = [...recordFiles(dir)].filter(([f]) => !before.has(f));
  expect(added).toHaveLength(1);
  return (added[0] as [string, Json])[1];
}

/** A metric's history as [step, value] pairs, the way a chart would plot it. */
function history(record: Json, name: string): [number, number | null][] | undefined {
  const metrics = record["metrics"] as Record<string, { step: number; value: number | null }[]>;
  return metrics[name]?.map((p) => [p.step, p.value]);
}

describe.each(KERNELS)("log.params and log.metrics in a %s notebook", (kernel) => {
  it("end up in the run record: every param with its value, every metric at its step", () => {
    const dir = scratch(`gaps-log-${kernel}`);
    const typed = kernel === "replab" ? ": number" : "";
    writeNotebook(
      join(dir, "train.ipynb"),
      [
        {
          id: "config",
          source: `import { log } from "replab";\nconst depth${typed} = 2 + 1;\nlog.params({ lr: 0.1, depth, name: "mlp", opts: { dropout: true } });`,
        },
        {
          id: "train",
          source: `for (let epoch${typed} = 0; epoch < 3; epoch++)\n  log.metrics({ loss: 1 / (epoch + 1), acc: epoch / 4 }, { step: epoch * 10 });`,
        },
      ],
      kernel,
    );
    const record = runOnce(dir, "train.ipynb");
    expect(record).toMatchObject({ status: "finished" });
    expect(record["params"]).toEqual({ lr: 0.1, depth: 3, name: "mlp", opts: { dropout: true } });
    expect(history(record, "loss")).toEqual([
      [0, 1],
      [10, 1 / 2],
      [20, 1 / 3],
    ]);
    expect(history(record, "acc")).toEqual([
      [0, 0],
      [10, 0.25],
      [20, 0.5],
    ]);
    // Each point says which cell logged it.
    const points = Object.values(record["metrics"] as Record<string, Json[]>).flat();
    expect(new Set(points.map((p) => p["cellId"]))).toEqual(new Set(["train"]));
  });
});

describe.each(KERNELS)("runs compare after editing a cell of a %s notebook", (kernel) => {
  const typed = kernel === "replab" ? ": number" : "";
  /** `show` keeps its code but prints what `base` defines; `fixed` changes in no way. */
  const cells = (n: number): { id: string; source: string }[] => [
    { id: "base", source: `const n${typed} = ${n};` },
    { id: "show", source: "console.log(n * 10);" },
    { id: "fixed", source: 'console.log("same");' },
  ];

  it("names the cell whose code changed and the cell whose output changed, in md and json", () => {
    const dir = scratch(`gaps-compare-${kernel}`);
    const notebook = join(dir, "edit.ipynb");
    writeNotebook(notebook, cells(2), kernel);
    const first = runOnce(dir, "edit.ipynb");
    writeNotebook(notebook, cells(3), kernel);
    const second = runOnce(dir, "edit.ipynb");
    const ids = [first["id"], second["id"]] as string[];

    const md = replab(["runs", "compare", ...ids], { cwd: dir });
    expect(md.code, md.stderr).toBe(0);
    const differences = md.stdout.split("\n").filter((l) => l.startsWith("- "));
    expect(differences).toEqual([
      "- cell base: code changed; cell show depends on it",
      "- cell show: outputs changed",
    ]);

    const json = replab(["runs", "compare", ...ids, "--format", "json"], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const comparison = JSON.parse(json.stdout) as { runs: Json[]; cells: Json[] };
    expect(comparison.runs.map((r) => r["id"])).toEqual(ids);
    expect(comparison.cells).toEqual([
      { id: "base", what: "code", reaches: ["show"] },
      { id: "show", what: "outputs", reaches: [] },
    ]);
  });
});
