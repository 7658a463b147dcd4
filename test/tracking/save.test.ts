/**
 * When a kernel session's run record reaches the disk: it is saved from a timer after the
 * cell (so the cell's reply never waits for the write), and still lands without another cell
 * coming, with every cell so far.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { createSession } from "../../runtime/session/session.js";
import { recordingSink } from "../runtime/helpers.js";

/** The one run record in `dir`, once its cells number `cells` (polled; the test's timeout bounds it). */
async function recordWith(dir: string, cells: number): Promise<{ cells: { id: string }[] }> {
  const runs = join(dir, ".replab", "runs");
  for (;;) {
    const names = (() => {
      try {
        return readdirSync(runs).filter((f) => f.endsWith(".json"));
      } catch {
        return [];
      }
    })();
    if (names.length === 1) {
      const record = JSON.parse(readFileSync(join(runs, names[0] as string), "utf8")) as {
        cells: { id: string }[];
      };
      if (record.cells.length === cells) return record;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it("saves the run record after each burst of cells without waiting for a next cell", async () => {
  const dir = mkdtempSync(join(tmpdir(), "replab-save-"));
  const session = await createSession({ language: "javascript", notebookDir: dir });
  try {
    const run = (code: string, cellId: string) =>
      session.execute(
        { code, cellId, silent: false, storeHistory: true, allowStdin: false },
        recordingSink(),
      );
    expect((await run("1 + 1", "a")).status).toBe("ok");
    expect((await recordWith(dir, 1)).cells.map((c) => c.id)).toEqual(["a"]);
    // Cells within the interval are saved together, once it has passed.
    await run("2 + 2", "b");
    await run("3 + 3", "c");
    expect((await recordWith(dir, 3)).cells.map((c) => c.id)).toEqual(["a", "b", "c"]);
  } finally {
    await session.dispose();
  }
}, 30_000);
