/**
 * `replab verify` checks repro.lock.json before it runs anything: an edited
 * lock is a clear error with exit 2 (never a crash, never "verified 0 cells"), and a data
 * path outside the data directory is refused, not read.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, replab, scratch } from "../cli/helpers.js";
import { writeStoredRun } from "./stored-run.js";

let dir: string;
let lock: Record<string, unknown>;

beforeAll(() => {
  dir = scratch("verify-lock");
  writeStoredRun(dir);
  expect(replab(["export", "stored.ipynb", "-o", "out", "--include-data"], { cwd: dir }).code).toBe(
    0,
  );
  lock = JSON.parse(readFileSync(join(dir, "out/repro.lock.json"), "utf8")) as typeof lock;
});

/** A copy of the export with repro.lock.json (or another file) replaced; verify it. */
function verifyEdited(name: string, file: string, text: string | undefined) {
  const copy = join(dir, name);
  cpSync(join(dir, "out"), copy, { recursive: true });
  if (text === undefined) rmSync(join(copy, file));
  else writeFileSync(join(copy, file), text);
  return replab(["verify", name], { cwd: dir });
}

const EDITS: [string, () => unknown, RegExp][] = [
  ["empty-cells", () => ({ ...lock, cells: [] }), /cells: needs at least 1 item\(s\), found 0/],
  [
    "traversal",
    () => ({
      ...lock,
      data: [{ path: "../../../etc/hostname", sha256: "0".repeat(64), bytes: 1 }],
    }),
    /data\[0\]\.path \.\.\/\.\.\/\.\.\/etc\/hostname is outside the data directory/,
  ],
  [
    "absolute",
    () => ({ ...lock, data: [{ path: "/etc/hostname", sha256: "0".repeat(64), bytes: 1 }] }),
    /data\[0\]\.path \/etc\/hostname is outside the data directory/,
  ],
  ["object", () => ({}), /the top level: schema is missing/],
  ["null", () => null, /the top level: expected an object, found null/],
  ["seed", () => ({ ...lock, seed: "42" }), /seed: expected an integer, found "42"/],
  [
    "stdout-hash",
    () => ({ ...lock, cells: [{ id: "x", stdout: { sha256: "abc", bytes: 3 } }] }),
    /cells\[0\]\.stdout\.sha256: "abc" does not match/,
  ],
];

describe("replab verify refuses an edited repro.lock.json (exit 2)", () => {
  it.each(EDITS)("%s", (name, edit, message) => {
    const result = verifyEdited(name, "repro.lock.json", JSON.stringify(edit()));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^replab: .*repro\.lock\.json: /);
    expect(result.stderr).toMatch(message);
  });

  it("checks against the published schema: a JSON Schema validator (ajv) agrees with verify", async () => {
    const { Ajv2020 } = await import("ajv/dist/2020.js");
    const schema = JSON.parse(readFileSync(join(ROOT, "schema/repro-lock.schema.json"), "utf8"));
    const validate = new Ajv2020({ strict: true }).compile(schema as object);
    expect(validate(lock)).toBe(true);
    const fixture = readFileSync(join(ROOT, "test/fixtures/export/full/repro.lock.json"), "utf8");
    expect(validate(JSON.parse(fixture))).toBe(true);
    // The path checks are verify's own (a schema cannot say "inside"); the rest is the schema's.
    for (const [name, edit] of EDITS.filter(([n]) => n !== "traversal" && n !== "absolute"))
      expect([name, validate(edit())]).toEqual([name, false]);
  });

  it("a package.json that is missing or not an object is named; {} verifies", () => {
    const missing = verifyEdited("no-package", "package.json", undefined);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-package has no package\.json: export it again\n$/);
    const nothing = verifyEdited("package-null", "package.json", "null");
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(
      /package-null\/package\.json is not a JSON object: export it again\n$/,
    );
    const empty = verifyEdited("package-empty", "package.json", "{}");
    expect(empty.stderr).toMatch(/^replab: verified package-empty: 5 cells/);
    expect(empty.code).toBe(0);
  });
});
