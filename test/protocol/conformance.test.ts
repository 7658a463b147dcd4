/**
 * The official jupyter_kernel_test 0.7.0 suite against both kernelspecs, installed the way a
 * user installs them (`replab install --prefix`) and started by jupyter_client.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const python = join(root, ".venv", "bin", "python");
let jupyterPath: string;

beforeAll(() => {
  const prefix = mkdtempSync(join(tmpdir(), "replab-jkt-"));
  execFileSync(
    process.execPath,
    [join(root, "dist/bin/replab.js"), "install", "--prefix", prefix],
    { stdio: "ignore" },
  );
  jupyterPath = join(prefix, "share", "jupyter");
});

/** Run one test class; returns unittest's summary counts. */
function runSuite(testClass: string): { ran: number; output: string; status: number | null } {
  const result = spawnSync(python, ["-m", "unittest", "-v", `jkt_replab.${testClass}`], {
    cwd: fileURLToPath(new URL(".", import.meta.url)),
    env: { ...process.env, JUPYTER_PATH: jupyterPath, PYTHONUNBUFFERED: "1" },
    encoding: "utf8",
    timeout: 600_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  const ran = Number(/Ran (\d+) tests?/.exec(output)?.[1] ?? 0);
  return { ran, output, status: result.status };
}

for (const [testClass, spec] of [
  ["ReplabTypeScriptTests", "replab"],
  ["ReplabJavaScriptTests", "replab-js"],
] as const) {
  it(`passes jupyter_kernel_test on the ${spec} kernelspec`, { timeout: 600_000 }, () => {
    const { ran, output, status } = runSuite(testClass);
    expect(output).not.toMatch(/^(FAIL|ERROR):/m);
    expect(output).toMatch(/\nOK( \(skipped=\d+\))?\n/);
    expect(status).toBe(0);
    // jupyter_kernel_test 0.7.0 has 12 KernelTests; all must run (none skipped for a missing sample).
    expect(ran).toBe(12);
  });
}
