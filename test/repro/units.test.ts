/** Small pure pieces: open flags, lineage paths, the hash queue, torn journal lines. */
import fs, { constants } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { HashQueue } from "../../runtime/hashing/queue.js";
import { readJournal } from "../../runtime/lineage/journal.js";
import { lineagePath } from "../../runtime/repro/paths.js";
import { openAccess } from "../../runtime/trace/fs.js";
import { sha256sum, tempNotebookDir } from "./helpers.js";

test("open flags map to read and write access", () => {
  expect(openAccess(undefined)).toEqual(["read"]);
  expect(openAccess("r")).toEqual(["read"]);
  expect(openAccess("rs+")).toEqual(["read", "write"]);
  expect(openAccess("w")).toEqual(["write"]);
  expect(openAccess("ax")).toEqual(["write"]);
  expect(openAccess("a+")).toEqual(["read", "write"]);
  expect(openAccess(constants.O_RDONLY)).toEqual(["read"]);
  expect(openAccess(constants.O_WRONLY | constants.O_CREAT)).toEqual(["write"]);
  expect(openAccess(constants.O_RDWR)).toEqual(["read", "write"]);
});

test("lineage paths are relative, '/'-separated, and skip node_modules and .replab", () => {
  expect(lineagePath("/nb", "/nb/data/a.csv")).toBe("data/a.csv");
  expect(lineagePath("/nb", "/shared/b.csv")).toBe("../shared/b.csv");
  expect(lineagePath("/nb", "/nb/node_modules/x/index.js")).toBeUndefined();
  expect(lineagePath("/nb", "/nb/.replab/s.jsonl")).toBeUndefined();
  expect(lineagePath("/nb", "/nb")).toBeUndefined();
});

test("the hash queue hashes regular files only, at most `limit` at a time", async () => {
  const dir = tempNotebookDir();
  const paths = Array.from({ length: 6 }, (_, i) => join(dir, `f${i}`));
  paths.forEach((p, i) => fs.writeFileSync(p, `file ${i}`));
  const queue = new HashQueue(2);
  const results = await Promise.all(
    [...paths, dir, join(dir, "missing")].map((p) => queue.hash(p)),
  );
  expect(results.slice(0, 6).map((r) => r?.sha256)).toEqual(paths.map(sha256sum));
  expect(results.slice(6)).toEqual([undefined, undefined]);
  expect(await queue.hash("/dev/zero")).toBeUndefined();
});

test("torn journal lines are skipped wherever they are, and counted", () => {
  const dir = tempNotebookDir();
  const torn = join(dir, "torn.jsonl");
  fs.writeFileSync(torn, `{"type":"seed","seed":1}\n{"type":"seed","se`);
  expect([...readJournal(torn)]).toEqual([{ type: "seed", seed: 1 }]);
  const broken = join(dir, "broken.jsonl");
  fs.writeFileSync(broken, `{"type":"seed","seed":1}\nnot json\n{"type":"seed","seed":2}\n`);
  const records = readJournal(broken);
  expect([...records]).toEqual([
    { type: "seed", seed: 1 },
    { type: "seed", seed: 2 },
  ]);
  expect(records.torn).toBe(1);
});
