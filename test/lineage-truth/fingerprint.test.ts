/**
 * The bounded structural fingerprint the observer compares before and after a cell
 * (docs/lineage-semantics.md, "How replab observes it"): it sees changes in place through
 * nesting, Date, Map, Set, typed arrays and static fields, and never runs the user's code.
 */
import { describe, expect, it } from "vitest";
import { fingerprint, LARGE_ARRAY } from "../../runtime/lineage/observe-fingerprint.js";

/** Whether `change` alters the fingerprint of `value`. */
function sees<T>(value: T, change: (v: T) => void): boolean {
  const before = fingerprint(value);
  change(value);
  return fingerprint(value) !== before;
}

describe("fingerprint", () => {
  it("is the same for a value nobody changed", () => {
    const value = { a: [1, 2, { b: "c" }], d: new Map([["k", 1]]), e: new Date(5) };
    expect(fingerprint(value)).toBe(fingerprint(value));
  });

  it("sees changes deep inside arrays and objects, and a nested object replaced by an equal one", () => {
    expect(
      sees(
        [
          [0, 0],
          [0, 0],
        ],
        (g) => (g[0]![1] = 5),
      ),
    ).toBe(true);
    expect(sees({ holder: { list: [1] } }, (h) => h.holder.list.push(2))).toBe(true);
    expect(sees({ inner: { x: 1 } }, (o) => (o.inner = { x: 1 }))).toBe(true);
  });

  it("sees Date, Map, Set and typed-array changes, and a class's static field", () => {
    expect(sees(new Date(0), (d) => d.setUTCFullYear(2000))).toBe(true);
    expect(sees(new Map<string, number>(), (m) => m.set("k", 1))).toBe(true);
    expect(sees(new Set([1]), (s) => s.add(2))).toBe(true);
    expect(sees(new Float64Array(4), (f) => (f[3] = 1))).toBe(true);
    class Registry {
      static items: string[] = [];
    }
    expect(sees(Registry, (r) => r.items.push("k"))).toBe(true);
  });

  it("does not see what a pure call leaves alone", () => {
    const calc = { total: 0, add: (x: number, y: number) => x + y };
    expect(sees(calc, (c) => c.add(1, 2))).toBe(false);
    expect(sees([3, 1, 2], (xs) => [...xs].sort())).toBe(false);
  });

  it("never runs a getter, a proxy trap or toString of the value", () => {
    let ran = 0;
    const value = {
      get hidden() {
        ran++;
        return 1;
      },
      toString() {
        ran++;
        return "x";
      },
      proxy: new Proxy({}, { ownKeys: () => (ran++, []), get: () => ran++ }),
    };
    fingerprint(value);
    expect(ran).toBe(0);
  });

  it("terminates on cycles and still sees a change inside one", () => {
    const a: { self?: unknown; n: number } = { n: 1 };
    a.self = a;
    expect(sees(a, (v) => (v.n = 2))).toBe(true);
  });

  it("samples a large array: its length and its sampled ends still count", () => {
    const big = Array.from({ length: LARGE_ARRAY * 4 }, (_, i) => i);
    expect(sees(big, (b) => b.push(1))).toBe(true);
    expect(sees(big, (b) => (b[0] = -1))).toBe(true);
    expect(sees(big, (b) => (b[b.length - 1] = -1))).toBe(true);
  });
});
