/**
 * `replab report`'s command line and `%repro report`: help is the golden usage text (exit 0),
 * bad options are usage errors (exit 2, nothing written), and the magic writes the same report
 * from the live session beside the notebook.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden, replab, scratch, writeNotebook } from "../cli/helpers.js";

describe("replab report options", () => {
  it("prints its usage for help report, report --help and report -h", () => {
    const results = [
      ["help", "report"],
      ["report", "--help"],
      ["report", "-h"],
    ].map((a) => replab(a));
    for (const result of results)
      expect(result).toMatchObject({ code: 0, stderr: "", stdout: results[0]?.stdout });
    expectGolden("cli/help-report.txt", results[0]?.stdout ?? "");
  });

  it("refuses an unknown format or option and a missing notebook, exit 2, nothing written", () => {
    const dir = scratch("audit-cli");
    const out = join(dir, "r.html");
    const format = replab(["report", "nb.ipynb", "--format", "pdf", "-o", out], { cwd: dir });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("replab: --format must be one of html, md");
    expect(format.stderr).toContain("run 'replab help report' for its options");
    expect(replab(["report", "nb.ipynb", "--colour", "-o", out], { cwd: dir }).stderr).toContain(
      "unknown option --colour",
    );
    expect(replab(["report", "-o", out], { cwd: dir }).stderr).toContain(
      "expected one notebook, got 0",
    );
    const missing = replab(["report", "gone.ipynb", "-o", out], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});

describe("%repro report", () => {
  it(
    "writes the live session's report, verdict and code included, beside the notebook",
    { timeout: 120_000 },
    () => {
      const dir = scratch("audit-magic");
      writeNotebook(join(dir, "nb.ipynb"), [
        { id: "draw", source: "const x = Math.random();\nconsole.log(x < 1);" },
        { id: "when", source: "const t = Date.now();" },
        { id: "report", source: "%repro report -o audit.md --format md" },
      ]);
      const run = replab(["run", "nb.ipynb", "-o", "nb.out.ipynb", "--quiet"], { cwd: dir });
      expect(run).toMatchObject({ code: 0, stderr: "" });
      const md = readFileSync(join(dir, "audit.md"), "utf8");
      expect(md).toContain(
        "**not reproducible: cell when reads the clock (Date.now), in the cell's own code**",
      );
      expect(md).toContain("const x = Math.random();");
      expect(md).toMatch(/\| draw \| 1 \| ok \| x \|/);
      const nb = JSON.parse(readFileSync(join(dir, "nb.out.ipynb"), "utf8")) as {
        cells: { outputs: { text?: string[] }[] }[];
      };
      expect(nb.cells[2]?.outputs[0]?.text?.join("")).toContain(
        "wrote audit.md: not reproducible: cell when reads the clock",
      );
    },
  );

  it("is a usage error for an option it does not have", { timeout: 120_000 }, () => {
    const dir = scratch("audit-magic-bad");
    writeNotebook(join(dir, "nb.ipynb"), ["%repro report --pdf"]);
    const run = replab(["run", "nb.ipynb", "-o", "nb.out.ipynb", "--quiet"], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "%repro report: cannot read '--pdf'; use %repro report [-o FILE] [--format html|md] [--verify DIR]",
    );
  });
});

describe("the model card", () => {
  it(
    "takes training params and final metrics from the run's record when the notebook logged them",
    { timeout: 180_000 },
    () => {
      const dir = scratch("audit-record");
      writeNotebook(join(dir, "fit.ipynb"), [
        {
          id: "setup",
          source:
            'import * as tf from "@tensorflow/tfjs";\nimport { log } from "replab";\nawait tf.setBackend("cpu");',
        },
        {
          id: "fit",
          source:
            'const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 1, inputShape: [1] }));\nmodel.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });\nlog.param("lr", 0.1);\nconst h = await model.fit(tf.tensor2d([1, 2], [2, 1]), tf.tensor2d([2, 4], [2, 1]), { epochs: 3, verbose: 0 });\nlog.metric("final_loss", (h.history["loss"] as number[])[2] ?? 0);',
        },
      ]);
      expect(
        replab(["run", "fit.ipynb", "-o", "fit.out.ipynb", "--quiet"], { cwd: dir }).code,
      ).toBe(0);
      const md = replab(["report", "fit.out.ipynb", "--format", "md"], { cwd: dir }).stdout;
      expect(md).toMatch(
        /\| Training parameters \| lr: 0\.1 \(from run record \d{8}-\d{6}-[0-9a-f]{6}\) \|/,
      );
      expect(md).toMatch(/\| Final metrics \| final_loss: \d/);
      expect(md).toContain("| Optimizer | SGD learningRate: 0.1 |");
    },
  );
});
