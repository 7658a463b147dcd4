import { describe, expect, it } from "vitest";
import { render, shortDiff } from "../../runtime/runner/check.js";

describe("--check's short diff", () => {
  it("shows the stored and fresh lines around the first difference", () => {
    expect(shortDiff(["a", "b", "c"], ["a", "B", "c"])).toEqual([
      "  a",
      "- b",
      "- c",
      "+ B",
      "+ c",
    ]);
  });

  it("renders outputs as the lines a reader sees", () => {
    expect(
      render([
        { output_type: "stream", name: "stdout", text: ["x\n", "y\n"] },
        {
          output_type: "execute_result",
          execution_count: 1,
          data: { "text/plain": "42" },
          metadata: {},
        },
        { output_type: "display_data", data: { "image/png": "..." }, metadata: {} },
        { output_type: "error", ename: "E", evalue: "v", traceback: [] },
      ]),
    ).toEqual(["x", "y", "42", "<image/png>", "E: v"]);
  });
});
