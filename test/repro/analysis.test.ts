/**
 * Def/use analysis on the TypeScript AST: every case the lineage's defines and uses need
 * (docs/contracts.md, "Lineage JSON").
 */
import { describe, expect, test } from "vitest";
import { analyzeCell } from "../../runtime/lineage/analysis.js";

const known = new Set(["df", "xs", "config", "model", "count", "a", "b", "helper", "data"]);
const analyze = (code: string, names: ReadonlySet<string> = known) =>
  analyzeCell(code, "typescript", names);

describe("defines", () => {
  test("top-level declarations of every kind", () => {
    const code = `
      import * as dfd from "danfojs-node";
      import def, { named as alias, type T } from "pkg";
      import type { Only } from "pkg";
      const { p, q: [r, ...rest], ...others } = { p: 1, q: [2, 3] };
      let [u, { v = 1 }] = [0, {}];
      var w = 1;
      function f() {}
      class C {}
      enum E { A }
      interface I {}
      type Alias = number;
      if (true) { var hoisted = 1; let blockLocal = 2; }
    `;
    expect(analyze(code, new Set()).defines).toEqual(
      [
        "C",
        "E",
        "alias",
        "def",
        "dfd",
        "f",
        "hoisted",
        "others",
        "p",
        "r",
        "rest",
        "u",
        "v",
        "w",
      ].sort(),
    );
  });

  test("top-level assignments, including destructuring and updates, define names", () => {
    const r = analyze("count += 1; fresh = 2; [a, b] = [b, a]; ({ x: data } = { x: 1 }); n++;");
    expect(r.defines).toEqual(["a", "b", "count", "data", "fresh", "n"]);
    expect(r.uses).toEqual(["a", "b", "count"]);
  });

  test("re-declaration on re-run: the cell's own declaration is not a use", () => {
    const r = analyze("const df = 1; const y = df + 1;");
    expect(r.defines).toEqual(["df", "y"]);
    expect(r.uses).toEqual([]);
  });
});

describe("uses", () => {
  test("free names from earlier cells; globals and unknown names are not uses", () => {
    const r = analyze(
      "console.log(df.shape, Math.max(...xs), unknownThing, JSON.stringify(config));",
    );
    expect(r.uses).toEqual(["config", "df", "xs"]);
    expect(r.defines).toEqual([]);
  });

  test("shadowing in functions, parameters, blocks, loops and catch clauses", () => {
    const code = `
      function g(df: number, { xs }: { xs: number[] }) { return df + xs.length; }
      const h = (config: string) => config;
      { const model = 1; model; }
      for (const count of [1]) count;
      for (let a = 0; a < 1; a++) a;
      try { } catch (b) { b; }
      const k = function data() { return data; };
      class K { helper() { return 1; } m() { const count = 2; return count; } }
    `;
    expect(analyze(code).uses).toEqual([]);
  });

  test("closures read notebook names they do not shadow", () => {
    const r = analyze("const total = () => count + model.size; const obj = { df, key: xs };");
    expect(r.uses).toEqual(["count", "df", "model", "xs"]);
  });

  test("property names, labels and types are not references", () => {
    const code = "const o = { df: 1 }; o.model; type T = typeof config; let v: a = 1 as b;";
    expect(analyze(code).uses).toEqual([]);
  });

  test("extends clauses are uses", () => {
    expect(analyze("class M extends helper {}").uses).toEqual(["helper"]);
  });
});

describe("mutations", () => {
  test("property and element assignment, mutating calls, inplace options", () => {
    const r = analyze(`
      config.mode = "x";
      xs[0] = 1;
      data.items.push(3);
      df.addColumn("c", [1], { inplace: true });
      model.fit(1, { inplace: true });
      delete a.b;
      Object.assign(b, {});
      helper.compute();
    `);
    expect(r.mutates).toEqual(["a", "b", "config", "data", "df", "model", "xs"]);
    expect(r.defines).toEqual([]);
    expect(r.uses).toEqual(["a", "b", "config", "data", "df", "helper", "model", "xs"]);
  });

  test("mutating a local is not a mutation of the notebook's name", () => {
    const r = analyze("function f(xs: number[]) { xs.push(1); } { const df = [1]; df.push(2); }");
    expect(r.mutates).toEqual([]);
  });

  test("JavaScript cells are analysed the same way", () => {
    const r = analyzeCell("let y = xs.map((x) => x * 2); xs.sort();", "javascript", known);
    expect(r).toEqual({ defines: ["y"], uses: ["xs"], mutates: ["xs"] });
  });
});
