/**
 * `%repro runs [N]`: the last N (default 10) run records of this notebook, newest first, as
 * `replab runs NB.ipynb` lists them, so a kernel user sees earlier runs without a terminal.
 */
import { ReplabError } from "../errors.js";
import type { ExecuteResultValue } from "../session/types.js";
import { htmlTable, listHeaders, listMetrics, listRows, textTable } from "../tracking/render.js";
import { readRecords, type SkippedRecord } from "../tracking/store.js";
import { reproUsage } from "./help.js";
import type { MagicContext } from "./registry.js";

/** Services the runs magic needs. */
export interface ReproRunsServices {
  /** The session; its tracker, when it has one, holds this run's latest state. */
  engine: { readonly notebookDir: string; readonly tracker?: { flush(): void } | undefined };
  notebookName?: string | undefined;
}

/** Handle `%repro runs [N]`. */
export async function reproRuns(
  ctx: MagicContext<ReproRunsServices>,
): Promise<ExecuteResultValue | undefined> {
  const raw = ctx.args[1];
  const count = raw === undefined ? 10 : Number(raw);
  if (!Number.isSafeInteger(count) || count < 1)
    throw new ReplabError(
      "usage",
      `${reproUsage("runs")}: N must be a positive integer, got ${raw}`,
    );
  const { notebookDir } = ctx.services.engine;
  // This session's own record is saved at most once a second: list it as it is now.
  ctx.services.engine.tracker?.flush();
  const skipped = (skip: SkippedRecord): void =>
    ctx.sink.stream(
      "stderr",
      `skipped ${skip.path}: not a run record replab wrote (${skip.problem})\n`,
    );
  const records = readRecords(notebookDir, ctx.services.notebookName, skipped)
    .slice(-count)
    .reverse();
  if (records.length === 0) {
    const text = `no runs recorded in ${notebookDir}/.replab/runs yet`;
    return { data: { "text/plain": text }, metadata: {} };
  }
  const metrics = listMetrics(records, []);
  const headers = listHeaders(metrics);
  const rows = listRows(records, metrics);
  return {
    data: { "text/plain": textTable(headers, rows), "text/html": htmlTable(headers, rows) },
    metadata: {},
  };
}
