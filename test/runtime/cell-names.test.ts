/**
 * A cell's names stay its own (issue 8): a cell may declare a name that lib or @types/node
 * declare globally (Event, Response, Request, WebSocket...), and that cell and every later one
 * see the cell's declaration, not a merge with the global one, as in tslab. Each kind of
 * declaration is tried with a global name it used to merge or collide with.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import { notebookDir, recordingSink } from "./helpers.js";

let session: Session;

/** Run a cell: its result as text when it ran, else the error's message. */
async function run(code: string): Promise<string | undefined> {
  const request = { code, silent: false, storeHistory: true, allowStdin: false };
  const outcome = await session.execute(request, recordingSink());
  if (outcome.status !== "ok") return outcome.evalue;
  return outcome.result?.data["text/plain"] as string | undefined;
}

beforeAll(async () => {
  session = await createSession({
    language: "typescript",
    notebookDir: notebookDir(),
    journal: false,
  });
});
afterAll(() => session.dispose());

describe("a cell that declares a name lib or @types declare globally", () => {
  it("interface Event: the cell's, not a merge with the global Event", async () => {
    expect(await run("interface Event { time: number; label: string }")).toBeUndefined();
    const use = 'const events: Event[] = [{ time: 2, label: "b" }, { time: 1, label: "a" }];\n';
    expect(
      await run(`${use}events.sort((x, y) => x.time - y.time).map((e) => e.label).join("")`),
    ).toBe("'ab'");
    expect(await run("events[0].bubbles")).toMatch(
      /Property 'bubbles' does not exist on type 'Event'/,
    );
  });

  it("type alias Response, in the cell that declares it and later", async () => {
    expect(
      await run("type Response = { ok: boolean };\nconst r: Response = { ok: true };\nr.ok"),
    ).toBe("true");
    expect(await run("const s: Response = { ok: false };\ns.ok")).toBe("false");
    expect(await run("const t: Response = { status: 200 };")).toMatch(/'status' does not exist/);
  });

  it("class Request: its constructor and its instances' type", async () => {
    expect(await run("class Request { constructor(public url: string) {} }")).toBeUndefined();
    expect(await run('new Request("a/b").url.split("/").length')).toBe("2");
    expect(await run('new Request("x").method')).toMatch(
      /'method' does not exist on type 'Request'/,
    );
  });

  it("enum Headers", async () => {
    expect(await run("enum Headers { Small, Large }")).toBeUndefined();
    expect(await run("const h: Headers = Headers.Large;\nh")).toBe("1");
  });

  it("function structuredClone: calls get the cell's signature", async () => {
    expect(
      await run("function structuredClone(x: string): number { return x.length }"),
    ).toBeUndefined();
    expect(await run('const n: number = structuredClone("abc");\nn')).toBe("3");
  });

  it("const, let and var", async () => {
    expect(await run('const WebSocket = "ws";\nWebSocket.length')).toBe("2");
    expect(await run("WebSocket.toUpperCase()")).toBe("'WS'");
    expect(await run("let EventSource = 1;")).toBeUndefined();
    expect(await run("EventSource + 1")).toBe("2");
    expect(await run('var FormData = "mine";')).toBeUndefined();
    expect(await run("FormData.toUpperCase()")).toBe("'MINE'");
  });

  it("namespace EventTarget", async () => {
    expect(await run("namespace EventTarget { export const n = 4 }")).toBeUndefined();
    expect(await run("EventTarget.n * 2")).toBe("8");
  });
});

describe("a later cell", () => {
  it("declares the name again as any re-declaration does", async () => {
    await run("interface Sample { a: number }");
    await run("interface Sample { b: string }");
    expect(await run('const one: Sample = { b: "x" };\none.b')).toBe("'x'");
    expect(await run("const two: Sample = { a: 1 };")).toMatch(
      /'a' does not exist in type 'Sample'/,
    );
  });

  it("assigns an earlier cell's let, type-checked, and is refused an earlier const", async () => {
    await run("let counter = 1;\nconst fixed = 1;");
    expect(await run("counter += 2;\ncounter++;\ncounter")).toBe("4");
    expect(await run('counter = "x";')).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(await run("fixed = 2;")).toMatch(/Cannot assign to 'fixed' because it is a constant/);
  });

  it("is told what an earlier function, class or enum is when it assigns one", async () => {
    await run("function twice(n: number) { return 2 * n }\nclass Box {}\nenum Mode { On }");
    expect(await run("twice = null;")).toMatch(/Cannot assign to 'twice' because it is a function/);
    expect(await run("Box = null;")).toMatch(/Cannot assign to 'Box' because it is a class/);
    expect(await run("Mode = null;")).toMatch(/Cannot assign to 'Mode' because it is an enum/);
  });

  it("sees a shadowing type through a declaration made sixteen cells later", async () => {
    await run("interface Event { time: number }");
    for (let i = 0; i < 17; i++) await run(`const filler${i} = ${i};`);
    await run("const late: Event[] = [{ time: 5 }];");
    expect(await run("late[0].time")).toBe("5");
    expect(await run("late[0].bubbles")).toMatch(/'bubbles' does not exist on type 'Event'/);
  });

  it("completes and inspects an earlier cell's names as what they declare", async () => {
    await run(
      "/** A point. */\nclass Point { x = 1 }\nfunction mean(xs: number[]) { return xs[0] }",
    );
    const completed = await session.complete("Poi", 3);
    expect(completed.types?.find((t) => t.text === "Point")?.type).toBe("class");
    const mean = (await session.complete("mea", 3)).types?.find((t) => t.text === "mean");
    expect(mean?.type).toBe("function");
    expect(mean?.signature).toBe("function mean(xs: number[]): number");
    const inspected = await session.inspect("new Point().x", 5, 0);
    expect(inspected.data["text/plain"]).not.toMatch(/alias|import/);
    expect(inspected.data["text/plain"]).toMatch(/Point[\s\S]*A point\./);
  });
});

describe("a project whose tsconfig.json has noUnusedLocals", () => {
  it("checks only the cell's own code for unused names, not how it sees earlier ones", async () => {
    const dir = notebookDir();
    writeFileSync(join(dir, "tsconfig.json"), '{ "compilerOptions": { "noUnusedLocals": true } }');
    const strict = await createSession({
      language: "typescript",
      notebookDir: dir,
      journal: false,
    });
    const request = (code: string) => ({
      code,
      silent: false,
      storeHistory: true,
      allowStdin: false,
    });
    const run = async (code: string) => {
      const outcome = await strict.execute(request(code), recordingSink());
      return outcome.status === "ok" ? outcome.result?.data["text/plain"] : outcome.evalue;
    };
    try {
      expect(await run('import * as path from "node:path";\nconst x = 1;')).toBeUndefined();
      expect(await run("function f(x: number) { return x * 2 }\nf(5)")).toBe("10");
      expect(await run('path.basename("a/b.txt")')).toBe("'b.txt'");
      expect(await run("function g() { const unused = 1; return 2 }")).toMatch(
        /'unused' is declared but its value is never read/,
      );
    } finally {
      await strict.dispose();
    }
  });
});
