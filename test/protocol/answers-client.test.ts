/**
 * jupyter_client against the rest of issue 9, for both kernelspecs: user_expressions as
 * ipykernel evaluates them, prompt() through input_request, JEP 65's iopub_welcome, and
 * execute_request on control refused. Each check in answers_checks.py is its own test here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { explain, installKernelspecs, pythonTests, runUnittest, type Outcome } from "./unittest.js";

const CLASSES = ["UserExpressions", "Prompt", "Welcome", "Control", "CommInfo"];
const tests = pythonTests("answers_checks.py", CLASSES);

describe.each(["replab", "replab-js"])("issue 9 answers through jupyter_client, %s", (spec) => {
  let records: Record<string, Outcome> = {};
  let log = "";

  beforeAll(async () => {
    ({ records, log } = await runUnittest(
      CLASSES.map((c) => `answers_checks.${c}`),
      { JUPYTER_PATH: installKernelspecs(), REPLAB_KERNEL: spec },
    ));
  }, 600_000);

  for (const cls of CLASSES) {
    for (const name of tests.get(cls) ?? []) {
      it(`${cls}.${name}`, () => {
        expect(records[name]?.outcome, explain(name, records, log)).toBe("ok");
      });
    }
  }

  it("ran every check the module defines", () => {
    const defined = [...tests.values()].flat();
    expect(defined.length).toBe(16);
    expect(Object.keys(records).sort()).toEqual([...defined].sort());
  });
});
