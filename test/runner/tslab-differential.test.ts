/**
 * Differential: a notebook written for tslab (an imports cell first, a local module,
 * a JSON file, untyped TypeScript) runs under tslab 1.0.22 with `jupyter nbconvert --execute`
 * and under `replab run`; every cell tslab runs prints the same stdout under replab.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, replab, scratch, writeNotebook } from "../cli/helpers.js";
import { HAS_JUPYTER, nbconvertExecute, peerKernel } from "../support/peer-kernels.js";

const CELLS = [
  'import * as path from "node:path";\nimport { EPS, half } from "./lib";\nimport data from "./data.json";',
  'console.log(path.join("a", "b"), EPS, half(3), data.n + 1);',
  "function id(a) { return a }\nconsole.log(id(4));",
  "let o = { x: null };\nconsole.log(String(o?.x?.z));",
  'import { readFileSync } from "node:fs";',
  'console.log(JSON.parse(readFileSync("data.json", "utf8")).n);',
];

interface CellOutput {
  stdout: string;
  error: boolean;
}

function cellOutputs(path: string): CellOutput[] {
  const notebook = JSON.parse(readFileSync(path, "utf8")) as {
    cells: { outputs: { output_type: string; name?: string; text?: string | string[] }[] }[];
  };
  return notebook.cells.map((cell) => ({
    stdout: cell.outputs
      .filter((o) => o.output_type === "stream" && o.name === "stdout")
      .map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")))
      .join(""),
    // tslab prints its errors as stderr text rather than an error output.
    error: cell.outputs.some((o) => o.output_type === "error" || o.name === "stderr"),
  }));
}

/** Each cell's output under tslab (nbconvert) and under `replab run`, for a notebook in `dir`. */
function runBoth(dir: string, cells: string[]): { tslab: CellOutput[]; ours: CellOutput[] } {
  writeNotebook(join(dir, "tslab.ipynb"), cells, "tslab");
  writeNotebook(join(dir, "replab.ipynb"), cells);
  const tslab = join(ROOT, "node_modules/tslab/bin/tslab");
  const argv = [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"];
  const env = { JUPYTER_PATH: peerKernel(dir, "tslab", argv, "typescript") };
  nbconvertExecute(dir, "tslab.ipynb", "tslab.out.ipynb", env);
  const ran = replab(["run", "replab.ipynb", "-o", "replab.out.ipynb"], { cwd: dir });
  expect(ran.code, ran.stderr).toBe(0);
  return {
    tslab: cellOutputs(join(dir, "tslab.out.ipynb")),
    ours: cellOutputs(join(dir, "replab.out.ipynb")),
  };
}

describe.skipIf(!HAS_JUPYTER)("a tslab notebook", () => {
  it("prints the same stdout under replab in every cell tslab runs", () => {
    const dir = scratch("tslab-differential");
    // Its own project, so the repository's strict tsconfig.json does not apply to it.
    writeFileSync(join(dir, "package.json"), '{ "name": "differential", "private": true }\n');
    writeFileSync(
      join(dir, "lib.ts"),
      "export const EPS: number = 1e-9;\nexport function half(n: number) { return n / 2; }\n",
    );
    writeFileSync(join(dir, "data.json"), '{ "n": 3 }\n');
    const { tslab, ours } = runBoth(dir, CELLS);
    expect(tslab.filter((c) => c.error)).toEqual([]);
    expect(ours.map((c) => c.stdout)).toEqual(tslab.map((c) => c.stdout));
  }, 120_000);

  // tslab's own examples (yunabe/tslab-examples) are laid out so: the library's tsconfig.json
  // (rootDir src, noImplicitAny without strict) would fail `let obj = { x: null }` in a cell.
  it("runs as tslab does beside a tsconfig.json made for the project's src/", () => {
    const project = scratch("tslab-differential-src");
    writeFileSync(join(project, "package.json"), '{ "name": "examples", "private": true }\n');
    const options = { rootDir: "src", noImplicitAny: true, lib: ["es2017", "dom"] };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: options }));
    const dir = join(project, "notebooks");
    mkdirSync(dir);
    const cells = [
      'import * as tslab from "tslab";\nimport { inspect } from "node:util";',
      // The version numbers differ (tslab checks with TypeScript 5.0); the shape must not.
      "console.log(inspect(tslab.versions).replace(/'\\d+\\.\\d+\\.\\d+'/g, \"V\"));",
      "let obj = { x: null };\nconsole.log(String(obj?.x?.z));",
    ];
    const { tslab, ours } = runBoth(dir, cells);
    expect(tslab.filter((c) => c.error)).toEqual([]);
    expect(ours).toEqual(tslab);
  }, 120_000);
});
