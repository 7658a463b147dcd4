/**
 * The official jupyter_kernel_test 0.7.0 suite against both kernelspecs, installed the way a
 * user installs them (`replab install --prefix`) and started by jupyter_client. Every
 * optional sample is filled (jkt_replab.py), so a skip is a failure here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { explain, installKernelspecs, runUnittest, type Outcome } from "./unittest.js";

/** Every test of jupyter_kernel_test 0.7.0's KernelTests (the version is pinned in requirements.txt). */
const JKT_TESTS = [
  "test_kernel_info",
  "test_execute_stdout",
  "test_execute_stderr",
  "test_completion",
  "test_is_complete",
  "test_pager",
  "test_error",
  "test_execute_result",
  "test_display_data",
  "test_history",
  "test_inspect",
  "test_clear_output",
];

describe.each([
  ["ReplabTypeScriptTests", "replab"],
  ["ReplabJavaScriptTests", "replab-js"],
])("jupyter_kernel_test 0.7.0: %s (%s kernelspec)", (testClass) => {
  let records: Record<string, Outcome> = {};
  let log = "";

  beforeAll(async () => {
    ({ records, log } = await runUnittest([`jkt_replab.${testClass}`], {
      JUPYTER_PATH: installKernelspecs(),
    }));
  }, 900_000);

  for (const name of JKT_TESTS) {
    it(name, () => {
      expect(records[name]?.outcome, explain(name, records, log)).toBe("ok");
    });
  }

  it("runs exactly the suite's tests, none skipped", () => {
    expect(Object.keys(records).sort()).toEqual([...JKT_TESTS].sort());
  });
});
