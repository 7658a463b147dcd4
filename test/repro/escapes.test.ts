/**
 * Reads and writes that escaped the lineage (issue 10, item 4), through `replab run`:
 * `require("./data.json")` is a read with the hash of the file's bytes, an unawaited
 * `createWriteStream(...).end()` is a write with the hash of what was finally written (the
 * stream finishes after the cell's code returned), and a write stream the cell leaves open is
 * flagged, since what it writes later is not seen.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

interface Edge {
  from: string;
  to: string;
  kind: string;
  sha256?: string;
  bytes?: number;
}
interface Node {
  kind: string;
  id: string;
  nondeterminism?: string[];
}

let dir: string;
let edges: Edge[];
let nodes: Node[];

const sha256 = (path: string): string =>
  createHash("sha256").update(readFileSync(path)).digest("hex");

beforeAll(() => {
  dir = scratch("escapes");
  writeFileSync(join(dir, "data.json"), '{ "rows": [1, 2, 3] }\n');
  writeNotebook(join(dir, "nb.ipynb"), [
    { id: "json", source: 'const data = require("./data.json");\nconsole.log(data.rows.length);' },
    {
      id: "stream",
      source:
        'import { createWriteStream } from "node:fs";\nconst out = createWriteStream("out.txt");\nfor (let i = 0; i < 50000; i++) out.write(`line ${i}\\n`);\nout.end();',
    },
    { id: "open", source: 'const left = createWriteStream("open.txt");\nleft.write("x");' },
  ]);
  const run = replab(["run", "nb.ipynb", "-o", "run.ipynb", "--quiet"], { cwd: dir });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  const nb = JSON.parse(readFileSync(join(dir, "run.ipynb"), "utf8")) as {
    metadata: { replab: { lineage: { nodes: Node[]; edges: Edge[] } } };
  };
  ({ nodes, edges } = nb.metadata.replab.lineage);
}, 180_000);

describe("I/O that used to escape the lineage", () => {
  it('require("./data.json") is a read of the bytes it loaded', () => {
    const read = edges.find((e) => e.kind === "read" && e.to === "json");
    expect(read).toMatchObject({
      from: "file:data.json",
      sha256: sha256(join(dir, "data.json")),
      bytes: 22,
    });
  });

  it("an unawaited createWriteStream().end() is a write of what was finally written", () => {
    const write = edges.find((e) => e.kind === "write" && e.from === "stream");
    const size = readFileSync(join(dir, "out.txt")).length;
    expect(size).toBeGreaterThan(400_000);
    expect(write).toMatchObject({
      to: "file:out.txt",
      sha256: sha256(join(dir, "out.txt")),
      bytes: size,
    });
    expect(nodes.find((n) => n.id === "stream")?.nondeterminism).toEqual([]);
  });

  it("a write stream left open when the cell ends is flagged", () => {
    expect(nodes.find((n) => n.id === "open")?.nondeterminism).toEqual([
      "unseen-io:createWriteStream",
    ]);
  });
});
