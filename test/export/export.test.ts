/**
 * `replab export` and `replab verify` on a stored run: the directory's bytes (fixtures in
 * test/fixtures/export), determinism, type-checking, the pipeline's stdout, data checks,
 * slicing with --target, and the Dockerfile's steps run for real (npm ci from the cache).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, expectGolden, normalise, replab, scratch } from "../cli/helpers.js";
import { writeStoredRun } from "./stored-run.js";

let dir: string;
let expectedStdout: string;

beforeAll(() => {
  dir = scratch("export");
  expectedStdout = writeStoredRun(dir).stdout;
});

/** Every file under `root` (relative path -> bytes). */
function tree(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(root, path), readFileSync(path));
    }
  };
  walk(root);
  return files;
}

const exportTo = (name: string, ...flags: string[]): string => {
  const result = replab(["export", "stored.ipynb", "-o", name, ...flags], { cwd: dir });
  expect(result.stderr).toBe(
    `replab: exported stored.ipynb to ${name} (${result.stderr.match(/\((\d+) files\)/)?.[1]} files)\n`,
  );
  expect(result.code).toBe(0);
  return join(dir, name);
};

const node = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });

describe("replab export", () => {
  it("writes the export directory of docs/contracts.md, byte for byte as the fixtures", () => {
    const out = exportTo("full");
    const files = tree(out);
    expect([...files.keys()].sort()).toEqual([
      ".dockerignore",
      ".replab-export.json",
      "Dockerfile",
      "README.md",
      "package-lock.json",
      "package.json",
      "pipeline.mjs",
      "pipeline.ts",
      "repro.lock.json",
      "tsconfig.json",
    ]);
    for (const [name, bytes] of files) {
      // package-lock.json follows the repo's lockfile (checked below), and so does its hash.
      if (name === "package-lock.json" || name === ".replab-export.json") continue;
      expectGolden(
        `export/full/${name}`,
        bytes.toString("utf8").split(process.versions.node).join("<node>"),
      );
    }
  });

  it("gives byte-identical files when exported twice, with no absolute path or timestamp", () => {
    const a = tree(exportTo("twice-a"));
    const b = tree(exportTo("twice-b"));
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) {
      expect(b.get(name)?.equals(bytes), name).toBe(true);
      const text = bytes.toString("utf8");
      expect(text.includes(ROOT) || text.includes(tmpdir()), name).toBe(false);
      expect(text, name).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:/);
    }
  });

  it("pins every package in the lockfile with version, resolved and integrity", () => {
    const lock = JSON.parse(readFileSync(join(dir, "full/package-lock.json"), "utf8")) as {
      lockfileVersion: number;
      packages: Record<string, Record<string, unknown>>;
    };
    expect(lock.lockfileVersion).toBe(3);
    expect(lock.packages[""]).toMatchObject({ dependencies: { seedrandom: "3.0.5" } });
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === "") continue;
      expect(entry["version"], path).toMatch(/^\d+\.\d+\.\d+/);
      expect(entry["resolved"], path).toMatch(/^https:\/\/registry\.npmjs\.org\/.+\.tgz$/);
      expect(entry["integrity"], path).toMatch(/^sha(512|1)-/);
    }
  });

  it("refuses an existing directory without --force (exit 2); --force replaces it, keeping a user's file", () => {
    exportTo("again");
    writeFileSync(join(dir, "again/mine.txt"), "keep?");
    const refused = replab(["export", "stored.ipynb", "-o", "again"], { cwd: dir });
    expect(refused.code).toBe(2);
    expectGolden("cli/export-exists.txt", normalise(refused.stderr, dir));
    expect(existsSync(join(dir, "again/mine.txt"))).toBe(true);
    const forced = replab(["export", "stored.ipynb", "-o", "again", "--force"], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(normalise(forced.stderr, dir)).toBe(
      "replab: kept 1 file(s) in <dir>/again that replab export did not write: mine.txt\nreplab: exported stored.ipynb to again (9 files)\n",
    );
    expect(readFileSync(join(dir, "again/mine.txt"), "utf8")).toBe("keep?");
  });

  it("exports cells in execution order; the pipeline prints their stdout and nothing else", () => {
    const out = join(dir, "full");
    const ts = readFileSync(join(out, "pipeline.ts"), "utf8");
    const order = [...ts.matchAll(/__startCell\("([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(["unrelated", "load", "noise", "total", "again"]);
    const run = node([join(out, "pipeline.mjs")], dir);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(expectedStdout);
  });

  it("writes a pipeline.ts that type-checks", () => {
    const tsc = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(dir, "full")],
      { encoding: "utf8" },
    );
    expect(tsc.stdout).toBe("");
    expect(tsc.status).toBe(0);
  });

  it("--target keeps only what the target depends on", () => {
    const cellsOf = (out: string): string[] =>
      (
        JSON.parse(readFileSync(join(out, "repro.lock.json"), "utf8")) as {
          cells: { id: string }[];
        }
      ).cells.map((c) => c.id);
    expect(cellsOf(exportTo("by-variable", "--target", "total"))).toEqual([
      "unrelated",
      "load",
      "noise",
      "total",
    ]);
    expect(cellsOf(exportTo("by-cell", "--target", "noise"))).toEqual(["load", "noise"]);
    const run = node([join(dir, "by-cell/pipeline.mjs")], dir);
    expect(run.stdout).toBe(expectedStdout.split("\n").slice(1, 3).join("\n") + "\n");
    const unknown = replab(["export", "stored.ipynb", "-o", "nothing", "--target", "nope"], {
      cwd: dir,
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^replab: --target nope is neither an executed cell id nor a variable a cell defines/,
    );
    expect(existsSync(join(dir, "nothing"))).toBe(false);
  });
});

describe("replab export refuses what it cannot reproduce", () => {
  it("a cell edited after it ran, naming it", () => {
    const d = scratch("edited");
    const { path } = writeStoredRun(d);
    writeFileSync(
      path,
      readFileSync(path, "utf8").replace("Math.random() * 100", "Math.random() * 10"),
    );
    const result = replab(["export", "stored.ipynb", "-o", "out"], { cwd: d });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "replab: cell noise was edited after it ran, so its outputs are not what its code gives; run the notebook again before exporting\n",
    );
    expect(existsSync(join(d, "out"))).toBe(false);
  });

  it("a notebook that never ran under replab", () => {
    const d = scratch("never-ran");
    writeFileSync(
      join(d, "plain.ipynb"),
      JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }),
    );
    const result = replab(["export", "plain.ipynb", "-o", "out"], { cwd: d });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "replab: plain.ipynb has no replab run metadata; run it first: replab run plain.ipynb --inplace\n",
    );
  });
});

describe("replab verify and the pipeline's data checks", () => {
  it("passes when every cell's stdout and every data file match", () => {
    const result = replab(["verify", "full"], { cwd: dir });
    expect(result.stderr).toBe(
      "replab: verified full: 5 cells and 1 data files match repro.lock.json\n",
    );
    expect(result.code).toBe(0);
  });

  it("says where it looked and what to do when run away from an export without its data", () => {
    const result = replab(["verify", "."], { cwd: join(dir, "full") });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^replab: data file \S+ is missing from \S+: the export does not carry its data, .*pass --data DATA_DIR/,
    );
  });

  it("names the changed file, with expected and actual hash, when data was tampered with", () => {
    const d = scratch("tamper");
    writeStoredRun(d);
    expect(replab(["export", "stored.ipynb", "-o", "out", "--include-data"], { cwd: d }).code).toBe(
      0,
    );
    expect(readFileSync(join(d, "out/data/data/numbers.csv"), "utf8")).toBe("3\n1\n4\n1\n");
    expect(replab(["verify", "out"], { cwd: d }).code).toBe(0);
    writeFileSync(join(d, "out/data/data/numbers.csv"), "3\n1\n4\n2\n");
    const verify = replab(["verify", "out"], { cwd: d });
    expect(verify.code).toBe(1);
    expectGolden("cli/verify-data-changed.txt", verify.stderr);
    const pipeline = node(["pipeline.mjs"], join(d, "out"));
    expect(pipeline.status).toBe(1);
    expect(pipeline.stdout).toBe("total\n");
    expectGolden("cli/pipeline-data-changed.txt", pipeline.stderr);
  });

  it("names the first cell whose stdout differs from repro.lock.json", () => {
    const d = scratch("drift");
    writeStoredRun(d);
    expect(replab(["export", "stored.ipynb", "-o", "out", "--include-data"], { cwd: d }).code).toBe(
      0,
    );
    const pipeline = join(d, "out/pipeline.mjs");
    writeFileSync(
      pipeline,
      readFileSync(pipeline, "utf8").replace(
        "Math.round(Math.random() * 100)",
        "Math.round(Math.random() * 101)",
      ),
    );
    const verify = replab(["verify", "out"], { cwd: d });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(
      /^replab: cell noise: stdout differs: expected sha256 [0-9a-f]{64} \(\d+ bytes\), got [0-9a-f]{64} \(\d+ bytes\)\n$/,
    );
  });

  it("says how to install when the packages are missing", () => {
    const copy = mkdtempSync(join(tmpdir(), "replab-noinstall-"));
    cpSync(join(dir, "full"), copy, { recursive: true });
    const result = replab(["verify", copy]);
    expect(result.code).toBe(2);
    expect(normalise(result.stderr, copy)).toBe(
      "replab: packages not installed for <dir> (seedrandom): run `npm ci` in <dir> first\n",
    );
    rmSync(copy, { recursive: true });
  });
});

describe("files a cell writes", () => {
  it("are outputs of the pipeline: not copied, not required up front, checked when read again", () => {
    const d = scratch("writes");
    const { path } = writeStoredRun(d);
    const nb = JSON.parse(readFileSync(path, "utf8")) as {
      cells: Record<string, unknown>[];
      metadata: {
        replab: { lineage: { nodes: Record<string, unknown>[]; edges: Record<string, unknown>[] } };
      };
    };
    const write =
      'import { writeFileSync } from "node:fs";\nwriteFileSync("sum.txt", String(values.length));';
    const read = 'console.log(readFileSync("sum.txt", "utf8"));';
    const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
    nb.cells.push(
      {
        cell_type: "code",
        metadata: {},
        id: "write",
        source: write,
        execution_count: 6,
        outputs: [],
      },
      {
        cell_type: "code",
        metadata: {},
        id: "read",
        source: read,
        execution_count: 7,
        outputs: [{ output_type: "stream", name: "stdout", text: "4\n" }],
      },
    );
    const lineage = nb.metadata.replab.lineage;
    const cell = (id: string, count: number, source: string) => ({
      kind: "cell",
      id,
      executionCount: count,
      sourceSha256: sha(source),
      defines: [],
      uses: [],
      status: "ok",
      stale: false,
      nondeterminism: [],
    });
    lineage.nodes.push(cell("write", 6, write), cell("read", 7, read), {
      kind: "file",
      id: "file:sum.txt",
      path: "sum.txt",
      sha256: sha("4"),
      bytes: 1,
    });
    lineage.edges.push(
      { from: "write", to: "file:sum.txt", kind: "write", label: "sum.txt" },
      { from: "file:sum.txt", to: "read", kind: "read", label: "sum.txt" },
    );
    writeFileSync(path, JSON.stringify(nb));
    expect(replab(["export", "stored.ipynb", "-o", "out", "--include-data"], { cwd: d }).code).toBe(
      0,
    );
    const lock = JSON.parse(readFileSync(join(d, "out/repro.lock.json"), "utf8")) as {
      data: { path: string }[];
    };
    expect(lock.data.map((f) => f.path)).toEqual(["data/numbers.csv"]);
    expect(existsSync(join(d, "out/data/sum.txt"))).toBe(false);
    expect(replab(["verify", "out"], { cwd: d }).code).toBe(0);
    expect(readFileSync(join(d, "out/data/sum.txt"), "utf8")).toBe("4");
  });
});

describe("the Dockerfile", () => {
  it("passes dockerfile-utils validation and pins Node to the running version", async () => {
    const { validate } = await import("dockerfile-utils");
    const text = readFileSync(join(dir, "full/Dockerfile"), "utf8");
    expect(validate(text)).toEqual([]);
    expect(text).toContain(`FROM node:${process.versions.node}-bookworm-slim`);
    expect(existsSync(join(FIXTURES, "export/full/Dockerfile"))).toBe(true);
  });

  it("works when its steps run in a clean copy: npm ci from the lockfile, node pipeline.mjs", () => {
    const d = scratch("docker");
    writeStoredRun(d);
    expect(replab(["export", "stored.ipynb", "-o", "out", "--include-data"], { cwd: d }).code).toBe(
      0,
    );
    const clean = mkdtempSync(join(tmpdir(), "replab-docker-"));
    cpSync(join(d, "out"), clean, { recursive: true });
    const ci = spawnSync("npm", ["ci", "--offline", "--omit=dev", "--no-audit", "--no-fund"], {
      cwd: clean,
      encoding: "utf8",
      env: {
        ...process.env,
        TZ: "UTC",
        LANG: "C.UTF-8",
        LC_ALL: "C.UTF-8",
        NODE_ENV: "production",
      },
    });
    expect(ci.status, ci.stderr).toBe(0);
    const run = node(["pipeline.mjs"], clean, { TZ: "UTC", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" });
    expect(run.stdout).toBe(expectedStdout);
    expect(run.status).toBe(0);
    expect(replab(["verify", clean]).code).toBe(0);
    rmSync(clean, { recursive: true });
  });
});
