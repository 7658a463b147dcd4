/**
 * A `var` in a top-level loop head or block is a variable of the notebook, as in a script:
 * the next cell can use it, in TypeScript (typed by the checker) and JavaScript alike.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import type { Language } from "../../runtime/session/types.js";
import { notebookDir, recordingSink } from "./helpers.js";

describe.each(["typescript", "javascript"] as Language[])("nested vars in %s cells", (language) => {
  let session: Session;
  const run = async (code: string): Promise<unknown> => {
    const request = { code, silent: false, storeHistory: true, allowStdin: false };
    const outcome = await session.execute(request, recordingSink());
    return outcome.status === "ok" ? outcome.result?.data["text/plain"] : outcome.evalue;
  };

  beforeAll(async () => {
    session = await createSession({ language, notebookDir: notebookDir(), journal: false });
  });
  afterAll(() => session.dispose());

  it("keeps the key of a for-in loop for the next cell", async () => {
    await run("const o = { a: 1, b: 2 };\nfor (var k in o) {}");
    expect(await run("k.toUpperCase()")).toBe("'B'");
  });

  it("keeps the counter of a for loop and a var declared in a block", async () => {
    await run("for (var i = 0; i < 3; i++) {}\nif (i > 0) { var label = `ran ${i}`; }");
    expect(await run("label.length + i")).toBe("8");
  });

  it("types a nested var as the checker infers it, so a misuse is a type error", async () => {
    await run("for (var n of [1, 2, 3]) {}");
    const misuse = await run("n.toUpperCase()");
    if (language === "typescript") expect(misuse).toMatch(/does not exist on type 'number'/);
    else expect(misuse).toMatch(/toUpperCase is not a function/);
  });

  it("lets a re-run give the var another type", async () => {
    await run("for (var v of [1]) {}");
    await run('for (var v of ["s"]) {}');
    expect(await run("v.toUpperCase()")).toBe("'S'");
  });
});
