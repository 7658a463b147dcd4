/**
 * replab as users get it: `npm pack`, installed into a fresh project the way a user installs
 * it (npm may reach the registry for metadata the cache lacks, as `npm ci` does; a cache that
 * holds only what `npm ci` fetched has tarballs but no packuments), then run from that
 * project's node_modules. Catches what a test of the checkout
 * cannot: a file missing from the package, a dependency declared as a devDependency (cells
 * need @types/node to know `console`), pins that only exist in the repository's lockfile.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

let project: string;
let bin: string;

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync("npm", [...args, "--no-audit", "--no-fund"], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`npm ${args.join(" ")} failed:\n${result.stderr}`);
  return result;
}

function replab(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, REPLAB_SEED: "", ...env },
  });
}

function notebook(cells: string[]): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "replab", display_name: "TypeScript (replab)", language: "typescript" },
    },
    cells: cells.map((source, i) => ({
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      source,
      outputs: [],
      execution_count: null,
    })),
  });
}

function printed(path: string): string {
  const nb = JSON.parse(readFileSync(path, "utf8")) as {
    cells: { outputs: { output_type: string; text?: string[] }[] }[];
  };
  return nb.cells
    .flatMap((c) => c.outputs)
    .map((o) => (o.output_type === "stream" ? (o.text ?? []).join("") : `[${o.output_type}]`))
    .join("");
}

beforeAll(() => {
  const packDir = mkdtempSync(join(tmpdir(), "replab-pack-"));
  // dist/ and the viewer were built by the test set-up; building again here would rewrite
  // files other tests are running from.
  npm(["pack", "--ignore-scripts", "--pack-destination", packDir], ROOT);
  const tarball = readdirSync(packDir).find((f) => f.endsWith(".tgz"));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${packDir}`);
  project = mkdtempSync(join(tmpdir(), "replab-user-"));
  writeFileSync(join(project, "package.json"), '{ "name": "analysis", "private": true }\n');
  npm(["install", "--prefer-offline", join(packDir, tarball)], project);
  bin = join(project, "node_modules", "replab", "dist", "bin", "replab.js");
}, 300_000);

describe("an installed replab", () => {
  it("runs a TypeScript notebook in a subfolder: Node's types, seeding, imports", () => {
    const dir = join(project, "notebooks");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "numbers.txt"), "3\n4\n5\n");
    writeFileSync(
      join(dir, "study.ipynb"),
      notebook([
        'import { readFileSync } from "node:fs";\nconst values: number[] = readFileSync("numbers.txt", "utf8").trim().split("\\n").map(Number);\nconsole.log(values.reduce((a, b) => a + b, 0));',
        "const draw: number = Math.random();\nconsole.log(draw.toFixed(6), typeof process.env.HOME);",
      ]),
    );
    const run = replab(["run", "study.ipynb", "-o", "study.out.ipynb"], dir);
    expect(run.stderr).not.toMatch(/Cannot find name|error TS/);
    expect(run.status).toBe(0);
    const first = printed(join(dir, "study.out.ipynb"));
    expect(first).toMatch(/^12\n0\.\d{6} string\n$/);
    expect(replab(["run", "study.ipynb", "-o", "again.out.ipynb"], dir).status).toBe(0);
    expect(printed(join(dir, "again.out.ipynb"))).toBe(first);
  });

  it("refuses a cell with a type error, at the cell's line", () => {
    writeFileSync(join(project, "typed.ipynb"), notebook(['const n: number = "text";']));
    const run = replab(["run", "typed.ipynb", "-o", "typed.out.ipynb"], project);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Type 'string' is not assignable to type 'number'/);
  });

  it("installs its kernelspecs and the lineage viewer, and builds the warm-compiler snapshot", async () => {
    const prefix = mkdtempSync(join(tmpdir(), "replab-prefix-"));
    // A cache of its own: the first kernel after this install must find a snapshot there.
    const cache = mkdtempSync(join(tmpdir(), "replab-install-cache-"));
    const install = replab(["install", "--prefix", prefix], project, { XDG_CACHE_HOME: cache });
    expect(install.status, install.stderr).toBe(0);
    const share = join(prefix, "share", "jupyter");
    for (const kernel of ["replab", "replab-js"]) {
      const spec = JSON.parse(
        readFileSync(join(share, "kernels", kernel, "kernel.json"), "utf8"),
      ) as { argv: string[] };
      expect(spec.argv).toContain(bin);
      expect(existsSync(join(share, "kernels", kernel, "logo-64x64.png"))).toBe(true);
    }
    // The launcher shows each kernel's logo: TypeScript and JavaScript must not look the same.
    const logo = (kernel: string): Buffer =>
      readFileSync(join(share, "kernels", kernel, "logo-64x64.png"));
    expect(logo("replab").equals(logo("replab-js"))).toBe(false);
    expect(
      existsSync(join(share, "labextensions", "@replab", "lineage-viewer", "package.json")),
    ).toBe(true);
    expect(install.stderr).toMatch(/building the warm-compiler snapshot in the background/);
    // The build runs detached; its manifest is renamed into place last.
    const manifest = (): string | undefined =>
      existsSync(join(cache, "replab"))
        ? readdirSync(join(cache, "replab")).find((f) => /^warm-.*\.json$/.test(f))
        : undefined;
    for (let waited = 0; manifest() === undefined && waited < 120_000; waited += 250)
      await new Promise((resolve) => setTimeout(resolve, 250));
    const name = manifest() ?? "";
    expect(existsSync(join(cache, "replab", name.replace(/\.json$/, ".blob")))).toBe(true);
  }, 150_000);

  it("exports a notebook outside any npm project with the pins it ships", () => {
    const dir = mkdtempSync(join(tmpdir(), "replab-loose-"));
    writeFileSync(join(dir, "loose.ipynb"), notebook(['console.log("seeded", Math.random());']));
    expect(replab(["run", "loose.ipynb", "--inplace"], dir).status).toBe(0);
    const exported = replab(["export", "loose.ipynb", "-o", "out"], dir);
    expect(exported.status, exported.stderr).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, "out", "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; integrity?: string }>;
    };
    expect(lock.packages["node_modules/seedrandom"]?.integrity).toMatch(/^sha512-/);
    npm(["ci", "--prefer-offline"], join(dir, "out"));
    const verify = replab(["verify", join(dir, "out")], dir);
    expect(verify.status, verify.stderr).toBe(0);
  });
});
