/**
 * The recorded hash of a read is the bytes the cell read, even when the cell changes the file
 * right after; and the read itself returns exactly what Node would have returned.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { Recorder } from "../../runtime/repro/recorder.js";
import { runCell, tempNotebookDir } from "./helpers.js";

let recorder: Recorder | undefined;
afterEach(() => {
  recorder?.dispose();
  recorder = undefined;
});

const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

/** What the lineage says cell `cellId` read of `path`: the read edge's content. */
function readRecord(
  r: Recorder,
  cellId: string,
  path: string,
): { sha256?: string; bytes?: number } | undefined {
  return r
    .graph()
    .edges.find((e) => e.kind === "read" && e.to === cellId && e.from === `file:${path}`);
}

async function readThenChange(read: (path: string) => Promise<unknown> | unknown) {
  const dir = tempNotebookDir();
  recorder = new Recorder({ notebookDir: dir, seed: 1, journal: false });
  const path = join(dir, "rw.txt");
  const original = Buffer.from("the bytes the cell saw\n");
  fs.writeFileSync(path, original);
  let value: unknown;
  await runCell(recorder, { cellId: "rw", executionCount: 1 }, async () => {
    value = await read(path);
    fs.writeFileSync(path, "CHANGED");
  });
  return { record: readRecord(recorder, "rw", "rw.txt"), original, value };
}

describe("a read is hashed from the bytes it returned", () => {
  const reads: [string, (path: string) => Promise<unknown> | unknown][] = [
    ["readFileSync", (p) => fs.readFileSync(p)],
    ["readFileSync with utf8", (p) => fs.readFileSync(p, "utf8")],
    [
      "readFile (callback)",
      (p) => new Promise((ok) => fs.readFile(p, { encoding: "utf8" }, (_e, d) => ok(d))),
    ],
    ["fs.promises.readFile", (p) => fsp.readFile(p, "utf8")],
    [
      "createReadStream read to the end",
      async (p) => {
        let text = "";
        for await (const chunk of fs.createReadStream(p, { encoding: "utf8" }))
          text += String(chunk);
        return text;
      },
    ],
  ];
  for (const [name, read] of reads) {
    test(`${name}, then the file is rewritten in the same cell`, async () => {
      const { record, original, value } = await readThenChange(read);
      expect(record?.sha256).toBe(sha(original));
      expect(record?.bytes).toBe(original.length);
      expect(String(value)).toBe(original.toString("utf8"));
    });
  }

  test("an 8 MiB file read and then appended to is recorded at the size that was read", async () => {
    const dir = tempNotebookDir();
    recorder = new Recorder({ notebookDir: dir, seed: 1, journal: false });
    const path = join(dir, "big.bin");
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    fs.writeFileSync(path, big);
    await runCell(recorder, { cellId: "big", executionCount: 1 }, () => {
      fs.readFileSync(path);
      fs.appendFileSync(path, "more");
    });
    const record = readRecord(recorder, "big", "big.bin");
    expect(record?.bytes).toBe(big.length);
    expect(record?.sha256).toBe(sha(big));
  });
});

describe("the traced read returns what Node returns", () => {
  test("every encoding, invalid UTF-8 included, decodes as it would untraced", async () => {
    const dir = tempNotebookDir();
    const path = join(dir, "mixed.bin");
    const bytes = Buffer.from([0x68, 0xc3, 0xa9, 0xff, 0xfe, 0x00, 0x41, 0xe2, 0x82]);
    fs.writeFileSync(path, bytes);
    const encodings = ["utf8", "latin1", "hex", "base64", "utf16le", "ascii"] as const;
    const untraced = encodings.map((e) => fs.readFileSync(path, e));
    recorder = new Recorder({ notebookDir: dir, seed: 1, journal: false });
    let traced: string[] = [];
    await runCell(recorder, { cellId: "enc", executionCount: 1 }, async () => {
      traced = encodings.map((e) => fs.readFileSync(path, { encoding: e }));
      traced.push(await fsp.readFile(path, "latin1"));
    });
    expect(traced).toEqual([...untraced, bytes.toString("latin1")]);
  });

  test("a missing file still throws ENOENT and records nothing", async () => {
    const dir = tempNotebookDir();
    recorder = new Recorder({ notebookDir: dir, seed: 1, journal: false });
    let code: unknown;
    await runCell(recorder, { cellId: "none", executionCount: 1 }, async () => {
      await fsp
        .readFile(join(dir, "nope.txt"), "utf8")
        .catch((e: NodeJS.ErrnoException) => (code = e.code));
    });
    expect(code).toBe("ENOENT");
    expect(readRecord(recorder, "none", "nope.txt")).toBeUndefined();
  });
});
