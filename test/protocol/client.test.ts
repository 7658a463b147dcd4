/**
 * jupyter_client (the library every Python frontend uses) drives both replab kernelspecs:
 * message order and parent links, errors, introspection, history, comms, stdin, interrupt,
 * heartbeat under load, stop_on_error, shutdown and restart. The checks live in
 * client_checks.py; each one is reported here as its own test.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { explain, installKernelspecs, pythonTests, runUnittest, type Outcome } from "./unittest.js";

const CLASSES = [
  "Execute",
  "Introspection",
  "Comms",
  "Stdin",
  "Interrupt",
  "StopOnError",
  "Shutdown",
];
const tests = pythonTests("client_checks.py", CLASSES);

describe.each(["replab", "replab-js"])("jupyter_client against the %s kernelspec", (spec) => {
  let records: Record<string, Outcome> = {};
  let log = "";

  beforeAll(async () => {
    const jupyterPath = installKernelspecs();
    ({ records, log } = await runUnittest(
      CLASSES.map((c) => `client_checks.${c}`),
      { JUPYTER_PATH: jupyterPath, REPLAB_KERNEL: spec },
    ));
  }, 900_000);

  for (const cls of CLASSES) {
    for (const name of tests.get(cls) ?? []) {
      it(`${cls}.${name}`, () => {
        expect(records[name]?.outcome, explain(name, records, log)).toBe("ok");
      });
    }
  }

  it("ran every check the module defines", () => {
    const defined = [...tests.values()].flat();
    expect(defined.length).toBeGreaterThanOrEqual(26);
    expect(Object.keys(records).sort()).toEqual([...defined].sort());
  });
});
