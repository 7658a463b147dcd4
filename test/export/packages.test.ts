/**
 * The export's package.json and lockfile for a notebook that loads a package with a deep
 * dependency tree and an npm override (danfojs-node, whose native tfjs-node the project
 * swaps for the pure-JS @tensorflow/tfjs): `npm ci` must install it offline in a clean copy.
 * Packages are pinned by the project they load from, which is not always the nearest one, and
 * a package installed from a local tarball travels with the export.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, replab, scratch, writeNotebook as writeCells } from "../cli/helpers.js";

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

/** Run npm as a user would, offline (the tarballs are local; the cache holds the rest). */
function npm(args: string[], cwd: string): void {
  const result = spawnSync("npm", [...args, "--offline", "--no-audit", "--no-fund"], {
    cwd,
    encoding: "utf8",
  });
  expect(result.status, `npm ${args.join(" ")}: ${result.stderr}`).toBe(0);
}

/** The source folder of a tiny CommonJS package, tiny-greeter, that is on no registry. */
function greeterFolder(dir: string, greeting = "hello"): string {
  const folder = join(dir, "tiny-greeter");
  mkdirSync(folder);
  writeFileSync(
    join(folder, "package.json"),
    JSON.stringify({ name: "tiny-greeter", version: "1.0.0", main: "index.js" }),
  );
  writeFileSync(join(folder, "index.js"), `exports.hello = (name) => "${greeting}, " + name;\n`);
  writeFileSync(
    join(folder, "index.d.ts"),
    "export declare function hello(name: string): string;\n",
  );
  return folder;
}

/** A project in DIR (its own package.json and lockfile) with tiny-greeter installed from `npm pack`'s tarball. */
function projectWithTarball(dir: string): string {
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "analysis", private: true }));
  mkdirSync(join(dir, "vendor"));
  npm(["pack", greeterFolder(dir), "--pack-destination", join(dir, "vendor")], dir);
  const tarball = join(dir, "vendor", "tiny-greeter-1.0.0.tgz");
  npm(["install", tarball], dir);
  return tarball;
}

const GREET = 'import { hello } from "tiny-greeter";\nconsole.log(hello("tarball"));';

type Lock = { packages: Record<string, Record<string, unknown>> };
const readLock = (path: string): Lock => JSON.parse(readFileSync(path, "utf8")) as Lock;
const readPackage = (path: string): Record<string, Record<string, string>> =>
  JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, string>>;

/**
 * Install the export in a clean directory outside the repository as its Dockerfile does:
 * only what the Dockerfile copies before `RUN npm ci`, then `npm ci` offline, then the rest
 * (`COPY . .`); run the pipeline and verify it.
 */
async function installAndVerify(out: string, expected: string): Promise<void> {
  const dockerfile = readFileSync(join(out, "Dockerfile"), "utf8");
  const { validate } = await import("dockerfile-utils");
  expect(validate(dockerfile)).toEqual([]);
  const clean = mkdtempSync(join(tmpdir(), "replab-carried-"));
  const steps = dockerfile.split("\n");
  for (const step of steps.slice(
    0,
    steps.findIndex((l) => l.startsWith("RUN npm ci")),
  )) {
    if (!step.startsWith("COPY ")) continue;
    const args = step.slice(5);
    const paths = args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(" ");
    const to = paths.pop() ?? "";
    for (const from of paths) {
      const target = to.endsWith("/") ? join(clean, to, basename(from)) : join(clean, to);
      cpSync(join(out, from), target, { recursive: true });
    }
  }
  npm(["ci", "--omit=dev"], clean);
  cpSync(out, clean, { recursive: true });
  const run = spawnSync(process.execPath, ["pipeline.mjs"], { cwd: clean, encoding: "utf8" });
  expect(run.stderr).toBe("");
  expect(run.stdout).toBe(expected);
  const verified = replab(["verify", clean]);
  expect(verified.code, verified.stderr).toBe(0);
  rmSync(clean, { recursive: true });
}

describe("an export that loads a package installed from a local tarball", () => {
  it("carries the tarball, so npm ci installs it offline and the export verifies", async () => {
    const dir = scratch("tarball");
    const tarball = projectWithTarball(dir);
    writeCells(join(dir, "greet.ipynb"), [GREET]);
    const ran = replab(["run", "greet.ipynb", "--inplace"], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(0);
    const exported = replab(["export", "greet.ipynb", "-o", "out"], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);

    const carried = join(dir, "out/packages/tiny-greeter-1.0.0.tgz");
    expect(readFileSync(carried).equals(readFileSync(tarball))).toBe(true);
    expect(readPackage(join(dir, "out/package.json"))["dependencies"]).toEqual({
      seedrandom: "3.0.5",
      "tiny-greeter": "file:packages/tiny-greeter-1.0.0.tgz",
    });
    const own = readLock(join(dir, "package-lock.json")).packages["node_modules/tiny-greeter"];
    expect(
      readLock(join(dir, "out/package-lock.json")).packages["node_modules/tiny-greeter"],
    ).toEqual({
      version: "1.0.0",
      resolved: "file:packages/tiny-greeter-1.0.0.tgz",
      integrity: own?.["integrity"],
    });
    expect(readFileSync(join(dir, "out/Dockerfile"), "utf8")).toContain(
      'COPY ["packages/tiny-greeter-1.0.0.tgz","packages/tiny-greeter-1.0.0.tgz"]\nRUN npm ci',
    );
    // The export no longer needs the project: its tarball may be gone.
    rmSync(join(dir, "vendor"), { recursive: true });
    await installAndVerify(join(dir, "out"), "hello, tarball\n");
  });

  it("refuses a tarball changed since npm installed it, naming it", () => {
    const dir = scratch("tarball-edited");
    const tarball = projectWithTarball(dir);
    writeCells(join(dir, "greet.ipynb"), [GREET]);
    expect(replab(["run", "greet.ipynb", "--inplace"], { cwd: dir }).code).toBe(0);
    npm(
      [
        "pack",
        greeterFolder(join(dir, "vendor"), "bye"),
        "--pack-destination",
        join(dir, "vendor"),
      ],
      dir,
    );
    const exported = replab(["export", "greet.ipynb", "-o", "out"], { cwd: dir });
    expect(exported.code).toBe(1);
    expect(exported.stderr).toBe(
      `replab: ${tarball}, the tarball tiny-greeter was installed from, has changed since (its package-lock.json integrity no longer matches): npm install it again, then export\n`,
    );
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});

describe("an export whose packages come from two projects", () => {
  it("pins each package from the lockfile of the node_modules it loads from", async () => {
    // The notebook's project pins only tiny-greeter; danfojs-node loads from the repository's
    // node_modules, which the repository's lockfile pins (the nearest lockfile does not).
    const dir = scratch("two-locks");
    projectWithTarball(dir);
    writeCells(join(dir, "both.ipynb"), [
      'import * as dfd from "danfojs-node";\nimport { hello } from "tiny-greeter";',
      'const df = new dfd.DataFrame([{ a: 1 }, { a: 2 }]);\nconsole.log(hello(df.shape.join("x")));',
    ]);
    const ran = replab(["run", "both.ipynb", "--inplace"], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(0);
    const exported = replab(["export", "both.ipynb", "-o", "out"], { cwd: dir });
    expect(exported.code, exported.stderr).toBe(0);

    const pkg = readPackage(join(dir, "out/package.json"));
    expect(pkg["dependencies"]).toEqual({
      "danfojs-node": "1.2.0",
      seedrandom: "3.0.5",
      "tiny-greeter": "file:packages/tiny-greeter-1.0.0.tgz",
    });
    expect(pkg["overrides"]).toMatchObject({
      "@tensorflow/tfjs-node": "npm:@tensorflow/tfjs@4.22.0",
    });
    const lock = readLock(join(dir, "out/package-lock.json")).packages;
    const repo = readLock(join(ROOT, "package-lock.json")).packages;
    const project = readLock(join(dir, "package-lock.json")).packages;
    for (const path of ["node_modules/danfojs-node", "node_modules/@tensorflow/tfjs-node"]) {
      expect(lock[path]?.["integrity"], path).toBe(repo[path]?.["integrity"]);
    }
    expect(lock["node_modules/tiny-greeter"]?.["integrity"]).toBe(
      project["node_modules/tiny-greeter"]?.["integrity"],
    );
    await installAndVerify(join(dir, "out"), "hello, 2x1\n");

    // The audit report names the same pins as the export.
    const report = replab(["report", "both.ipynb", "--format", "md"], { cwd: dir });
    expect(report.code, report.stderr).toBe(0);
    for (const [pkg, version, pinned] of [
      ["danfojs-node", "1.2.0", repo],
      ["tiny-greeter", "1.0.0", project],
    ] as const) {
      const integrity = String(pinned[`node_modules/${pkg}`]?.["integrity"]);
      expect(report.stdout).toContain(`| \`${pkg}\` | ${version} | \`${integrity}\` |`);
    }
  });
});

describe("an export that loads a package linked from a folder", () => {
  it("refuses it in one line naming the package, the folder and what to do", () => {
    const dir = scratch("linked");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "analysis", private: true }));
    const folder = greeterFolder(dir);
    npm(["install", folder], dir);
    expect(
      readLock(join(dir, "package-lock.json")).packages["node_modules/tiny-greeter"],
    ).toMatchObject({
      link: true,
    });
    writeCells(join(dir, "greet.ipynb"), [GREET]);
    const ran = replab(["run", "greet.ipynb", "--inplace"], { cwd: dir });
    expect(ran.code, ran.stderr).toBe(0);
    const exported = replab(["export", "greet.ipynb", "-o", "out"], { cwd: dir });
    expect(exported.code).toBe(1);
    expect(exported.stderr).toBe(
      `replab: tiny-greeter is installed from the folder ${folder}, which no lockfile pins: run \`npm pack\` in that folder, \`npm install\` the tarball it writes, then export again\n`,
    );
    expect(existsSync(join(dir, "out"))).toBe(false);
  });
});
