/**
 * The example notebooks (notebooks/) as a user runs them: as shipped they re-run to their
 * saved outputs (--check); then headless, exported with their
 * data, and the export verified, which re-runs every cell in a fresh process and compares
 * its stdout and the data hashes with the notebook's run.
 */
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, nbformatErrors, replab, scratch } from "../cli/helpers.js";

const NOTEBOOKS = ["quickstart", "penguins-danfo", "tfjs-regression"];

describe.each(NOTEBOOKS)("notebooks/%s.ipynb", (name) => {
  it("runs headless, exports, and its export verifies", () => {
    const dir = scratch(name);
    // A copy next to its data, so the test never writes into notebooks/.
    cpSync(join(ROOT, "notebooks/data"), join(dir, "data"), { recursive: true });
    cpSync(join(ROOT, `notebooks/${name}.ipynb`), join(dir, `${name}.ipynb`));
    // The notebook as shipped re-runs to the outputs it was saved with (a chart that changed
    // since would show here first).
    const shipped = replab(["run", `${name}.ipynb`, "--check", "--quiet"], { cwd: dir });
    expect(shipped.stderr).toBe("");
    expect(shipped.code).toBe(0);
    const run = replab(["run", `${name}.ipynb`, "--inplace", "--quiet"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const executed = join(dir, `${name}.ipynb`);
    expect(nbformatErrors(executed)).toBe("");
    const again = replab(["run", `${name}.ipynb`, "--check", "--quiet"], { cwd: dir });
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    const exported = replab(["export", `${name}.ipynb`, "-o", "pipeline", "--include-data"], {
      cwd: dir,
    });
    expect(exported.code).toBe(0);
    const verify = replab(["verify", "pipeline"], { cwd: dir });
    // Every example notebook ends with a chart: its displayed results are checked too.
    const verified =
      /^replab: verified pipeline: \d+ cells \((\d+) displayed results?\) and \d+ data files match repro.lock.json\n$/.exec(
        verify.stderr,
      );
    expect(verified, verify.stderr).not.toBeNull();
    expect(Number(verified?.[1])).toBeGreaterThan(0);
    expect(verify.code).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, "pipeline/repro.lock.json"), "utf8")) as {
      seed: number;
    };
    expect(lock.seed).toBe(42);
    // Four fresh processes, two of them loading danfo or tfjs: a hang guard, not a speed check.
  }, 240_000);
});
