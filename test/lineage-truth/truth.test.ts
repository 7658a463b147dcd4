/**
 * Lineage against ground truth written by hand from docs/lineage-semantics.md: every notebook
 * of cases.json runs through the built Session (bench/lineage-truth.mjs drives dist/), in the
 * execution order the case gives, and its var, read and write edges and staleness marks are
 * compared with the expected ones. The reproductions (closures, aliases, mutation in
 * called functions, method-name guesses, failed and refused cells, `for (var k in o)`) must
 * come out exact.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../cli/helpers.js";

interface CaseResult {
  name: string;
  category: string;
  missing: string[];
  extra: string[];
  stale: { expected: string[]; actual: string[] };
  errors: string[];
}

interface Score {
  cases: number;
  edges: number;
  precision: number;
  recall: number;
}

interface Report {
  observe: boolean;
  total: Score;
  byCategory: Record<string, Score>;
  results: CaseResult[];
}

const CATEGORIES = [
  "def-use",
  "shadowing",
  "destructuring",
  "imports",
  "files",
  "closures",
  "aliases",
  "called-mutation",
  "method-names",
  "failed-refused",
  "order",
  "declarations",
  "limits",
];

/** Cases that reproduce what the static analysis got wrong (the list). */
const REPRODUCTIONS = [
  "cl-issue",
  "cl-issue-rerun",
  "cl-later-global",
  "cl-helper-counter",
  "al-issue",
  "al-rows",
  "al-holder-list",
  "al-grid",
  "cm-add",
  "cm-visit",
  "cm-log-record",
  "cm-registry",
  "cm-queue",
  "mn-pure-add",
  "mn-date",
  "mn-danfo-addcolumn-copy",
  "mn-danfo-fillna",
  "fr-throw-after-write",
  "fr-refused-rerun",
  "dc-for-in-var",
];

function truth(env: Record<string, string>, ...args: string[]): Report {
  const out = execFileSync(
    process.execPath,
    [join(ROOT, "bench", "lineage-truth.mjs"), "--json", ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: "utf8",
      maxBuffer: 64 << 20,
      // A hang guard for a loaded 2-core machine, not a speed assertion.
      timeout: 25 * 60_000,
    },
  );
  return JSON.parse(out) as Report;
}

const cases = JSON.parse(
  readFileSync(join(ROOT, "test", "lineage-truth", "cases.json"), "utf8"),
) as { name: string; category: string }[];

describe("lineage ground truth", () => {
  let report: Report;
  beforeAll(() => {
    report = truth({ REPLAB_OBSERVE: "1" });
  }, 30 * 60_000);

  it("has at least 60 cases, over every category", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(cases.map((c) => c.category))).toEqual(new Set(CATEGORIES));
    expect(report.results.map((r) => r.name)).toEqual(cases.map((c) => c.name));
  });

  it("has precision >= 0.98 and recall >= 0.95 over all edges", () => {
    const wrong = report.results.filter((r) => r.missing.length + r.extra.length > 0);
    expect({
      precision: report.total.precision >= 0.98,
      recall: report.total.recall >= 0.95,
      wrong,
    }).toMatchObject({
      precision: true,
      recall: true,
    });
  });

  it.each(REPRODUCTIONS)("gets the issue's reproduction %s exactly right", (name) => {
    const result = report.results.find((r) => r.name === name);
    expect(result && { missing: result.missing, extra: result.extra }).toEqual({
      missing: [],
      extra: [],
    });
  });

  it("marks exactly the cells whose used variables a later execution wrote as stale", () => {
    const wrong = report.results
      .filter((r) => r.stale.expected.join() !== r.stale.actual.join())
      .map((r) => ({ name: r.name, ...r.stale }));
    expect(wrong).toEqual([]);
  });
});

describe("with observation off", () => {
  it(
    "the static analysis still gives plain def/use",
    () => {
      const report = truth({ REPLAB_OBSERVE: "0" }, "--case=du-chain");
      expect(report.observe).toBe(false);
      expect(report.results[0]).toMatchObject({ name: "du-chain", missing: [], extra: [] });
    },
    5 * 60_000,
  );

  it(
    "the static analysis misses what only observation sees (the closure of the issue)",
    () => {
      const report = truth({ REPLAB_OBSERVE: "0" }, "--case=cl-issue");
      expect(report.results[0]?.missing).toEqual(["c->d:rate"]);
    },
    5 * 60_000,
  );
});
