/** The JavaScript kernel's engine: no type check, same shared scope and imports. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import { notebookDir, recordingSink } from "./helpers.js";

let session: Session;

beforeAll(async () => {
  session = await createSession({ language: "javascript", notebookDir: notebookDir() });
});

afterAll(async () => {
  await session.dispose();
});

async function value(code: string): Promise<unknown> {
  const outcome = await session.execute(
    { code, silent: false, storeHistory: true, allowStdin: false },
    recordingSink(),
  );
  return outcome.status === "ok"
    ? outcome.result?.data["text/plain"]
    : `${outcome.ename}: ${outcome.evalue}`;
}

it("shares declarations across cells and allows re-declaration", async () => {
  await value("let total = 1\nclass Box { constructor(v) { this.v = v } }");
  await value("let total = new Box(41).v + 1");
  expect(await value("total")).toBe("42");
});

it("imports ESM-only packages without semicolons in the cell", async () => {
  expect(await value('import { hello } from "esm-only"\nhello')).toBe("'from esm'");
});

it("reports a syntax error at the cell position", async () => {
  expect(await value("const x = ;")).toMatch(/^SyntaxError: 1:11/);
});

it("completes from live objects", async () => {
  await value("const live = { alpha: 1, beta: 2 }");
  const result = await session.complete("live.al", 7);
  expect(result.matches).toEqual(["alpha"]);
});
