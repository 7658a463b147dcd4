/**
 * Run records through the built CLI: `replab run` writes one per run that validates against
 * schema/run-record.schema.json, `replab runs` lists them, and `runs compare` of two runs whose
 * CSV input differs in one column names the file, the column's profile change and the cells
 * that depend on it, with a chart of the logged metric in the HTML output.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectValidRunRecords } from "../support/run-record-schema.js";
import { expectGolden, replab, scratch, writeNotebook } from "../cli/helpers.js";

const CELLS = [
  { id: "params", tags: ["parameters"], source: "let lr = 0.5;\nconst label = 'base';" },
  {
    id: "load",
    source:
      'import * as dfd from "danfojs-node";\nconst df = await dfd.readCSV("data/train.csv");\nconsole.log(df.shape[0]);',
  },
  {
    id: "fit",
    source:
      'import { log } from "replab";\nconst mean: number = df["price"].mean();\nfor (let epoch = 0; epoch < 4; epoch++) log.metric("loss", (mean * lr) / (epoch + 1), { step: epoch });\nlog.param("model", "mean");',
  },
  // Imports `log` itself, so it depends on no cell that read the data.
  {
    id: "note",
    source:
      'import { log as track } from "replab";\ntrack.tag("owner", "ada");\nconsole.log(label);',
  },
  {
    id: "report",
    source:
      'import { writeFileSync } from "node:fs";\nwriteFileSync("summary.txt", `rows ${df.shape[0]}, loss ${mean * lr}`);\nlog.artifact("summary.txt");',
  },
];

const BEFORE = "id,price,city\n1,10,oslo\n2,12,rome\n3,14,oslo\n4,12,rome\n";
/** Only `price` differs: larger values and two missing. */
const AFTER = "id,price,city\n1,30,oslo\n2,,rome\n3,,oslo\n4,32,rome\n";

type Json = Record<string, unknown>;
let dir: string;
let runs: Json[];

function readRecords(): Json[] {
  const folder = join(dir, ".replab", "runs");
  return readdirSync(folder)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(folder, f), "utf8")) as Json);
}

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

beforeAll(() => {
  dir = scratch("runs");
  mkdirSync(join(dir, "data"));
  writeNotebook(join(dir, "train.ipynb"), CELLS);
  for (const [csv, lr] of [
    [BEFORE, "0.5"],
    [AFTER, "0.25"],
  ] as const) {
    writeFileSync(join(dir, "data", "train.csv"), csv);
    const run = replab(["run", "train.ipynb", "-o", "out.ipynb", "-q", "-p", `lr=${lr}`], {
      cwd: dir,
    });
    expect(run.code, run.stderr).toBe(0);
  }
  runs = readRecords();
}, 600_000);

describe("run records", () => {
  it("one record per run, each valid against schema/run-record.schema.json", async () => {
    expect(runs).toHaveLength(2);
    await expectValidRunRecords(runs);
  });

  it("holds params, the metric history, tags, inputs, artifacts, frame profiles and cell hashes", () => {
    const [first] = runs as [Json];
    expect(first).toMatchObject({
      kind: "run",
      status: "finished",
      seed: 42,
      notebook: { path: "train.ipynb" },
      params: { lr: 0.5, label: "base", model: "mean" },
      tags: { owner: "ada" },
      inputs: [{ path: "data/train.csv", sha256: sha256(BEFORE), bytes: BEFORE.length }],
    });
    const loss = (first["metrics"] as Record<string, { step: number; value: number }[]>)["loss"];
    expect(loss?.map((p) => [p.step, p.value])).toEqual([
      [0, 6],
      [1, 3],
      [2, 2],
      [3, 1.5],
    ]);
    // The first run wrote "rows 4, loss 6"; the second run's file replaced it since.
    expect(first["artifacts"]).toEqual([
      { path: "summary.txt", sha256: sha256("rows 4, loss 6"), bytes: 14 },
    ]);
    expect(readFileSync(join(dir, "summary.txt"), "utf8")).toBe("rows 4, loss 7.75");
    const [frame] = first["frames"] as Json[];
    expect(frame).toMatchObject({ cellId: "load", variable: "df", rows: 4 });
    expect((frame?.["columns"] as Json[])[1]).toEqual({
      name: "price",
      dtype: "number",
      nulls: 0,
      min: 10,
      max: 14,
      mean: 12,
    });
    const cells = first["cells"] as Json[];
    expect(cells.map((c) => c["id"]).filter((id) => !String(id).startsWith("injected-"))).toEqual([
      "params",
      "load",
      "fit",
      "note",
      "report",
    ]);
    for (const cell of cells) expect(cell["outputSha256"]).toMatch(/^[0-9a-f]{64}$/);
    // Both runs ran the same notebook code; only -p differed.
    expect((runs[1]?.["notebook"] as Json)["sourceSha256"]).toBe(
      (first["notebook"] as Json)["sourceSha256"],
    );
  });

  it("replab runs lists them with their params and last metric values", () => {
    const list = replab(["runs", "train.ipynb"], { cwd: dir });
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^id\s+started \(UTC\)\s+status\s+params\s+loss$/);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(`${runs[0]?.["id"] as string}  `);
    expect(lines[2]).toMatch(/finished\s+lr=0\.5 label=base model=mean\s+1\.5$/);
    expect(lines[3]).toMatch(/lr=0\.25 label=base model=mean\s+1\.938$/);
  });

  it("runs compare names the changed file, the column's drift and the cells that depend on it", () => {
    const [a, b] = runs.map((r) => r["id"] as string) as [string, string];
    const md = replab(["runs", "compare", a.slice(0, 18), b], { cwd: dir });
    expect(md.code, md.stderr).toBe(0);
    const lines = md.stdout.split("\n");
    expect(lines).toContain(
      `- input data/train.csv changed (sha256 ${sha256(BEFORE).slice(0, 12)} -> ${sha256(AFTER).slice(0, 12)}); cells load, fit, report depend on it`,
    );
    expect(lines).toContain(
      "- column `price` of df (cell load, from data/train.csv): nulls 0 -> 2, mean 12 -> 31, min 10 -> 30, max 14 -> 32",
    );
    expect(lines).toContain("- param lr: 0.5 -> 0.25");
    expect(lines).toContain("- metric loss: last 1.5 -> 1.938");
    expect(md.stdout).not.toMatch(/column `(id|city)`/);
    const json = replab(["runs", "compare", a, b, "--format", "json"], { cwd: dir });
    const comparison = JSON.parse(json.stdout) as { drift: Json[]; inputs: Json[] };
    expect(comparison.inputs[0]).toMatchObject({
      path: "data/train.csv",
      reaches: ["load", "fit", "report"],
    });
    expect(comparison.drift.map((d) => d["column"])).toEqual(["price"]);
  });

  it("runs compare --format html draws each metric over steps as an SVG chart", () => {
    const [a, b] = runs.map((r) => r["id"] as string) as [string, string];
    const out = join(dir, "compare.html");
    const html = replab(["runs", "compare", a, b, "--format", "html", "-o", out], { cwd: dir });
    expect(html.code, html.stderr).toBe(0);
    const page = readFileSync(out, "utf8");
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    const charts = page.match(/<svg [^>]*aria-label="loss over steps"/g);
    expect(charts).toHaveLength(1);
    const series = [...page.matchAll(/<g class="series" data-run="([^"]+)"><path d="([^"]+)"/g)];
    expect(series.map((s) => s[1])).toEqual([a, b]);
    // Four logged steps: one move and three line segments per run.
    for (const s of series) expect(s[2]?.match(/[ML]/g)).toEqual(["M", "L", "L", "L"]);
    // The same records give the same page.
    replab(["runs", "compare", a, b, "--format", "html", "-o", `${out}.2`], { cwd: dir });
    expect(readFileSync(`${out}.2`, "utf8")).toBe(page);
  });

  it("runs show prints one record; an unknown id is a usage error naming what to do", () => {
    const id = runs[1]?.["id"] as string;
    const show = replab(["runs", "show", id], { cwd: dir });
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual(runs[1]);
    const missing = replab(["runs", "show", "19990101"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no run 19990101 in .*\.replab\/runs; 'replab runs NB\.ipynb'/);
  });

  it("prints its usage for help runs, runs --help and runs -h", () => {
    const texts = [
      ["help", "runs"],
      ["runs", "--help"],
      ["runs", "-h"],
    ].map((args) => replab(args));
    for (const t of texts)
      expect(t).toMatchObject({ code: 0, stderr: "", stdout: texts[0]?.stdout });
    expectGolden("cli/help-runs.txt", texts[0]?.stdout ?? "");
  });
});
