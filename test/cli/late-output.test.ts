/**
 * Output a cell's timers print after its reply (issue 8 item 6, README "Late output"): in
 * `replab run` it reaches the notebook, in the cell whose code started the timer, after that
 * cell's result or error; the run waits for the last cell's pending timers before it writes
 * the notebook, and --timeout bounds that wait. Regression: the output of a timer in the last
 * cell was lost, and after a failed cell it went to the CLI's stdout with --timeout.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJson, replab, scratch, writeNotebook } from "./helpers.js";

interface Shown {
  type: string;
  text?: string;
}

/** Each cell's outputs as [type, text] in order: streams by name, errors by evalue. */
function outputs(path: string): Shown[][] {
  return readJson(path).cells.map((cell) =>
    (cell["outputs"] as Record<string, unknown>[]).map((o) => {
      const text = o["text"] ?? o["evalue"];
      const type = o["output_type"] === "stream" ? String(o["name"]) : String(o["output_type"]);
      return text === undefined
        ? { type }
        : { type, text: Array.isArray(text) ? text.join("") : String(text) };
    }),
  );
}

describe("output of a cell's timers after its reply (replab run)", () => {
  it.each([[[]], [["--timeout", "30"]]])(
    "a timer in the last cell: its line is in that cell, after its result (flags %j)",
    (flags: string[]) => {
      const dir = scratch("late-last");
      writeNotebook(
        join(dir, "nb.ipynb"),
        ['console.log("first")', 'setTimeout(() => console.log("late"), 50);\n"result"'],
        "replab-js",
      );
      const result = replab(["run", "nb.ipynb", "-o", "out.ipynb", "--quiet", ...flags], {
        cwd: dir,
      });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe("");
      expect(outputs(join(dir, "out.ipynb"))).toEqual([
        [{ type: "stdout", text: "first\n" }],
        [{ type: "execute_result" }, { type: "stdout", text: "late\n" }],
      ]);
    },
  );

  it.each([[[]], [["--timeout", "30"]]])(
    "a cell that fails after starting a timer: the run stops, the line is in the failed cell (flags %j)",
    (flags: string[]) => {
      const dir = scratch("late-failed");
      writeNotebook(
        join(dir, "nb.ipynb"),
        [
          'setTimeout(() => console.log("late after failure"), 50);\nthrow new Error("cell failed");',
          'console.log("not run")',
        ],
        "replab-js",
      );
      const result = replab(["run", "nb.ipynb", "-o", "out.ipynb", "--quiet", ...flags], {
        cwd: dir,
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(outputs(join(dir, "out.ipynb"))).toEqual([
        [
          { type: "error", text: "cell failed" },
          { type: "stdout", text: "late after failure\n" },
        ],
        [],
      ]);
    },
  );

  it("a timer that fires while a later cell runs stays with the cell that started it, so --check agrees", () => {
    const dir = scratch("late-origin");
    writeNotebook(
      join(dir, "nb.ipynb"),
      [
        'void setTimeout(() => { console.log("from c1"); throw new Error("thrown in c1\'s timer"); }, 20);',
        'await new Promise((r) => setTimeout(r, 200));\nconsole.log("c2");',
        'throw new Error("c3 fails")',
        'void setTimeout(() => console.log("after a failed cell"), 20);',
      ],
      "replab-js",
    );
    const run = replab(["run", "nb.ipynb", "-o", "out.ipynb", "--quiet", "--allow-errors"], {
      cwd: dir,
    });
    expect(run.code).toBe(0);
    const cells = outputs(join(dir, "out.ipynb"));
    expect(cells[0]?.[0]).toEqual({ type: "stdout", text: "from c1\n" });
    // The timer's uncaught error is shown in its own cell too, not in the cell running then.
    expect(cells[0]?.[1]?.type).toBe("stderr");
    expect(cells[0]?.[1]?.text).toContain("thrown in c1's timer");
    expect(cells[1]).toEqual([{ type: "stdout", text: "c2\n" }]);
    expect(cells[3]).toEqual([{ type: "stdout", text: "after a failed cell\n" }]);
    const check = replab(["run", "out.ipynb", "--check", "--allow-errors", "--quiet"], {
      cwd: dir,
    });
    expect(check.stderr).not.toMatch(/check failed/);
    expect(check.code).toBe(0);
  });

  it("a timer chain and a TypeScript cell: the run waits until the last timer has fired", () => {
    const dir = scratch("late-chain");
    writeNotebook(join(dir, "nb.ipynb"), [
      [
        "let n: number = 0;",
        "const step = (): void => {",
        "  n++;",
        "  console.log(`step ${n}`);",
        "  if (n < 3) setTimeout(step, 20);",
        "  else setImmediate(() => console.log('done'));",
        "};",
        "void setTimeout(step, 20);",
      ].join("\n"),
    ]);
    const result = replab(["run", "nb.ipynb", "-o", "out.ipynb", "--quiet"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(outputs(join(dir, "out.ipynb"))).toEqual([
      [{ type: "stdout", text: "step 1\nstep 2\nstep 3\ndone\n" }],
    ]);
  });

  it("an interval never cleared and an interrupted cell's timer do not hold the run", () => {
    const dir = scratch("late-interval");
    writeNotebook(
      join(dir, "nb.ipynb"),
      [
        'setInterval(() => {}, 1000);\nconsole.log("interval started")',
        "await new Promise((r) => setTimeout(r, 600_000))",
      ],
      "replab-js",
    );
    const result = replab(
      ["run", "nb.ipynb", "-o", "out.ipynb", "--quiet", "--timeout", "2", "--allow-errors"],
      // A run that waited for the 10-minute timer would be killed by replab()'s 180 s guard.
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/still pending/);
    const cells = outputs(join(dir, "out.ipynb"));
    expect(cells[1]?.[0]?.text).toMatch(/ran longer than --timeout 2 s/);
  });

  it("--timeout bounds the wait: a timer still pending is named on stderr and the notebook is written", () => {
    const dir = scratch("late-bound");
    writeNotebook(
      join(dir, "nb.ipynb"),
      ['setTimeout(() => console.log("ten minutes later"), 600_000);\nconsole.log("set")'],
      "replab-js",
    );
    const result = replab(["run", "nb.ipynb", "-o", "out.ipynb", "--quiet", "--timeout", "2"], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "replab: timers the cells started were still pending after --timeout 2 s; what they print later is not in the notebook\n",
    );
    expect(outputs(join(dir, "out.ipynb"))).toEqual([[{ type: "stdout", text: "set\n" }]]);
  });
});
