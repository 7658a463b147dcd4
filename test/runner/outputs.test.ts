import { describe, expect, it } from "vitest";
import { isReplabError } from "../../runtime/errors.js";
import { NotebookOutputSink } from "../../runtime/runner/outputs.js";

describe("NotebookOutputSink maps engine output to nbformat outputs", () => {
  it("merges consecutive stream text of the same name and splits it into lines", () => {
    const sink = new NotebookOutputSink();
    sink.stream("stdout", "a\nb");
    sink.stream("stdout", "c\n");
    sink.stream("stderr", "warn\n");
    sink.stream("stdout", "d\n");
    expect(sink.outputs()).toEqual([
      { output_type: "stream", name: "stdout", text: ["a\n", "bc\n"] },
      { output_type: "stream", name: "stderr", text: ["warn\n"] },
      { output_type: "stream", name: "stdout", text: ["d\n"] },
    ]);
    expect(sink.stdout()).toBe("a\nbc\nd\n");
  });

  it("updates every earlier output with the same display id in place, and adds none", () => {
    const sink = new NotebookOutputSink();
    sink.display({ "text/plain": "0%" }, {}, "bar", false);
    sink.stream("stdout", "working\n");
    sink.display({ "text/plain": "100%" }, {}, "bar", true);
    expect(sink.outputs()).toEqual([
      { output_type: "display_data", data: { "text/plain": "100%" }, metadata: {} },
      { output_type: "stream", name: "stdout", text: ["working\n"] },
    ]);
  });

  it("clear_output(wait) clears only when the next output arrives", () => {
    const sink = new NotebookOutputSink();
    sink.stream("stdout", "old\n");
    sink.clearOutput(true);
    expect(sink.outputs()).toHaveLength(1);
    sink.stream("stdout", "new\n");
    expect(sink.outputs()).toEqual([{ output_type: "stream", name: "stdout", text: ["new\n"] }]);
    sink.clearOutput(false);
    expect(sink.outputs()).toEqual([]);
  });

  it("adds execute_result with its execution count, and errors", () => {
    const sink = new NotebookOutputSink();
    sink.result({ data: { "text/plain": "42" }, metadata: {} }, 3);
    sink.error("TypeError", "x is not a function", ["TypeError: x is not a function"]);
    expect(sink.outputs()).toEqual([
      {
        output_type: "execute_result",
        execution_count: 3,
        data: { "text/plain": "42" },
        metadata: {},
      },
      {
        output_type: "error",
        ename: "TypeError",
        evalue: "x is not a function",
        traceback: ["TypeError: x is not a function"],
      },
    ]);
  });

  it("refuses input() with a stdin-not-allowed error that says how to pass values", async () => {
    const error = await new NotebookOutputSink().input("name?", false).catch((e: unknown) => e);
    expect(isReplabError(error, "stdin-not-allowed")).toBe(true);
    expect(String(error)).toContain("-p NAME=VALUE");
  });
});
