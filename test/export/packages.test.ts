/**
 * The export's package.json and lockfile for a notebook that loads a package with a deep
 * dependency tree and an npm override (danfojs-node, whose native tfjs-node the project
 * swaps for the pure-JS @tensorflow/tfjs): `npm ci` must install it offline in a clean copy.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, replab, scratch } from "../cli/helpers.js";

const CELL =
  'import * as dfd from "danfojs-node";\nconst df = new dfd.DataFrame([{ a: 1 }, { a: 2 }]);\nconsole.log(df.shape.join("x"));';

/** A notebook whose run predates lineage recording: the export falls back to execution counts. */
function writeNotebook(dir: string): void {
  const nb = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "replab", display_name: "TypeScript (replab)", language: "typescript" },
      replab: { seed: 42, lineage: { schema: "replab.lineage/1", seed: 42, nodes: [], edges: [] } },
    },
    cells: [
      {
        cell_type: "code",
        id: "frame",
        metadata: {},
        source: CELL,
        execution_count: 1,
        outputs: [{ output_type: "stream", name: "stdout", text: "2x1\n" }],
      },
    ],
  };
  writeFileSync(join(dir, "frame.ipynb"), JSON.stringify(nb));
}

describe("an export that loads danfojs-node", () => {
  it("pins danfojs-node with its dependencies and the project's overrides", () => {
    const dir = scratch("danfo");
    writeNotebook(dir);
    expect(replab(["export", "frame.ipynb", "-o", "out"], { cwd: dir }).code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, "out/package.json"), "utf8")) as Record<
      string,
      Record<string, string>
    >;
    expect(pkg["dependencies"]).toEqual({ "danfojs-node": "1.2.0", seedrandom: "3.0.5" });
    expect(pkg["overrides"]).toMatchObject({
      "@tensorflow/tfjs-node": "npm:@tensorflow/tfjs@4.22.0",
    });
    const lock = JSON.parse(readFileSync(join(dir, "out/package-lock.json"), "utf8")) as {
      packages: Record<string, Record<string, unknown>>;
    };
    expect(lock.packages["node_modules/@tensorflow/tfjs-node"]).toMatchObject({
      name: "@tensorflow/tfjs",
      version: "4.22.0",
    });
    expect(Object.keys(lock.packages).length).toBeGreaterThan(50);

    const clean = mkdtempSync(join(tmpdir(), "replab-danfo-"));
    cpSync(join(dir, "out"), clean, { recursive: true });
    const ci = spawnSync("npm", ["ci", "--offline", "--omit=dev", "--no-audit", "--no-fund"], {
      cwd: clean,
      encoding: "utf8",
    });
    expect(ci.status, ci.stderr).toBe(0);
    const run = spawnSync(process.execPath, ["pipeline.mjs"], { cwd: clean, encoding: "utf8" });
    expect(run.stdout).toBe("2x1\n");
    expect(run.status).toBe(0);
    expect(replab(["verify", clean]).code).toBe(0);
    rmSync(clean, { recursive: true });
  });

  it("refuses a package the project's lockfile does not pin, naming it", () => {
    const dir = scratch("unpinned");
    writeNotebook(dir);
    const nb = readFileSync(join(dir, "frame.ipynb"), "utf8").replace(
      "danfojs-node",
      "left-pad-unknown",
    );
    writeFileSync(join(dir, "frame.ipynb"), nb);
    const result = replab(["export", "frame.ipynb", "-o", "out"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "replab: the notebook imports left-pad-unknown, which is not in the project's package-lock.json: install it with npm so its exact version can be pinned\n",
    );
  });

  it("refuses a notebook that imports packages when no package-lock.json is above it", () => {
    const dir = mkdtempSync(join(tmpdir(), "replab-no-project-"));
    writeNotebook(dir);
    const result = replab(["export", "frame.ipynb", "-o", "out"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "replab: the notebook imports danfojs-node, but there is no package-lock.json in its directory or above it: install them with npm (npm install danfojs-node) so their exact versions can be pinned\n",
    );
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

describe("an export of a notebook outside any npm project", () => {
  it("pins the pipeline's own packages from replab's lockfile and reproduces offline", () => {
    const dir = mkdtempSync(join(tmpdir(), "replab-plain-"));
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: "replab", display_name: "TypeScript (replab)", language: "typescript" },
      },
      cells: [
        {
          cell_type: "code",
          id: "draw",
          metadata: {},
          source:
            'const draws = [1, 2, 3].map(() => Math.random().toFixed(6));\nconsole.log(draws.join(" "));',
          execution_count: null,
          outputs: [],
        },
      ],
    };
    writeFileSync(join(dir, "plain.ipynb"), JSON.stringify(nb));
    expect(replab(["run", "plain.ipynb", "--inplace"], { cwd: dir }).code).toBe(0);
    const exported = replab(["export", "plain.ipynb", "-o", "out"], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);

    const own = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; integrity?: string }>;
    };
    const lock = JSON.parse(readFileSync(join(dir, "out/package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; integrity?: string }>;
    };
    for (const pkg of ["seedrandom", "typescript", "@types/node", "@types/seedrandom"]) {
      const path = `node_modules/${pkg}`;
      expect(lock.packages[path]?.integrity, pkg).toBe(own.packages[path]?.integrity);
      expect(lock.packages[path]?.version, pkg).toBe(own.packages[path]?.version);
    }

    const ci = spawnSync("npm", ["ci", "--offline", "--no-audit", "--no-fund"], {
      cwd: join(dir, "out"),
      encoding: "utf8",
    });
    expect(ci.status, ci.stderr).toBe(0);
    const stored = JSON.parse(readFileSync(join(dir, "plain.ipynb"), "utf8")) as {
      cells: { outputs: { text?: string | string[] }[] }[];
    };
    const run = spawnSync(process.execPath, ["pipeline.mjs"], {
      cwd: join(dir, "out"),
      encoding: "utf8",
    });
    const text = stored.cells[0]?.outputs[0]?.text;
    expect(run.stdout).toMatch(/^0\.\d{6} 0\.\d{6} 0\.\d{6}\n$/);
    expect(run.stdout).toBe(Array.isArray(text) ? text.join("") : text);
    expect(replab(["verify", join(dir, "out")]).code).toBe(0);
  });
});

describe("the pins an installed replab ships", () => {
  it("dist/pipeline-lock.json, written by the build, matches package-lock.json", () => {
    const shipped = JSON.parse(readFileSync(join(ROOT, "dist/pipeline-lock.json"), "utf8")) as {
      packages: Record<string, unknown>;
    };
    const own = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, unknown>;
    };
    expect(Object.keys(shipped.packages)).toContain("node_modules/seedrandom");
    for (const [path, entry] of Object.entries(shipped.packages)) {
      expect(entry, path).toEqual(own.packages[path]);
    }
  });
});
