/**
 * Differential: every corpus notebook runs under tslab 1.0.22 (its kernels driven by nbclient,
 * as `jupyter nbconvert --execute` drives them) and under `replab run`. Every cell tslab runs
 * must run under replab and print the same stdout; cells tagged `seeded` draw from an unseeded
 * Math.random under tslab, so they only have to run.
 */
import { describe, expect, it } from "vitest";
import {
  HAS_JUPYTER,
  cellRuns,
  copyCorpus,
  recordCounts,
  corpusNames,
  runUnderReplab,
  runUnderTslab,
} from "./harness.js";

describe.skipIf(!HAS_JUPYTER)("the corpus under tslab 1.0.22 and under replab", () => {
  it("runs every cell tslab runs, with the same stdout", async () => {
    const dir = copyCorpus("corpus-differential");
    const names = corpusNames();
    const [tslab, ours] = await Promise.all([
      runUnderTslab(dir, names),
      runUnderReplab(
        dir,
        names.map((n) => `${n}.ipynb`),
      ),
    ]);
    const differences: string[] = [];
    const counts = {
      notebooks: names.length,
      tslabFull: 0,
      replabFull: 0,
      cells: 0,
      tslabCells: 0,
      replabCells: 0,
    };
    for (const name of names) {
      const theirs = cellRuns(tslab.get(name)!);
      const mine = cellRuns(ours.get(`${name}.ipynb`)!);
      counts.cells += theirs.length;
      counts.tslabCells += theirs.filter((c) => !c.error).length;
      counts.replabCells += mine.filter((c) => !c.error).length;
      if (theirs.every((c) => !c.error)) counts.tslabFull++;
      if (mine.every((c) => !c.error)) counts.replabFull++;
      theirs.forEach((cell, i) => {
        const us = mine[i];
        const where = `${name}.ipynb cell ${i + 1}`;
        if (cell.error || us === undefined) return;
        if (us.error) differences.push(`${where} fails under replab only`);
        else if (!cell.seeded && us.stdout !== cell.stdout)
          differences.push(
            `${where}: tslab printed ${JSON.stringify(cell.stdout)}, replab ${JSON.stringify(us.stdout)}`,
          );
      });
    }
    recordCounts("differential", counts);
    expect(differences).toEqual([]);
    expect(counts.replabFull).toBeGreaterThanOrEqual(counts.tslabFull);
  }, 1_800_000);
});
