/**
 * `replab run` refuses up front what it could only fail at the end: an -o
 * in a missing directory, a parameter named by a reserved word, a --timeout under 1 ms; and
 * an interrupt while the notebook is written never leaves a temporary file beside it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, replab, scratch, writeNotebook } from "./helpers.js";

/** A notebook whose only cell leaves a mark, so a test can tell whether anything ran. */
function marked(): string {
  const dir = scratch("run-checks");
  writeNotebook(join(dir, "nb.ipynb"), ['require("node:fs").writeFileSync("ran.txt", "yes")']);
  return dir;
}

describe("replab run rejects before running anything (exit 2)", () => {
  it("-o in a directory that does not exist, or naming a directory", () => {
    const dir = marked();
    const missing = replab(["run", "nb.ipynb", "-o", "missing/dir/o.ipynb"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      `replab: -o missing/dir/o.ipynb: the directory ${join(dir, "missing/dir")} does not exist; create it first or choose another -o path (nothing was run)\n`,
    );
    mkdirSync(join(dir, "outdir"));
    const directory = replab(["run", "nb.ipynb", "-o", "outdir"], { cwd: dir });
    expect(directory.code).toBe(2);
    expect(directory.stderr).toMatch(
      /^replab: -o outdir: .*outdir is a directory; -o names the notebook file to write, e.g. -o outdir\/out.ipynb\n$/,
    );
    expect(existsSync(join(dir, "ran.txt"))).toBe(false);
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });

  it.each(["class", "await", "let", "yield", "enum", "undefined", "NaN"])(
    "-p %s=1: a name the injected cell cannot declare",
    (name) => {
      const dir = marked();
      const result = replab(["run", "nb.ipynb", "-p", `${name}=1`], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(
          `^replab: -p ${name}=1: ${name} is a (reserved word in JavaScript and cannot name a variable|read-only global and cannot be set); choose another NAME\\n`,
        ),
      );
      expect(existsSync(join(dir, "ran.txt"))).toBe(false);
    },
  );

  it.each(["1e-9", "0.0004", "1e12"])("--timeout %s: outside what a timer can keep", (value) => {
    const dir = marked();
    const result = replab(["run", "nb.ipynb", "--timeout", value], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^replab: --timeout ${value}: expected (at least 0\\.001 seconds \\(1 ms\\)|at most 2147483 seconds)\\n`,
      ),
    );
    expect(existsSync(join(dir, "ran.txt"))).toBe(false);
  });

  it("still accepts ordinary names and a 1 ms timeout", () => {
    const dir = marked();
    const named = replab(["run", "nb.ipynb", "-p", "klass=1", "--quiet"], { cwd: dir });
    expect(named.stderr).not.toMatch(/usage|expected/);
    expect(readFileSync(join(dir, "ran.txt"), "utf8")).toBe("yes");
    // Whether the cell beats 1 ms depends on the machine's load: only the option's acceptance
    // is asserted (a rejected option exits 2 before running anything).
    const short = replab(
      ["run", "nb.ipynb", "--timeout", "0.001", "--quiet", "-o", "short.ipynb"],
      {
        cwd: dir,
      },
    );
    expect(short.stderr).not.toMatch(/usage|expected|outside what a timer can keep/);
    expect(short.code, short.stderr).not.toBe(2);
  });
});

/**
 * Run writeFileAtomic (as --inplace does) in a child that gets SIGTERM right after the
 * temporary file is written, before the rename; `target` may make the rename fail.
 */
function interruptedWrite(dir: string, target: string): { signal: string | null; stdout: string } {
  const script = `
    const fs = require("node:fs");
    const { syncBuiltinESMExports } = require("node:module");
    const write = fs.writeFileSync;
    fs.writeFileSync = (...args) => { write(...args); process.kill(process.pid, "SIGTERM"); };
    syncBuiltinESMExports();
    import(${JSON.stringify(join(ROOT, "dist/runtime/notebook/write.js"))})
      .then((m) => m.writeFileAtomic(${JSON.stringify(target)}, "new content"))
      .then(() => console.log("not interrupted"), (e) => console.log("failed: " + e.message));
  `;
  const result = spawnSync(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
  return { signal: result.signal, stdout: result.stdout };
}

describe("--inplace's write under an interrupt", () => {
  it("finishes the rename, then ends by the signal; no temporary file is left", () => {
    const dir = scratch("inplace-signal");
    writeFileSync(join(dir, "nb.ipynb"), "old content");
    const result = interruptedWrite(dir, join(dir, "nb.ipynb"));
    expect(result.signal).toBe("SIGTERM");
    expect(result.stdout).toBe("");
    expect(readFileSync(join(dir, "nb.ipynb"), "utf8")).toBe("new content");
    expect(readdirSync(dir)).toEqual(["nb.ipynb"]);
  });

  it("removes the temporary file when the rename fails, then ends by the signal", () => {
    const dir = scratch("inplace-signal-fail");
    mkdirSync(join(dir, "nb.ipynb"));
    writeFileSync(join(dir, "nb.ipynb", "inside"), "x");
    const result = interruptedWrite(dir, join(dir, "nb.ipynb"));
    expect(result.signal).toBe("SIGTERM");
    expect(readdirSync(dir)).toEqual(["nb.ipynb"]);
    expect(readdirSync(join(dir, "nb.ipynb"))).toEqual(["inside"]);
  });
});
