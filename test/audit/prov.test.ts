/**
 * W3C PROV: `replab lineage --format prov-json` of each example notebook, and of a notebook
 * that writes a file, is read by the reference `prov` library (PyPI prov 3.2.3): one bundle for
 * the run, one activity per executed cell, and the lineage's read edges as `used`, its write
 * and frame edges as `wasGeneratedBy`, its variable edges as `wasInformedBy`. PROV-N names the
 * same statements as prov's own serialisation of the JSON.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { replab } from "../cli/helpers.js";
import { EXAMPLES, outName, python, runExamples, writeFileNotebook } from "./setup.js";

interface Read {
  bundles: Record<
    string,
    {
      activities: string[];
      entities: string[];
      used: string[][];
      wasGeneratedBy: string[][];
      wasDerivedFrom: string[][];
      wasInformedBy: string[][];
    }
  >;
  topEntities: string[];
  provn: string;
}
interface Lineage {
  nodes: {
    kind: string;
    id: string;
    path?: string;
    sha256?: string;
    executionCount?: number | null;
  }[];
  edges: { from: string; to: string; kind: string; label: string }[];
}

let dir: string;
beforeAll(() => {
  dir = runExamples("audit-prov");
  writeFileNotebook(dir);
  const run = replab(["run", "writes.ipynb", "-o", "writes.out.ipynb", "--quiet"], { cwd: dir });
  if (run.code !== 0) throw new Error(run.stderr);
}, 600_000);

function readProv(nb: string): Read {
  const result = replab(["lineage", nb, "--format", "prov-json"], { cwd: dir });
  expect(result).toMatchObject({ code: 0, stderr: "" });
  const file = join(dir, `${nb}.prov.json`);
  writeFileSync(file, result.stdout);
  return python("read_prov.py", [file]) as Read;
}

function lineageOf(nb: string): Lineage {
  return JSON.parse(replab(["lineage", nb], { cwd: dir }).stdout) as Lineage;
}

function modelsOf(nb: string): { variable: string; cellId: string }[] {
  const stored = JSON.parse(readFileSync(join(dir, nb), "utf8")) as {
    metadata: { replab: { audit?: { models: { variable: string; cellId: string }[] } } };
  };
  return stored.metadata.replab.audit?.models ?? [];
}

/** The id prov prints for a lineage node: the prefixes and %-encoding of runtime/audit/prov.ts. */
function provId(lineage: Lineage, id: string): string {
  const node = lineage.nodes.find((n) => n.id === id);
  const local = (s: string): string =>
    [...Buffer.from(s)]
      .map((b) =>
        /[A-Za-z0-9_-]/.test(String.fromCharCode(b))
          ? String.fromCharCode(b)
          : `%${b.toString(16).toUpperCase()}`,
      )
      .join("");
  if (node?.kind === "file") return `file:${local(node.path ?? "")}`;
  if (node?.kind === "frame") return `frame:${node.sha256 ?? ""}`;
  return `cell:${local(id)}`;
}

const sorted = (pairs: string[][]): string[][] =>
  [...pairs].sort((a, b) => a.join(" ").localeCompare(b.join(" ")));

describe("replab lineage --format prov-json", () => {
  for (const nb of [...EXAMPLES.map(outName), "writes.out.ipynb"]) {
    it(
      `is read by the prov library for ${nb}: a bundle, an activity per executed cell, the lineage's edges`,
      { timeout: 60_000 },
      () => {
        const read = readProv(nb);
        const lineage = lineageOf(nb);
        const bundles = Object.entries(read.bundles);
        expect(bundles).toHaveLength(1);
        const [id, bundle] = bundles[0] ?? ["", undefined];
        expect(read.topEntities).toEqual([id]);
        const executed = lineage.nodes.filter(
          (n) => n.kind === "cell" && n.executionCount !== null,
        );
        expect(bundle?.activities).toEqual(executed.map((n) => provId(lineage, n.id)).sort());
        const edges = (kind: string, flip: boolean) =>
          sorted(
            lineage.edges
              .filter((e) => e.kind === kind)
              .map((e) =>
                flip
                  ? [provId(lineage, e.to), provId(lineage, e.from)]
                  : [provId(lineage, e.from), provId(lineage, e.to)],
              ),
          );
        expect(bundle?.used).toEqual(edges("read", true));
        // Models a cell holds at the end (metadata.replab.audit) are entities its cell generated too.
        const models = modelsOf(nb).map((m) => [`model:${m.variable}`, `cell:${m.cellId}`]);
        expect(bundle?.wasGeneratedBy).toEqual(
          sorted([...edges("write", true), ...edges("frame", true), ...models]),
        );
        // One communication per variable: data -> train twice, for xs and for ys.
        expect(bundle?.wasInformedBy).toEqual(edges("var", true));
      },
    );
  }

  it(
    "derives what a cell generated from what it used, and names the written file as an entity",
    { timeout: 60_000 },
    () => {
      const bundle = Object.values(readProv("writes.out.ipynb").bundles)[0];
      expect(bundle?.entities).toEqual(["file:data%2Fseattle-weather%2Ecsv", "file:rows%2Etxt"]);
      expect(bundle?.wasDerivedFrom).toEqual([
        ["file:rows%2Etxt", "file:data%2Fseattle-weather%2Ecsv"],
      ]);
    },
  );

  it(
    "prints PROV-N with the statements prov itself writes for the same document",
    { timeout: 60_000 },
    () => {
      for (const nb of ["writes.out.ipynb", outName("penguins-danfo.ipynb")]) {
        const ours = replab(["lineage", nb, "--format", "prov-n"], { cwd: dir }).stdout;
        const theirs = readProv(nb).provn;
        const statements = (text: string): string[] =>
          text
            .split("\n")
            .map(
              (l) =>
                /^\s*(document|endDocument|bundle|endBundle|activity|entity|used|wasGeneratedBy|wasDerivedFrom|wasInformedBy)\b/.exec(
                  l,
                )?.[1] ?? "",
            )
            .filter((s) => s !== "")
            .sort();
        expect(statements(ours)).toEqual(statements(theirs));
        expect(ours.startsWith("document\n")).toBe(true);
        expect(ours.trimEnd().endsWith("endDocument")).toBe(true);
      }
    },
  );
});
