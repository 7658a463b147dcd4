/**
 * A name declared again by a later cell, as notebooks do: with a new type (the pipeline must
 * still type-check) and under a function from an earlier cell (which must see the new value,
 * as it did in the notebook). And JavaScript cells' sloppy-mode writes (an undeclared global,
 * a property set on a primitive), which the strict pipeline must reproduce, not throw on.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT, replab, scratch } from "../cli/helpers.js";
import { runAndExport, runPipeline } from "./run-export.js";

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

it.each(["replab", "replab-js"])(
  "exports a function a later cell declares again (%s): earlier callers see the new one",
  (kernel) => {
    const { exported, printed, out } = runAndExport(
      "redeclare-function",
      [
        "function f() { return 1; }\nconsole.log(f());",
        "const g = () => f() + 1;\nconsole.log(g());",
        "function f() { return 10; }\nconsole.log(f(), g());",
      ],
      kernel,
    );
    expect(printed).toBe("1\n2\n10 11\n");
    expect(exported.code).toBe(0);
    const run = spawnSync(process.execPath, ["pipeline.mjs"], { cwd: out, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(printed);
    expect(replab(["verify", out]).code).toBe(0);
  },
);

it("exports a sloppy JavaScript cell's undeclared global: later cells read it, the pipeline prints the same and verifies", () => {
  const sloppy = runAndExport(
    "js-sloppy",
    ["implicitGlobal = 5;\nconsole.log(implicitGlobal);", "console.log(implicitGlobal + 1);"],
    "replab-js",
  );
  expect(sloppy.printed).toBe("5\n6\n");
  expect(sloppy.exported.stderr).toMatch(/^replab: exported [^\n]*\n$/);
  expect(sloppy.exported.code).toBe(0);
  expect(runPipeline(sloppy.out)).toEqual({ stdout: sloppy.printed, stderr: "", status: 0 });
  expect(replab(["verify", sloppy.out]).code).toBe(0);
  const declared = runAndExport(
    "js-declared",
    ["let k;\nconsole.log(k);", "k = 5;\nconsole.log(k + 1);"],
    "replab-js",
  );
  expect(declared.exported.code).toBe(0);
  expect(replab(["verify", declared.out]).code).toBe(0);
});

it("exports a sloppy JavaScript write to a primitive's property, which the notebook ignored and the strict pipeline must too", () => {
  const onString = runAndExport(
    "js-primitive",
    ['var s = "text";\ns.extra = 1;\nconsole.log(s.extra);'],
    "replab-js",
  );
  expect(onString.printed).toBe("undefined\n");
  expect(onString.exported.stderr).toMatch(/^replab: exported [^\n]*\n$/);
  expect(onString.exported.code).toBe(0);
  expect(runPipeline(onString.out)).toEqual({ stdout: onString.printed, stderr: "", status: 0 });
  expect(replab(["verify", onString.out]).code).toBe(0);
  // Once the name holds an object, setting a property is what the cell meant: the pipeline sets it.
  const onObject = runAndExport(
    "js-object",
    ['let o = "x";\nconsole.log(o);', "o = {};\no.extra = 1;\nconsole.log(o.extra);"],
    "replab-js",
  );
  expect(onObject.printed).toBe("x\n1\n");
  expect(onObject.exported.code).toBe(0);
  expect(runPipeline(onObject.out).stdout).toBe(onObject.printed);
  expect(replab(["verify", onObject.out]).code).toBe(0);
});

it("exports a JavaScript declaration made again as an assignment with what is inside it rewritten (require of the notebook module)", () => {
  const { exported, printed, out } = runAndExport(
    "redeclare-require",
    [
      "var nb = 1;\nfunction kind() {\n  return typeof nb.display;\n}",
      'var nb = require("tslab");\nconsole.log(kind());',
    ],
    "replab-js",
  );
  expect(printed).toBe("object\n");
  expect(exported.code).toBe(0);
  // Outside this repository there is no tslab package: the pipeline must use its own shim.
  expect(readFileSync(join(out, "pipeline.mjs"), "utf8")).not.toMatch(/require\("tslab"\)/);
  expect(runPipeline(out)).toEqual({ stdout: printed, stderr: "", status: 0 });
  expect(replab(["verify", out]).code).toBe(0);
});

it("exports a JavaScript var declared again without a value, which keeps the value it had", () => {
  const { exported, printed, out } = runAndExport(
    "redeclare-var",
    [
      "let a = 5;\nvar b = 6;\nfunction show() {\n  return [a, b];\n}",
      "let a;\nvar b;\nconsole.log(a, b, show());",
    ],
    "replab-js",
  );
  expect(printed).toBe("undefined 6 [ undefined, 6 ]\n");
  expect(exported.code).toBe(0);
  expect(runPipeline(out)).toEqual({ stdout: printed, stderr: "", status: 0 });
  expect(replab(["verify", out]).code).toBe(0);
});
