import { describe, expect, it } from "vitest";
import {
  formatEnded,
  mergePrevious,
  previousBanner,
  previousFromLive,
  previousFromStored,
  previousNote,
  type PreviousLineage,
} from "../src/provenance.js";
import type { LineageGraph } from "../src/schema.js";
import { sampleGraph, sha } from "./fixtures.js";

describe("mergePrevious", () => {
  it("adds the previous kernel's cells this kernel has not run, with their edges", () => {
    const previous = sampleGraph();
    const live: LineageGraph = {
      ...previous,
      nodes: previous.nodes.filter((n) => n.id === "c1" || n.id === "file:data.csv"),
      edges: previous.edges.filter((e) => e.to === "c1"),
    };
    const all = new Set(["c1", "c2", "c3", "c4"]);
    const { graph, notRunHere } = mergePrevious(live, previous, all);
    expect([...notRunHere].sort()).toEqual(["c2", "c3", "c4"]);
    expect(graph.nodes).toHaveLength(previous.nodes.length);
    expect(graph.edges).toHaveLength(previous.edges.length);
    // This kernel's nodes come first and are this kernel's.
    expect(graph.nodes[0]).toBe(live.nodes[0]);
  });

  it("leaves out cells deleted from the notebook since", () => {
    const previous = sampleGraph();
    const live: LineageGraph = { ...previous, nodes: [], edges: [] };
    const { notRunHere } = mergePrevious(live, previous, new Set(["c1"]));
    expect([...notRunHere]).toEqual(["c1"]);
  });
});

describe("the previous kernel's lineage, as the panel labels it", () => {
  const live: LineageGraph = { ...sampleGraph(), nodes: [], edges: [] };
  const recovered: LineageGraph = {
    ...live,
    previousSession: {
      journal: ".replab/session-1764658800000-4242.jsonl",
      torn: 0,
      endedAt: new Date(2026, 11, 2, 7, 12, 5).toISOString(),
      graph: sampleGraph(),
    },
  };
  const sameDay = new Date(2026, 11, 2, 9, 0, 0);

  it("takes a live graph's previousSession as recovered from the journal", () => {
    const prev = previousFromLive(recovered);
    expect(prev?.from).toBe("journal");
    expect(prev?.graph).toBe(recovered.previousSession?.graph);
    expect(previousFromLive(live)).toBeNull();
  });

  it("marks every node it adds as the previous kernel's, files and frames too", () => {
    const previous = sampleGraph();
    const inNotebook = new Set(["c1", "c2"]);
    // c2's output was cleared (or the notebook was never saved with it): not marked not run.
    const withOutputs = new Set(["c1"]);
    const merged = mergePrevious(live, previous, inNotebook, withOutputs);
    const { previous: ids, notRunHere } = merged;
    expect([...notRunHere]).toEqual(["c1"]);
    expect(merged.graph.nodes.filter((n) => n.kind === "cell").map((n) => n.id)).toEqual([
      "c1",
      "c2",
    ]);
    // c3 and c4 were deleted from the notebook; the files and the frame stay.
    expect([...ids].sort()).toEqual(
      ["c1", "c2", "file:data.csv", "file:out.json", `frame:${sha("df")}`].sort(),
    );
  });

  it("says when the previous kernel ended and which journal it came from", () => {
    const prev = previousFromLive(recovered) as PreviousLineage;
    expect(previousBanner(prev, { cells: 4, notRun: 4 }, false, sameDay)).toBe(
      "Lineage of the previous kernel (4 cells): nothing has run in this kernel yet.\n" +
        "It ended 07:12:05; recovered from its journal .replab/session-1764658800000-4242.jsonl.",
    );
    expect(previousBanner(prev, { cells: 2, notRun: 1 }, true, sameDay)).toBe(
      "1 cell not run in this kernel (faded): its output is from the previous kernel.\n" +
        "It ended 07:12:05; recovered from its journal .replab/session-1764658800000-4242.jsonl.",
    );
    // Shown, but none of them has a result in the notebook (it was never saved).
    expect(previousBanner(prev, { cells: 2, notRun: 0 }, true, sameDay).split("\n")[0]).toBe(
      "2 cells of the previous kernel shown (prev): not run in this kernel.",
    );
    expect(previousBanner(prev, { cells: 0, notRun: 0 }, true, sameDay)).toBe("");
    expect(previousNote(prev, sameDay)).toBe(
      "from the previous kernel (ended 07:12:05), recovered from its journal .replab/session-1764658800000-4242.jsonl",
    );
  });

  it("says how many journal lines were torn, and leaves out an end the kernel did not give", () => {
    const prev: PreviousLineage = {
      graph: sampleGraph(),
      from: "journal",
      journal: "j.jsonl",
      torn: 2,
    };
    expect(previousBanner(prev, { cells: 2, notRun: 0 }, false, sameDay).split("\n")[1]).toBe(
      "Recovered from its journal j.jsonl (2 torn lines skipped).",
    );
  });

  it("a stored graph (no journal) is labelled as before, on one line", () => {
    const prev = previousFromStored(sampleGraph());
    expect(previousBanner(prev, { cells: 3, notRun: 3 }, true, sameDay)).toBe(
      "3 cells not run in this kernel (faded): their outputs are from the previous kernel.",
    );
    expect(previousNote(prev, sameDay)).toBe("from the previous kernel, as the notebook stored it");
  });

  it("gives the end as a time the same day, with the date before that", () => {
    const iso = new Date(2026, 11, 2, 7, 2, 9).toISOString();
    expect(formatEnded(iso, sameDay)).toBe("07:02:09");
    expect(formatEnded(iso, new Date(2026, 11, 3, 1, 0, 0))).toBe("2026-12-02 07:02");
  });
});
