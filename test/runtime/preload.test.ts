/**
 * The engine's preload (Session.preload) as a kernel starts it: right after the session is
 * made, when a client that sends its first cell at once (nbclient, papermill) has that cell
 * queued already. The cell's result must not wait for a check of an empty cell.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import type { ExecuteOutcome } from "../../runtime/session/types.js";
import { notebookDir, recordingSink } from "./helpers.js";

let session: Session | undefined;

afterEach(async () => {
  await session?.dispose();
  session = undefined;
});

function execute(s: Session, code: string): Promise<ExecuteOutcome> {
  return s.execute({ code, silent: false, storeHistory: true, allowStdin: false }, recordingSink());
}

function plain(outcome: ExecuteOutcome): unknown {
  return outcome.status === "ok" ? outcome.result?.data["text/plain"] : outcome.evalue;
}

describe("the preload", () => {
  it("lets a cell that came first finish before it, and leaves the checker warm", async () => {
    const s = (session = await createSession({
      language: "typescript",
      notebookDir: notebookDir(),
    }));
    const settled: string[] = [];
    // The kernel's order: the queued cell starts, then the preload's timer fires.
    const cell = execute(s, "const answer: number = 6 * 7; answer").then((outcome) => {
      settled.push("cell");
      return outcome;
    });
    const preload = s.preload().then(() => settled.push("preload"));
    const [outcome] = await Promise.all([cell, preload]);
    expect(settled).toEqual(["cell", "preload"]);
    expect(plain(outcome)).toBe("42");
    // The next cells are checked against the first one's declarations, as ever.
    const refused = await execute(s, "const text: string = answer;");
    expect(refused.status).toBe("error");
    expect(plain(await execute(s, "answer + 1"))).toBe("43");
  });

  it("warms the checker when no cell came first, and after a first cell that checked nothing", async () => {
    const s = (session = await createSession({
      language: "typescript",
      notebookDir: notebookDir(),
    }));
    const magic = await execute(s, "%lineage");
    expect(magic.status).toBe("ok");
    await s.preload();
    const refused = await execute(s, 'const n: number = "not a number";');
    expect(refused.status).toBe("error");
    if (refused.status === "error") expect(refused.ename).toBe("TSError");
  });

  it("loads the compiler for a JavaScript session, with or without a cell first", async () => {
    const s = (session = await createSession({
      language: "javascript",
      notebookDir: notebookDir(),
    }));
    const [outcome] = await Promise.all([execute(s, "[1, 2].map((x) => x * 2)"), s.preload()]);
    expect(plain(outcome)).toBe("[ 2, 4 ]");
  });
});
