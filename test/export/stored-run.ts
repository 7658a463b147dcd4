/**
 * A notebook as a run of replab stores it (outputs + metadata.replab.lineage), built here so
 * the export tests do not depend on the live engine: cells run out of notebook order, one
 * redeclares a name, one draws from the seeded Math.random, one reads a data file.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import seedrandom from "seedrandom";

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

export const DATA = "3\n1\n4\n1\n";

interface Cell {
  id: string;
  count: number;
  source: string;
  stdout: string;
  defines: string[];
  uses: string[];
}

function cells(seed: number): Cell[] {
  // The notebook's per-cell stream contract: seedrandom(`replab:${seed}:${sha256(source)}`).
  const noiseSource =
    'const noise = values.map((v) => v + Math.round(Math.random() * 100));\nconsole.log(noise.join(","));';
  const random = seedrandom(`replab:${seed}:${sha256(noiseSource)}`);
  const noise = [3, 1, 4, 1].map((v) => v + Math.round(random() * 100));
  const total = noise.reduce((a, b) => a + b, 0);
  return [
    {
      id: "load",
      count: 2,
      source:
        'import { readFileSync } from "node:fs";\nconst values = readFileSync("data/numbers.csv", "utf8").trim().split("\\n").map(Number);\nconsole.log(`${values.length} values`);',
      stdout: "4 values\n",
      defines: ["readFileSync", "values"],
      uses: [],
    },
    {
      id: "noise",
      count: 3,
      source: noiseSource,
      stdout: `${noise.join(",")}\n`,
      defines: ["noise"],
      uses: ["values"],
    },
    {
      id: "unrelated",
      count: 1,
      source: 'const label: string = "total";\nconsole.log(label);',
      stdout: "total\n",
      defines: ["label"],
      uses: [],
    },
    {
      id: "total",
      count: 4,
      source: "const total = noise.reduce((a, b) => a + b, 0);\nconsole.log(`${label}: ${total}`);",
      stdout: `total: ${total}\n`,
      defines: ["total"],
      uses: ["noise", "label"],
    },
    {
      id: "again",
      count: 5,
      source: 'const label = "sum";\nconsole.log(label, total);',
      stdout: `sum ${total}\n`,
      defines: ["label"],
      uses: ["total"],
    },
  ];
}

/** Write the notebook and its data file into `dir`; returns the notebook path and the stdout the pipeline must print. */
export function writeStoredRun(dir: string, seed = 42): { path: string; stdout: string } {
  mkdirSync(join(dir, "data"), { recursive: true });
  writeFileSync(join(dir, "data/numbers.csv"), DATA);
  const list = cells(seed);
  const file = {
    kind: "file",
    id: "file:data/numbers.csv",
    path: "data/numbers.csv",
    sha256: sha256(DATA),
    bytes: DATA.length,
  };
  const lineage = {
    schema: "replab.lineage/1",
    seed,
    nodes: [
      ...list.map((c) => ({
        kind: "cell",
        id: c.id,
        executionCount: c.count,
        sourceSha256: sha256(c.source),
        defines: c.defines,
        uses: c.uses,
        status: "ok",
        stale: false,
        nondeterminism: [],
      })),
      file,
    ],
    edges: [
      { from: "file:data/numbers.csv", to: "load", kind: "read", label: "data/numbers.csv" },
      { from: "load", to: "noise", kind: "var", label: "values" },
      { from: "noise", to: "total", kind: "var", label: "noise" },
      { from: "unrelated", to: "total", kind: "var", label: "label" },
      { from: "total", to: "again", kind: "var", label: "total" },
    ],
  };
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "replab", display_name: "TypeScript (replab)", language: "typescript" },
      replab: {
        seed,
        lineage,
        runtime: { node: "20.20.2", replab: "0.1.0", typescript: "6.0.3", platform: "linux-x64" },
        data: [{ path: file.path, sha256: file.sha256, bytes: file.bytes }],
      },
    },
    cells: list.map((c) => ({
      cell_type: "code",
      id: c.id,
      metadata: {},
      source: c.source,
      execution_count: c.count,
      outputs: [{ output_type: "stream", name: "stdout", text: c.stdout }],
    })),
  };
  const path = join(dir, "stored.ipynb");
  writeFileSync(path, `${JSON.stringify(notebook, null, 1)}\n`);
  const stdout = [...list]
    .sort((a, b) => a.count - b.count)
    .map((c) => c.stdout)
    .join("");
  return { path, stdout };
}
