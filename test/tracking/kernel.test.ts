/**
 * A kernel session writes a run record too, and `%repro runs` lists this notebook's runs in
 * the kernel: jupyter_client drives the installed replab kernelspec for a notebook that
 * `replab run` already ran once.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";
import { runKernelScript } from "../protocol/unittest.js";

type Json = Record<string, unknown>;

it(
  "a kernel session's record, and %repro runs listing it beside the replab run",
  { timeout: 600_000 },
  () => {
    const dir = scratch("kernel-runs");
    const notebook = join(dir, "nb.ipynb");
    writeNotebook(notebook, ['import { log } from "replab";\nlog.metric("score", 0.5);']);
    const batch = replab(["run", "nb.ipynb", "-o", "out.ipynb", "-q"], { cwd: dir });
    expect(batch.code, batch.stderr).toBe(0);
    const cells = [
      'import { log } from "replab";',
      'log.metric("score", 0.75);\nlog.tag("where", "kernel");',
    ];
    const session = runKernelScript("test/tracking/kernel_session.py", [
      notebook,
      JSON.stringify(cells),
    ]);
    expect(session.status, session.stderr).toBe(0);
    const { statuses, runs } = JSON.parse(session.stdout) as { statuses: string[]; runs: string };
    expect(statuses).toEqual(["ok", "ok"]);
    const folder = join(dir, ".replab", "runs");
    // In the order they started: both may start in one second, which is all an id tells.
    const records = readdirSync(folder)
      .map((f) => JSON.parse(readFileSync(join(folder, f), "utf8")) as Json)
      .sort((a, b) => (String(a["startedAt"]) < String(b["startedAt"]) ? -1 : 1));
    expect(records.map((r) => [r["kind"], r["status"]])).toEqual([
      ["run", "finished"],
      ["kernel", "finished"],
    ]);
    const live = records[1] as Json;
    expect(live).toMatchObject({
      notebook: { path: "nb.ipynb", sourceSha256: null },
      tags: { where: "kernel" },
    });
    expect((live["metrics"] as Record<string, Json[]>)["score"]).toMatchObject([
      { step: 0, value: 0.75 },
    ]);
    // Newest first: the kernel's own run (saved after its cells), then the replab run.
    const lines = runs.split("\n");
    expect(lines[0]).toMatch(/^id\s+started \(UTC\)\s+status\s+params\s+score$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/)[0])).toEqual([live["id"], records[0]?.["id"]]);
    expect(lines[2]).toMatch(/running\s+0\.75$/);
    expect(lines[3]).toMatch(/finished\s+0\.5$/);
  },
);
