/**
 * Where the shown graph is from after a restart or a reopen: the kernel knows only the cells
 * it ran, the notebook still shows the outputs of the others. Pure, for unit tests.
 */
import { plural } from "./marks";
import type { LineageGraph } from "./schema";

/**
 * The graph to show after a restart: this kernel's, plus the cells the previous kernel ran
 * that this one has not and that are still in the notebook, with the edges among them.
 * `previous` holds every node taken from the previous kernel; `notRunHere` those of its cells
 * whose result the notebook still shows (`withOutputs`: an execution count or outputs).
 */
export function mergePrevious(
  live: LineageGraph,
  previous: LineageGraph,
  inNotebook: ReadonlySet<string>,
  withOutputs: ReadonlySet<string> = inNotebook,
): { graph: LineageGraph; notRunHere: Set<string>; previous: Set<string> } {
  const liveIds = new Set(live.nodes.map((n) => n.id));
  const old = previous.nodes.filter(
    (n) => !liveIds.has(n.id) && (n.kind !== "cell" || inNotebook.has(n.id)),
  );
  const notRunHere = new Set(
    old.filter((n) => n.kind === "cell" && withOutputs.has(n.id)).map((n) => n.id),
  );
  const ids = new Set([...liveIds, ...old.map((n) => n.id)]);
  const oldEdges = previous.edges.filter(
    (e) => (!liveIds.has(e.from) || !liveIds.has(e.to)) && ids.has(e.from) && ids.has(e.to),
  );
  return {
    graph: { ...live, nodes: [...live.nodes, ...old], edges: [...live.edges, ...oldEdges] },
    notRunHere,
    previous: new Set(old.map((n) => n.id)),
  };
}

/** The lineage of the kernel before this one, and where the viewer got it. */
export interface PreviousLineage {
  graph: LineageGraph;
  /** `journal`: the kernel recovered it (`previousSession`); `stored`: the notebook's metadata. */
  from: "journal" | "stored";
  /** The journal it was recovered from, as the kernel names it. */
  journal?: string;
  /** When that session wrote its last record (ISO 8601). */
  endedAt?: string;
  /** Journal lines that were not whole records. */
  torn: number;
}

/** The previous session a live graph carries (`previousSession`), or null. */
export function previousFromLive(live: LineageGraph): PreviousLineage | null {
  const p = live.previousSession;
  if (!p) return null;
  return { graph: p.graph, from: "journal", journal: p.journal, endedAt: p.endedAt, torn: p.torn };
}

/** The stored lineage as the previous kernel's (a restart or reopen with no journal to read). */
export function previousFromStored(stored: LineageGraph): PreviousLineage {
  return { graph: stored, from: "stored", torn: 0 };
}

const pad = (n: number): string => String(n).padStart(2, "0");

/**
 * When a session ended, in the browser's local time: `07:12:05` the same day as `now`,
 * `2026-12-01 07:12` before that.
 */
export function formatEnded(iso: string, now: Date): string {
  const t = new Date(iso);
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}`;
  const sameDay = t.toDateString() === now.toDateString();
  if (sameDay) return `${time}:${pad(t.getSeconds())}`;
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${time}`;
}

/** Where a journal-recovered lineage came from and when its kernel ended, in one sentence. */
function recoveredFrom(prev: PreviousLineage, now: Date): string {
  const torn = prev.torn > 0 ? ` (${plural(prev.torn, "torn line")} skipped)` : "";
  const from = `from its journal ${prev.journal ?? ""}${torn}`;
  return prev.endedAt === undefined
    ? `Recovered ${from}.`
    : `It ended ${formatEnded(prev.endedAt, now)}; recovered ${from}.`;
}

/** How much of the previous kernel's lineage the panel shows. */
export interface PreviousShown {
  /** Its cells drawn (still in the notebook, not run in this kernel). */
  cells: number;
  /** Of those, the cells whose result the notebook still shows: marked not run here. */
  notRun: number;
}

/**
 * The panel's banner about the previous kernel's lineage: its cells shown and how many of
 * them this kernel has not run though the notebook shows their results, and for a lineage
 * the kernel recovered, a second line saying when that kernel ended and which journal it came
 * from. Empty when none of it is shown.
 */
export function previousBanner(
  prev: PreviousLineage,
  shown: PreviousShown,
  ranHere: boolean,
  now: Date,
): string {
  const { cells, notRun } = shown;
  if (cells === 0) return "";
  const first = !ranHere
    ? `Lineage of the previous kernel (${plural(cells, "cell")}): nothing has run in this kernel yet.`
    : notRun > 0
      ? `${plural(notRun, "cell")} not run in this kernel (faded): ${notRun === 1 ? "its output is" : "their outputs are"} from the previous kernel.`
      : `${plural(cells, "cell")} of the previous kernel shown (prev): not run in this kernel.`;
  return prev.from === "journal" ? `${first}\n${recoveredFrom(prev, now)}` : first;
}

/** What a node of the previous kernel says about where it is from, in its tooltip. */
export function previousNote(prev: PreviousLineage, now: Date): string {
  if (prev.from === "stored") return "from the previous kernel, as the notebook stored it";
  const ended = prev.endedAt === undefined ? "" : ` (ended ${formatEnded(prev.endedAt, now)})`;
  return `from the previous kernel${ended}, recovered from its journal ${prev.journal ?? ""}`;
}
