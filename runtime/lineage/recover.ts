/**
 * Recovery of the last session's lineage from the crash-safe journal: after a kernel crash or
 * restart, the lineage of what ran before is still in `<notebook dir>/.replab/` (or the
 * fallback directory), one journal per session. The newest journal whose session record names
 * the notebook is replayed and handed back marked as the previous session's, never merged into
 * the current one (docs/integrity.md, "The journal").
 */
import fs from "node:fs";
import { join, relative } from "node:path";
import { fallbackJournalDir, readJournal, replayJournal } from "./journal.js";
import type { LineageGraph, PreviousSession } from "./types.js";

// Captured before the tracers patch fs: recovery is replab's own I/O, never a cell's.
const { readdirSync, statSync } = fs;

/** Journals looked at, newest first: enough for any real history, bounded for a huge folder. */
const LOOKED_AT = 64;

const JOURNAL = /^session-\d+-\d+\.jsonl$/;

/** Where to look and what to skip. */
export interface RecoverOptions {
  /** The current session's own journal (absolute path), never its own "previous" session. */
  exclude?: string | undefined;
  /** Only journals written after this time (ms since the epoch), e.g. the notebook's last save. */
  newerThan?: number | undefined;
}

/** The newest earlier session of `notebookName` (a file name in `notebookDir`), or undefined. */
export function previousSession(
  notebookDir: string,
  notebookName: string,
  options: RecoverOptions = {},
): PreviousSession | undefined {
  for (const { path, mtime } of journals(notebookDir, options)) {
    let records: ReturnType<typeof readJournal>;
    try {
      records = readJournal(path);
    } catch {
      continue; // gone or unreadable meanwhile: not a session we can show
    }
    const session = records.find((r) => r.type === "session");
    if (session?.type !== "session" || session.notebook !== notebookName) continue;
    const graph: LineageGraph = replayJournal(records).graph();
    if (!graph.nodes.some((n) => n.kind === "cell")) continue;
    const shown = relative(notebookDir, path);
    return {
      journal: shown.startsWith("..") ? path : shown.split("\\").join("/"),
      torn: records.torn,
      graph,
      // Every record is appended as it happens, so the file's last write is the session's last act.
      endedAt: new Date(mtime).toISOString(),
    };
  }
  return undefined;
}

/** Journal files of the notebook's directory and its fallback, newest first. */
function journals(notebookDir: string, options: RecoverOptions): { path: string; mtime: number }[] {
  const found: { path: string; mtime: number }[] = [];
  for (const dir of [join(notebookDir, ".replab"), fallbackJournalDir(notebookDir)]) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!JOURNAL.test(name)) continue;
      const path = join(dir, name);
      if (path === options.exclude) continue;
      const mtime = mtimeOf(path);
      if (mtime !== undefined && mtime > (options.newerThan ?? -Infinity))
        found.push({ path, mtime });
    }
  }
  return found.sort((a, b) => b.mtime - a.mtime).slice(0, LOOKED_AT);
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * The graph to show for a notebook: the stored one with the previous session attached, or,
 * with none stored, an empty graph of that session's seed carrying it.
 */
export function withPrevious(
  stored: LineageGraph | undefined,
  previous: PreviousSession,
): LineageGraph {
  const base = stored ?? { ...previous.graph, nodes: [], edges: [] };
  return { ...base, previousSession: previous };
}
