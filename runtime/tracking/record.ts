/**
 * The run record (docs/contracts.md, "Run records"; schema/run-record.schema.json): one JSON
 * file per `replab run` or kernel session under the notebook's `.replab/runs/`. The type and
 * the schema change together; fields may be added, none of the required ones removed.
 * Other tools (replab report, OpenLineage and PROV export) read these files.
 */
import { join } from "node:path";
import type { LineageGraph } from "../lineage/types.js";

/** Version tag stored in every record. */
export const RUN_SCHEMA = "replab.run/1";

/** A JSON value, as params and tags hold them. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** `running` until the run ends; `killed` when a signal ended it; a record left `running` was cut off harder (SIGKILL, power). */
export type RunStatus = "running" | "finished" | "failed" | "killed";

/** The numbers JSON cannot hold, spelled as JavaScript (and MLflow's REST API) spell them. */
export type NonFinite = "NaN" | "Infinity" | "-Infinity";

/** A point's value as logged: NaN or an infinity again for a non-finite one; null only in records older than `nonFinite`. */
export function pointValue(point: MetricPoint): number | null {
  return point.value ?? (point.nonFinite === undefined ? null : Number(point.nonFinite));
}

/** One logged value of a metric. */
export interface MetricPoint {
  /** The step the notebook passed (`{ step }`), else 0, 1, 2... per metric in logging order. */
  step: number;
  /** The value; NaN and infinities are stored as null (JSON has no such numbers), named in `nonFinite`. */
  value: number | null;
  /** Which number a null value was: a loss that went NaN is what a reader of the run looks for. */
  nonFinite?: NonFinite;
  /** When it was logged, in milliseconds since the epoch (MLflow's timestamp; not compared between runs). */
  timestamp: number;
  /** The cell that logged it, when one was running. */
  cellId?: string;
}

/** A file the run read, wrote or logged as an artifact: path relative to the notebook directory. */
export interface FileEntry {
  /** "/"-separated, relative to the notebook's directory. */
  path: string;
  /** Lowercase hex sha256 of the full content. */
  sha256: string;
  /** Size in bytes. */
  bytes: number;
}

/** One executed code cell. */
export interface CellEntry {
  /** nbformat cell id (`count-N` when the client sent none). */
  id: string;
  /** Execution count of its last execution in this run. */
  executionCount: number;
  /** sha256 of the source it ran. */
  sourceSha256: string;
  /** "ok" or "error". */
  status: "ok" | "error";
  /** sha256 of its outputs in canonical form (runner/output-hash.ts); only `replab run` knows it. */
  outputSha256?: string;
}

/** What one column of a dataframe looked like (drift between runs is judged on these). */
export interface ColumnProfile {
  /** Column name. */
  name: string;
  /** Normalised dtype family (number, string, boolean, datetime, ...). */
  dtype: string;
  /** Missing values: null, undefined, NaN. */
  nulls: number;
  /** Number columns: smallest, largest and mean of the present values (null when none). */
  min?: number | null;
  /** See min. */
  max?: number | null;
  /** See min. */
  mean?: number | null;
  /** Other columns: how many distinct present values. */
  distinct?: number;
}

/** A dataframe a cell wrote to a variable, hashed by the recorder and profiled. */
export interface FrameProfile {
  /** The cell that bound it. */
  cellId: string;
  /** The variable holding it. */
  variable: string;
  /** Canonical content hash (docs/frame-hash.md). */
  sha256: string;
  /** Number of rows. */
  rows: number;
  /** One profile per column, in column order. */
  columns: ColumnProfile[];
}

/** What ran the notebook. */
export interface RunEnvironment {
  /** Node.js version. */
  node: string;
  /** replab's version. */
  replab: string;
  /** The TypeScript compiler's version. */
  typescript: string;
  /** `process.platform-process.arch`. */
  platform: string;
  /** Variables replab set for determinism (as in the lineage graph). */
  variables: Record<string, string>;
}

/** The notebook a run executed. */
export interface RunNotebook {
  /** File name of the notebook, relative to its directory (the records live beside it). */
  path: string;
  /** sha256 of the code cells' sources (JSON array, in order); null when the notebook file was not known. */
  sourceSha256: string | null;
}

/** One run of a notebook (schema/run-record.schema.json). */
export interface RunRecord {
  /** Always RUN_SCHEMA. */
  schema: typeof RUN_SCHEMA;
  /** Unique, sortable by start: `YYYYMMDD-HHMMSS-` and 6 hex digits. */
  id: string;
  /** `run` for `replab run`, `kernel` for a kernel session. */
  kind: "run" | "kernel";
  /** The notebook run. */
  notebook: RunNotebook;
  /** ISO 8601 start time. */
  startedAt: string;
  /** ISO 8601 end time; null while running. */
  endedAt: string | null;
  /** See RunStatus. */
  status: RunStatus;
  /** The notebook seed the run ended with. */
  seed: number;
  /** `-p` parameters, the parameters cell's values and `log.param` calls. */
  params: Record<string, JsonValue>;
  /** Every logged metric's history, by name. */
  metrics: Record<string, MetricPoint[]>;
  /** `log.tag` values. */
  tags: Record<string, string>;
  /** Files the run read, with the content it saw first. */
  inputs: FileEntry[];
  /** Files the run wrote, with their final content. */
  outputs: FileEntry[];
  /** Files logged with `log.artifact`. */
  artifacts: FileEntry[];
  /** Executed code cells, in the order they last ran. */
  cells: CellEntry[];
  /** Dataframes the cells bound, with column profiles. */
  frames: FrameProfile[];
  /** Versions and determinism variables. */
  environment: RunEnvironment;
  /** The lineage graph at the end of the run (docs/contracts.md, "Lineage JSON"). */
  lineage: LineageGraph;
}

/** Where a notebook directory's run records live. */
export function runsDir(notebookDir: string): string {
  return join(notebookDir, ".replab", "runs");
}
