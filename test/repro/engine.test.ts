/**
 * The recorder inside the real session (runtime/session/session.ts owns one and calls it around
 * every cell). Cells run as vm scripts named `[cell N]`, so this checks that their fs, clock
 * and random use is attributed to them while the engine's own output plumbing is not.
 */
import fs, { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { CellNode } from "../../runtime/lineage/types.js";
import { createSession, type Session } from "../../runtime/session/session.js";
import { recordingSink } from "../runtime/helpers.js";
import { sha256sum } from "./helpers.js";

let session: Session;
let dir: string;

beforeAll(async () => {
  // Inside the repository, so cells resolve danfojs-node from its node_modules.
  dir = mkdtempSync(join(import.meta.dirname, "..", "..", "test-output", "repro-engine-"));
  fs.writeFileSync(join(dir, "numbers.txt"), "1\n2\n3\n");
  process.chdir(dir);
  session = await createSession({ language: "javascript", notebookDir: dir, seed: 42 });
});
afterAll(async () => {
  await session.dispose();
});

/** Execute a cell through the session, which calls its recorder around the run. */
async function cell(cellId: string, code: string): Promise<string> {
  const sink = recordingSink();
  const outcome = await session.execute(
    { code, cellId, silent: false, storeHistory: true, allowStdin: false },
    sink,
  );
  expect(outcome.status, sink.stderr()).toBe("ok");
  return sink.stdout();
}

const node = (id: string) =>
  session.recorder
    .graph()
    .nodes.find((n): n is CellNode => n.kind === "cell" && n.id === id) as CellNode;

test("cells' reads, writes, draws and clock reads are theirs; printing is not a clock read", async () => {
  const first = await cell(
    "load",
    `const fs = await import("node:fs");
     const nums = fs.readFileSync("numbers.txt", "utf8").trim().split("\\n").map(Number);
     const draw = Math.random();
     console.log(nums.length);`,
  );
  expect(first).toBe("3\n");
  const drawn = await cell("draws", "console.log(Math.random());");
  expect(node("load").nondeterminism).toEqual([]);
  const out = await cell(
    "write",
    `nums.push(4); fs.writeFileSync("out.txt", nums.join(",")); const when = Date.now(); console.log(draw);`,
  );
  const g = session.recorder.graph();
  expect(node("write").nondeterminism).toEqual(["clock:Date.now"]);
  expect(node("write").uses).toEqual(["draw", "fs", "nums"]);
  expect(node("write").mutates).toEqual(["nums"]);
  expect(g.edges).toContainEqual({ from: "load", to: "write", kind: "var", label: "nums" });
  const files = g.nodes.filter((n) => n.kind === "file");
  expect(files.map((f) => [f.id, f.kind === "file" ? f.sha256 : ""])).toEqual([
    ["file:numbers.txt", sha256sum(join(dir, "numbers.txt"))],
    ["file:out.txt", sha256sum(join(dir, "out.txt"))],
  ]);
  // The same cell re-run draws the same number.
  expect(await cell("draws", "console.log(Math.random());")).toBe(drawn);
  await cell("load", "const draw2 = Math.random();");
  expect(out.trim()).not.toBe("");
  expect(node("write").stale).toBe(false);
  expect(session.recorder.executionOrder()).toEqual(["write", "draws", "load"]);
  const journal = session.recorder.journalPath as string;
  expect(journal.startsWith(join(dir, ".replab", "session-"))).toBe(true);
  // The session header, then one line per execution.
  expect(fs.readFileSync(journal, "utf8").trim().split("\n")).toHaveLength(6);
});

test("without explicit bindings, DataFrames held by the cell's globals are hashed", async () => {
  await cell(
    "frame",
    `const dfd = await import("danfojs-node");
     const small = new dfd.DataFrame({ a: [1, 2, 3], b: ["x", "y", "z"] });
     const plain = [1, 2, 3];`,
  );
  const g = session.recorder.graph();
  expect(g.nodes.find((n) => n.id === "frame")).toMatchObject({ status: "ok" });
  const edge = g.edges.find((e) => e.kind === "frame" && e.from === "frame");
  expect(edge?.label).toBe("small");
  const frame = g.nodes.find((n) => n.id === edge?.to);
  expect(frame).toMatchObject({ kind: "frame", rows: 3, columns: ["a", "b"] });
});
