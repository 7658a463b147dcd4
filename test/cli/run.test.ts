/**
 * `replab run` as a user meets it: exit codes, messages (golden files in test/fixtures/cli),
 * what is written and what is not.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  expectGolden,
  nbformatErrors,
  normalise,
  readJson,
  replab,
  scratch,
  writeNotebook,
} from "./helpers.js";

let dir: string;
beforeAll(() => {
  dir = scratch("run");
});

const outputs = (path: string, index: number): unknown => readJson(path).cells[index]?.["outputs"];

describe("replab run refuses bad input with exit 2 and writes nothing", () => {
  const cases: [string, (d: string) => string[]][] = [
    ["missing-file", () => ["run", "nope.ipynb"]],
    ["directory", () => ["run", "."]],
    [
      "invalid-json",
      (d) => (writeFileSync(join(d, "bad.ipynb"), "{ not json"), ["run", "bad.ipynb"]),
    ],
    [
      "nbformat-3",
      (d) => (
        writeFileSync(
          join(d, "old.ipynb"),
          '{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}',
        ),
        ["run", "old.ipynb"]
      ),
    ],
    [
      "python-kernel",
      (d) => (writeNotebook(join(d, "py.ipynb"), ["print(1)"], "python3"), ["run", "py.ipynb"]),
    ],
    [
      "unknown-magic",
      (d) => (
        writeNotebook(join(d, "magic.ipynb"), ["const a = 1", "%timeit a + 1"]),
        ["run", "magic.ipynb"]
      ),
    ],
    [
      // The code below a magic line would never run: refused, not dropped.
      "code-after-magic",
      (d) => (
        writeNotebook(join(d, "seeded.ipynb"), ["%repro seed 7\nconst r = Math.random();", "r"]),
        ["run", "seeded.ipynb"]
      ),
    ],
    ["usage", () => ["run", "x.ipynb", "--seed", "abc"]],
  ];
  for (const [name, setup] of cases) {
    it(name, () => {
      const d = scratch(`bad-${name}`);
      const args = setup(d);
      const before = readdirSync(d).sort();
      const result = replab(args, { cwd: d });
      expect(result.code).toBe(2);
      expectGolden(`cli/run-${name}.txt`, normalise(result.stderr, d));
      expect(readdirSync(d).sort()).toEqual(before);
    });
  }
});

describe("replab run executes a notebook", () => {
  it("writes outputs, execution counts and replab metadata that nbformat accepts", () => {
    const nb = join(dir, "ok.ipynb");
    writeNotebook(nb, [
      'console.log("hello");\nconsole.error("careful");\nconst x: number = 20;',
      "x + 22",
      'import { display } from "replab";\ndisplay.html("<b>bold</b>");',
    ]);
    const result = replab(["run", "ok.ipynb", "-o", "ok.out.ipynb", "--seed", "7"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(normalise(result.stderr, dir)).toContain(
      "replab: ran 3 cells of ok.ipynb in <t>s (seed 7); wrote <dir>/ok.out.ipynb",
    );
    const out = join(dir, "ok.out.ipynb");
    expect(nbformatErrors(out)).toBe("");
    const written = readJson(out);
    expect(written.cells.map((c) => c["execution_count"])).toEqual([1, 2, 3]);
    expect(outputs(out, 0)).toEqual([
      { output_type: "stream", name: "stdout", text: ["hello\n"] },
      { output_type: "stream", name: "stderr", text: ["careful\n"] },
    ]);
    expect(outputs(out, 1)).toEqual([
      {
        output_type: "execute_result",
        execution_count: 2,
        data: { "text/plain": "42" },
        metadata: {},
      },
    ]);
    expect(outputs(out, 2)).toEqual([
      { output_type: "display_data", data: { "text/html": "<b>bold</b>" }, metadata: {} },
    ]);
    const replabMeta = written.metadata["replab"] as Record<string, unknown>;
    expect(replabMeta).toMatchObject({
      seed: 7,
      runtime: { node: process.versions.node },
      data: [],
    });
    expect(replabMeta["lineage"]).toMatchObject({ schema: "replab.lineage/1", seed: 7 });
    const cellMeta = (written.cells[1]?.["metadata"] as Record<string, Record<string, unknown>>)[
      "replab"
    ];
    expect(cellMeta?.["sourceSha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(cellMeta?.["outputSha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof cellMeta?.["durationMs"]).toBe("number");
    expect(readJson(nb).cells[0]?.["outputs"]).toEqual([]);
  });

  it("gives an nbformat 4.4 notebook stable cell ids and writes valid 4.5", () => {
    const nb = join(dir, "old44.ipynb");
    const cell = {
      cell_type: "code",
      metadata: {},
      source: "1 + 1",
      outputs: [],
      execution_count: null,
    };
    writeFileSync(
      nb,
      JSON.stringify({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells: [cell, cell] }),
    );
    const ids = (): unknown[] => {
      expect(
        replab(["run", "old44.ipynb", "-o", "old44.out.ipynb", "--quiet"], { cwd: dir }).code,
      ).toBe(0);
      expect(nbformatErrors(join(dir, "old44.out.ipynb"))).toBe("");
      const out = readJson(join(dir, "old44.out.ipynb"));
      expect(out["nbformat_minor"]).toBe(5);
      return out.cells.map((c) => c["id"]);
    };
    const first = ids();
    expect(new Set(first).size).toBe(2);
    expect(ids()).toEqual(first);
  });

  it("replaces an existing output only when -o or --inplace says so", () => {
    const nb = join(dir, "twice.ipynb");
    writeNotebook(nb, ["1 + 1"]);
    expect(replab(["run", "twice.ipynb", "--quiet"], { cwd: dir }).code).toBe(0);
    const first = readFileSync(join(dir, "twice.out.ipynb"), "utf8");
    const again = replab(["run", "twice.ipynb"], { cwd: dir });
    expect(again.code).toBe(2);
    expectGolden("cli/run-output-exists.txt", normalise(again.stderr, dir));
    expect(readFileSync(join(dir, "twice.out.ipynb"), "utf8")).toBe(first);
    expect(
      replab(["run", "twice.ipynb", "-o", "twice.out.ipynb", "--quiet"], { cwd: dir }).code,
    ).toBe(0);
    expect(replab(["run", "twice.ipynb", "--inplace", "--quiet"], { cwd: dir }).code).toBe(0);
    expect(readJson(nb).cells[0]?.["execution_count"]).toBe(1);
  });

  it("stops at the first failing cell, names it, and exits 1; --allow-errors runs on", () => {
    const nb = join(dir, "fails.ipynb");
    writeNotebook(nb, [
      'console.log("before")',
      { id: "boom", source: 'const a = 1;\nthrow new Error("no data for 2013")' },
      'console.log("after")',
      { id: "again", source: 'throw new RangeError("no data for 2014")' },
    ]);
    const failed = replab(["run", "fails.ipynb", "-o", "fails.out.ipynb", "--quiet"], { cwd: dir });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(
      "replab: cell boom (code cell 2) failed: Error: no data for 2013",
    );
    expect(failed.stderr).toMatch(/cell 2:2:7/);
    // stderr is a pipe here: the traceback's colours (kept in the notebook) stay out of it.
    expect(failed.stderr).not.toContain("\u001b[");
    const out = join(dir, "fails.out.ipynb");
    expect(nbformatErrors(out)).toBe("");
    expect(outputs(out, 1)).toMatchObject([
      { output_type: "error", ename: "Error", evalue: "no data for 2013" },
    ]);
    expect(readJson(out).cells[2]?.["execution_count"]).toBe(null);
    const allowed = replab(
      ["run", "fails.ipynb", "-o", "fails.out.ipynb", "--quiet", "--allow-errors"],
      { cwd: dir },
    );
    expect(allowed.code).toBe(0);
    expect(outputs(out, 2)).toEqual([{ output_type: "stream", name: "stdout", text: ["after\n"] }]);
    // Every failure is named, as a CI log of the run needs, not only the first.
    expect(allowed.stderr).toContain(
      "replab: cell boom (code cell 2) failed: Error: no data for 2013",
    );
    expect(allowed.stderr).toContain(
      "replab: cell again (code cell 4) failed: RangeError: no data for 2014",
    );
  });

  /** Run NAME.ipynb made of CELLS, which must exit 0 quietly; the executed notebook's path. */
  const runsCleanly = (name: string, cells: string[]): string => {
    writeNotebook(join(dir, `${name}.ipynb`), cells);
    const args = ["run", `${name}.ipynb`, "-o", `${name}.out.ipynb`, "--quiet"];
    const run = replab(args, { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    return join(dir, `${name}.out.ipynb`);
  };

  // The end of a run reads every variable (the audit's frame profiles and model cards): a value
  // that cannot be read once it is bound must not lose the notebook that ran.
  it("writes the notebook when a variable holds a revoked Proxy or one whose traps throw", () => {
    const out = runsCleanly("proxies", [
      "const r = Proxy.revocable({}, {});\nr.revoke();\nconst revoked = r.proxy;",
      'const hostile = new Proxy({}, { get() { throw new Error("get") }, has() { throw new Error("has") } });',
      '"ran"',
    ]);
    expect(outputs(out, 2)).toMatchObject([{ data: { "text/plain": "'ran'" } }]);
    expect(readJson(out)["metadata"]).toMatchObject({ replab: { audit: { frames: [] } } });
  });

  // A headless run keeps a display as the kernel sends it: wire JSON made when it is shown.
  it("keeps a display as it was shown: a BigInt, a revoked Proxy, a value changed afterwards", () => {
    const out = runsCleanly("displays", [
      'import { display } from "replab";\nconst o = { a: 1, big: 2n ** 70n };\ndisplay.json(o);\nvoid (o.a = 2);',
      "const r = Proxy.revocable({}, {});\nr.revoke();\ndisplay.json({ inner: r.proxy });",
    ]);
    expect(outputs(out, 0)).toMatchObject([
      { data: { "application/json": { a: 1, big: "1180591620717411303424" } } },
    ]);
    expect(outputs(out, 1)).toMatchObject([
      { data: { "application/json": { inner: expect.stringMatching(/^\[Unreadable: /) } } },
    ]);
  });

  it("injects -p parameters after the cell tagged parameters", () => {
    const nb = join(dir, "params.ipynb");
    writeNotebook(nb, [
      { source: 'const year = 2012;\nconst city = "Seattle";', tags: ["parameters"] },
      "console.log(city, year + 1)",
    ]);
    const result = replab(
      [
        "run",
        "params.ipynb",
        "-o",
        "params.out.ipynb",
        "-p",
        "year=2015",
        "-p",
        "city=Tokyo",
        "--quiet",
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const out = readJson(join(dir, "params.out.ipynb"));
    expect(out.cells[1]?.["metadata"]).toMatchObject({ tags: ["injected-parameters"] });
    expect((out.cells[1]?.["source"] as string[]).join("")).toBe(
      '// Parameters\nlet year = 2015;\nlet city = "Tokyo";\n',
    );
    expect(out.cells[2]?.["outputs"]).toEqual([
      { output_type: "stream", name: "stdout", text: ["Tokyo 2016\n"] },
    ]);
    // Both names are the parameters cell's own: nothing to warn about.
    expect(result.stderr).toBe("");
  });

  it("warns about a -p name the parameters cell does not declare (a typo runs the default)", () => {
    const nb = join(dir, "params-typo.ipynb");
    writeNotebook(nb, [
      { source: "let learningRate = 0.1, epochs = 3;", tags: ["parameters"] },
      "console.log(learningRate, epochs)",
    ]);
    const args = ["run", "params-typo.ipynb", "-o", "params-typo.out.ipynb", "--quiet"];
    const result = replab([...args, "-p", "lerningRate=0.5", "-p", "epochs=5"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'replab: -p lerningRate: the cell tagged "parameters" declares no lerningRate (it declares learningRate, epochs); it is set anyway\n',
    );
    expect(outputs(join(dir, "params-typo.out.ipynb"), 2)).toEqual([
      { output_type: "stream", name: "stdout", text: ["0.1 5\n"] },
    ]);
  });

  it("takes the seed from --seed, then REPLAB_SEED, then the notebook, then 42", () => {
    const nb = join(dir, "seed.ipynb");
    writeNotebook(nb, ["1"]);
    const seedOf = (args: string[], env: Record<string, string> = {}): unknown => {
      expect(
        replab(["run", "seed.ipynb", "-o", "seed.out.ipynb", "--quiet", ...args], { cwd: dir, env })
          .code,
      ).toBe(0);
      return (readJson(join(dir, "seed.out.ipynb")).metadata["replab"] as Record<string, unknown>)[
        "seed"
      ];
    };
    expect(seedOf([])).toBe(42);
    expect(seedOf([], { REPLAB_SEED: "5" })).toBe(5);
    expect(seedOf(["--seed", "9"], { REPLAB_SEED: "5" })).toBe(9);
    const stored = readJson(nb);
    stored.metadata["replab"] = { seed: 77 };
    writeFileSync(nb, JSON.stringify(stored));
    expect(seedOf([])).toBe(77);
    expect(seedOf([], { REPLAB_SEED: "5" })).toBe(5);
    // Five runs in a row: on a loaded 2-core machine that is more than the default hang guard.
  }, 300_000);

  it("--check names the first cell whose outputs changed, with a short diff", () => {
    const nb = join(dir, "check.ipynb");
    writeNotebook(nb, [
      'console.log("stable")',
      { id: "total", source: 'console.log("total: 42")' },
    ]);
    expect(replab(["run", "check.ipynb", "--inplace", "--quiet"], { cwd: dir }).code).toBe(0);
    const same = replab(["run", "check.ipynb", "--check"], { cwd: dir });
    expect(same.code).toBe(0);
    expect(same.stderr).toContain(
      "replab: check ok: every cell of check.ipynb gave its stored outputs",
    );
    const stored = readJson(nb);
    (stored.cells[1] as { outputs: unknown[] }).outputs = [
      { output_type: "stream", name: "stdout", text: ["total: 41\n"] },
    ];
    writeFileSync(nb, JSON.stringify(stored));
    const changed = replab(["run", "check.ipynb", "--check", "--quiet"], { cwd: dir });
    expect(changed.code).toBe(1);
    expectGolden("cli/run-check-differs.txt", normalise(changed.stderr, dir));
    expect(readJson(nb).cells[1]?.["outputs"]).toEqual([
      { output_type: "stream", name: "stdout", text: ["total: 41\n"] },
    ]);
  });

  it("--check marks a cell flagged nondeterministic that differs, and fails on the next one that is not", () => {
    const nb = join(dir, "flagged.ipynb");
    writeNotebook(nb, [
      { id: "uuid", source: "crypto.randomUUID()" },
      { id: "stable", source: 'console.log("total: 42")' },
    ]);
    expect(replab(["run", "flagged.ipynb", "--inplace", "--quiet"], { cwd: dir }).code).toBe(0);
    const rerun = replab(["run", "flagged.ipynb", "--check"], { cwd: dir });
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toMatch(
      /^replab: check marked, not failed: cell uuid \(code cell 1\) gave different outputs \(the cell is flagged nondeterministic: crypto:randomUUID\)\n- '[0-9a-f-]{36}'\n\+ '[0-9a-f-]{36}'\n/m,
    );
    expect(rerun.stderr).toContain(
      "replab: check ok: every cell not flagged nondeterministic (1 flagged cell differed) of flagged.ipynb gave its stored outputs",
    );
    const stored = readJson(nb);
    (stored.cells[1] as { outputs: unknown[] }).outputs = [
      { output_type: "stream", name: "stdout", text: ["total: 41\n"] },
    ];
    writeFileSync(nb, JSON.stringify(stored));
    const changed = replab(["run", "flagged.ipynb", "--check", "--quiet"], { cwd: dir });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/check marked, not failed: cell uuid/);
    expect(changed.stderr).toContain(
      "replab: check failed: cell stable (code cell 2) gave different outputs\n- total: 41\n+ total: 42\n",
    );
  });

  it("--timeout interrupts a cell that waits, one that loops, and one that loops after an await", () => {
    const nb = join(dir, "slow.ipynb");
    const cases = [
      { id: "waits", source: "await new Promise((r) => setTimeout(r, 120_000));" },
      { id: "loops", source: "while (true) {}" },
      { id: "awaits-then-loops", source: "await null;\nwhile (true) {}" },
    ];
    for (const cell of cases) {
      writeNotebook(nb, [cell]);
      const result = replab(
        ["run", "slow.ipynb", "-o", "slow.out.ipynb", "--timeout", "0.5", "--quiet"],
        { cwd: dir },
      );
      expect(result.code, cell.id).toBe(1);
      expect(result.stderr).toContain(
        `replab: cell ${cell.id} (code cell 1) failed: Timeout: the cell ran longer than --timeout 0.5 s`,
      );
    }
  });

  it("runs several notebooks in parallel with -j, one summary line each", () => {
    writeNotebook(join(dir, "p1.ipynb"), ['console.log("one")']);
    writeNotebook(join(dir, "p2.ipynb"), [{ id: "bad", source: "throw new Error('two')" }]);
    const result = replab(["run", "p1.ipynb", "p2.ipynb", "-j", "2", "--inplace"], { cwd: dir });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n").sort();
    expect(lines).toEqual([
      "FAIL p2.ipynb  replab: cell bad (code cell 1) failed: Error: two",
      "ok   p1.ipynb",
    ]);
    expect(existsSync(join(dir, "p1.ipynb"))).toBe(true);
    expect(outputs(join(dir, "p1.ipynb"), 0)).toEqual([
      { output_type: "stream", name: "stdout", text: ["one\n"] },
    ]);
  });
});
