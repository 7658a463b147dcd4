/**
 * The repo's one type checker, one linter and one formatter, run as part of the tests so a
 * red lint is a red build (docs/style.md, practice 9).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

it("type-checks the sources and the tests under strict settings", { timeout: 300_000 }, () => {
  // The same projects as `npm run typecheck`: sources, tests, bench/ and scripts/ (.mjs, checked
  // as JavaScript) and the viewer's tests with the viewer's sources.
  for (const project of [
    "tsconfig.json",
    "test/tsconfig.json",
    "tsconfig.scripts.json",
    "extensions/lineage-viewer/test/tsconfig.json",
  ]) {
    const result = run("npx", ["tsc", "-p", project, "--noEmit"]);
    expect(result.output.replace(/npm warn.*\n/g, ""), project).toBe("");
  }
});

it("passes eslint with no warnings", { timeout: 300_000 }, () => {
  const result = run("npx", ["eslint", "--max-warnings", "0", "."]);
  expect(result.output.replace(/npm warn.*\n/g, "")).toBe("");
  expect(result.status).toBe(0);
});

it("is formatted with prettier", { timeout: 120_000 }, () => {
  const result = run("npx", ["prettier", "--check", "--log-level", "warn", "."]);
  expect(result.output.replace(/npm warn.*\n/g, "")).toBe("");
  expect(result.status).toBe(0);
});
