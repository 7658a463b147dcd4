/**
 * `replab run` with OPENLINEAGE_URL set: START is posted before the first cell runs, COMPLETE
 * (or FAIL) with the run's datasets and cell graph after the last (runtime/audit/openlineage.ts).
 */
import { randomUUID } from "node:crypto";
import { basename, dirname } from "node:path";
import type { LineageGraph } from "../lineage/types.js";
import type { Notebook } from "../notebook/types.js";
import { runtimeVersions } from "../repro/versions.js";
import type { AuditCapture } from "./capture.js";
import {
  endEvent,
  jobNamespace,
  startEvent,
  type OpenLineageInput,
  type OpenLineageRun,
} from "./openlineage.js";
import { postEvent, transportUrl } from "./openlineage-http.js";

/** The run's emitter: call finish once the notebook holds its metadata. */
export interface OpenLineageEmitter {
  finish(notebook: Notebook): Promise<void>;
}

/** Post START for the notebook at `path`, or undefined when OPENLINEAGE_URL is not set. */
export async function startOpenLineage(path: string): Promise<OpenLineageEmitter | undefined> {
  if (transportUrl() === undefined) return undefined;
  const run: OpenLineageRun = {
    namespace: jobNamespace(),
    runId: randomUUID(),
    startTime: new Date().toISOString(),
    endTime: "",
  };
  const empty: LineageGraph = { schema: "replab.lineage/1", seed: 0, nodes: [], edges: [] };
  const input = (lineage: LineageGraph, capture: AuditCapture | undefined): OpenLineageInput => ({
    notebookName: basename(path),
    notebookDir: dirname(path),
    lineage,
    runtime: runtimeVersions(),
    capture,
  });
  await postEvent(startEvent(input(empty, undefined), run));
  return {
    async finish(notebook) {
      const replab = notebook.metadata["replab"] as
        { lineage?: LineageGraph; audit?: AuditCapture } | undefined;
      const lineage = replab?.lineage ?? empty;
      await postEvent(
        endEvent(input(lineage, replab?.audit), { ...run, endTime: new Date().toISOString() }),
      );
    },
  };
}
