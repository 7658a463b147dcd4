/**
 * The export's package.json and lockfile for a notebook that loads a package with a deep
 * dependency tree and an npm override (danfojs-node, whose native tfjs-node the project
 * swaps for the pure-JS @tensorflow/tfjs): `npm ci` must install it offline in a clean copy.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { replab, scratch } from "../cli/helpers.js";

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
});
