/**
 * Decorators run as the notebook's project compiles them: legacy (tslab's) by default, the
 * standard ones when its tsconfig.json turns experimentalDecorators off. The cells are checked
 * with the project's choice, so they must run with it too, in `replab run` and in the exported
 * pipeline (a standard decorator compiled as a legacy one is called with the wrong arguments
 * and what it returns is dropped, silently).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";
import { runPipeline } from "./run-export.js";

const STANDARD = [
  "function tagged(method: (this: unknown) => string, context: ClassMethodDecoratorContext) {",
  "  return function (this: unknown) { return `[${String(context.name)}] ${method.call(this)}`; };",
  "}",
  'class Greeter { @tagged hi() { return "hi"; } }',
  "console.log(new Greeter().hi());",
].join("\n");

const LEGACY = [
  "function tagged(target: object, key: string, descriptor: PropertyDescriptor) {",
  "  const method = descriptor.value as () => string;",
  "  descriptor.value = function (this: unknown) { return `[${key}] ${method.call(this)}`; };",
  "}",
  'class Greeter { @tagged hi() { return "hi"; } }',
  "console.log(new Greeter().hi());",
].join("\n");

/** Run, export and verify a one-cell notebook in a folder with `tsconfig` (when given). */
function runEverywhere(name: string, cell: string, tsconfig?: object) {
  const dir = scratch(name);
  if (tsconfig !== undefined) writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  writeNotebook(join(dir, "nb.ipynb"), [cell]);
  const ran = replab(["run", "nb.ipynb", "--inplace", "-q"], { cwd: dir });
  expect(ran.code, ran.stderr).toBe(0);
  const notebook = JSON.parse(readFileSync(join(dir, "nb.ipynb"), "utf8")) as {
    cells: { outputs: { text?: string[] }[] }[];
  };
  const exported = replab(["export", "nb.ipynb", "-o", "out"], { cwd: dir });
  expect(exported.code, exported.stderr).toBe(0);
  const pipeline = runPipeline(join(dir, "out"));
  expect(pipeline.status, pipeline.stderr).toBe(0);
  const verified = replab(["verify", "out"], { cwd: dir });
  expect(verified.code, verified.stderr).toBe(0);
  const printed = (notebook.cells[0]?.outputs ?? []).map((o) => (o.text ?? []).join(""));
  return { printed: printed.join(""), pipeline: pipeline.stdout };
}

describe("decorators", () => {
  it("a project on standard decorators runs them as standard ones, headless and exported", () => {
    const ran = runEverywhere("decorators-standard", STANDARD, {
      compilerOptions: { experimentalDecorators: false },
    });
    expect(ran).toEqual({ printed: "[hi] hi\n", pipeline: "[hi] hi\n" });
  });

  it("without a project, decorators are tslab's legacy ones, headless and exported", () => {
    expect(runEverywhere("decorators-legacy", LEGACY)).toEqual({
      printed: "[hi] hi\n",
      pipeline: "[hi] hi\n",
    });
  });
});
