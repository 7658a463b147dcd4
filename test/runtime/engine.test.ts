/**
 * The cell engine as a kernel or runner drives it: real TypeScript, real packages on disk,
 * real execution in this process.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import type { ExecuteOutcome } from "../../runtime/session/types.js";
import { notebookDir, recordingSink } from "./helpers.js";

let session: Session;
let dir: string;

async function run(
  code: string,
  sink = recordingSink(),
): Promise<ExecuteOutcome & { sink: typeof sink }> {
  const outcome = await session.execute(
    { code, silent: false, storeHistory: true, allowStdin: false },
    sink,
  );
  return { ...outcome, sink };
}

function plain(outcome: ExecuteOutcome): unknown {
  return outcome.status === "ok" ? outcome.result?.data["text/plain"] : outcome.evalue;
}

beforeAll(async () => {
  dir = notebookDir();
  session = await createSession({ language: "typescript", notebookDir: dir });
});

afterAll(async () => {
  await session.dispose();
});

describe("TypeScript cells", () => {
  it("returns the last expression as the result and counts executions", async () => {
    const first = await run("const a: number = 20;\na + 1");
    expect(first.status).toBe("ok");
    expect(plain(first)).toBe("21");
    const second = await run("a * 2");
    expect(second.executionCount).toBe(first.executionCount + 1);
    expect(plain(second)).toBe("40");
  });

  it("lets a re-run cell declare the same const again, with a new type", async () => {
    await run("const value: number = 1;");
    const again = await run('const value: string = "two";\nvalue.toUpperCase()');
    expect(plain(again)).toBe("'TWO'");
  });

  it("carries types across cells and refuses to run a cell with a type error", async () => {
    await run("const count: number = 3;\nlet sideEffect = 0;");
    const bad = await run("sideEffect = 1;\n\nconst label: string = count;");
    expect(bad.status).toBe("error");
    if (bad.status !== "error") return;
    expect(bad.ename).toBe("TSError");
    expect(bad.evalue).toContain("3:7");
    expect(bad.evalue).toContain("Type 'number' is not assignable to type 'string'");
    expect(plain(await run("sideEffect"))).toBe("0");
  });

  it("checks a cell run again against declarations that changed in between", async () => {
    // The same source, checked twice with nothing changed, may reuse the first check; a
    // declaration between the two runs must be seen by the second.
    await run("function takes(n: number): number { return n * 2; }");
    expect(plain(await run("takes(21)"))).toBe("42");
    expect(plain(await run("takes(21)"))).toBe("42");
    await run("function takes(s: string): string { return s; }");
    const refused = await run("takes(21)");
    expect(refused.status).toBe("error");
    expect(plain(refused)).toContain("not assignable to parameter of type 'string'");
  });

  it("refuses an arithmetic-only cell with a type error every time it runs", async () => {
    for (let i = 0; i < 2; i++) {
      const refused = await run("1 < 2 < 3");
      expect(refused.status === "error" && refused.ename).toBe("TSError");
    }
    expect(plain(await run("(1 + 1) * 3"))).toBe("6");
  });

  it("supports top-level await", async () => {
    const outcome = await run(
      "const later = await new Promise<string>((r) => setTimeout(() => r('done'), 5));\nlater",
    );
    expect(plain(outcome)).toBe("'done'");
  });

  it("imports an ESM-only package and a CommonJS package from the notebook directory", async () => {
    const outcome = await run(
      'import esm, { hello } from "esm-only";\nimport { twice } from "cjs-only";\n`${hello} ${esm} ${twice(21)}`',
    );
    expect(plain(outcome)).toBe("'from esm 7 42'");
  });

  it("finds a package installed between two cells, with its types", async () => {
    const before = await run('import { late } from "installed-later";\nlate');
    expect(before.status).toBe("error");
    if (before.status === "error") expect(before.evalue).toMatch(/installed-later/);
    const pkg = join(dir, "node_modules", "installed-later");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, "package.json"), '{ "name": "installed-later", "main": "index.js" }');
    writeFileSync(join(pkg, "index.js"), "exports.late = 41;\n");
    writeFileSync(join(pkg, "index.d.ts"), "export declare const late: number;\n");
    const after = await run('import { late } from "installed-later";\nlate + 1');
    expect(plain(after)).toBe("42");
    const typed = await run("const notText: string = late;");
    expect(typed.status).toBe("error");
    if (typed.status === "error") expect(typed.evalue).toMatch(/number.*string/);
  });

  it("sends console output to the sink as stream output", async () => {
    const outcome = await run('console.log("to stdout");\nconsole.error("to stderr");');
    expect(outcome.sink.stdout()).toBe("to stdout\n");
    expect(outcome.sink.stderr()).toBe("to stderr\n");
  });

  it("reports a runtime error with the cell line of the throw", async () => {
    const outcome = await run(
      'function fail(): never {\n  throw new RangeError("out of range");\n}\nfail();',
    );
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    expect(outcome.ename).toBe("RangeError");
    expect(outcome.evalue).toBe("out of range");
    expect(outcome.traceback.join("\n")).toMatch(/at fail \(cell \d+:2:\d+\)/);
  });

  it("names the execution that failed when the same cell fails again", async () => {
    // A cell run again reuses its compiled script file; its frames still show this execution.
    const code = 'function again(): never {\n  throw new Error("again");\n}\nagain();';
    for (let i = 0; i < 2; i++) {
      const outcome = await run(code);
      expect(outcome.status).toBe("error");
      if (outcome.status !== "error") return;
      const trace = outcome.traceback.join("\n");
      expect(trace).toContain(`at again (cell ${outcome.executionCount}:2:9)`);
      expect(trace).toMatch(new RegExp(`at cell ${outcome.executionCount}:4:\\d+`));
    }
  });

  it("reports an error thrown later by a timer, and keeps running cells", async () => {
    const sink = recordingSink();
    await run('setTimeout(() => { throw new Error("late failure"); }, 1);', sink);
    await expect.poll(() => sink.stderr(), { timeout: 5000 }).toContain("late failure");
    expect(plain(await run("1 + 1"))).toBe("2");
  });

  it("shows what an object declares through Symbol.for('Jupyter.display')", async () => {
    const outcome = await run(
      'const card = { [Symbol.for("Jupyter.display")]() { return { "text/html": "<b>card</b>" }; } };\ncard',
    );
    expect(outcome.status === "ok" && outcome.result?.data["text/html"]).toBe("<b>card</b>");
  });

  it("runs tslab notebooks: display from 'tslab' sends display_data", async () => {
    const outcome = await run('import * as tslab from "tslab";\ntslab.display.html("<i>hi</i>");');
    expect(outcome.sink.recorded.displays.map((d) => d.data)).toEqual([
      { "text/html": "<i>hi</i>" },
    ]);
  });

  it("updates a display in place through newDisplay", async () => {
    const outcome = await run(
      'import { newDisplay } from "replab";\nconst d = newDisplay();\nd.text("1");\nd.text("2");',
    );
    const [first, second] = outcome.sink.recorded.displays;
    expect(first?.update).toBe(false);
    expect(second?.update).toBe(true);
    expect(second?.displayId).toBe(first?.displayId);
  });

  it("opens the pager for name?", async () => {
    const outcome = await run("Math.max?");
    expect(outcome.status === "ok" && outcome.payload[0]?.data["text/plain"]).toContain(
      "max(...values: number[]): number",
    );
  });
});

describe("introspection", () => {
  it("completes members with the types of earlier cells", async () => {
    await run("const point = { east: 1, north: 2 };");
    const result = await session.complete("point.ea", 8);
    expect(result.matches).toContain("east");
    expect(result.cursorStart).toBe(6);
    expect(result.cursorEnd).toBe(8);
  });

  it("counts cursor positions in code points, not UTF-16 units", async () => {
    const code = 'const s = "😀"; point.no';
    const result = await session.complete(code, [...code].length);
    expect(result.matches).toContain("north");
    expect(result.cursorEnd).toBe([...code].length);
  });

  it("inspects a name with its type", async () => {
    const result = await session.inspect("point", 5, 0);
    expect(result.found).toBe(true);
    expect(result.data["text/plain"]).toContain("east: number");
  });

  it("tells complete, incomplete and invalid code apart", async () => {
    expect((await session.isComplete("const x = 1;")).status).toBe("complete");
    expect((await session.isComplete("function f() {")).status).toBe("incomplete");
    expect((await session.isComplete("const = ;")).status).toBe("invalid");
  });
});

describe("require", () => {
  it("loads CommonJS packages from the notebook directory, and replab itself", async () => {
    const outcome = await run(
      'const { twice: double } = require("cjs-only");\nconst tslab = require("tslab");\n`${double(4)} ${typeof tslab.display.html}`',
    );
    expect(plain(outcome)).toBe("'8 function'");
  });
});
