/**
 * One owner decides which frames a user sees (executor/traceback.ts, userFrames): the stack a
 * cell prints (`e.stack`) and the traceback of the same error show the same frames, the cell's
 * own, never replab's files or Node's internals. Regression: installCellStacks and toCellError
 * trimmed stacks each their own way, so `e.stack` of an error raised inside replab (input() in
 * a headless run) carried replab's install paths (file:///.../dist/runtime/...) while the
 * traceback did not, and a timed-out cell's traceback carried Node's timer frames.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJson, replab, scratch, writeNotebook } from "./helpers.js";

interface Output {
  output_type: string;
  text?: string[];
  traceback?: string[];
}

describe("the frames a user sees", () => {
  it("are the same in a printed e.stack and in the traceback, and only the cell's", () => {
    const dir = scratch("stack-owner");
    writeNotebook(join(dir, "nb.ipynb"), [
      'import { input } from "replab";\ntry {\n  await input("name?");\n} catch (e) {\n  console.log((e as Error).stack);\n}',
      'await input("again?");',
      "await new Promise((resolve) => setTimeout(resolve, 600_000));",
    ]);
    const run = replab(
      ["run", "nb.ipynb", "-o", "out.ipynb", "--quiet", "--allow-errors", "--timeout", "2"],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    const [printed, thrown, timedOut] = readJson(join(dir, "out.ipynb")).cells.map(
      (c) => (c["outputs"] as Output[])[0],
    );
    const message =
      "ReplabError: input() is not available in a headless run: pass values with -p NAME=VALUE";
    expect(printed?.text?.join("")).toBe(`${message}\n    at cell 1:3:9\n`);
    // At the call, as in cell 1 (`input` at column 9 there); 13 before the columns went back
    // through the rewrite's `return [(` in front of a cell's last expression.
    expect(thrown?.traceback?.slice(1)).toEqual(["    at cell 2:1:7"]);
    const frames = timedOut?.traceback?.filter((l) => /^\s+at /.test(l)) ?? [];
    expect(frames.filter((f) => /node:internal|dist\/runtime/.test(f))).toEqual([]);
  });
});
