/**
 * Notebooks as people write them: an imports cell first, its names used by the
 * next cell; the notebook's own modules beside it; untyped, tslab-style TypeScript.
 */
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import type { Language } from "../../runtime/session/types.js";
import { notebookDir, recordingSink } from "./helpers.js";

let session: Session | undefined;

afterEach(async () => {
  await session?.dispose();
  session = undefined;
});

/** A session in `dir`; `run` gives a cell's result, or its error as "ename: evalue". */
async function open(dir: string, language: Language = "typescript") {
  session = await createSession({ language, notebookDir: dir, journal: false });
  const current = session;
  return async (code: string): Promise<unknown> => {
    const request = { code, silent: false, storeHistory: true, allowStdin: false };
    const outcome = await current.execute(request, recordingSink());
    if (outcome.status === "error") return `${outcome.ename}: ${outcome.evalue}`;
    return outcome.result?.data["text/plain"];
  };
}

/** A package whose code throws when loaded, with types: `import type` must not load it. */
function addThrowingPackage(dir: string): void {
  const pkg = join(dir, "node_modules", "throws-on-load");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), '{ "name": "throws-on-load", "main": "index.js" }');
  writeFileSync(join(pkg, "index.js"), 'throw new Error("loaded");\n');
  writeFileSync(join(pkg, "index.d.ts"), "export interface Point { x: number }\n");
}

/** Each pair: an import in a cell of its own, then a cell that uses what it bound. */
const IMPORT_CELLS: [string, string, string][] = [
  ['import * as path from "node:path";', 'path.join("a", "b")', "'a/b'"],
  ['import esm from "esm-only";', "esm + 1", "8"],
  ['import { hello } from "esm-only";', "hello", "'from esm'"],
  ['import { hello as greeting } from "esm-only";', "greeting.length", "8"],
  ['import { twice } from "cjs-only";', "twice(21)", "42"],
  ['import { readFileSync } from "fs";', "typeof readFileSync", "'function'"],
  ['import os from "node:os";', "typeof os.platform()", "'string'"],
  ['import { display } from "replab";', "typeof display.html", "'function'"],
  ['import * as tslab from "tslab";', "typeof tslab.display", "'object'"],
  ['import type { Point } from "throws-on-load";', "const p: Point = { x: 1 };\np.x", "1"],
  ['import { type Point as P } from "throws-on-load";', "const q: P = { x: 2 };\nq.x", "2"],
  ['const fs = await import("node:fs");', 'fs.existsSync("/")', "true"],
  // Node's "path" is an `export =` value: its functions are properties, not namespace members.
  ['import { basename } from "path";', 'basename("/data/rows.csv")', "'rows.csv'"],
  ['import { join as joinPath, sep } from "node:path";', 'joinPath("a", "b") + sep', "'a/b/'"],
  [
    'import { EventEmitter } from "node:events";',
    "const e: EventEmitter = new EventEmitter();\ne.listenerCount('x')",
    "0",
  ],
];

describe("an import in a cell of its own", () => {
  for (const language of ["typescript", "javascript"] as const) {
    it(`binds its names for later ${language} cells, in every form`, async () => {
      const dir = notebookDir();
      addThrowingPackage(dir);
      const run = await open(dir, language);
      const cells = IMPORT_CELLS.filter(([i]) => language === "typescript" || !/type /.test(i));
      for (const [importCell, useCell, expected] of cells) {
        expect(await run(importCell), importCell).toBeUndefined();
        const use = language === "javascript" ? useCell.replace(/: \w+ =/, " =") : useCell;
        expect(await run(use), `${importCell} then ${use}`).toBe(expected);
      }
    });
  }

  it("keeps the imported type: a misuse in the next cell is a type error", async () => {
    const run = await open(notebookDir());
    await run('import { twice } from "cjs-only";\nimport * as path from "node:path";');
    expect(await run("const n: number = path.join('a');")).toMatch(/TSError: .*string.*number/);
  });
});

/** The notebook's own modules, one of each kind, each exporting `value`. */
function addLocalModules(dir: string): void {
  writeFileSync(join(dir, "lib.ts"), "export const EPS: number = 1e-9;\n");
  writeFileSync(join(dir, "esm.mts"), "export const value: string = 'mts';\n");
  writeFileSync(join(dir, "plain.js"), "exports.value = 'js';\n");
  writeFileSync(join(dir, "module.mjs"), "export const value = 'mjs';\nexport default 'd';\n");
  writeFileSync(join(dir, "common.cjs"), "module.exports = { value: 'cjs' };\n");
  writeFileSync(join(dir, "data.json"), '{ "value": "json", "n": 3 }\n');
  mkdirSync(join(dir, "util"));
  writeFileSync(
    join(dir, "util", "index.ts"),
    "export function half(n: number) { return n / 2; }\n",
  );
}

const LOCAL_CELLS: [string, string, string][] = [
  ['import { EPS } from "./lib";', "EPS", "1e-9"],
  ['import { EPS as e2 } from "./lib.js";', "e2", "1e-9"],
  ['import { value as mts } from "./esm.mts";', "mts.toUpperCase()", "'MTS'"],
  ['import { value as js } from "./plain.js";', "js", "'js'"],
  ['import d, { value as mjs } from "./module.mjs";', "mjs + d", "'mjsd'"],
  ['import common from "./common.cjs";', "common.value", "'cjs'"],
  ['import data from "./data.json";', "data.n + 1", "4"],
  ['import { half } from "./util";', "half(3)", "1.5"],
];

describe("local modules", () => {
  for (const language of ["typescript", "javascript"] as const) {
    it(`load beside the notebook in ${language} cells, of every kind`, async () => {
      const dir = notebookDir();
      addLocalModules(dir);
      const run = await open(dir, language);
      for (const [importCell, useCell, expected] of LOCAL_CELLS) {
        expect(await run(importCell), importCell).toBeUndefined();
        expect(await run(useCell), `${importCell} then ${useCell}`).toBe(expected);
      }
    });
  }

  it("carry their types into the cells", async () => {
    const dir = notebookDir();
    addLocalModules(dir);
    const run = await open(dir);
    await run('import { EPS } from "./lib";\nimport data from "./data.json";');
    expect(await run("const s: string = EPS;")).toMatch(/TSError: .*number.*string/);
    expect(await run("const t: number = data.value;")).toMatch(/TSError: .*string.*number/);
  });

  it("are loaded again when edited, with their importers, by the next import cell", async () => {
    const dir = notebookDir();
    writeFileSync(join(dir, "base.ts"), "export const V: number = 1;\n");
    writeFileSync(join(dir, "top.ts"), 'export { V } from "./base";\n');
    writeFileSync(join(dir, "esm.mjs"), "export const M = 1;\n");
    const run = await open(dir);
    expect(await run('import { V } from "./top";\nimport { M } from "./esm.mjs";\nV + M')).toBe(
      "2",
    );
    edit(join(dir, "base.ts"), 'export const V: string = "two";\n');
    edit(join(dir, "esm.mjs"), "export const M = 3;\n");
    expect(await run('import { V } from "./top";\nV.toUpperCase()')).toBe("'TWO'");
    expect(await run('import { M } from "./esm.mjs";\nM')).toBe("3");
  });
});

/** Rewrite a file with an mtime that surely differs from the one it had. */
function edit(file: string, text: string): void {
  writeFileSync(file, text);
  const later = new Date(Date.now() + 5000);
  utimesSync(file, later, later);
}

describe("TypeScript as tslab accepts it", () => {
  it("runs untyped cells by default", async () => {
    const run = await open(notebookDir());
    expect(await run("function id(a) { return a }\nid(3)")).toBe("3");
    expect(await run("let o = { x: null };\nString(o?.x?.z)")).toBe("'undefined'");
    expect(await run("let n: number = null;\nn")).toBe("null");
  });

  it("checks strictly when the project's tsconfig.json says so", async () => {
    const project = notebookDir();
    writeFileSync(join(project, "package.json"), '{ "name": "project" }');
    writeFileSync(join(project, "tsconfig.json"), '{ "compilerOptions": { "strict": true } }');
    const dir = join(project, "notebooks", "deep");
    mkdirSync(dir, { recursive: true });
    const run = await open(dir);
    expect(await run("function id(a) { return a }")).toMatch(/TSError: .*implicitly has an 'any'/);
  });

  // A tsconfig.json for a library's own files is not the notebook's, as tsc would not compile
  // a .ts file in the notebook's directory with it (tsserver then looks further up).
  it.each<[string, { compilerOptions?: object; [key: string]: unknown }, string]>([
    ["include", { include: ["src"] }, "notebooks"],
    ["files", { files: ["src/index.ts"] }, "notebooks"],
    ["rootDir", { compilerOptions: { rootDir: "src" } }, "notebooks"],
    ["exclude", { exclude: ["notebooks"] }, "notebooks"],
    ["exclude glob", { exclude: ["**/drafts"] }, "notebooks/drafts"],
    ["outDir", { compilerOptions: { outDir: "out" } }, "out"],
  ])("leaves a tsconfig.json out whose %s leaves the notebook out", async (_, config, sub) => {
    const project = notebookDir();
    writeFileSync(join(project, "package.json"), '{ "name": "project" }');
    const strict = { ...config, compilerOptions: { strict: true, ...config.compilerOptions } };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(strict));
    const dir = join(project, sub);
    mkdirSync(dir, { recursive: true });
    const run = await open(dir);
    expect(await run("function id(a) { return a }\nid(1)")).toBe("1");
  });

  it("uses a tsconfig.json whose include reaches the notebook, above one that does not", async () => {
    const project = notebookDir();
    writeFileSync(join(project, "package.json"), '{ "name": "project" }');
    const config = { include: ["src", "notebooks/**/*"], compilerOptions: { strict: true } };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(config));
    const dir = join(project, "notebooks", "eda");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "tsconfig.json"), '{ "files": [] }');
    const run = await open(dir);
    expect(await run("function id(a) { return a }")).toMatch(/TSError: .*implicitly has an 'any'/);
  });

  it("looks no higher than the project root for a tsconfig.json", async () => {
    const outer = notebookDir();
    writeFileSync(join(outer, "tsconfig.json"), '{ "compilerOptions": { "strict": true } }');
    const dir = join(outer, "project");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), '{ "name": "project" }');
    const run = await open(dir);
    expect(await run("function id(a) { return a }\nid(1)")).toBe("1");
  });
});
