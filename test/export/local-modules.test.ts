/**
 * Exports of a notebook that imports its own modules (issue 8, item 2): every local module the
 * cells load, and what those load in turn, is carried into the export, TypeScript compiled as
 * the kernel loads it; the pipeline prints what the notebook printed, `replab verify` checks
 * the carried files, and only a module that cannot be carried (outside the notebook's
 * directory) is refused, in one line naming the cell.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, replab, scratch } from "../cli/helpers.js";

/** Write FILES (relative path -> text) under DIR. */
function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A TypeScript notebook of the given cells (id -> source). */
function notebook(cells: [string, string][]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "replab", display_name: "TypeScript (replab)", language: "typescript" },
    },
    cells: cells.map(([id, source]) => ({
      cell_type: "code",
      id,
      metadata: {},
      source,
      outputs: [],
      execution_count: null,
    })),
  });
}

/** What the executed notebook's cells printed, in order. */
function printed(path: string): string {
  const ran = JSON.parse(readFileSync(path, "utf8")) as {
    cells: { outputs: { output_type: string; text?: string[] }[] }[];
  };
  return ran.cells
    .flatMap((c) =>
      c.outputs.map((o) => (o.output_type === "stream" ? (o.text ?? []).join("") : "")),
    )
    .join("");
}

const MODULES: Record<string, string> = {
  // No "type": "module" here, so .js files are CommonJS, as in most notebook folders.
  "package.json": '{ "private": true }\n',
  "lib/stats.ts":
    'import { round } from "./round";\nexport const EPS = 1e-9;\nexport function mean(xs: number[]): number {\n  return round(xs.reduce((a, b) => a + b, 0) / xs.length);\n}\n',
  "lib/round.ts": "export const round = (x: number): number => Math.round(x * 100) / 100;\n",
  "lib/greet.js":
    '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.default = { hello: (name) => "hello, " + name };\n',
  "lib/shout.mjs":
    'import greet from "./greet.js";\nexport const shout = (name) => greet.default.hello(name).toUpperCase();\n',
  "lib/graph.cjs":
    'const dagre = require("@dagrejs/dagre");\nmodule.exports = { nodes() { const g = new dagre.graphlib.Graph(); g.setNode("a", {}); return g.nodeCount(); } };\n',
  "config.json": '{ "name": "demo" }\n',
};

const CELLS: [string, string][] = [
  [
    "imports",
    'import { mean, EPS } from "./lib/stats";\nimport { shout } from "./lib/shout.mjs";\nimport config from "./config.json";',
  ],
  ["use", 'console.log(mean([1, 2, 4]), EPS > 0, shout("ada"), config.name);'],
  ["required", 'const graph = require("./lib/graph.cjs");\nconsole.log(graph.nodes());'],
];

describe("a notebook importing its own modules", () => {
  let dir = "";
  let out = "";
  let expected = "";

  beforeAll(() => {
    dir = scratch("local-modules");
    write(dir, MODULES);
    writeFileSync(join(dir, "nb.ipynb"), notebook(CELLS));
    const run = replab(["run", "nb.ipynb", "--inplace"], { cwd: dir });
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expected = printed(join(dir, "nb.ipynb"));
    const exported = replab(["export", "nb.ipynb", "-o", "out"], { cwd: dir });
    expect(exported.stderr).toMatch(/exported nb\.ipynb to out/);
    expect(exported.code).toBe(0);
    out = join(dir, "out");
  }, 180_000);

  it("runs in the notebook as the modules say", () => {
    expect(expected).toBe("2.33 true HELLO, ADA demo\n1\n");
  });

  it("carries every module, TypeScript compiled, CommonJS renamed .cjs, and nothing else of the folder", () => {
    const manifest = JSON.parse(readFileSync(join(out, ".replab-export.json"), "utf8")) as {
      files: { path: string }[];
    };
    const listed = manifest.files.map((f) => f.path);
    for (const path of [
      "lib/stats.cjs",
      "lib/round.cjs",
      "lib/greet.cjs",
      "lib/shout.mjs",
      "lib/graph.cjs",
      "config.json",
    ]) {
      expect(existsSync(join(out, path)), path).toBe(true);
      expect(listed).toContain(path);
    }
    expect(existsSync(join(out, "lib/stats.ts"))).toBe(false);
    expect(readFileSync(join(out, "lib/stats.cjs"), "utf8")).toContain('require("./round.cjs")');
    // The ES module's import of a CommonJS file now names the file as carried.
    expect(readFileSync(join(out, "lib/shout.mjs"), "utf8")).toContain('from "./greet.cjs"');
    const pkg = JSON.parse(readFileSync(join(out, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    // Imported by a module, not by a cell: the pipeline still needs it installed.
    expect(Object.keys(pkg.dependencies)).toContain("@dagrejs/dagre");
  });

  it("hashes the carried modules in repro.lock.json", () => {
    const lock = JSON.parse(readFileSync(join(out, "repro.lock.json"), "utf8")) as {
      modules: { path: string; bytes: number }[];
    };
    const modules = new Map(lock.modules.map((m) => [m.path, m.bytes]));
    expect(modules.get("lib/round.cjs")).toBe(readFileSync(join(out, "lib/round.cjs")).length);
    expect(modules.size).toBe(6);
  });

  it("writes a pipeline that prints what the notebook printed, type-checks and verifies", () => {
    const run = spawnSync(process.execPath, ["pipeline.mjs"], { cwd: out, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(expected);
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", out],
      { encoding: "utf8" },
    );
    expect(tsc.stdout).toBe("");
    expect(replab(["verify", out]).code).toBe(0);
    // Against the executed notebook, the lock and pipeline are made again with the same modules.
    const against = replab(["verify", out, "--against", join(dir, "nb.ipynb")]);
    expect(against.stderr).toMatch(/verified/);
    expect(against.code).toBe(0);
  });

  it("fails verify on an edited module, and --force exports it again", () => {
    appendFileSync(join(out, "lib/round.cjs"), "exports.round = (x) => x;\n");
    const verify = replab(["verify", out]);
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/module lib\/round\.cjs differs/);
    const again = replab(["export", "nb.ipynb", "-o", "out", "--force"], { cwd: dir });
    expect(again.stderr).not.toMatch(/kept/);
    expect(again.code).toBe(0);
    expect(replab(["verify", out]).code).toBe(0);
  });

  it("--target carries only the modules of the cells it keeps", () => {
    const sliced = replab(["export", "nb.ipynb", "-o", "sliced", "--target", "required"], {
      cwd: dir,
    });
    expect(sliced.code).toBe(0);
    expect(existsSync(join(dir, "sliced/lib/graph.cjs"))).toBe(true);
    expect(existsSync(join(dir, "sliced/lib/stats.cjs"))).toBe(false);
    expect(replab(["verify", join(dir, "sliced")]).code).toBe(0);
  });
});

it("refuses, in one line naming the cell, a module outside the notebook's directory", () => {
  const dir = scratch("outside-module");
  write(dir, {
    "shared/util.ts": "export const twice = (n: number): number => n * 2;\n",
    "nb/nb.ipynb": notebook([
      ["outside", 'import { twice } from "../shared/util";\nconsole.log(twice(21));'],
    ]),
  });
  const nb = join(dir, "nb");
  expect(replab(["run", "nb.ipynb", "--inplace"], { cwd: nb }).code).toBe(0);
  const exported = replab(["export", "nb.ipynb", "-o", "out"], { cwd: nb });
  expect(exported.code).toBe(1);
  expect(exported.stderr).toMatch(
    /^replab: cell outside loads "..\/shared\/util"[^\n]*outside the notebook's directory[^\n]*\n$/,
  );
  expect(existsSync(join(nb, "out"))).toBe(false);
});
