/**
 * jupyter_client against hostile cells and requests: each check in
 * hostile_checks.py is reported here as its own test, for both kernelspecs.
 */
import { describe } from "vitest";
import { describePythonChecks, installKernelspecs } from "./unittest.js";

describe.each(["replab", "replab-js"])("hostile input through jupyter_client, %s", (spec) => {
  describePythonChecks("hostile_checks", ["Hostile"], () => ({
    JUPYTER_PATH: installKernelspecs(),
    REPLAB_KERNEL: spec,
  }));
});
