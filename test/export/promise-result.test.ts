/**
 * A cell whose last expression is a rejected Promise succeeds in the notebook, showing
 * `Promise { <rejected> … }` (README, "Promises as results"). The export reproduces that: its
 * pipeline goes on past the cell, and verify compares the shown result with the notebook's.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

it.each(["replab", "replab-js"])(
  "exports a rejected Promise result (%s): the pipeline runs on and verifies",
  (kernel) => {
    const dir = scratch("promise-result");
    writeNotebook(
      join(dir, "nb.ipynb"),
      [
        'console.log("before");',
        'Promise.reject(new Error("shown, not thrown"))',
        'console.log("after");\nPromise.resolve(6 * 7)',
      ],
      kernel,
    );
    expect(replab(["run", "nb.ipynb", "--inplace"], { cwd: dir }).code).toBe(0);
    const ran = JSON.parse(readFileSync(join(dir, "nb.ipynb"), "utf8")) as {
      cells: { outputs: { data?: Record<string, string[] | string> }[] }[];
    };
    const shown = (i: number): string =>
      [ran.cells[i]?.outputs.find((o) => o.data !== undefined)?.data?.["text/plain"] ?? ""]
        .flat()
        .join("");
    expect(shown(1)).toBe("Promise { <rejected> Error: shown, not thrown }");
    expect(shown(2)).toBe("42");

    const exported = replab(["export", "nb.ipynb", "-o", "out"], { cwd: dir });
    expect(exported.stderr).toMatch(/^replab: exported/);
    expect(exported.code).toBe(0);
    const out = join(dir, "out");
    const run = spawnSync(process.execPath, ["pipeline.mjs"], { cwd: out, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("before\nafter\n");
    const verified = replab(["verify", out]);
    expect(verified.stderr).toMatch(/\(2 displayed results\)/);
    expect(verified.code).toBe(0);
  },
);
