/** history_request over the engine's history entries: tail, range and search (glob patterns). */
import type { HistoryEntry } from "../runtime/session/types.js";
import type { ReplyContent, RequestContent } from "./messages.js";

type Row = ReplyContent["history_reply"]["history"][number];

/** Answer a history request. */
export function answerHistory(
  entries: readonly HistoryEntry[],
  request: RequestContent["history_request"],
): Row[] {
  const selected = select(entries, request);
  return selected.map((e) =>
    request.output
      ? [e.session, e.line, [e.input, e.output ?? null]]
      : [e.session, e.line, e.input],
  );
}

function select(
  entries: readonly HistoryEntry[],
  request: RequestContent["history_request"],
): readonly HistoryEntry[] {
  switch (request.hist_access_type) {
    case "tail":
      // slice(-0) would be every row: n = 0 asks for none.
      return request.n === 0 ? [] : entries.slice(-(request.n ?? 10));
    case "range": {
      const start = request.start ?? 0;
      const stop = request.stop ?? Number.MAX_SAFE_INTEGER;
      return entries.filter((e) => e.line >= start && e.line < stop);
    }
    case "search": {
      const pattern = globToRegExp(request.pattern ?? "*");
      let found = entries.filter((e) => pattern.test(e.input));
      if (request.unique === true) {
        const seen = new Set<string>();
        found = found.filter((e) => !seen.has(e.input) && seen.add(e.input) !== undefined);
      }
      return request.n === undefined || request.n <= 0 ? found : found.slice(-request.n);
    }
  }
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, "[\\s\\S]*")
    .replace(/\?/g, "[\\s\\S]");
  return new RegExp(`^${body}$`);
}
