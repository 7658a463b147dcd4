/**
 * `replab verify` checks what the pipeline really did, not what it says about itself (issue
 * 10, item 7): the child's real stdout per cell, the files the cells write, a lock that
 * records no stdout, and `--against EXECUTED.ipynb`, whose expectations come from the
 * notebook's stored run. The notebook is run by `replab run`, exported by `replab export`.
 */
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

let dir: string;

interface Lock {
  writes: { path: string; sha256: string; bytes: number }[];
  cells: { id: string; stdout: { sha256: string; bytes: number } | null }[];
}

const CELLS = [
  'import { readFileSync, writeFileSync } from "node:fs";\nconst text = readFileSync("in.txt", "utf8");\nconsole.log(text.length);',
  'writeFileSync("out.txt", text.toUpperCase());\nconsole.log("wrote");',
  "console.log(Math.random().toFixed(6));",
];

beforeAll(() => {
  dir = scratch("verify-real");
  writeFileSync(join(dir, "in.txt"), "some input\n");
  writeNotebook(join(dir, "nb.ipynb"), CELLS);
  const run = replab(["run", "nb.ipynb", "-o", "executed.ipynb", "--quiet"], { cwd: dir });
  expect(run.stderr).toBe("");
  const exported = replab(["export", "executed.ipynb", "-o", "out", "--include-data"], {
    cwd: dir,
  });
  expect(exported.code).toBe(0);
}, 120_000);

/** A copy of the export, changed by `edit`, verified with `extra` arguments. */
function verifyCopy(name: string, edit: (copy: string) => void, extra: string[] = []) {
  const copy = join(dir, name);
  cpSync(join(dir, "out"), copy, { recursive: true });
  edit(copy);
  return replab(["verify", name, ...extra], { cwd: dir });
}

const readLock = (copy: string): Lock =>
  JSON.parse(readFileSync(join(copy, "repro.lock.json"), "utf8")) as Lock;
const writeLock = (copy: string, lock: Lock): void =>
  writeFileSync(join(copy, "repro.lock.json"), `${JSON.stringify(lock, null, 2)}\n`);

/** What each cell printed in the executed notebook, by id. */
function storedStdout(): Map<string, string> {
  const nb = JSON.parse(readFileSync(join(dir, "executed.ipynb"), "utf8")) as {
    cells: { id: string; outputs: { name?: string; text?: string | string[] }[] }[];
  };
  return new Map(
    nb.cells.map((c) => [
      c.id,
      c.outputs
        .filter((o) => o.name === "stdout")
        .map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")))
        .join(""),
    ]),
  );
}

/** A pipeline.mjs that runs no cell code: it prints the stored text under verify's marks, and maybe writes out.txt. */
function forgedPipeline(writeOut: boolean): string {
  const printed = JSON.stringify([...storedStdout()]);
  const write = writeOut
    ? 'fs.writeFileSync(process.env.REPLAB_DATA_DIR + "/out.txt", "SOME INPUT\\n");'
    : "";
  return `import fs from "node:fs";\nconst mark = process.env.REPLAB_VERIFY_MARK;\nfor (const [id, text] of ${printed}) process.stdout.write("\\x1e" + mark + " " + id + "\\n" + text);\n${write}\n`;
}

describe("replab verify checks what the pipeline really did", () => {
  it("passes on the export, counting the file the cells wrote", () => {
    const result = replab(["verify", "out"], { cwd: dir });
    expect(result.stderr).toBe(
      "replab: verified out: 3 cells and 1 data files (and 1 written files) match repro.lock.json\n",
    );
    expect(result.code).toBe(0);
    expect(readLock(join(dir, "out")).writes.map((w) => w.path)).toEqual(["out.txt"]);
    expect(existsSync(join(dir, "out/data/out.txt"))).toBe(true);
  });

  it("fails a forged pipeline that runs nothing and writes the lock's hashes as its report", () => {
    const result = verifyCopy("forged-report", (copy) => {
      const lock = readLock(copy);
      const report = lock.cells.map((c) => ({
        id: c.id,
        stdoutSha256: c.stdout?.sha256,
        bytes: c.stdout?.bytes,
      }));
      writeFileSync(
        join(copy, "pipeline.mjs"),
        `import fs from "node:fs";\nconst r = process.env.REPLAB_REPORT;\nif (r) fs.writeFileSync(r, ${JSON.stringify(JSON.stringify({ cells: report }))});\n`,
      );
    });
    expect(result.stderr).toMatch(/^replab: cell c1 did not run in the pipeline/);
    expect(result.code).toBe(1);
  });

  it("fails a pipeline that prints the right text but does not write the cells' file", () => {
    const forge = (copy: string) =>
      writeFileSync(join(copy, "pipeline.mjs"), forgedPipeline(false));
    const missing = verifyCopy("forged-print", (copy) => {
      forge(copy);
      rmSync(join(copy, "data/out.txt"), { force: true });
    });
    expect(missing.stderr).toMatch(/^replab: written file out\.txt is missing from /);
    expect(missing.code).toBe(1);
    // out.txt left by the first verify's run, with the right bytes, is not taken as this run's.
    const stale = verifyCopy("forged-print-stale", forge);
    expect(stale.stderr).toBe(
      "replab: written file out.txt was not written by the pipeline: it is as it was before the run\n",
    );
    expect(stale.code).toBe(1);
  });

  it("--against the executed notebook catches a forgery the lock alone cannot", () => {
    const forge = (copy: string) => writeFileSync(join(copy, "pipeline.mjs"), forgedPipeline(true));
    // Printing and writing exactly the recorded bytes satisfies the lock: docs/integrity.md says so.
    expect(verifyCopy("forged-all", forge).code).toBe(0);
    const against = verifyCopy("forged-against", forge, ["--against", "executed.ipynb"]);
    expect(against.stderr).toMatch(
      /^replab: forged-against\/pipeline\.mjs is not what replab export writes for executed\.ipynb's stored run \(line 1 differs/,
    );
    expect(against.code).toBe(1);
  });

  it("--against passes on the export and compares with the notebook's stored outputs", () => {
    const clean = replab(["verify", "out", "--against", "executed.ipynb"], { cwd: dir });
    expect(clean.stderr).toBe(
      "replab: verified out: 3 cells and 1 data files (and 1 written files) match executed.ipynb\n",
    );
    expect(clean.code).toBe(0);
    // A notebook whose stored output says something else: the run no longer matches it, and
    // the cell and line are named before DIR's lock (made from the unedited run) is compared.
    const nb = readFileSync(join(dir, "executed.ipynb"), "utf8");
    writeFileSync(join(dir, "edited.ipynb"), nb.replace('"wrote\\n"', '"WROTE\\n"'));
    const edited = replab(["verify", "out", "--against", "edited.ipynb"], { cwd: dir });
    expect(edited.stderr).toMatch(
      /^replab: cell c2: stdout differs: expected sha256 [0-9a-f]{64} \(6 bytes\), got [0-9a-f]{64} \(6 bytes\); line 1: the notebook has "WROTE", the pipeline "wrote"\n$/,
    );
    expect(edited.code).toBe(1);
  });

  it("fails an edited lock: another stdout hash, with and without --against", () => {
    const edit = (copy: string) => {
      const lock = readLock(copy);
      const cell = lock.cells[1];
      if (cell?.stdout) cell.stdout.sha256 = "0".repeat(64);
      writeLock(copy, lock);
    };
    const plain = verifyCopy("edited-stdout", edit);
    expect(plain.stderr).toMatch(/^replab: cell c2: stdout differs: expected sha256 0{64}/);
    expect(plain.code).toBe(1);
    const against = verifyCopy("edited-stdout-against", edit, ["--against", "executed.ipynb"]);
    expect(against.stderr).toMatch(/repro\.lock\.json is not what replab export writes/);
    expect(against.code).toBe(1);
  });

  it("fails an edited lock: another written-file hash", () => {
    const result = verifyCopy("edited-write", (copy) => {
      const lock = readLock(copy);
      for (const w of lock.writes) w.sha256 = "1".repeat(64);
      writeLock(copy, lock);
    });
    expect(result.stderr).toMatch(
      /^replab: written file out\.txt differs: expected sha256 1{64} \(11 bytes\), found [0-9a-f]{64} \(11 bytes\)\n$/,
    );
    expect(result.code).toBe(1);
  });

  it("a lock with stdout: null does not verify", () => {
    const result = verifyCopy("null-stdout", (copy) => {
      const lock = readLock(copy);
      for (const c of lock.cells) c.stdout = null;
      writeLock(copy, lock);
    });
    expect(result.stderr).toMatch(
      /^replab: repro\.lock\.json records no stdout for cell\(s\) c1, c2, c3, so their output cannot be checked/,
    );
    expect(result.code).toBe(1);
  });

  it("fails when the cells' output changes: a cell prints what it did not in the notebook", () => {
    const result = verifyCopy("extra-print", (copy) => {
      const path = join(copy, "pipeline.mjs");
      writeFileSync(
        path,
        readFileSync(path, "utf8").replace(
          'console.log("wrote");',
          'console.log("wrote");\nconsole.log("extra");',
        ),
      );
    });
    expect(result.stderr).toMatch(/^replab: cell c2: stdout differs/);
    expect(result.code).toBe(1);
  });

  it("an --against notebook the export was not made from is named", () => {
    writeNotebook(join(dir, "other.ipynb"), ["console.log(1);"]);
    const run = replab(["run", "other.ipynb", "-o", "other-run.ipynb", "--quiet"], { cwd: dir });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    const result = replab(["verify", "out", "--against", "other-run.ipynb"], { cwd: dir });
    expect(result.stderr).toMatch(
      /^replab: cell c2 of out\/repro\.lock\.json is not an executed cell of other-run\.ipynb\n$/,
    );
    expect(result.code).toBe(1);
  });
});
