/**
 * `replab --help`, `replab help [COMMAND]`, `replab COMMAND --help|-h`: usage on stdout, exit 0,
 * one golden file per command; unknown commands and options exit 2 pointing at `replab help`.
 * And `replab kernel run NB.ipynb` is `replab run NB.ipynb`, loading neither kernel/ nor ZeroMQ.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, expectGolden, readJson, replab, scratch, writeNotebook } from "./helpers.js";

const COMMANDS = ["install", "kernel", "run", "export", "verify", "lineage"];

describe("replab help", () => {
  it("prints the commands for --help, -h and help, exit 0", () => {
    const results = [["--help"], ["-h"], ["help"]].map((args) => replab(args));
    for (const result of results) {
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout).toBe(results[0]?.stdout);
    }
    expectGolden("cli/help.txt", results[0]?.stdout ?? "");
    for (const command of COMMANDS) expect(results[0]?.stdout).toContain(`\n  ${command} `);
  });

  for (const command of COMMANDS) {
    it(`prints the usage of ${command} for help ${command}, ${command} --help and ${command} -h`, () => {
      const results = [
        ["help", command],
        [command, "--help"],
        [command, "-h"],
      ].map((args) => replab(args));
      for (const result of results) {
        expect(result).toMatchObject({ code: 0, stderr: "" });
        expect(result.stdout).toBe(results[0]?.stdout);
      }
      const text = results[0]?.stdout ?? "";
      expect(text.startsWith(`usage: replab ${command}`)).toBe(true);
      expect(text).toContain("-h, --help");
      expectGolden(`cli/help-${command}.txt`, text);
    });
  }

  it("answers --help in any option's place, but not as a flag's value", () => {
    const run = replab(["run", "nb.ipynb", "--seed", "3", "--help"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toBe(replab(["help", "run"]).stdout);
    const value = replab(["run", "nb.ipynb", "--seed", "--help"]);
    expect(value.code).toBe(2);
    expect(value.stderr.split("\n")[0]).toBe("replab: --seed --help: expected an integer");
  });

  it("gives replab run's usage for kernel run --help and help kernel run", () => {
    const run = replab(["help", "run"]).stdout;
    for (const args of [
      ["kernel", "run", "--help"],
      ["help", "kernel", "run"],
    ]) {
      expect(replab(args)).toMatchObject({ code: 0, stderr: "", stdout: run });
    }
  });
});

describe("usage errors exit 2 and point at replab help", () => {
  it("names an unknown command, for itself and for help", () => {
    const result = replab(["frobnicate"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expectGolden("cli/help-unknown-command.txt", result.stderr);
    expect(replab(["help", "frobnicate"])).toMatchObject(result);
    expect(replab(["--frobnicate"]).stderr.split("\n")[0]).toBe(
      "replab: unknown option --frobnicate",
    );
  });

  it("prints the commands on stderr when none is given", () => {
    const result = replab([]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toBe(`replab: no command given\n\n${replab(["help"]).stdout}`);
  });

  for (const command of [...COMMANDS, "kernel run"]) {
    it(`names an unknown option of ${command} and its help`, () => {
      const result = replab([...command.split(" "), "--frobnicate"]);
      expect(result).toMatchObject({ code: 2, stdout: "" });
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines[0]).toBe("replab: unknown option --frobnicate");
      expect(lines[1]?.startsWith(`usage: replab ${command.replace("kernel run", "run")}`)).toBe(
        true,
      );
      const owner = command === "kernel run" ? "run" : command;
      expect(lines.at(-1)).toBe(`run 'replab help ${owner}' for its options`);
    });
  }
});

describe("replab kernel", () => {
  let dir: string;
  beforeAll(() => {
    dir = scratch("kernel-run");
  });

  it("runs a notebook headless for kernel run, as replab run does, loading neither kernel/ nor zeromq", () => {
    writeNotebook(join(dir, "nb.ipynb"), [
      "const xs: number[] = [1, 2, 3];\nconsole.log(Math.random());",
      "xs.map((x) => x * 2)",
    ]);
    const log = join(dir, "modules.log");
    const hook = join(dir, "record-modules.mjs");
    writeFileSync(
      hook,
      `import { register } from "node:module";\nregister(${JSON.stringify(
        `data:text/javascript,${encodeURIComponent(
          `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, result.url + "\\n");
  return result;
}`,
        )}`,
      )});\n`,
    );
    const env = { NODE_OPTIONS: `--import ${pathToFileURL(hook).href}` };
    const viaKernel = replab(["kernel", "run", "nb.ipynb", "-o", "kernel.ipynb", "--seed", "5"], {
      cwd: dir,
      env,
    });
    expect(viaKernel.stderr).toMatch(/^replab: ran 2 cells of nb\.ipynb in .*\(seed 5\); wrote /m);
    expect(viaKernel.code).toBe(0);
    const loaded = readFileSync(log, "utf8").split("\n");
    expect(loaded.some((url) => url.includes("/runtime/cli/run.js"))).toBe(true);
    expect(loaded.filter((url) => url.includes("/dist/kernel/") || url.includes("zeromq"))).toEqual(
      [],
    );

    const viaRun = replab(["run", "nb.ipynb", "-o", "run.ipynb", "--seed", "5"], { cwd: dir });
    expect(viaRun.code).toBe(0);
    const cells = (file: string): unknown[] =>
      readJson(join(dir, file)).cells.map((c) => [c["execution_count"], c["outputs"]]);
    expect(cells("kernel.ipynb")).toEqual(cells("run.ipynb"));
    // Each run's outputs are what the other one stored.
    const check = replab(["kernel", "run", "run.ipynb", "--check"], { cwd: dir });
    expect(check.stderr).toContain(
      "replab: check ok: every cell of run.ipynb gave its stored outputs",
    );
    expect(check.code).toBe(0);
  });

  it("stays what Jupyter starts: each kernelspec's argv reaches replab kernel CONNECTION_FILE", () => {
    const prefix = join(dir, "prefix");
    expect(replab(["install", "--prefix", prefix]).code).toBe(0);
    for (const name of ["replab", "replab-js"]) {
      const spec = JSON.parse(
        readFileSync(join(prefix, "share/jupyter/kernels", name, "kernel.json"), "utf8"),
      ) as { argv: string[] };
      // Jupyter substitutes the connection file and runs the argv as it is: it must reach
      // `replab kernel FILE` (the TypeScript spec through its warm-start shell line).
      expect(spec.argv.filter((a) => a === "{connection_file}")).toHaveLength(1);
      expect(spec.argv).toContain(join(ROOT, "dist/bin/replab.js"));
      const missing = join(dir, `no-such-${name}.json`);
      const argv = spec.argv.map((a) => (a === "{connection_file}" ? missing : a));
      const started = spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });
      expect(started.status, started.stderr).toBe(2);
      expect(started.stderr).toMatch(/^replab kernel: .*no-such-/);
    }
    const missing = replab(["kernel", join(dir, "no-such-connection.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^replab kernel: /);
    const none = replab(["kernel", "--js"]);
    expect(none.code).toBe(2);
    expect(none.stderr.split("\n")[0]).toBe("replab: expected one connection file, got none");
    expect(existsSync(join(prefix, "share/jupyter/kernels/replab/kernel.json"))).toBe(true);
  });
});
