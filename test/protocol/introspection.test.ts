/**
 * Completion, inspect, magics help and charts through jupyter_client, as JupyterLab asks for
 * them: each check in introspection_checks.py is reported here as its own test.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { explain, installKernelspecs, pythonTests, runUnittest, type Outcome } from "./unittest.js";

const CLASSES = ["TypeScript", "JavaScript"];
const tests = pythonTests("introspection_checks.py", CLASSES);

describe("completion, inspect and magics through jupyter_client", () => {
  let records: Record<string, Outcome> = {};
  let log = "";

  beforeAll(async () => {
    ({ records, log } = await runUnittest(
      CLASSES.map((c) => `introspection_checks.${c}`),
      { JUPYTER_PATH: installKernelspecs() },
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
    const all = CLASSES.flatMap((c) => tests.get(c) ?? []);
    expect(Object.keys(records).sort()).toEqual([...all].sort());
  });
});
