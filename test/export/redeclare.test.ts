/**
 * A name declared again by a later cell, as notebooks do: with a new type (the pipeline must
 * still type-check) and under a function from an earlier cell (which must see the new value,
 * as it did in the notebook).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT, replab, scratch } from "../cli/helpers.js";

const CELLS: [string, string][] = [
  ["counter", "let count = 1;\nfunction show(): number {\n  return count;\n}"],
  ["recount", "let count = 5;\nconsole.log(show());"],
  ["label", 'const label = "n";\nconsole.log(label.toUpperCase());'],
  ["relabel", "const label = 3;\nconsole.log(label + count);"],
  ["after", "console.log(label.toFixed(1));"],
];

it("exports redeclared names so pipeline.ts type-checks and prints what the notebook printed", () => {
  const dir = scratch("redeclare");
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "replab", display_name: "TypeScript (replab)", language: "typescript" },
    },
    cells: CELLS.map(([id, source]) => ({
      cell_type: "code",
      id,
      metadata: {},
      source,
      outputs: [],
      execution_count: null,
    })),
  };
  writeFileSync(join(dir, "redeclare.ipynb"), JSON.stringify(nb));
  expect(replab(["run", "redeclare.ipynb", "--inplace"], { cwd: dir }).code).toBe(0);
  const ran = JSON.parse(readFileSync(join(dir, "redeclare.ipynb"), "utf8")) as {
    cells: { outputs: { text: string[] }[] }[];
  };
  const printed = ran.cells.flatMap((c) => c.outputs.map((o) => o.text.join(""))).join("");
  expect(printed).toBe("5\nN\n8\n3.0\n");

  expect(replab(["export", "redeclare.ipynb", "-o", "out"], { cwd: dir }).code).toBe(0);
  const out = join(dir, "out");
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", out],
    { encoding: "utf8" },
  );
  expect(tsc.stdout).toBe("");
  expect(tsc.status).toBe(0);
  const run = spawnSync(process.execPath, ["pipeline.mjs"], { cwd: out, encoding: "utf8" });
  expect(run.stdout).toBe(printed);
  expect(replab(["verify", out]).code).toBe(0);
});
