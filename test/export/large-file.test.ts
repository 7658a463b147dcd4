/**
 * Files of 2 GiB and more are streamed everywhere (issue 10, item 8): `replab run` hashes the
 * stream a cell reads, `replab export --include-data` copies the file into data/ (it failed
 * with ERR_FS_FILE_TOO_LARGE), and `replab verify` and the pipeline check it (they called it
 * "missing"). The file is sparse, so it costs no disk until copied; memory is measured as
 * the peak RSS of the command and the processes it waited for (GNU time's %M), with a
 * generous bound far below the file's size.
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, statSync, statfsSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, scratch, writeNotebook } from "../cli/helpers.js";

const SIZE = 2 * 1024 ** 3 + 17; // past 2 GiB, and not a whole number of 1 MiB chunks
const TIME = "/usr/bin/time";
/**
 * Peak RSS allowed for any one command, in KiB: a quarter of the file. Holding the file would
 * take more than all of it; `replab run` alone needs ~210 MB for the TypeScript compiler.
 */
const BOUND_KIB = (SIZE / 4 / 1024) | 0;

function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Run `replab ARGS` under GNU time; returns its exit code, stderr and peak RSS (KiB). */
function measured(args: string[], cwd: string): { code: number; stderr: string; peakKiB: number } {
  const result = spawnSync(TIME, ["-f", "peak-rss-kib=%M", process.execPath, BIN, ...args], {
    cwd,
    env: { ...process.env, REPLAB_SEED: "" },
    encoding: "utf8",
    timeout: 600_000,
  });
  const match = /peak-rss-kib=(\d+)\n?$/.exec(result.stderr);
  return {
    code: result.status ?? -1,
    // GNU time adds "Command exited with non-zero status N" before its own line.
    stderr: result.stderr.replace(
      /(Command exited with non-zero status \d+\n)?peak-rss-kib=\d+\n?$/,
      "",
    ),
    peakKiB: Number(match?.[1] ?? Number.NaN),
  };
}

const dir = scratch("large-file");
const ready = existsSync(TIME) && freeBytes(dir) > 3 * SIZE;

describe.skipIf(!ready)("a data file past 2 GiB (needs GNU time and 6.5 GB free)", () => {
  it("is hashed by run, copied by export --include-data, and checked by verify and the pipeline, in bounded memory", () => {
    const big = join(dir, "big.bin");
    writeFileSync(big, "");
    truncateSync(big, SIZE);
    writeNotebook(join(dir, "nb.ipynb"), [
      'import { createReadStream } from "node:fs";\nlet n = 0;\nfor await (const chunk of createReadStream("big.bin")) n += chunk.length;\nconsole.log(n);',
    ]);
    const run = measured(["run", "nb.ipynb", "-o", "executed.ipynb", "--quiet"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.peakKiB).toBeLessThan(BOUND_KIB);

    const exported = measured(["export", "executed.ipynb", "-o", "out", "--include-data"], dir);
    expect(exported.stderr).toMatch(/^replab: exported executed\.ipynb to out/);
    expect(exported.code).toBe(0);
    expect(statSync(join(dir, "out/data/big.bin")).size).toBe(SIZE);
    expect(exported.peakKiB).toBeLessThan(BOUND_KIB);

    const verify = measured(["verify", "out"], dir);
    expect(verify.stderr).toBe(
      "replab: verified out: 1 cells and 1 data files match repro.lock.json\n",
    );
    expect(verify.code).toBe(0);
    // verify's own hash, the pipeline's check and the cell's read: all streamed.
    expect(verify.peakKiB).toBeLessThan(BOUND_KIB);

    // One byte more at the end: verify names the file with both sizes.
    truncateSync(join(dir, "out/data/big.bin"), SIZE + 1);
    const changed = measured(["verify", "out"], dir);
    expect(changed.stderr).toMatch(
      new RegExp(
        `^replab: data file big\\.bin differs: expected sha256 [0-9a-f]{64} \\(${SIZE} bytes\\), found [0-9a-f]{64} \\(${SIZE + 1} bytes\\)\\n$`,
      ),
    );
    expect(changed.code).toBe(1);
    // The copy is real data on disk (the sparse original is not): remove what this test made.
    rmSync(dir, { recursive: true, force: true });
  }, 900_000);
});
