/**
 * Runs are listed in the order they started, also when two started in the same second (a
 * fast `replab run`, then a kernel): a run id carries only its start second, so its random
 * part must not decide which run is newer.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

type Json = Record<string, unknown>;

/** Two real records, re-stamped into one second: the later start gets the smaller id. */
function twoRunsInOneSecond(dir: string): { earlier: string; later: string } {
  for (let i = 0; i < 2; i++) {
    const run = replab(["run", "nb.ipynb", "-o", "out.ipynb", "-q"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
  }
  const folder = join(dir, ".replab", "runs");
  const files = readdirSync(folder).filter((f) => f.endsWith(".json"));
  expect(files).toHaveLength(2);
  const stamps = [
    { id: "20261202-120000-ffffff", startedAt: "2026-12-02T12:00:00.100Z" },
    { id: "20261202-120000-000000", startedAt: "2026-12-02T12:00:00.900Z" },
  ];
  files.forEach((file, i) => {
    const record = JSON.parse(readFileSync(join(folder, file), "utf8")) as Json;
    const stamp = stamps[i] as { id: string; startedAt: string };
    rmSync(join(folder, file));
    writeFileSync(join(folder, `${stamp.id}.json`), JSON.stringify({ ...record, ...stamp }));
  });
  return { earlier: stamps[0]?.id as string, later: stamps[1]?.id as string };
}

it("lists runs that started in one second by their start time, not by their ids", () => {
  const dir = scratch("runs-order");
  writeNotebook(join(dir, "nb.ipynb"), ["const n: number = 1;\nn"]);
  const { earlier, later } = twoRunsInOneSecond(dir);
  const json = replab(["runs", "nb.ipynb", "--format", "json"], { cwd: dir });
  expect(json.code, json.stderr).toBe(0);
  // Oldest first, in JSON and in the table.
  expect((JSON.parse(json.stdout) as Json[]).map((r) => r["id"])).toEqual([earlier, later]);
  const table = replab(["runs", "nb.ipynb"], { cwd: dir });
  expect(table.code, table.stderr).toBe(0);
  // The table's rows follow its header and rule.
  const ids = table.stdout
    .trim()
    .split("\n")
    .slice(2)
    .map((l) => l.split(/\s+/)[0]);
  expect(ids).toEqual([earlier, later]);
});
