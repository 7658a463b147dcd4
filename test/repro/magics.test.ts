/** The %lineage, %repro status and %repro seed handlers. */
import fs from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { isReplabError } from "../../runtime/errors.js";
import { LINEAGE_MIME, type LineageGraph } from "../../runtime/lineage/types.js";
import { lineageMagic } from "../../runtime/magics/lineage.js";
import { reproSeed } from "../../runtime/magics/repro-seed.js";
import { reproStatus } from "../../runtime/magics/repro-status.js";
import { Recorder } from "../../runtime/repro/recorder.js";
import { recordingSink } from "../runtime/helpers.js";
import { runCell, sha256sum, tempNotebookDir } from "./helpers.js";

let recorder: Recorder | undefined;
afterEach(() => {
  recorder?.dispose();
  recorder = undefined;
});

async function twoCells(): Promise<{ dir: string; r: Recorder }> {
  const dir = tempNotebookDir();
  fs.writeFileSync(join(dir, "data.txt"), "1 2 3\n");
  const r = new Recorder({ notebookDir: dir, seed: 11, journal: false });
  recorder = r;
  await runCell(
    r,
    { cellId: "read", executionCount: 1, code: "const text = fs.readFileSync('data.txt')" },
    () => fs.readFileSync(join(dir, "data.txt")),
  );
  await runCell(
    r,
    { cellId: "use", executionCount: 2, code: "const n = text.length + Date.now()" },
    () => Date.now(),
  );
  await runCell(
    r,
    { cellId: "read", executionCount: 3, code: "const text = fs.readFileSync('data.txt')" },
    () => fs.readFileSync(join(dir, "data.txt")),
  );
  return { dir, r };
}

const ctx = (r: Recorder, args: string[] = []) => ({
  args,
  body: "",
  sink: recordingSink(),
  services: { recorder: r },
});

test("%lineage returns SVG, the lineage bundle and text", async () => {
  const { r } = await twoCells();
  const result = await lineageMagic(ctx(r));
  expect(result?.data["image/svg+xml"]).toMatch(/^<svg /);
  expect(result?.data[LINEAGE_MIME]).toEqual(r.graph());
  expect((result?.data[LINEAGE_MIME] as LineageGraph).schema).toBe("replab.lineage/1");
  expect(result?.data["text/plain"]).toContain("read -[var: text]-> use");
});

test("%repro status lists cells, staleness, files with short hashes and nondeterminism", async () => {
  const { dir, r } = await twoCells();
  const result = await reproStatus(ctx(r, ["status"]));
  const text = result?.data["text/plain"] as string;
  const short = sha256sum(join(dir, "data.txt")).slice(0, 12);
  const lines = text.split("\n");
  expect(lines[0]).toBe("seed 11");
  expect(lines[1]).toMatch(/^cell\s+status\s+defines\s+files\s+nondeterminism$/);
  expect(lines.find((l) => l.startsWith("[2] "))).toMatch(
    /^\[2\] use\s+stale\s+n\s+clock:Date\.now$/,
  );
  expect(lines.find((l) => l.startsWith("[3] "))).toMatch(
    new RegExp(`^\\[3\\] read\\s+ran\\s+text\\s+< data\\.txt ${short}$`),
  );
  // No line is wider than the notebook: ids that the notebook generated are not shown.
  expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(100);
  expect(result?.data["text/html"]).toContain(`>&lt; data.txt ${short}</td>`);
});

test("%repro seed prints, sets, and rejects what is not an integer", async () => {
  const { r } = await twoCells();
  const show = ctx(r, ["seed"]);
  expect(await reproSeed(show)).toBeUndefined();
  expect(show.sink.stdout()).toBe("seed 11\n");
  const set = ctx(r, ["seed", "123"]);
  await reproSeed(set);
  expect(set.sink.stdout()).toBe("seed 123\n");
  expect(r.seed).toBe(123);
  expect(r.graph().seed).toBe(123);
  for (const bad of [
    ["seed", "1.5"],
    ["seed", "x"],
    ["seed", "1", "2"],
  ]) {
    const error = await reproSeed(ctx(r, bad)).catch((e: unknown) => e);
    expect(isReplabError(error, "usage")).toBe(true);
  }
  expect(r.seed).toBe(123);
});

test("a magic cell with code below its line is refused, naming the line; comments may follow", async () => {
  const { createSession } = await import("../../runtime/session/session.js");
  const session = await createSession({
    language: "typescript",
    notebookDir: tempNotebookDir(),
    journal: false,
  });
  try {
    const execute = (code: string) =>
      session.execute(
        { code, silent: false, storeHistory: true, allowStdin: false },
        recordingSink(),
      );
    const refused = await execute("%repro seed 7\n\nconst r = Math.random();");
    expect(refused).toMatchObject({
      status: "error",
      evalue:
        "%repro seed takes its whole cell, so the code below it (line 3: const r = Math.random();) would not run: move that code into a cell of its own",
    });
    // Refused whole: the seed did not change either.
    expect(session.lineage().seed).not.toBe(7);
    expect(await execute("%repro seed 7\n// the seed the paper used\n")).toMatchObject({
      status: "ok",
    });
    expect(session.lineage().seed).toBe(7);
  } finally {
    await session.dispose();
  }
});
