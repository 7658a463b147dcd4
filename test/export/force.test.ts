/**
 * `replab export --force` and `%repro export --force` never delete what replab did not write
 * (docs/contracts.md, "Export directory"): the notebook's directory, its parent, a file and a
 * foreign directory are
 * refused with nothing changed; an earlier export is replaced and the user's files in it kept.
 */
import { createHash } from "node:crypto";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { isReplabError } from "../../runtime/errors.js";
import type { LineageGraph } from "../../runtime/lineage/types.js";
import { reproExport } from "../../runtime/magics/repro-export.js";
import { NotebookOutputSink } from "../../runtime/runner/outputs.js";
import { replab, scratch } from "../cli/helpers.js";
import { writeStoredRun } from "./stored-run.js";

/** A recursive listing of `root` with each file's sha256 (directories and links too). */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const rel = relative(root, path);
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        out.push(`${rel}/`);
        walk(path);
      } else if (stat.isSymbolicLink()) out.push(`${rel} -> ${readlinkSync(path)}`);
      else out.push(`${rel} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`);
    }
  };
  walk(root);
  return out;
}

/** A project with a notebook in project/nb/ (and a notes file beside it), as users keep one. */
function project(): { root: string; nb: string } {
  const root = scratch("force");
  const nb = join(root, "project", "nb");
  mkdirSync(nb, { recursive: true });
  writeStoredRun(nb);
  writeFileSync(join(nb, "notes.md"), "my notes\n");
  writeFileSync(join(root, "project", "README.md"), "the project\n");
  return { root, nb };
}

const exportIn = (cwd: string, ...args: string[]) =>
  replab(["export", "stored.ipynb", ...args], { cwd });

describe("replab export --force refuses what it did not write", () => {
  it.each([
    [".", /is the notebook's own directory; replab export never writes there/],
    ["..", /is an ancestor of the notebook's directory; replab export never writes there/],
    ["stored.ipynb", /is a file or a link, not a directory; replab export writes a directory/],
    ["data", /is not empty and holds no \.replab-export\.json, so replab export did not write it/],
  ])("-o %s --force: exit 2, the path named, nothing changed", (dir, message) => {
    const { root, nb } = project();
    const before = snapshot(root);
    const result = exportIn(nb, "-o", dir, "--force");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(join(nb, dir).replace(/\/\.$/, ""));
    expect(snapshot(root)).toEqual(before);
  });

  it("the parent, named through a symlink, is refused too", () => {
    const { root, nb } = project();
    const link = join(root, "link");
    // A link to the project: its real path contains the notebook's directory.
    symlinkSync(join(root, "project"), link);
    const before = snapshot(root);
    const result = exportIn(nb, "-o", link, "--force");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/an ancestor of the notebook's directory/);
    expect(snapshot(root)).toEqual(before);
  });

  it("a second forced export replaces the first and keeps a user's file added inside", () => {
    const { root, nb } = project();
    expect(exportIn(nb, "-o", "out").code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(nb, "out/.replab-export.json"), "utf8")) as {
      files: { path: string; sha256: string }[];
    };
    expect(manifest.files.map((f) => f.path)).toContain("pipeline.mjs");
    for (const f of manifest.files)
      expect(
        createHash("sha256")
          .update(readFileSync(join(nb, "out", f.path)))
          .digest("hex"),
      ).toBe(f.sha256);
    writeFileSync(join(nb, "out/mine.txt"), "keep me\n");
    mkdirSync(join(nb, "out/notes"));
    writeFileSync(join(nb, "out/notes/n.md"), "also mine\n");
    writeFileSync(join(nb, "out/pipeline.ts"), "// edited, replaced by --force\n");
    const outside = snapshot(root).filter((line) => !line.startsWith("project/nb/out"));
    const result = exportIn(nb, "-o", "out", "--force", "--include-data");
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^replab: kept 2 file\(s\) in \S+\/nb\/out that replab export did not write: mine\.txt, notes\n/,
    );
    expect(readFileSync(join(nb, "out/mine.txt"), "utf8")).toBe("keep me\n");
    expect(readFileSync(join(nb, "out/notes/n.md"), "utf8")).toBe("also mine\n");
    expect(readFileSync(join(nb, "out/pipeline.ts"), "utf8")).not.toContain("edited");
    expect(readFileSync(join(nb, "out/data/data/numbers.csv"), "utf8")).toBe("3\n1\n4\n1\n");
    // Nothing else moved, and no temporary sibling was left behind.
    expect(snapshot(root).filter((line) => !line.startsWith("project/nb/out"))).toEqual(outside);
    // The data/ the second export added is listed; an export without it removes it again.
    expect(exportIn(nb, "-o", "out", "--force").code).toBe(0);
    expect(snapshot(join(nb, "out")).filter((l) => l.startsWith("data"))).toEqual([]);
    expect(readFileSync(join(nb, "out/mine.txt"), "utf8")).toBe("keep me\n");
  });

  it("refuses, changing nothing, when a user's file is where the new export would write", () => {
    const { root, nb } = project();
    expect(exportIn(nb, "-o", "out").code).toBe(0);
    // The first export had no data/; the user made a file named data there.
    writeFileSync(join(nb, "out/data"), "not a directory\n");
    const before = snapshot(root);
    const result = exportIn(nb, "-o", "out", "--force", "--include-data");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /out\/data was not written by replab export, and the new export would overwrite it/,
    );
    expect(snapshot(root)).toEqual(before);
  });

  it("an edited manifest naming a file outside the directory is refused", () => {
    const { root, nb } = project();
    expect(exportIn(nb, "-o", "out").code).toBe(0);
    const path = join(nb, "out/.replab-export.json");
    const manifest = JSON.parse(readFileSync(path, "utf8")) as { files: { path: string }[] };
    manifest.files.push({ path: "../notes.md" });
    writeFileSync(path, JSON.stringify(manifest));
    const before = snapshot(root);
    const result = exportIn(nb, "-o", "out", "--force");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /is not a valid replab export manifest \(\.\.\/notes\.md is not a path inside/,
    );
    expect(snapshot(root)).toEqual(before);
  });
});

describe("%repro export --force shares the rule", () => {
  it("refuses the notebook's directory and keeps a user's file in an earlier export", async () => {
    const { root, nb } = project();
    const code = "const n = 2;";
    const sourceSha256 = createHash("sha256").update(code).digest("hex");
    const engine = {
      language: "typescript" as const,
      notebookDir: nb,
      lineage: (): LineageGraph => ({
        schema: "replab.lineage/1",
        seed: 7,
        nodes: [
          {
            kind: "cell",
            id: "a",
            executionCount: 1,
            sourceSha256,
            defines: ["n"],
            uses: [],
            status: "ok",
            stale: false,
            nondeterminism: [],
          },
        ],
        edges: [],
      }),
      history: () => [{ session: 1, line: 1, input: code }],
    };
    const run = (dir: string, sink = new NotebookOutputSink()) =>
      reproExport({ args: ["export", dir, "--force"], body: "", sink, services: { engine } });
    const before = snapshot(root);
    const error = await run(".").catch((e: unknown) => e);
    expect(isReplabError(error, "export-exists")).toBe(true);
    expect(snapshot(root)).toEqual(before);
    await run("out");
    writeFileSync(join(nb, "out/mine.txt"), "keep me\n");
    const sink = new NotebookOutputSink();
    await run("out", sink);
    expect(readFileSync(join(nb, "out/mine.txt"), "utf8")).toBe("keep me\n");
    expect(JSON.stringify(sink.outputs())).toMatch(
      /kept 1 file\(s\) in \S+\/nb\/out that replab export did not write: mine\.txt/,
    );
  });
});
