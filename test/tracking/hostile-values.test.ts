/**
 * Values nobody logs on purpose, through the built CLI: a metric that went NaN or infinite (a
 * diverged training run, the step its reader looks for) and params JSON cannot hold (a cycle,
 * a revoked Proxy). The record names them, stays valid against its schema, and `replab runs`
 * and `runs compare` show them as the numbers they were instead of `null` or `[object Object]`.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { expectValidRunRecords } from "../support/run-record-schema.js";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

const CELLS = [
  { id: "params", tags: ["parameters"], source: "let blowUp = 0;" },
  {
    id: "train",
    source: [
      'import { log } from "replab";',
      "const cfg: Record<string, unknown> = { depth: 2 };",
      "cfg.self = cfg;",
      'log.param("cfg", cfg);',
      "const gone = Proxy.revocable({}, {});",
      "gone.revoke();",
      'log.param("gone", gone.proxy);',
      "// A JavaScript cell can pass anything where the types say string.",
      'log.tag("who", gone.proxy as unknown as string);',
      'log.tag("cfg", cfg as unknown as string);',
      "const last = [NaN, Infinity][blowUp] as number;",
      'for (const [step, loss] of [0.5, 0.25, last].entries()) log.metric("loss", loss, { step });',
      'log.metric("floor", -Infinity);',
    ].join("\n"),
  },
];

type Point = { step: number; value: number | null; nonFinite?: string };
type Json = Record<string, unknown>;
let dir: string;
let records: Json[];

beforeAll(() => {
  dir = scratch("hostile-values");
  writeNotebook(join(dir, "nb.ipynb"), CELLS);
  for (const blowUp of ["0", "1"]) {
    const run = replab(["run", "nb.ipynb", "-o", "out.ipynb", "-q", "-p", `blowUp=${blowUp}`], {
      cwd: dir,
    });
    expect(run.code, run.stderr).toBe(0);
  }
  const folder = join(dir, ".replab", "runs");
  // In run order: two runs in one second have ids that sort by their random part.
  records = readdirSync(folder)
    .map((f) => JSON.parse(readFileSync(join(folder, f), "utf8")) as Json)
    .sort((x, y) => String(x["startedAt"]).localeCompare(String(y["startedAt"])));
}, 300_000);

describe("hostile values in run records", () => {
  it("a NaN or infinite metric is null in JSON and named in nonFinite; the record stays valid", async () => {
    const loss = (records[0]?.["metrics"] as Record<string, Point[]>)["loss"];
    expect(loss?.map((p) => [p.step, p.value, p.nonFinite])).toEqual([
      [0, 0.5, undefined],
      [1, 0.25, undefined],
      [2, null, "NaN"],
    ]);
    const floor = (records[1]?.["metrics"] as Record<string, Point[]>)["floor"];
    expect(floor?.map((p) => [p.value, p.nonFinite])).toEqual([[null, "-Infinity"]]);
    await expectValidRunRecords(records);
  });

  it("params and tags JSON cannot hold are kept as their inspect form, not [object Object]", () => {
    expect(records[0]?.["params"]).toMatchObject({
      cfg: "<ref *1> { depth: 2, self: [Circular *1] }",
      gone: "<Revoked Proxy>",
    });
    expect(records[0]?.["tags"]).toEqual({
      who: "<Revoked Proxy>",
      cfg: "<ref *1> { depth: 2, self: [Circular *1] }",
    });
  });

  it("runs lists, shows and compares the last values as NaN, Infinity and -Infinity", () => {
    const list = replab(["runs", "nb.ipynb"], { cwd: dir });
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/\s+floor\s+loss$/);
    expect(lines[2]).toMatch(/\s-Infinity\s+NaN$/);
    expect(lines[3]).toMatch(/\s-Infinity\s+Infinity$/);
    const json = replab(["runs", "nb.ipynb", "--format", "json"], { cwd: dir });
    const listed = JSON.parse(json.stdout) as { metrics: Json }[];
    expect(listed.map((r) => r.metrics)).toEqual([
      { loss: "NaN", floor: "-Infinity" },
      { loss: "Infinity", floor: "-Infinity" },
    ]);
    const [a, b] = records.map((r) => r["id"] as string) as [string, string];
    const md = replab(["runs", "show", a, "--format", "md"], { cwd: dir });
    expect(md.stdout).toContain("| loss | 3 | NaN |");
    const compare = replab(["runs", "compare", a, b], { cwd: dir });
    expect(compare.code, compare.stderr).toBe(0);
    // NaN and Infinity are both null in JSON: the comparison still tells them apart.
    expect(compare.stdout.split("\n")).toContain("- metric loss: last NaN -> Infinity");
    expect(compare.stdout).not.toMatch(/metric floor/);
  });

  it("a forged or hand-edited record is named and skipped; the other runs still list and compare", () => {
    const folder = join(dir, ".replab", "runs");
    const copy = (id: string, edit: (r: Json) => void): void => {
      const record = structuredClone(records[0]) as Json;
      record["id"] = id;
      edit(record);
      writeFileSync(join(folder, `${id}.json`), JSON.stringify(record));
    };
    copy("20200101-000000-aaaaaa", (r) => delete r["kind"]);
    copy("20200101-000001-bbbbbb", (r) => {
      ((r["metrics"] as Record<string, Json[]>)["loss"]?.[0] as Json)["step"] = "one";
    });
    copy("20200101-000002-cccccc", (r) => {
      ((r["lineage"] as { nodes: Json[] }).nodes[0] as Json)["kind"] = 5;
    });
    writeFileSync(
      join(folder, "20200101-000003-dddddd.json"),
      '{"schema": "replab.run/1", "id": "2020',
    );
    writeFileSync(join(folder, "notes.json"), '{"mine": true}');
    const list = replab(["runs", "nb.ipynb"], { cwd: dir });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.trimEnd().split("\n")).toHaveLength(4);
    const skipped = list.stderr
      .trimEnd()
      .split("\n")
      .map((l) => l.replaceAll(folder, "RUNS"));
    const advice = "; move it out of RUNS or delete it";
    expect(skipped).toEqual([
      `replab: skipped RUNS/20200101-000000-aaaaaa.json: not a run record replab wrote (the top level: kind is missing)${advice}`,
      `replab: skipped RUNS/20200101-000001-bbbbbb.json: not a run record replab wrote (metrics.loss[0].step: expected an integer, found "one")${advice}`,
      expect.stringMatching(
        /^replab: skipped RUNS\/20200101-000002-cccccc\.json: not a run record replab wrote \(lineage\.nodes\[0\]\.kind: .*5\)/,
      ),
      expect.stringMatching(
        /^replab: skipped RUNS\/20200101-000003-dddddd\.json: not a run record replab wrote \(not JSON \(/,
      ),
    ]);
    const [a, b] = records.map((r) => r["id"] as string) as [string, string];
    const compare = replab(["runs", "compare", a, b], { cwd: dir });
    expect(compare.code, compare.stderr).toBe(0);
    expect(compare.stdout).toContain("- metric loss: last NaN -> Infinity");
  });
});
