/**
 * The journal is replab's, not the cell's: a read-only notebook directory, a `.replab` that is
 * a file, or a full disk never fails a cell; the user is told once, the journal moves to its
 * fallback directory, and a journal torn by a full disk still reads. Uses a read-only bind
 * mount and a small tmpfs, so it needs root (as CI has); elsewhere it is skipped, saying why.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, test } from "vitest";
import { fallbackJournalDir, readJournal, replayJournal } from "../../runtime/lineage/journal.js";
import { replab, writeNotebook } from "../cli/helpers.js";

const mounted: string[] = [];
function mount(args: string[]): boolean {
  return spawnSync("mount", args, { stdio: "ignore" }).status === 0;
}
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), "replab-mount-"));
  const ok = mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]);
  if (ok) spawnSync("umount", [probe]);
  return ok;
})();
afterAll(() => {
  for (const dir of mounted.reverse()) spawnSync("umount", ["-l", dir]);
});

type Nb = { cells: { outputs: { name?: string; text?: string[] }[] }[] };
const streams = (path: string, name: string): string[] =>
  (JSON.parse(readFileSync(path, "utf8")) as Nb).cells.map((c) =>
    c.outputs
      .filter((o) => o.name === name)
      .map((o) => (o.text ?? []).join(""))
      .join(""),
  );

function notebookIn(dir: string, cells: string[]): string {
  const path = join(dir, "nb.ipynb");
  writeNotebook(path, cells);
  return path;
}

describe.skipIf(!canMount)(
  "lineage that cannot be persisted is a warning (needs root and mount)",
  () => {
    const cells = ['console.log("one");', 'console.log("two");'];

    it("a read-only notebook directory: cells run, the journal goes to the fallback", () => {
      const base = mkdtempSync(join(tmpdir(), "replab-ro-"));
      const dir = join(base, "notebooks");
      mkdirSync(dir);
      const nb = notebookIn(dir, cells);
      expect(mount(["--bind", dir, dir]) && mount(["-o", "remount,ro,bind", dir])).toBe(true);
      mounted.push(dir);
      const out = join(base, "out.ipynb");
      const run = replab(["run", nb, "-o", out], { cwd: base });
      expect(run.code, run.stderr).toBe(0);
      expect(streams(out, "stdout")).toEqual(["one\n", "two\n"]);
      const [first, second] = streams(out, "stderr");
      expect(first).toMatch(
        /cannot write lineage in .*notebooks\/\.replab \(EROFS\); the journal is /,
      );
      expect(second).toBe("");
      const fallback = fallbackJournalDir(dir);
      const journals = readdirSync(fallback).map((f) => join(fallback, f));
      const replayed = journals.map((j) => replayJournal(readJournal(j)).graph());
      expect(replayed.some((g) => g.nodes.filter((n) => n.kind === "cell").length === 2)).toBe(
        true,
      );
    });

    it("a .replab that is a file: cells run, the file is left alone", () => {
      const dir = mkdtempSync(join(tmpdir(), "replab-file-"));
      writeFileSync(join(dir, ".replab"), "mine\n");
      const nb = notebookIn(dir, cells);
      const run = replab(["run", nb, "-o", join(dir, "out.ipynb")], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      expect(streams(join(dir, "out.ipynb"), "stdout")).toEqual(["one\n", "two\n"]);
      expect(readFileSync(join(dir, ".replab"), "utf8")).toBe("mine\n");
    });

    it("a full disk: cells keep their results, and the torn journal reads after space is freed", () => {
      const dir = mkdtempSync(join(tmpdir(), "replab-full-"));
      expect(mount(["-t", "tmpfs", "-o", "size=256k", "tmpfs", dir])).toBe(true);
      mounted.push(dir);
      const nb = notebookIn(dir, [
        'import * as fs from "node:fs";\nconsole.log("start");',
        // Fill the disk to its last page: big files until ENOSPC, then one-byte files.
        'let code = "";\nlet n = 0;\nfor (const size of [16384, 1]) {\n  try {\n    for (;;) fs.writeFileSync(`fill-${n++}`, "x".repeat(size));\n  } catch (e) {\n    code = (e as NodeJS.ErrnoException).code ?? "";\n  }\n}\nconsole.log(code);',
        // The journal's last page fills within a few records; every later append fails.
        ..."abcdefghijkl".split("").map((k) => `console.log("while full ${k}");`),
        'for (const f of fs.readdirSync(".")) if (f.startsWith("fill-")) fs.unlinkSync(f);\nconsole.log("freed");',
        'console.log("after");',
      ]);
      const out = join(tmpdir(), `replab-full-out-${process.pid}.ipynb`);
      const run = replab(["run", nb, "-o", out], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      expect(streams(out, "stdout")).toEqual([
        "start\n",
        "ENOSPC\n",
        ..."abcdefghijkl".split("").map((k) => `while full ${k}\n`),
        "freed\n",
        "after\n",
      ]);
      expect(streams(out, "stderr").join("")).toMatch(
        /lineage could not be saved to .* \(ENOSPC\); the cell's result stands/,
      );
      const journalDir = join(dir, ".replab");
      expect(existsSync(journalDir)).toBe(true);
      // .replab also holds run records (runs/); the journal is the one .jsonl file.
      const journal = readdirSync(journalDir).find((f) => f.endsWith(".jsonl"));
      const records = readJournal(join(journalDir, journal!));
      const executed = records.flatMap((r) => (r.type === "execution" ? [r.cellId] : []));
      // The cells after the space was freed are in the journal again.
      expect(executed).toContain("c16");
    });
  },
);

test("a torn record in the middle of a journal is skipped, the rest read", () => {
  const dir = mkdtempSync(join(tmpdir(), "replab-torn-"));
  const path = join(dir, "j.jsonl");
  const seed = JSON.stringify({ type: "seed", seed: 5 });
  writeFileSync(path, `${seed}\n{"type":"execution","cellId":"c1","exe\n${seed}\n[]\n`);
  const records = readJournal(path);
  expect([...records]).toEqual([
    { type: "seed", seed: 5 },
    { type: "seed", seed: 5 },
  ]);
  expect(records.torn).toBe(2);
});
