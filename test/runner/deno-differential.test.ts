/**
 * Differential against Deno's kernel (`deno jupyter`, the deno npm package in node_modules):
 * a TypeScript notebook as people write it (an imports cell first, a CSV beside it, functions
 * and classes used cells later, top-level await, an error in the middle) runs under Deno with
 * `jupyter nbconvert --execute --allow-errors` and under `replab run --allow-errors`; every
 * cell prints the same stdout and stderr, shows the same result and fails with the same message.
 *
 * Where the two runtimes differ by design the cells stay out of the way: Deno's console
 * quotes strings inside objects with `"` and prints objects deeper than Node's util.inspect,
 * and colours its results (stripped here). Deno type-checks nothing, so every cell type-checks.
 * Deno's kernel loses output: in 5 of 14 runs here one cell's stdout or result never reached
 * nbconvert before its idle (the bench's 20,000-line cell: 4,422 lines delivered). So Deno runs
 * the notebook three times and each cell's output is the fullest of the three; a cell where
 * replab prints more than Deno in all three still fails.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, replab, scratch, writeNotebook } from "../cli/helpers.js";
import { HAS_JUPYTER, nbconvertExecute, peerKernel } from "../support/peer-kernels.js";

const DENO = join(ROOT, "node_modules/deno/bin.cjs");

const CELLS = [
  'import { readFileSync } from "node:fs";\nimport { join } from "node:path";',
  'const rows = readFileSync(join(".", "sales.csv"), "utf8").trim().split("\\n").slice(1);\nconsole.log(rows.length);',
  "interface Sale { region: string; amount: number }\n" +
    "const sales: Sale[] = rows.map((line) => {\n" +
    '  const [region, amount] = line.split(",");\n' +
    "  return { region, amount: Number(amount) };\n" +
    "});\nconsole.log(sales.length, sales[0].amount);",
  "function sum(xs: number[]): number {\n  return xs.reduce((s, x) => s + x, 0);\n}",
  "const byRegion = new Map<string, number>();\n" +
    "for (const s of sales) byRegion.set(s.region, (byRegion.get(s.region) ?? 0) + s.amount);\n" +
    'console.log([...byRegion.keys()].join(" "), sum([...byRegion.values()]));',
  "class Stats {\n  constructor(readonly values: number[]) {}\n" +
    "  mean() { return sum(this.values) / this.values.length; }\n}\n" +
    "const st = new Stats(sales.map((s) => s.amount));\nconsole.log(st.mean().toFixed(2));",
  "const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));\nawait Promise.resolve(st.values.length)",
  "st.mean() > 10",
  "enum Level { Low, High }\nconst level = st.mean() > 10 ? Level.High : Level.Low;\nconsole.log(Level[level]);",
  "let count = 0;\nfor (const _ of sales) count++;\ncount",
  "count += 100;\nconsole.log(count);",
  "function first<T>(xs: T[]): T | undefined { return xs[0]; }\nconsole.log(first([7, 8]), first([]));",
  "console.log(JSON.stringify(sales.slice(0, 2)));",
  "console.log(0.1 + 0.2, 2n ** 70n, -0, [1, 2, 3].at(-1), new Date(0).toISOString());",
  "console.log({ n: 1, list: [1, 2], flag: true }, [undefined, null]);",
  'throw new RangeError("bad range");',
  'console.log("still here", count);',
  'console.error("a warning");',
  "async function total(): Promise<number> {\n  await sleep(1);\n  return sum([1, 2, 3]);\n}\nawait total()",
  "const { region, amount } = sales[1];\nconsole.log(region.length, amount * 2);",
  "function* ids() { let i = 0; while (i < 3) yield i++; }\nconsole.log([...ids()]);",
  'console.log("%s has %d rows", "sales", sales.length);',
  "console.log(new Uint8Array([1, 2]), Number.MAX_SAFE_INTEGER, typeof Symbol.iterator);",
  "sum([1.5, 2.25])",
];

interface CellOutput {
  stdout: string;
  stderr: string;
  result: string | undefined;
  error: string | undefined;
}

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
  evalue?: string;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const text = (value: string | string[] | undefined): string =>
  (Array.isArray(value) ? value.join("") : (value ?? "")).replace(ANSI, "");

function cellOutputs(path: string): CellOutput[] {
  const notebook = JSON.parse(readFileSync(path, "utf8")) as { cells: { outputs: Output[] }[] };
  return notebook.cells.map(({ outputs }) => {
    const stream = (name: string): string =>
      outputs
        .filter((o) => o.output_type === "stream" && o.name === name)
        .map((o) => text(o.text))
        .join("");
    const result = outputs.find((o) => o.output_type === "execute_result");
    const error = outputs.find((o) => o.output_type === "error");
    return {
      stdout: stream("stdout"),
      stderr: stream("stderr"),
      result: result === undefined ? undefined : text(result.data?.["text/plain"]),
      error: error === undefined ? undefined : text(error.evalue),
    };
  });
}

/** Of one cell's outputs in several runs, the one with the most in it (what the others lost). */
function fullest(outputs: (CellOutput | undefined)[]): CellOutput | undefined {
  const size = (o: CellOutput | undefined): number =>
    o === undefined ? -1 : JSON.stringify(o).length;
  return outputs.reduce((best, o) => (size(o) > size(best) ? o : best), undefined);
}

describe.skipIf(!HAS_JUPYTER || !existsSync(DENO))("a TypeScript notebook under Deno", () => {
  it("prints, shows and fails the same under replab in every cell", () => {
    const dir = scratch("deno-differential");
    // Its own project, so the repository's strict tsconfig.json does not apply to it.
    writeFileSync(join(dir, "package.json"), '{ "name": "differential", "private": true }\n');
    writeFileSync(
      join(dir, "sales.csv"),
      "region,amount\nnorth,12.5\nsouth,7\nnorth,30\neast,4.25\n",
    );
    writeNotebook(join(dir, "deno.ipynb"), CELLS, "deno");
    writeNotebook(join(dir, "replab.ipynb"), CELLS);
    const argv = [process.execPath, DENO, "jupyter", "--kernel", "--conn", "{connection_file}"];
    const env = {
      JUPYTER_PATH: peerKernel(dir, "deno", argv, "typescript"),
      DENO_NO_UPDATE_CHECK: "1",
    };
    const runs = [1, 2, 3].map((n) => {
      nbconvertExecute(dir, "deno.ipynb", `deno.out${n}.ipynb`, env);
      return cellOutputs(join(dir, `deno.out${n}.ipynb`));
    });
    const deno = CELLS.map((_, i) => fullest(runs.map((cells) => cells[i])));
    const run = ["run", "replab.ipynb", "-o", "replab.out.ipynb", "--allow-errors"];
    const ran = replab(run, { cwd: dir });
    expect(ran.code, ran.stderr).toBe(0);
    const ours = cellOutputs(join(dir, "replab.out.ipynb"));
    // Deno ran the notebook as meant: one cell failed, the rest printed or showed something.
    expect(deno.filter((c) => c?.error !== undefined).map((c) => c?.error)).toEqual(["bad range"]);
    expect(ours).toEqual(deno);
  }, 120_000);
});
