/**
 * The run as OpenLineage RunEvents (https://openlineage.io, spec 2-0-2): a job per notebook,
 * START and COMPLETE (FAIL when a cell failed) for the run, the files it read as inputs and the
 * files, frames and models it left as outputs. Files are `file` datasets carrying their sha256
 * and size (replab_content); frames carry the schema facet; the run carries the cell graph
 * (replab_cellGraph). replab's facets are defined in schema/openlineage-facets.schema.json.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { CellNode, FileNode, LineageGraph } from "../lineage/types.js";
import type { RuntimeVersions } from "../repro/versions.js";
import type { AuditCapture } from "./capture.js";

const SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json";
const FACETS = "urn:replab:schema:openlineage-facets:1";

/** A RunEvent as JSON (validated by the tests against the vendored spec). */
export type RunEvent = Record<string, unknown> & { eventType: string; eventTime: string };

/** What the events are made from. */
export interface OpenLineageInput {
  notebookName: string;
  notebookDir: string;
  lineage: LineageGraph;
  runtime: RuntimeVersions | undefined;
  capture: AuditCapture | undefined;
}

/** Job namespace, run id and the times of the two events. */
export interface OpenLineageRun {
  namespace: string;
  runId: string;
  startTime: string;
  endTime: string;
}

/** The namespace: OPENLINEAGE_NAMESPACE (the OpenLineage clients' variable) or "replab". */
export function jobNamespace(env: NodeJS.ProcessEnv = process.env): string {
  const value = env["OPENLINEAGE_NAMESPACE"];
  return value !== undefined && value !== "" ? value : "replab";
}

/** A run id derived from the stored run, so the same notebook gives the same id (UUID version 8). */
export function storedRunId(name: string, lineage: LineageGraph): string {
  const hex = createHash("sha256")
    .update(`${name}\n${JSON.stringify(lineage)}`)
    .digest("hex");
  const variant = ((parseInt(hex[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The START event: the job and the run, before anything is known of its data. */
export function startEvent(input: OpenLineageInput, run: OpenLineageRun): RunEvent {
  const producer = producerOf(input.runtime);
  return {
    eventType: "START",
    eventTime: run.startTime,
    run: { runId: run.runId, facets: { processing_engine: engineFacet(producer, input.runtime) } },
    job: jobOf(input, run, producer),
    inputs: [],
    outputs: [],
    producer,
    schemaURL: `${SPEC}#/$defs/RunEvent`,
  };
}

/** The COMPLETE (or FAIL) event: inputs, outputs and the cell graph. */
export function endEvent(input: OpenLineageInput, run: OpenLineageRun): RunEvent {
  const producer = producerOf(input.runtime);
  const cells = input.lineage.nodes.filter((n): n is CellNode => n.kind === "cell");
  const failed = cells.some((c) => c.status === "error");
  return {
    eventType: failed ? "FAIL" : "COMPLETE",
    eventTime: run.endTime,
    run: {
      runId: run.runId,
      facets: {
        processing_engine: engineFacet(producer, input.runtime),
        replab_run: runFacet(producer, input),
        replab_cellGraph: cellGraphFacet(producer, input.lineage, cells),
      },
    },
    job: jobOf(input, run, producer),
    inputs: fileDatasets(input, producer, "inputs"),
    outputs: [
      ...fileDatasets(input, producer, "outputs"),
      ...frameDatasets(input, run, producer),
      ...modelDatasets(input, run, producer),
    ],
    producer,
    schemaURL: `${SPEC}#/$defs/RunEvent`,
  };
}

/** Both events of a stored run, as `replab lineage --format openlineage` prints them. */
export function openLineageEvents(input: OpenLineageInput, run: OpenLineageRun): RunEvent[] {
  return [startEvent(input, run), endEvent(input, run)];
}

function producerOf(runtime: RuntimeVersions | undefined): string {
  return `urn:replab:${runtime?.replab ?? "unknown"}`;
}

function base(producer: string, schemaURL: string): Record<string, string> {
  return { _producer: producer, _schemaURL: schemaURL };
}

function engineFacet(
  producer: string,
  runtime: RuntimeVersions | undefined,
): Record<string, string> {
  const version = runtime?.replab ?? "unknown";
  return {
    ...base(
      producer,
      "https://openlineage.io/spec/facets/1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet",
    ),
    version,
    name: "replab",
    openlineageAdapterVersion: version,
  };
}

function jobOf(
  input: OpenLineageInput,
  run: OpenLineageRun,
  producer: string,
): Record<string, unknown> {
  return {
    namespace: run.namespace,
    name: input.notebookName,
    facets: {
      jobType: {
        ...base(
          producer,
          "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet",
        ),
        processingType: "BATCH",
        integration: "REPLAB",
        jobType: "NOTEBOOK",
      },
    },
  };
}

function runFacet(producer: string, input: OpenLineageInput): Record<string, unknown> {
  const rt = input.runtime;
  return {
    ...base(producer, `${FACETS}#/$defs/RunConfigRunFacet`),
    seed: input.lineage.seed,
    ...(rt === undefined
      ? {}
      : { node: rt.node, typescript: rt.typescript, platform: rt.platform }),
    environment: input.lineage.environment ?? {},
  };
}

function cellGraphFacet(
  producer: string,
  lineage: LineageGraph,
  cells: CellNode[],
): Record<string, unknown> {
  return {
    ...base(producer, `${FACETS}#/$defs/CellGraphRunFacet`),
    schema: lineage.schema,
    cells: cells.map(({ kind: _kind, ...cell }) => cell),
    edges: lineage.edges,
  };
}

/** Read-only files are inputs; files a cell wrote are outputs. */
function fileDatasets(
  input: OpenLineageInput,
  producer: string,
  side: "inputs" | "outputs",
): Record<string, unknown>[] {
  const written = new Set(input.lineage.edges.filter((e) => e.kind === "write").map((e) => e.to));
  return input.lineage.nodes
    .filter((n): n is FileNode => n.kind === "file" && written.has(n.id) === (side === "outputs"))
    .map((file) => ({
      namespace: "file",
      name: join(input.notebookDir, file.path),
      facets: {
        replab_content: {
          ...base(producer, `${FACETS}#/$defs/ContentDatasetFacet`),
          sha256: file.sha256,
          bytes: file.bytes,
          path: file.path,
        },
      },
    }));
}

/** Frames as datasets named by the variable that holds them, with the schema facet. */
function frameDatasets(
  input: OpenLineageInput,
  run: OpenLineageRun,
  producer: string,
): Record<string, unknown>[] {
  return input.lineage.edges
    .filter((e) => e.kind === "frame")
    .map((edge) => {
      const node = input.lineage.nodes.find((n) => n.id === edge.to);
      const sha256 = edge.to.slice("frame:".length);
      const profile = input.capture?.frames.find((p) => p.sha256 === sha256);
      const columns = node?.kind === "frame" ? node.columns : [];
      const fields = columns.map((name, i) => ({
        name,
        type: profile?.columns[i]?.dtype ?? "unknown",
        ordinal_position: i + 1,
      }));
      return {
        namespace: run.namespace,
        name: `${input.notebookName}/frames/${edge.from}/${edge.label}`,
        facets: {
          schema: {
            ...base(
              producer,
              "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet",
            ),
            fields,
          },
          replab_frame: {
            ...base(producer, `${FACETS}#/$defs/FrameDatasetFacet`),
            sha256,
            rows: node?.kind === "frame" ? node.rows : 0,
            cell: edge.from,
            variable: edge.label,
          },
        },
      };
    });
}

function modelDatasets(
  input: OpenLineageInput,
  run: OpenLineageRun,
  producer: string,
): Record<string, unknown>[] {
  return (input.capture?.models ?? []).map((model) => ({
    namespace: run.namespace,
    name: `${input.notebookName}/models/${model.variable}`,
    facets: {
      replab_model: {
        ...base(producer, `${FACETS}#/$defs/ModelDatasetFacet`),
        weightsSha256: model.weightsSha256,
        params: model.params,
        cell: model.cellId,
        variable: model.variable,
      },
    },
  }));
}
