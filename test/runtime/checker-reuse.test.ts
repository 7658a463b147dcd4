/**
 * The cell checker reuses a program from one check to the next and tells the language
 * service when nothing changed (getProjectVersion in runtime/compiler/service.ts), so it
 * skips comparing every declaration file's version. Whatever it skips must not change an
 * answer: a long-lived checker reports, cell by cell, what a new checker that replays the
 * same history reports, and a package installed or retyped on disk is seen by the next cell
 * that imports it, even one with the same text as before.
 */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CellTypeChecker, type CheckResult } from "../../runtime/compiler/service.js";
import { notebookDir } from "./helpers.js";

/** What a check tells the user: "ok", or each diagnostic's position, code and message. */
function answer(result: CheckResult): string[] {
  if (result.ok) return ["ok"];
  return result.diagnostics.map((d) => `${d.line}:${d.column} TS${d.code} ${d.message}`);
}

/** Check `code`, committing it as a kernel does when it passes. */
function run(checker: CellTypeChecker, code: string): string[] {
  const result = checker.check(code);
  if (result.ok) result.commit();
  return answer(result);
}

/** A package in the notebook's node_modules with the given typings. */
function writePackage(dir: string, name: string, typings: string): void {
  const pkg = join(dir, "node_modules", name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name, main: "index.js" }));
  writeFileSync(join(pkg, "index.js"), "exports.value = 1;\n");
  writeFileSync(join(pkg, "index.d.ts"), typings);
}

const CELLS = [
  "const a: number = 1;",
  "a + 1",
  "const b: string = a;",
  "Math.max(a, 3)",
  "Math.max(a, 3)",
  'let a2 = "x"; a2.toUpperCase()',
  "a2 = 2;",
  'import { value } from "typed-pkg";\nvalue.toFixed(1)',
  "value.toUpperCase()",
  "const a: string = 'again'; a.length",
  "a.toFixed()",
  "function twice(n: number) { return n * 2 }",
  'twice("no")',
  "twice(a.length)",
  "for (var k in { x: 1 }) {}",
  "k.length",
  "class P { x = 1 }\nnew P().y",
];

describe("the cell checker's program reuse", () => {
  it("reports what a new checker replaying the same cells reports, cell by cell", () => {
    const dir = notebookDir();
    writePackage(dir, "typed-pkg", "export declare const value: number;\n");
    const longLived = new CellTypeChecker(dir);
    const reused = CELLS.map((code) => run(longLived, code));
    const replayed = CELLS.map((code, k) => {
      const fresh = new CellTypeChecker(dir);
      for (const earlier of CELLS.slice(0, k)) run(fresh, earlier);
      return run(fresh, code);
    });
    expect(reused).toEqual(replayed);
    // The series has passing and failing cells alike, so the comparison says something.
    expect(reused.filter((r) => r[0] === "ok").length).toBeGreaterThan(5);
    expect(reused.filter((r) => r[0] !== "ok").length).toBeGreaterThan(4);
  }, 300_000);

  it("sees a package installed since the same import cell failed", () => {
    const dir = notebookDir();
    const checker = new CellTypeChecker(dir);
    const cell = 'import { value } from "installed-now";\nvalue.toFixed(1)';
    const before = run(checker, cell);
    expect(before.join("\n")).toMatch(/installed-now/);
    writePackage(dir, "installed-now", "export declare const value: number;\n");
    expect(run(checker, cell)).toEqual(["ok"]);
  }, 60_000);

  it("sees a package's typings changed on disk when the same import cell runs again", () => {
    const dir = notebookDir();
    writePackage(dir, "retyped", "export declare const value: number;\n");
    const checker = new CellTypeChecker(dir);
    const cell = 'import { value } from "retyped";\nvalue.toUpperCase()';
    expect(run(checker, cell).join("\n")).toMatch(/toUpperCase.*number/);
    const typings = join(dir, "node_modules", "retyped", "index.d.ts");
    writeFileSync(typings, "export declare const value: string;\n");
    // A later mtime, as an npm install leaves it, whatever the file system's resolution.
    const later = new Date(Date.now() + 5_000);
    utimesSync(typings, later, later);
    expect(run(checker, cell)).toEqual(["ok"]);
  }, 60_000);

  it("sees a package whose package.json now names other typings, after an import kept the cache", () => {
    const dir = notebookDir();
    const pkg = join(dir, "node_modules", "moved");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "index.js"), "exports.value = 1;\n");
    writeFileSync(join(pkg, "a.d.ts"), "export declare const value: number;\n");
    writeFileSync(join(pkg, "b.d.ts"), "export declare const value: string;\n");
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "moved", types: "a.d.ts" }));
    const checker = new CellTypeChecker(dir);
    const cell = 'import { value } from "moved";\nvalue.toUpperCase()';
    expect(run(checker, cell).join("\n")).toMatch(/toUpperCase.*number/);
    // Another import cell with nothing changed: the resolutions are kept.
    expect(run(checker, 'import { value as v } from "moved";\nv.toFixed(1)')).toEqual(["ok"]);
    // The same file rewritten in place: its folder's entries are as they were.
    writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "moved", types: "b.d.ts" }));
    expect(run(checker, cell)).toEqual(["ok"]);
  }, 60_000);

  it("sees a package installed in a parent folder's node_modules since the import failed", () => {
    const parent = mkdtempSync(join(notebookDir(), "parent-"));
    const dir = join(parent, "notebooks");
    mkdirSync(dir);
    const checker = new CellTypeChecker(dir);
    const cell = 'import { value } from "from-parent";\nvalue.toFixed(1)';
    expect(run(checker, cell).join("\n")).toMatch(/from-parent/);
    writePackage(parent, "from-parent", "export declare const value: number;\n");
    expect(run(checker, cell)).toEqual(["ok"]);
  }, 60_000);
});
