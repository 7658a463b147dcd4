/**
 * jupyter_client against hostile cells and requests: each check in
 * hostile_checks.py is reported here as its own test, for both kernelspecs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { explain, installKernelspecs, pythonTests, runUnittest, type Outcome } from "./unittest.js";

const CLASSES = ["Hostile"];
const tests = pythonTests("hostile_checks.py", CLASSES);

describe.each(["replab", "replab-js"])("hostile input through jupyter_client, %s", (spec) => {
  let records: Record<string, Outcome> = {};
  let log = "";

  beforeAll(async () => {
    ({ records, log } = await runUnittest(
      CLASSES.map((c) => `hostile_checks.${c}`),
      { JUPYTER_PATH: installKernelspecs(), REPLAB_KERNEL: spec },
    ));
  }, 600_000);

  for (const name of tests.get("Hostile") ?? []) {
    it(`Hostile.${name}`, () => {
      expect(records[name]?.outcome, explain(name, records, log)).toBe("ok");
    });
  }

  it("ran every check the module defines", () => {
    expect(Object.keys(records).sort()).toEqual([...(tests.get("Hostile") ?? [])].sort());
  });
});
