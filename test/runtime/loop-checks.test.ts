/**
 * Which loops get an interrupt check: only those that can run after an await, where SIGINT
 * cannot reach; every other loop stays as written, at full speed.
 */
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { LOOP_CHECK } from "../../runtime/compiler/loop-checks.js";
import { rewriteCell } from "../../runtime/compiler/rewrite.js";

const checks = (js: string): number => rewriteCell(js).script.split(LOOP_CHECK).length - 1;

describe("interrupt checks", () => {
  it("leaves loops before any await, and cells without one, untouched", () => {
    expect(checks("let s = 0;\nfor (let i = 0; i < 10; i++) { s += i; }\nwhile (s > 0) s--;")).toBe(
      0,
    );
    expect(checks("for (const x of [1]) {}\nawait null;")).toBe(0);
    expect(checks("function f() { while (true) {} }\nawait null;")).toBe(0);
  });

  it("checks loops after an await, with or without braces, and do-while", () => {
    expect(checks("await null;\nwhile (true) {}")).toBe(1);
    expect(checks("await null;\nfor (;;) x++;")).toBe(1);
    expect(checks("await null;\ndo { x++; } while (x < 3);")).toBe(1);
    expect(checks("await null;\nfor (const k in o) for (const v of o[k]) {}")).toBe(2);
  });

  it("checks a loop whose body awaits, a for await loop, and functions written after an await", () => {
    expect(checks("while (true) { await tick(); work(); }")).toBe(1);
    expect(checks("for await (const x of stream()) {}")).toBe(1);
    expect(checks("await null;\n[1].forEach(() => { for (;;) {} });")).toBe(1);
    expect(checks("async function f() { await g(); while (true) {} }")).toBe(1);
  });

  it("keeps the cell's line numbers", () => {
    const js = "await null;\nwhile (true)\n  x++;\nthrow new Error();";
    expect(rewriteCell(js).lineCount).toBe(js.split("\n").length);
  });

  it("runs: a checked loop behaves as the loop did, and stops when the flag is set", async () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const halt = (): never => {
      throw new Error("halted");
    };
    // settle: what the session's runtime global does with a cell's result (executor/settle.ts).
    const settle = (value: unknown): unknown => value;
    Reflect.set(globalThis, "__replab", { stop: flag, halt, settle });
    const run = (js: string): Promise<unknown> =>
      vm.runInThisContext(rewriteCell(js).script) as Promise<unknown>;
    expect(
      await run("await null;\nlet total = 0;\nfor (let i = 1; i <= 4; i++) total += i;\ntotal"),
    ).toBe(10);
    Atomics.store(flag, 0, 1);
    await expect(run("await null;\nwhile (true) {}")).rejects.toThrow("halted");
    Reflect.deleteProperty(globalThis, "__replab");
  });
});
