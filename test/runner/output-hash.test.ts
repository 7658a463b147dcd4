import { describe, expect, it } from "vitest";
import type { Output } from "../../runtime/notebook/types.js";
import { canonicalJson, outputSha256 } from "../../runtime/runner/output-hash.js";

describe("the per-cell output hash", () => {
  const result = (count: number, metadata: Record<string, unknown> = {}): Output => ({
    output_type: "execute_result",
    execution_count: count,
    data: { "text/plain": ["1\n", "2"] },
    metadata,
  });

  it("ignores execution counts, output metadata and list-of-lines vs string", () => {
    const a = outputSha256([result(1)]);
    expect(outputSha256([result(7, { isolated: true })])).toBe(a);
    expect(
      outputSha256([
        {
          output_type: "execute_result",
          execution_count: 1,
          data: { "text/plain": "1\n2" },
          metadata: {},
        },
      ]),
    ).toBe(a);
  });

  it("ignores error tracebacks but not the error itself", () => {
    const error = (evalue: string, traceback: string[]): Output => ({
      output_type: "error",
      ename: "E",
      evalue,
      traceback,
    });
    expect(outputSha256([error("boom", ["/home/a/x.ts:1"])])).toBe(
      outputSha256([error("boom", ["/home/b/x.ts:9"])]),
    );
    expect(outputSha256([error("boom", [])])).not.toBe(outputSha256([error("bang", [])]));
  });

  it("changes when what a reader sees changes", () => {
    const stream = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
    expect(outputSha256([stream("1\n")])).not.toBe(outputSha256([stream("2\n")]));
    expect(outputSha256([stream("1\n"), stream("2\n")])).not.toBe(
      outputSha256([stream("2\n"), stream("1\n")]),
    );
  });

  it("uses JSON with sorted keys", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: "x" })).toBe(
      '{"a":"x","b":[1,{"c":2,"d":1}]}',
    );
  });
});
