/**
 * What a cell prints of an error's stack is the user's own code: cell positions, no frames or
 * paths of replab, the same with and without --timeout, so `--check` can compare it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "./helpers.js";

const CELLS = [
  'function f(): never {\n  throw new Error("boom");\n}\ntry {\n  f();\n} catch (e) {\n  console.log((e as Error).stack);\n}',
  'try {\n  JSON.parse("{");\n} catch (e) {\n  console.log((e as Error).stack);\n}',
  'async function later(): Promise<never> {\n  await null;\n  throw new RangeError("late");\n}\nawait later().catch((e: Error) => console.log(e.stack));',
];

function printed(path: string): string[] {
  const nb = JSON.parse(readFileSync(path, "utf8")) as {
    cells: { outputs: { output_type: string; text?: string[] }[] }[];
  };
  return nb.cells.map((c) => c.outputs.map((o) => (o.text ?? []).join("")).join(""));
}

describe("stack traces a cell prints", () => {
  const dir = scratch("stacks");
  writeNotebook(join(dir, "stacks.ipynb"), CELLS);
  const plain = replab(["run", "stacks.ipynb", "-o", "plain.ipynb"], { cwd: dir });
  const timed = replab(["run", "stacks.ipynb", "-o", "timed.ipynb", "--timeout", "60"], {
    cwd: dir,
  });

  it("point at cell lines and columns", () => {
    expect(plain.code, plain.stderr).toBe(0);
    const [own, parse, late] = printed(join(dir, "plain.ipynb"));
    expect(own).toBe("Error: boom\n    at f (cell 1:2:9)\n    at cell 1:5:3\n");
    expect(parse).toMatch(
      /^SyntaxError: .*JSON.*\n    at JSON\.parse \(<anonymous>\)\n    at cell 2:2:8\n$/,
    );
    // At the `await`, as Node prints the same lines run as a file.
    expect(late).toBe("RangeError: late\n    at later (cell 3:3:9)\n    at async cell 3:5:1\n");
  });

  it("hold no frame or path of replab's, and do not change with --timeout", () => {
    expect(timed.code, timed.stderr).toBe(0);
    const text = printed(join(dir, "plain.ipynb")).join("");
    expect(text).not.toMatch(/dist\/|runtime\/|runSync|withTimeout|Session|node:vm/);
    expect(text).not.toContain(dir);
    expect(printed(join(dir, "timed.ipynb"))).toEqual(printed(join(dir, "plain.ipynb")));
  });
});
