/**
 * Runs Python unittest checks (jupyter_client, jupyter_kernel_test) from vitest so that each
 * Python test is reported as its own vitest test, against kernelspecs installed the way a
 * user installs them (`replab install --prefix`).
 */
import { execFile, execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, it } from "vitest";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PYTHON = join(ROOT, ".venv", "bin", "python");
const HERE = fileURLToPath(new URL(".", import.meta.url));

export interface Outcome {
  outcome: "ok" | "skip" | "fail" | "error";
  detail: string;
}

/** Install both kernelspecs into a fresh prefix; returns the JUPYTER_PATH that finds them. */
export function installKernelspecs(): string {
  const prefix = mkdtempSync(join(tmpdir(), "replab-spec-"));
  execFileSync(
    process.execPath,
    [join(ROOT, "dist/bin/replab.js"), "install", "--prefix", prefix],
    {
      stdio: "ignore",
    },
  );
  return join(prefix, "share", "jupyter");
}

/**
 * Run a Python kernel-session script (`test/...py` under ROOT) with the test venv against freshly
 * installed kernelspecs, started cold and with no seed from the environment, as a user's
 * jupyter_client would launch them.
 */
export function runKernelScript(script: string, args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, [join(ROOT, script), ...args], {
    encoding: "utf8",
    timeout: 480_000,
    env: {
      ...process.env,
      JUPYTER_PATH: installKernelspecs(),
      REPLAB_SEED: "",
      REPLAB_WARM: "0",
    },
  });
}

/** `test_*` method names per class in a Python test module, read from its source. */
export function pythonTests(file: string, classes: readonly string[]): Map<string, string[]> {
  const source = readFileSync(join(HERE, file), "utf8");
  const found = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of source.split("\n")) {
    const cls = /^class (\w+)\(/.exec(line);
    if (cls !== null) current = cls[1];
    const def = /^ {4}def (test_\w+)\(/.exec(line);
    if (def !== null && current !== undefined && classes.includes(current)) {
      found.set(current, [...(found.get(current) ?? []), def[1]!]);
    }
  }
  return found;
}

/** Run unittest names (module.Class) with run_unittest.py; resolves with one outcome per test. */
export function runUnittest(
  names: readonly string[],
  env: Record<string, string>,
): Promise<{ records: Record<string, Outcome>; log: string }> {
  const out = join(mkdtempSync(join(tmpdir(), "replab-unittest-")), "results.json");
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      ["run_unittest.py", out, ...names],
      {
        cwd: HERE,
        env: { ...process.env, PYTHONUNBUFFERED: "1", ...env },
        timeout: 900_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (_error, stdout, stderr) => {
        let records: Record<string, Outcome> = {};
        try {
          records = JSON.parse(readFileSync(out, "utf8")) as Record<string, Outcome>;
        } catch {
          // No results file: the runner itself failed; every test then reports the log.
        }
        resolve({ records, log: `${stdout}${stderr}` });
      },
    );
  });
}

/** A readable failure message for one test. */
export function explain(name: string, records: Record<string, Outcome>, log: string): string {
  const record = records[name];
  if (record === undefined) {
    const setup = Object.entries(records).filter(([n]) => n.includes("setUpClass"));
    return `${name} did not run.\n${setup.map(([, r]) => r.detail).join("\n")}\n${log.slice(-4000)}`;
  }
  const said = stderrDuring(name, log);
  const quoted = said === "" ? "" : `\nstderr during ${name} (kernel logs included):\n${said}`;
  return `${name}: ${record.outcome}\n${record.detail}${quoted}`;
}

/** The marker run_unittest.py writes to stderr as each test starts. */
const MARKER = "--- replab test: ";

/** What was written to stderr from `name`'s start marker to the next test's (at most 4,000 chars). */
export function stderrDuring(name: string, log: string): string {
  const start = log.indexOf(`${MARKER}${name}\n`);
  if (start < 0) return "";
  const from = start + MARKER.length + name.length + 1;
  const end = log.indexOf(MARKER, from);
  const section = log.slice(from, end < 0 ? undefined : end).trim();
  return section.length > 4000 ? `...${section.slice(-4000)}` : section;
}

/**
 * One vitest test per `test_*` method of `module`'s classes, run in one unittest process with
 * `env`, plus a test that every defined check ran (at least `minimum` of them).
 */
export function describePythonChecks(
  module: string,
  classes: readonly string[],
  env: () => Record<string, string>,
  options: { minimum?: number; timeout?: number } = {},
): void {
  const tests = pythonTests(`${module}.py`, classes);
  let records: Record<string, Outcome> = {};
  let log = "";

  beforeAll(async () => {
    const names = classes.map((c) => `${module}.${c}`);
    ({ records, log } = await runUnittest(names, env()));
  }, options.timeout ?? 600_000);

  for (const cls of classes) {
    for (const name of tests.get(cls) ?? []) {
      it(`${cls}.${name}`, () => {
        expect(records[name]?.outcome, explain(name, records, log)).toBe("ok");
      });
    }
  }

  it("ran every check the module defines", () => {
    const defined = classes.flatMap((c) => tests.get(c) ?? []);
    expect(defined.length).toBeGreaterThanOrEqual(options.minimum ?? 1);
    expect(Object.keys(records).sort()).toEqual([...defined].sort());
  });
}
