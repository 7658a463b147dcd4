/**
 * `replab run` decides whether to relaunch for the notebook's locale before it loads the runner,
 * and asks ICU only when the environment does not settle the answer (run-locale.ts): the first
 * call into ICU costs ~10 ms. Differential against Node itself: whatever evidentLocale reads
 * from an environment, a Node started with that environment reports the same default locale.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { evidentLocale } from "../../runtime/runner/run-locale.js";

/** Environments a user's machine or CI job may have; only PATH besides them. */
const ENVIRONMENTS: Record<string, string>[] = [
  {},
  { LANG: "C.UTF-8" },
  { LANG: "C" },
  { LANG: "POSIX" },
  { LANG: "C.utf8" },
  { LANG: "en_US.UTF-8" },
  { LANG: "en_US" },
  { LANG: "de_DE.UTF-8" },
  { LANG: "" },
  { LANG: "en_US@euro" },
  { LANG: "en_GB.UTF-8" },
  { LC_ALL: "de_DE.UTF-8", LANG: "C.UTF-8" },
  { LC_ALL: "C.UTF-8", LANG: "de_DE.UTF-8" },
  { LC_ALL: "", LANG: "de_DE.UTF-8" },
  { LC_MESSAGES: "fr_FR.UTF-8", LANG: "C.UTF-8" },
  { LC_MESSAGES: "C", LANG: "fr_FR.UTF-8" },
  { LC_NUMERIC: "de_DE.UTF-8", LANG: "C.UTF-8" },
];

/** The default locale of a Node started with exactly `env` (and PATH). */
function nodeLocale(env: Record<string, string>): string {
  const run = spawnSync(
    process.execPath,
    ["-p", "Intl.DateTimeFormat().resolvedOptions().locale"],
    { env: { PATH: process.env["PATH"] ?? "", ...env }, encoding: "utf8" },
  );
  return run.stdout.trim();
}

describe("evidentLocale", () => {
  it.each(ENVIRONMENTS.map((env) => [JSON.stringify(env), env] as const))(
    "%s: when it answers, Node agrees",
    (_, env) => {
      const evident = evidentLocale(env);
      if (evident !== undefined) expect(nodeLocale(env)).toBe(evident);
    },
  );

  it("answers without ICU for the environments most machines have", () => {
    for (const env of [{}, { LANG: "C.UTF-8" }, { LANG: "en_US.UTF-8" }, { LANG: "POSIX" }])
      expect(evidentLocale(env)).toBe("en-US");
  });

  it("leaves every other locale to ICU", () => {
    for (const env of [{ LANG: "de_DE.UTF-8" }, { LANG: "" }, { LC_ALL: "", LANG: "C" }])
      expect(evidentLocale(env)).toBeUndefined();
  });
});
