/**
 * A TypeScript cell with no TypeScript syntax and no import or export runs as written
 * (compiler/compile.ts, transpilesToItself); any other cell is transpiled first. Metamorphic:
 * each cell of a catalogue of plain JavaScript gives the same result, output and error as the
 * same cell with a type alias in front of it, which makes it go through the transpiler.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import type { ExecuteOutcome } from "../../runtime/session/types.js";
import { notebookDir, recordingSink } from "./helpers.js";

let session: Session;

async function execute(code: string, sink = recordingSink()): Promise<ExecuteOutcome> {
  return session.execute({ code, silent: false, storeHistory: true, allowStdin: false }, sink);
}

async function run(code: string): Promise<{ shown: unknown; stdout: string }> {
  const sink = recordingSink();
  const outcome = await execute(code, sink);
  const shown =
    outcome.status === "ok"
      ? outcome.result?.data["text/plain"]
      : `${outcome.ename}: ${outcome.evalue}`;
  return { shown, stdout: sink.stdout() };
}

beforeAll(async () => {
  session = await createSession({
    language: "typescript",
    notebookDir: notebookDir(),
    journal: false,
  });
});

afterAll(async () => {
  await session.dispose();
});

/** Plain JavaScript a notebook cell holds; each is run in a session of its own kind below. */
const CATALOGUE: Record<string, string> = {
  arithmetic: "Math.max(7, 3) * 2",
  closure: "let count = 0;\nconst bump = () => ++count;\nbump(); bump();\ncount",
  classes:
    "class Account {\n  #balance = 10;\n  static made = 0;\n  static { Account.made = 1; }\n  get balance() { return this.#balance; }\n}\n[new Account().balance, Account.made]",
  generators: "function* take(n) { for (let i = 0; i < n; i++) yield i * i; }\n[...take(4)]",
  awaits:
    "await new Promise((done) => setTimeout(done, 1));\nconst later = await Promise.resolve(5);\nlater + 1",
  forAwait:
    "async function* ticks() { yield 1; yield 2; }\nlet sum = 0;\nfor await (const t of ticks()) sum += t;\nsum",
  destructuring:
    "const { a, b: [c, ...rest] } = { a: 1, b: [2, 3, 4] };\nconsole.log(a, c, rest);\nrest.length",
  optional:
    "const deep = JSON.parse('{\"x\": {\"y\": null}}');\n[deep.x?.y ?? 'none', deep.z?.w, (deep.x.y ||= 4)]",
  labels:
    "let hits = 0;\nouter: for (const i of [1, 2, 3]) { for (const j of [1, 2]) { if (j === 2) continue outer; hits++; } }\nhits",
  templates: "const tag = (s, ...v) => s.raw.join('|') + v.join(',');\ntag`a${1}b${2}c`",
  regex: "'2026-12-03'.replace(/(\\d+)-(\\d+)-(\\d+)/, '$3.$2.$1')",
  throws: "function fail() {\n  throw new RangeError('out of range');\n}\nfail();",
  printing: "console.log([1, 'two', { three: 3 }]);\nconsole.log(`${1 + 1} lines`);",
  dates: "new Date(0).toISOString()",
  hoisted: "var early = hoisted();\nfunction hoisted() { return 'hoisted'; }\nearly",
};

describe("a TypeScript cell with no TypeScript syntax", () => {
  it("runs as written: a function's source is the cell's own text", async () => {
    expect((await run("const add = (a,b)=>a+b;\nString(add)")).shown).toBe("'(a,b)=>a+b'");
  });

  it("a cell with types is still transpiled: its function's source has none", async () => {
    const { shown } = await run("const mul = (a: number,b: number)=>a*b;\nString(mul)");
    expect(shown).toBe("'(a, b) => a * b'");
  });

  // The rewrite moves columns (`;(x = ...)` for a declaration, `return [(` in front of the
  // last expression) and the transpiler moves them again: a frame still points at `deeper`.
  it.each([
    ["a plain line", "items.map((n) => n.nope.deeper);", "\nnull;"],
    ["the last expression", "items.map((n) => n.nope.deeper)", ""],
    ["a declaration", "const mapped = items.map((n) => n.nope.deeper);", ""],
    [
      "a declaration with types",
      "const typed: unknown = items.map((n: any) => n.nope.deeper);",
      "",
    ],
    ["the last expression, with types", "items.map((n: any): unknown => n.nope.deeper)", ""],
  ])("a runtime error on %s keeps V8's line and column", async (_, line, after) => {
    const outcome = await execute(`const items = JSON.parse("[1]");\n${line}${after}`);
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    const at = `cell ${outcome.executionCount}:2:${line.indexOf("deeper") + 1}`;
    expect(outcome.traceback.join("\n")).toContain(`at ${at}\n`);
  });

  it.each(Object.keys(CATALOGUE))(
    "%s: the same result, output and error as when transpiled",
    async (name) => {
      const code = CATALOGUE[name] ?? "";
      const asWritten = await run(code);
      const transpiled = await run(`type Transpiled_${name} = 0;\n${code}`);
      // Each cell shows something: no comparison of two empty runs.
      expect(`${String(asWritten.shown ?? "")}${asWritten.stdout}`).not.toBe("");
      expect(transpiled).toEqual(asWritten);
    },
  );
});
