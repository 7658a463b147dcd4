/**
 * The crash-safe journal: complete after kill -9, and replayable into the graph
 * (docs/integrity.md, "The journal").
 */
import { spawn } from "node:child_process";
import { appendFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { expect, test } from "vitest";
import { readJournal, replayJournal, type JournalRecord } from "../../runtime/lineage/journal.js";
import { Recorder } from "../../runtime/repro/recorder.js";
import { runCell, tempNotebookDir, transpileForChild } from "./helpers.js";

test("a journal replays into the same graph the recorder holds", async () => {
  const dir = tempNotebookDir();
  const r = new Recorder({ notebookDir: dir, seed: 3, journalName: "nb" });
  try {
    await runCell(r, { cellId: "a", executionCount: 1, code: "const x = 1;" });
    r.setSeed(4);
    await runCell(r, { cellId: "b", executionCount: 2, code: "const y = x + 1;" });
    await runCell(r, { cellId: "a", executionCount: 3, code: "const x = 2;" });
    expect(r.journalPath).toBe(join(dir, ".replab", "nb.jsonl"));
    const replayed = replayJournal(readJournal(r.journalPath as string));
    expect(replayed.graph()).toEqual(r.graph());
    expect(replayed.executionOrder()).toEqual(["b", "a"]);
  } finally {
    r.dispose();
  }
});

// A journal line that parses but is not a record replab writes (a hand edit, another version's
// journal) once made every later kernel of the notebook die at start, replaying it.
test("a forged journal line counts as torn; the earlier session is still recovered", async () => {
  const dir = tempNotebookDir();
  const first = new Recorder({ notebookDir: dir, seed: 3 });
  first.serveNotebook("nb.ipynb");
  await runCell(first, { cellId: "a", executionCount: 1, code: "const x = 1;" });
  const journal = first.journalPath as string;
  first.dispose();
  const forged = [
    { type: "execution", cellId: "b" },
    { type: "execution", cellId: 5, executionCount: 2, reads: "data.csv" },
    { type: "seed", seed: "seven" },
  ];
  appendFileSync(journal, forged.map((r) => `${JSON.stringify(r)}\n`).join(""));
  // A later session (one process holds one, so it is named as another process's would be).
  const second = new Recorder({ notebookDir: dir, seed: 3, journalName: "session-1-1" });
  try {
    second.serveNotebook("nb.ipynb");
    const previous = second.graph().previousSession;
    expect(previous?.torn).toBe(3);
    expect(previous?.graph.nodes.filter((n) => n.kind === "cell").map((n) => n.id)).toEqual(["a"]);
    expect(previous?.graph.seed).toBe(3);
  } finally {
    second.dispose();
  }
});

test("a journal without executions stays unwritten", () => {
  const dir = tempNotebookDir();
  const r = new Recorder({ notebookDir: dir, seed: 3 });
  r.dispose();
  expect(readdirSync(dir)).toEqual([]);
});

test("after kill -9 mid-run the journal holds every finished execution and loads", async () => {
  const build = transpileForChild();
  const dir = tempNotebookDir();
  const recorderUrl = JSON.stringify(join(build, "runtime/repro/recorder.js"));
  const script = `
    import { Recorder } from ${recorderUrl};
    const r = new Recorder({ notebookDir: ${JSON.stringify(dir)}, seed: 9, journalName: "killed" });
    for (let i = 1; ; i++) {
      r.beginCell("cell-" + (i % 7), "var v" + i + " = v" + (i - 1) + ";");
      Math.random();
      await r.endCell({ cellId: "cell-" + (i % 7), executionCount: i, code: "var v" + i + " = v" + (i - 1) + ";", language: "javascript", status: "ok", bindings: new Map() });
      process.stdout.write(i + "\\n");
    }
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let finished = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    finished = Number(line);
    if (finished >= 200) {
      child.kill("SIGKILL");
      break;
    }
  }
  const exit = await new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  expect(exit).toBe("SIGKILL");
  const records = readJournal(join(dir, ".replab", "killed.jsonl"));
  const executions = records.filter(
    (record): record is Extract<JournalRecord, { type: "execution" }> =>
      record.type === "execution",
  );
  expect(executions.length).toBeGreaterThanOrEqual(finished);
  expect(executions.slice(0, finished).map((e) => e.executionCount)).toEqual(
    Array.from({ length: finished }, (_, i) => i + 1),
  );
  const graph = replayJournal(records).graph();
  expect(graph.seed).toBe(9);
  expect(graph.nodes.filter((n) => n.kind === "cell")).toHaveLength(7);
});
