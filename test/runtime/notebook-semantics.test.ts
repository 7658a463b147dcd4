/**
 * Notebook semantics tslab notebooks rely on that the corpus (test/corpus/) cannot compare
 * with tslab, because tslab's own checker refuses the cells: a JavaScript `const` stays
 * constant across cells (the cell that declares it still re-runs), a Promise as a cell's
 * result shows what it settled to (a rejection is shown, not thrown), a cell V8 refuses to
 * compile reports the user's position instead of replab's rewritten code, and a tsc-compiled
 * CommonJS package's default import is its `exports.default`, as the type checker assumed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import { notebookDir, recordingSink } from "./helpers.js";

const sessions: Session[] = [];

async function start(language: "javascript" | "typescript", dir = notebookDir()): Promise<Session> {
  const session = await createSession({ language, notebookDir: dir });
  sessions.push(session);
  return session;
}

afterAll(async () => {
  for (const session of sessions) await session.dispose();
});

/** Run a cell: its result's text, or `ename: evalue` and the traceback's frames. */
async function run(session: Session, code: string): Promise<string> {
  const sink = recordingSink();
  const outcome = await session.execute(
    { code, silent: false, storeHistory: true, allowStdin: false },
    sink,
  );
  if (outcome.status !== "ok") return `${outcome.ename}: ${outcome.evalue}`;
  return `${sink.stdout()}${String(outcome.result?.data["text/plain"] ?? "")}`;
}

describe("a JavaScript notebook's const", () => {
  let js: Session;
  beforeAll(async () => {
    js = await start("javascript");
  });

  it("throws TypeError when a later cell assigns it, as Node does", async () => {
    await run(js, "const limit = 3;\nlet count = 0;");
    expect(await run(js, "limit = 4")).toBe("TypeError: Assignment to constant variable.");
    expect(await run(js, "limit += 1")).toBe("TypeError: Assignment to constant variable.");
    expect(await run(js, "[limit] = [9]")).toBe("TypeError: Assignment to constant variable.");
    expect(await run(js, "count = 5; count++; count")).toBe("6");
    expect(await run(js, "limit")).toBe("3");
  });

  it("re-runs the cell that declares it, and a local of the same name is not the const", async () => {
    expect(await run(js, "const fixed = 1;\nfixed")).toBe("1");
    expect(await run(js, "const fixed = 2;\nfixed")).toBe("2");
    expect(await run(js, "function f(fixed) { fixed = 7; return fixed }\nf(0)")).toBe("7");
    expect(await run(js, "{ let fixed = 0; fixed = 8; }\nfixed")).toBe("2");
  });

  it("is assignable again once a cell declares the name with let", async () => {
    await run(js, "const again = 1;");
    expect(await run(js, "let again = 2; again = 3; again")).toBe("3");
  });

  it("throws within the declaring cell too", async () => {
    expect(await run(js, "const once = 1; once = 2")).toBe(
      "TypeError: Assignment to constant variable.",
    );
  });
});

describe("a cell whose result is a Promise", () => {
  it("shows the value it resolves to, and a rejection as a rejected Promise without failing", async () => {
    const ts = await start("typescript");
    expect(await run(ts, "Promise.resolve(42)")).toBe("42");
    expect(await run(ts, 'Promise.reject(new RangeError("no"))')).toBe(
      "Promise { <rejected> RangeError: no }",
    );
    expect(await run(ts, 'await Promise.reject(new Error("thrown"))')).toBe("Error: thrown");
    expect(await run(ts, "1 + 1")).toBe("2");
  });
});

describe("the tslab module", () => {
  it("has tslab's versions", async () => {
    const ts = await start("typescript");
    const code =
      'import { versions } from "tslab";\n[versions.tslab, versions.node === process.version, typeof versions.typescript]';
    expect(await run(ts, code)).toBe("[ '1.0.22', true, 'string' ]");
    // Printed as tslab prints it: the TypeScript version, not `[Getter]`.
    const printed = await run(ts, 'import { inspect } from "node:util";\ninspect(versions)');
    expect(printed).toMatch(/typescript: '\d+\.\d+\.\d+'/);
  });
});

describe("a JavaScript cell V8 refuses to compile", () => {
  it("names the cell position, never replab's rewritten code", async () => {
    const js = await start("javascript");
    const sink = recordingSink();
    const outcome = await js.execute(
      {
        code: "const ok = 1;\nfunction f() { await 1 }",
        silent: false,
        storeHistory: true,
        allowStdin: false,
      },
      sink,
    );
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    expect(outcome.ename).toBe("SyntaxError");
    const traceback = outcome.traceback.join("\n");
    expect(traceback).toMatch(/at cell \d+:2:\d+/);
    expect(traceback).not.toMatch(/__replab|async \(\) =>|globalThis/);
  });
});

describe("a default import of a tsc-compiled CommonJS package", () => {
  it("is exports.default, as the type checker assumed", async () => {
    const dir = notebookDir();
    const pkg = join(dir, "node_modules", "tsc-compiled");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, "package.json"),
      '{ "name": "tsc-compiled", "main": "index.js", "types": "index.d.ts" }',
    );
    writeFileSync(
      join(pkg, "index.js"),
      'Object.defineProperty(exports, "__esModule", { value: true });\nexports.named = 2;\nexports.default = { hello: () => "hi" };\n',
    );
    writeFileSync(
      join(pkg, "index.d.ts"),
      "declare const d: { hello(): string };\nexport default d;\nexport declare const named: number;\n",
    );
    const ts = await start("typescript", dir);
    expect(await run(ts, 'import lib, { named } from "tsc-compiled";')).toBe("");
    expect(await run(ts, "lib.hello() + named")).toBe("'hi2'");
    expect(await run(ts, 'import * as all from "tsc-compiled";\nall.default.hello()')).toBe("'hi'");
  });
});
