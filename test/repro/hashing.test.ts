/** File and frame hashes (docs/integrity.md, "File hashes"; docs/frame-hash.md). */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { hashFrame, HASH_SYMBOL, isFrame } from "../../runtime/hashing/frame.js";
import { hashFile, sha256Hex } from "../../runtime/hashing/sha256.js";
import { sha256sum, tempNotebookDir, transpileForChild } from "./helpers.js";

const DATA = join(import.meta.dirname, "..", "..", "node_modules", "vega-datasets", "data");

describe("file hashes", () => {
  test("equal sha256sum for empty, small, and multi-chunk files", async () => {
    const dir = tempNotebookDir();
    const sizes = [0, 5, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 17];
    for (const size of sizes) {
      const path = join(dir, `f${size}`);
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24;
      writeFileSync(path, bytes);
      expect(await hashFile(path)).toEqual({ sha256: sha256sum(path), bytes: size });
    }
    const csv = join(DATA, "seattle-weather.csv");
    expect((await hashFile(csv)).sha256).toBe(sha256sum(csv));
  });

  test("a missing file rejects with the fs error", async () => {
    await expect(hashFile(join(tempNotebookDir(), "nope"))).rejects.toMatchObject({
      code: "ENOENT",
    });
  });

  test("hashing a generated 2 GB file stays under 200 MB of memory", () => {
    const build = transpileForChild();
    const dir = tempNotebookDir();
    const path = join(dir, "big.bin");
    // Non-zero, non-repeating-per-chunk content written in 16 MiB blocks.
    const script = `
      import { openSync, writeSync, closeSync } from "node:fs";
      import { hashFile } from ${JSON.stringify(join(build, "runtime/hashing/sha256.js"))};
      const fd = openSync(${JSON.stringify(path)}, "w");
      const block = Buffer.alloc(1 << 24);
      for (let b = 0; b < 128; b++) { block.fill(b); block.writeUInt32BE(b, 0); writeSync(fd, block); }
      closeSync(fd);
      const before = process.memoryUsage().rss;
      const result = await hashFile(${JSON.stringify(path)});
      const usage = process.resourceUsage();
      console.log(JSON.stringify({ ...result, maxRssBytes: usage.maxRSS * 1024, before, heap: process.memoryUsage().heapUsed }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    const result = JSON.parse(out) as {
      sha256: string;
      bytes: number;
      maxRssBytes: number;
      heap: number;
    };
    expect(result.bytes).toBe(2 * 1024 ** 3);
    expect(result.sha256).toBe(sha256sum(path));
    expect(result.maxRssBytes).toBeLessThan(200 * 1024 * 1024);
    execFileSync("rm", ["-f", path]);
  }, 300_000);
});

describe("frame hashes", () => {
  test("the same table from CSV and from JSON has one hash", async () => {
    const dfd = await import("danfojs-node");
    const dir = tempNotebookDir();
    const csvPath = join(DATA, "seattle-weather.csv");
    const [header, ...lines] = readFileSync(csvPath, "utf8").trim().split("\n");
    const names = (header ?? "").split(",");
    const rows = lines.map((line) =>
      Object.fromEntries(
        line.split(",").map((v, i) => [names[i], i === 0 || i === 5 ? v : Number(v)]),
      ),
    );
    const jsonPath = join(dir, "seattle-weather.json");
    writeFileSync(jsonPath, JSON.stringify(rows, null, 1));
    const fromCsv = await dfd.readCSV(csvPath);
    const fromJson = await dfd.readJSON(jsonPath);
    const a = hashFrame(fromCsv);
    const b = hashFrame(fromJson);
    expect(a).toBeDefined();
    expect(a?.rows).toBe(lines.length);
    expect(a?.columns).toEqual(names);
    expect(b).toEqual(a);
    const changed = fromCsv.copy();
    changed.addColumn("wind", changed["wind"].add(0.1), { inplace: true });
    expect(hashFrame(changed)?.sha256).not.toBe(a?.sha256);
  });

  test("int and float widths, -0 and NaN are canonical", async () => {
    const dfd = await import("danfojs-node");
    const a = new dfd.DataFrame({ x: [1, 2, 3], y: ["a", "b", "c"] });
    const b = new dfd.DataFrame(
      { x: [1.0, 2.0, 3.0], y: ["a", "b", "c"] },
      { dtypes: ["float32", "string"] },
    );
    expect(hashFrame(a)?.sha256).toBe(hashFrame(b)?.sha256);
    const reordered = new dfd.DataFrame({ y: ["a", "b", "c"], x: [1, 2, 3] });
    expect(hashFrame(reordered)?.sha256).not.toBe(hashFrame(a)?.sha256);
  });

  test("objects may declare their own hash; other values are not frames", () => {
    const sha = sha256Hex("mine");
    const own = { [HASH_SYMBOL]: () => ({ sha256: sha, rows: 2, columns: ["a"] }) };
    expect(hashFrame(own)).toEqual({ sha256: sha, rows: 2, columns: ["a"] });
    expect(isFrame([1, 2])).toBe(false);
    expect(isFrame({ columns: [] })).toBe(false);
    expect(hashFrame(null)).toBeUndefined();
  });
});
