/**
 * A failing Python check's report quotes what was written to stderr while it ran (where a
 * kernel's own log goes), and only that: a stall seen once in CI can then be read from the
 * run's log instead of being rerun blind.
 */
import { expect, it } from "vitest";
import { explain, runUnittest } from "./unittest.js";

it("a failing check's report quotes its own stderr, not an earlier check's", async () => {
  const { records, log } = await runUnittest(["stderr_fixture.Logs"], {});
  expect(records["test_a_quiet_pass"]?.outcome).toBe("ok");
  const report = explain("test_b_fails_after_a_log_line", records, log);
  expect(report).toContain("no reply within 60 s");
  expect(report).toContain("[replab] engine: said during the failing check");
  expect(report).not.toContain("said during the passing check");
}, 60_000);
