/**
 * Sloppy JavaScript notebooks export as they ran (issue 8, item 7): the replab-js kernel runs
 * cells as sloppy scripts, the pipeline is a strict module. An undeclared global and writes to
 * a primitive's properties, `this` in plain functions, `delete` of a plain name and names strict
 * code reserves, which a strict module throws on (or gives another value), must give the
 * notebook's outputs.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, it } from "vitest";
import { ROOT, replab } from "../cli/helpers.js";
import { runAndExport, runPipeline } from "./run-export.js";

const CELLS = [
  // Before any cell assigns it, the global does not exist: typeof and `in` must say so.
  'console.log(typeof total, typeof globalThis.total, "total" in globalThis);\nif (typeof total !== "undefined") console.log(total);',
  "total = 10;\nconsole.log(total);",
  "total++;\ntotal += 5;\nconsole.log(total, globalThis.total);",
  // Assigned inside a function that runs later: still the global, read by name outside it.
  'function bump() {\n  total *= 2;\n  hits = (typeof hits === "number" ? hits : 0) + 1;\n}\nbump();\nbump();\nconsole.log(total, hits);',
  // Writes to primitives' properties: sloppy mode ignores them, the values say so.
  'var label = "run";\nvar n = 7;\nlabel.count = 1;\nlabel.count += 1;\nlabel["tag"] ||= "x";\nlabel.length++;\nn.unit = "kg";\nlabel.later ??= await Promise.resolve("late");\nconsole.log(label.count, label.tag, label.later, label.length, n.unit, n + 1);',
  // A cell whose result is a write to a primitive: the notebook showed the assigned value.
  "label.last = total + hits",
  // A later declaration of the implicit global: the notebook's one variable, not a new one.
  "let total = total + 1;\nconsole.log(total, globalThis.total);",
  // The global appears when the assignment runs, not before: code may ask.
  'if (!("cache" in globalThis)) cache = {};\ncache.hits = 1;\nconsole.log(Object.keys(cache), Object.hasOwn(globalThis, "cache"));',
  // Assigned in a function not yet called, then declared: one global, which the call resets.
  'function reset() {\n  late = 0;\n}\nconsole.log(typeof reset, "late" in globalThis);',
  "let late = 3;\nconsole.log(late, globalThis.late);",
  "reset();\nconsole.log(late);",
  "[first, second] = [1, 2];\n({ third } = { third: 3 });\nconsole.log(first + second + third);",
  // `this`: the global object at the top and in a plain call, a boxed primitive in a call on one.
  "console.log(this === globalThis);\nfunction whoAmI() {\n  return this === globalThis;\n}\nconsole.log(whoAmI(), typeof function () {\n  return this;\n}.call(5));",
  // A write to a primitive inside a function, and delete of plain names (a SyntaxError if strict).
  'var word = "hi";\nfunction tag() {\n  word.seen = true;\n  return word.seen;\n}\nconsole.log(tag());',
  // The kernel's top-level names are deletable globals; a function's own variables are not.
  // Words strict code reserves, as names: variables, a parameter, a default, a global.
  'var package = { name: "p" };\nfunction show(public) {\n  return public + 1;\n}\nconst { interface = 2 } = {};\nstatic = 3;\nconsole.log(package.name, { package }.package.name, show(1), interface, static + 1);',
  "temp = 1;\nconst big = [1, 2];\nfunction keep(local) {\n  return delete local;\n}\nconsole.log(delete temp, delete big, typeof temp, typeof big, keep(1));",
];

it("exports a sloppy JavaScript notebook whose pipeline prints what the notebook printed, cell by cell, and verifies", () => {
  const { exported, perCell, printed, out } = runAndExport("sloppy-hostile", CELLS, "replab-js");
  // What sloppy JavaScript gives (as Node runs these cells as scripts), seen in the notebook.
  expect(perCell).toEqual([
    "undefined undefined false\n",
    "10\n",
    "16 16\n",
    "64 2\n",
    "undefined undefined undefined 3 undefined 8\n",
    "",
    "65 65\n",
    "[ 'hits' ] true\n",
    "function false\n",
    "3 3\n",
    "0\n",
    "6\n",
    "true\ntrue object\n",
    "undefined\n",
    "p p 2 2 4\n",
    "true true undefined undefined false\n",
  ]);
  expect(exported.stderr).toMatch(/^replab: exported [^\n]*\n$/);
  expect(exported.code).toBe(0);
  expect(runPipeline(out)).toEqual({ stdout: printed, stderr: "", status: 0 });
  // verify compares each cell's stdout and displayed result (cell 6 showed 66) with the lock.
  const verified = replab(["verify", out]);
  expect(verified.stderr).toMatch(/verified/);
  expect(verified.code).toBe(0);
  const lock = JSON.parse(readFileSync(join(out, "repro.lock.json"), "utf8")) as {
    cells: unknown[];
  };
  expect(lock.cells).toHaveLength(CELLS.length);
});

it("exports a --target slice with the cells that assign the undeclared globals it uses, and one of such a global, which the lineage does not record", () => {
  const { perCell, out } = runAndExport(
    "sloppy-slice",
    [
      'label = "sloppy";',
      'console.log("unrelated");',
      "count = 2;\nconsole.log(count);",
      "console.log(label.toUpperCase(), count * 2);",
    ],
    "replab-js",
  );
  const sliced = join(dirname(out), "sliced");
  const exported = replab(["export", "sloppy-slice.ipynb", "-o", "sliced", "--target", "c4"], {
    cwd: dirname(out),
  });
  expect(exported.stderr).toMatch(/^replab: exported [^\n]*\n$/);
  expect(exported.code).toBe(0);
  // c1 and c3 assign what c4 reads; c2 is not upstream of c4 and stays out.
  const expected = [perCell[0], perCell[2], perCell[3]].join("");
  expect(runPipeline(sliced)).toEqual({ stdout: expected, stderr: "", status: 0 });
  expect(replab(["verify", sliced]).code).toBe(0);
  // The global as the target: the cell that last assigned it, which the lineage does not name.
  const byName = replab(["export", "sloppy-slice.ipynb", "-o", "by-name", "--target", "count"], {
    cwd: dirname(out),
  });
  expect(byName.stderr).toMatch(/^replab: exported [^\n]*\n$/);
  expect(byName.code).toBe(0);
  const byNameDir = join(dirname(out), "by-name");
  expect(runPipeline(byNameDir)).toEqual({ stdout: perCell[2], stderr: "", status: 0 });
  expect(replab(["verify", byNameDir]).code).toBe(0);
});

it("leaves TypeScript cells' this as it is, so pipeline.ts still type-checks: only JavaScript cells are rewritten", () => {
  const { exported, printed, out } = runAndExport(
    "sloppy-typescript",
    [
      'const greeter = { name: "ts", greet() {\n  return this.name.toUpperCase();\n} };\nconsole.log(greeter.greet());',
    ],
    "replab",
  );
  expect(printed).toBe("TS\n");
  expect(exported.code).toBe(0);
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", out],
    {
      encoding: "utf8",
    },
  );
  expect(tsc.stdout).toBe("");
  expect(tsc.status).toBe(0);
  expect(runPipeline(out)).toEqual({ stdout: printed, stderr: "", status: 0 });
});
