/** toWireJson is total: any value, however hostile, converts without throwing to JSON that round-trips. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toWireJson, withInheritedToJSONSetAside } from "../../runtime/display/wire-json.js";

/** Objects whose reading throws: a getter, a toJSON, a Proxy that refuses its keys. */
const hostile = fc.constantFrom<unknown>(
  {
    get x(): never {
      throw new Error("getter");
    },
  },
  {
    toJSON(): never {
      throw new Error("toJSON");
    },
  },
  new Proxy(
    {},
    {
      ownKeys(): never {
        throw new Error("keys");
      },
    },
  ),
  Symbol("s"),
  () => 1,
  Number.NaN,
  undefined,
  new Uint8Array([1, 2]),
  new Date(0),
);

const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.bigInt(),
    fc.string(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    hostile,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string(), tie("value"), { maxKeys: 5 }),
  ),
}));

/** Tie some nested objects back to the root, so cycles occur. */
function withCycles(root: unknown, picks: number[]): unknown {
  const objects: Record<string, unknown>[] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object" || !Object.isExtensible(v)) return;
    if (ArrayBuffer.isView(v) || v instanceof Date) return;
    objects.push(v as Record<string, unknown>);
    for (const child of Object.values(v)) walk(child);
  };
  try {
    walk(root);
  } catch {
    return root;
  }
  for (const p of picks) {
    const target = objects[p % Math.max(1, objects.length)];
    if (target !== undefined && !Array.isArray(target)) target["cycle"] = root;
  }
  return root;
}

describe("toWireJson", () => {
  it("never throws and always gives JSON that round-trips", () => {
    fc.assert(
      fc.property(value, fc.array(fc.nat(), { maxLength: 3 }), (v, picks) => {
        const wire = toWireJson(withCycles(v, picks));
        const text = JSON.stringify(wire);
        expect(JSON.parse(text)).toEqual(wire);
      }),
      { numRuns: 2000 },
    );
  });

  it("follows the documented rules", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle["self"] = cycle;
    expect(toWireJson({ n: 1n, big: 2n ** 80n })).toEqual({
      n: 1,
      big: "1208925819614629174706176",
    });
    expect(toWireJson(cycle)).toEqual({ a: 1, self: "[Circular]" });
    expect(toWireJson({ s: Symbol("x"), f: function named() {} })).toEqual({
      s: "x",
      f: "[Function named]",
    });
    const shared = { k: 1 };
    expect(toWireJson([shared, shared])).toEqual([{ k: 1 }, { k: 1 }]);
    expect(
      toWireJson({
        toJSON: () => {
          throw new Error("no");
        },
      }),
    ).toBe("[Unreadable: no]");
    let deep: unknown = 0;
    for (let i = 0; i < 500; i++) deep = [deep];
    expect(JSON.stringify(toWireJson(deep))).toContain("[Truncated]");
  });

  it("keeps a key named like something every object inherits as a plain member", () => {
    // A cell's data may carry any key, and a cell may put a setter on Object.prototype:
    // neither may run code or turn into a prototype while the value is converted.
    const calls: unknown[] = [];
    Object.defineProperty(Object.prototype, "hijacked", {
      set(v: unknown) {
        calls.push(v);
      },
      configurable: true,
    });
    try {
      const data = JSON.parse(
        '{"__proto__": {"polluted": true}, "toString": "t", "constructor": 1, "hijacked": "h", "plain": [1]}',
      ) as unknown;
      const wire = toWireJson(data) as Record<string, unknown>;
      expect(calls).toEqual([]);
      expect(Object.getPrototypeOf(wire)).toBe(Object.prototype);
      expect(Object.keys(wire)).toEqual([
        "__proto__",
        "toString",
        "constructor",
        "hijacked",
        "plain",
      ]);
      expect(JSON.parse(JSON.stringify(wire))).toEqual(data);
      expect(Object.getOwnPropertyDescriptor(wire, "hijacked")?.value).toBe("h");
      expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    } finally {
      delete (Object.prototype as Record<string, unknown>)["hijacked"];
    }
  });

  it("sends a message past an inherited toJSON, and puts the toJSON back even if the send throws", () => {
    const proto = Object.prototype as Record<string, unknown>;
    const arrays = Array.prototype as unknown as Record<string, unknown>;
    const toJSON = (): string => "proto";
    proto["toJSON"] = toJSON;
    arrays["toJSON"] = toJSON;
    try {
      const message = { kind: "reply", id: 1, result: { list: [1, 2] } };
      const sent = withInheritedToJSONSetAside(() => JSON.stringify(toWireJson(message)));
      expect(JSON.parse(sent)).toEqual(message);
      expect(JSON.stringify({ a: 1 })).toBe('"proto"');
      expect(() =>
        withInheritedToJSONSetAside(() => {
          throw new Error("channel closed");
        }),
      ).toThrow("channel closed");
      expect(proto["toJSON"]).toBe(toJSON);
      expect(arrays["toJSON"]).toBe(toJSON);
    } finally {
      delete proto["toJSON"];
      delete arrays["toJSON"];
    }
  });
});
