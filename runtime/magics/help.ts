/**
 * What the magics are, in words: `%repro help`, `%repro` alone and `%lsmagic` print it, and
 * the completer offers the same names. The list of subcommands comes from the dispatcher, so a
 * new subcommand shows up here without a second list to keep in step.
 */
import type { ExecuteResultValue } from "../session/types.js";

/** One line of help per magic or `%repro` subcommand; unknown ones get their usage only. */
const SUMMARIES: Record<string, { usage: string; summary: string }> = {
  export: {
    usage: "%repro export DIR [--force] [--include-data] [--target CELL_OR_NAME]",
    summary: "write this session as a deterministic pipeline (script, lockfile, Dockerfile)",
  },
  verify: {
    usage: "%repro verify DIR",
    summary: "re-run an exported pipeline and compare its outputs with its lock",
  },
  seed: { usage: "%repro seed [N]", summary: "show the session's seed, or set it to N" },
  status: {
    usage: "%repro status",
    summary: "one row per cell: status, what it defines, files read and written, nondeterminism",
  },
  runs: { usage: "%repro runs [N]", summary: "the last N (10) recorded runs of this notebook" },
  report: {
    usage: "%repro report [-o FILE] [--format html|md] [--verify DIR]",
    summary: "the audit report of this session, shown or written to FILE",
  },
  help: { usage: "%repro help", summary: "this help" },
};

const LINEAGE = {
  usage: "%lineage",
  summary: "the lineage graph of this session (SVG, and the panel's own view in JupyterLab)",
};
const LSMAGIC = { usage: "%lsmagic", summary: "list the magics" };

/**
 * The usage line of a `%repro` subcommand, as its help row shows it: a magic's own usage error
 * quotes this, so help and error never disagree (help said `%repro report [FILE]`, which the
 * parser refused).
 */
export function reproUsage(subcommand: string): string {
  return SUMMARIES[subcommand]?.usage ?? `%repro ${subcommand}`;
}

/** The magic names a cell may start with. */
export const MAGIC_NAMES = ["repro", "lineage", "lsmagic"] as const;

/** Help for every magic, given the `%repro` subcommands the dispatcher knows. */
export function magicHelp(subcommands: readonly string[]): ExecuteResultValue {
  const rows = [
    ...subcommands.map((s) => SUMMARIES[s] ?? { usage: `%repro ${s}`, summary: "" }),
    LINEAGE,
    LSMAGIC,
  ];
  const width = Math.max(...rows.map((r) => r.usage.length));
  const text = [
    "replab magics (a cell whose first line starts with %):",
    ...rows.map((r) => `  ${r.usage.padEnd(width)}  ${r.summary}`.trimEnd()),
  ].join("\n");
  const markdown = [
    "**replab magics** (a cell whose first line starts with `%`):",
    "",
    "| magic | what it does |",
    "|---|---|",
    // A bare | would end the table cell (`html|md`); GFM reads \| as a pipe, in code too.
    ...rows.map((r) => `| \`${cellText(r.usage)}\` | ${cellText(r.summary)} |`),
  ].join("\n");
  return { data: { "text/plain": text, "text/markdown": markdown }, metadata: {} };
}

/** Text for a Markdown table cell: its pipes escaped. */
function cellText(text: string): string {
  return text.replace(/\|/g, "\\|");
}

/**
 * Completions for a magic line: `%re` -> `%repro`, `%repro st` -> `status`. Undefined when
 * the cursor is not on a cell's magic line, so the compiler completes as usual.
 */
export function magicCompletions(
  code: string,
  cursor: number,
  subcommands: readonly string[],
): { matches: string[]; start: number } | undefined {
  const before = code.slice(0, cursor);
  const line = /^\s*%([^\n]*)$/.exec(before);
  if (line === null) return undefined;
  const words = (line[1] ?? "").split(/\s+/);
  const last = words.at(-1) ?? "";
  const start = cursor - last.length;
  if (words.length === 1) {
    return { matches: MAGIC_NAMES.filter((n) => n.startsWith(last)), start };
  }
  if (words.length === 2 && words[0] === "repro") {
    return { matches: subcommands.filter((s) => s.startsWith(last)), start };
  }
  return { matches: [], start };
}
