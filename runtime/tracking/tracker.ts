/**
 * One run's record while it happens: what cells log (`log.*` in the notebook module), what
 * the session saw (cells, frames) and what the runner adds (params, output hashes, status).
 * Logging only appends to memory; the record file is rewritten between cells and at the end
 * (runtime/tracking/store.ts), so a `log.metric` costs no I/O and a session that runs no cell
 * writes nothing.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { inspect } from "node:util";
import { hashFile } from "../hashing/sha256.js";
import type { FileNode, LineageGraph } from "../lineage/types.js";
import { runtimeVersions } from "../repro/versions.js";
import {
  RUN_SCHEMA,
  type CellEntry,
  type FileEntry,
  type FrameProfile,
  type JsonValue,
  type MetricPoint,
  type NonFinite,
  type RunRecord,
  type RunStatus,
} from "./record.js";
import { ReplabError } from "../errors.js";
import { newRunId, writeRecordSync } from "./store.js";

/** Taken before any tracer patches the clock: replab's own timestamps are not the cell's reads. */
const clock = Date.now.bind(Date);
const monotonic = performance.now.bind(performance);

/**
 * Between cells the record is saved at most this often: rewriting it (with the lineage) after
 * every cell would cost a long notebook milliseconds per cell. A timer saves what is pending,
 * so a record is never more than this far behind, or SAVE_COST_FACTOR times its last save.
 */
const SAVE_INTERVAL_MS = 1000;
/**
 * A record rewritten whole grows with the notebook (4.5 MB after 10,000 cells, tens of ms to
 * write): the wait between saves is at least this many times the last save's cost, so saving
 * takes at most ~2% of the engine's time however long the session runs.
 */
const SAVE_COST_FACTOR = 50;

/** How a tracker is set up. */
export interface TrackerOptions {
  notebookDir: string;
  /** The notebook's file name, when known (a kernel without JPY_SESSION_NAME does not know it). */
  notebookName: string | undefined;
  kind: RunRecord["kind"];
  /** The lineage as of now (the session's recorder). */
  lineage: () => LineageGraph;
  /** Told once when the record cannot be written; the run goes on. */
  warn: (message: string) => void;
}

/** The `log` API cells call (docs/contracts.md, "Notebook module"). */
export interface RunLog {
  param(name: string, value: unknown): void;
  params(values: Record<string, unknown>): void;
  metric(name: string, value: number, options?: { step?: number }): void;
  metrics(values: Record<string, number>, options?: { step?: number }): void;
  tag(name: string, value: unknown): void;
  artifact(path: string): void;
}

/** Builds and saves one run record. */
export class RunTracker implements RunLog {
  private readonly record: RunRecord;
  private readonly options: TrackerOptions;
  private readonly nextStep = new Map<string, number>();
  private readonly cells = new Map<string, CellEntry>();
  private readonly frames = new Map<string, FrameProfile>();
  private readonly pendingArtifacts = new Set<string>();
  private readonly artifacts = new Map<string, FileEntry>();
  private cellId: string | undefined;
  private started = false;
  private warned = false;
  private lastSave = 0;
  /** Milliseconds the last save took (stringify, write, rename). */
  private lastSaveCost = 0;
  private pendingSave: NodeJS.Timeout | undefined;

  constructor(options: TrackerOptions) {
    this.options = options;
    const now = new Date(clock());
    const lineage = options.lineage();
    const versions = runtimeVersions();
    this.record = {
      schema: RUN_SCHEMA,
      id: newRunId(now),
      kind: options.kind,
      notebook: { path: options.notebookName ?? "(unsaved)", sourceSha256: null },
      startedAt: now.toISOString(),
      endedAt: null,
      status: "running",
      seed: lineage.seed,
      params: {},
      metrics: {},
      tags: {},
      inputs: [],
      outputs: [],
      artifacts: [],
      cells: [],
      frames: [],
      environment: {
        node: versions.node,
        replab: versions.replab,
        typescript: versions.typescript,
        platform: versions.platform,
        variables: lineage.environment ?? {},
      },
      lineage,
    };
  }

  /** The run's id. */
  get id(): string {
    return this.record.id;
  }

  /**
   * `replab run` starts its record before the first cell: it knows the notebook's code and its
   * params (`-p`, the parameters cell; `log.param` calls override them), and a run killed in
   * its first cell still leaves a record.
   */
  beginRun(sourceSha256: string, params: Record<string, JsonValue>): void {
    this.record.kind = "run";
    this.record.notebook.sourceSha256 = sourceSha256;
    this.record.params = { ...params, ...this.record.params };
    this.started = true;
    this.save();
  }

  param(name: string, value: unknown): void {
    this.record.params[checkName("param", name)] = jsonValue(value);
  }

  params(values: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(checkObject("params", values)))
      this.param(name, value);
  }

  metric(name: string, value: number, options?: { step?: number }): void {
    checkName("metric", name);
    if (typeof value !== "number")
      throw new ReplabError(
        "usage",
        `log.metric("${name}", value): value must be a number, got ${typeof value}`,
      );
    const step = options?.step ?? this.nextStep.get(name) ?? 0;
    if (!Number.isSafeInteger(step))
      throw new ReplabError("usage", `log.metric("${name}"): step must be an integer, got ${step}`);
    this.nextStep.set(name, step + 1);
    const point: MetricPoint = {
      step,
      value: Number.isFinite(value) ? value : null,
      timestamp: clock(),
    };
    if (!Number.isFinite(value)) point.nonFinite = String(value) as NonFinite;
    if (this.cellId !== undefined) point.cellId = this.cellId;
    (this.record.metrics[name] ??= []).push(point);
  }

  metrics(values: Record<string, number>, options?: { step?: number }): void {
    for (const [name, value] of Object.entries(checkObject("metrics", values)))
      this.metric(name, value as number, options);
  }

  tag(name: string, value: unknown): void {
    this.record.tags[checkName("tag", name)] = typeof value === "string" ? value : textOf(value);
  }

  /** A file the cell wrote: hashed when the cell ends (its write is in the lineage by then). */
  artifact(path: string): void {
    if (typeof path !== "string" || path === "")
      throw new ReplabError("usage", "log.artifact(path): path must be a non-empty string");
    const absolute = resolve(this.options.notebookDir, path);
    const inside = relative(this.options.notebookDir, absolute);
    if (inside.startsWith("..") || isAbsolute(inside))
      throw new ReplabError(
        "usage",
        `log.artifact("${path}"): only files under the notebook's directory can be logged`,
      );
    this.pendingArtifacts.add(inside.split(sep).join("/"));
  }

  /** A cell starts: metrics it logs carry its id, and a session cut off in it still ends with a record. */
  cellStarted(cellId: string): void {
    this.cellId = cellId;
    this.started = true;
  }

  /** A cell ended: keep its entry and frame profiles, then save the record. */
  async cellEnded(entry: CellEntry, frames: readonly FrameProfile[]): Promise<void> {
    this.cellId = undefined;
    this.cells.delete(entry.id);
    this.cells.set(entry.id, { ...this.cells.get(entry.id), ...entry });
    for (const frame of frames) this.frames.set(`${frame.cellId}\u0000${frame.variable}`, frame);
    await this.hashArtifacts();
    this.started = true;
    this.saveSoon();
  }

  /** `replab run` hashes each cell's nbformat outputs; the session cannot. */
  setOutputHash(cellId: string, outputSha256: string): void {
    const cell = this.cells.get(cellId);
    if (cell !== undefined) cell.outputSha256 = outputSha256;
  }

  /**
   * End the run: status and end time, saved synchronously (a signal handler calls this), so
   * later calls change nothing. Returns the final record, or undefined when nothing ran.
   * A session that ends while a cell is still running (a kernel's SIGTERM, a shutdown in the
   * middle of a cell) did not finish: its record says killed.
   */
  end(status: Exclude<RunStatus, "running">): RunRecord | undefined {
    if (this.record.status !== "running" || !this.started) return undefined;
    this.record.status = status === "finished" && this.cellId !== undefined ? "killed" : status;
    this.record.endedAt = new Date(clock()).toISOString();
    clearTimeout(this.pendingSave);
    this.pendingSave = undefined;
    return this.save();
  }

  /**
   * The process is going away (a kernel's SIGTERM, its launcher gone): a cell that is still
   * running will not finish, so say "killed" now, synchronously, before the teardown that
   * might not reach dispose(). An idle session is left for finish(), which also publishes.
   */
  endIfCellRunning(): void {
    if (this.cellId !== undefined) this.end("killed");
  }

  /**
   * End the run and log it to MLflow at `mlflow` (else MLFLOW_TRACKING_URI, when set);
   * `notebook` is the executed notebook's JSON (an artifact). An unreachable server is a warning.
   */
  async finish(
    status: Exclude<RunStatus, "running">,
    notebook?: string,
    mlflow?: string,
  ): Promise<void> {
    const record = this.end(status);
    const uri = mlflow ?? process.env["MLFLOW_TRACKING_URI"];
    if (record === undefined || uri === undefined || uri === "") return;
    const { publishRun } = await import("./mlflow.js");
    await publishRun(uri, record, {
      notebookDir: this.options.notebookDir,
      notebook,
      warn: this.options.warn,
    });
  }

  /** Whether the run has ended. */
  get finished(): boolean {
    return this.record.status !== "running";
  }

  /** The record as it would be written now. */
  snapshot(): RunRecord {
    const lineage = this.options.lineage();
    const files = lineageFiles(lineage);
    return {
      ...this.record,
      seed: lineage.seed,
      inputs: files.inputs,
      outputs: files.outputs,
      artifacts: [...this.artifacts.values()].sort(byPath),
      cells: [...this.cells.values()],
      frames: [...this.frames.values()],
      lineage,
    };
  }

  /** Save what is pending now (a reader in this process, `%repro runs`, wants it on disk). */
  flush(): void {
    if (this.pendingSave === undefined) return;
    clearTimeout(this.pendingSave);
    this.pendingSave = undefined;
    this.save();
  }

  /**
   * Save once the interval since the last save has passed, always from a timer: never inside
   * the cell's own work, so the kernel's reply to the cell does not wait for the write.
   */
  private saveSoon(): void {
    if (this.pendingSave !== undefined) return;
    const interval = Math.max(SAVE_INTERVAL_MS, SAVE_COST_FACTOR * this.lastSaveCost);
    const wait = Math.max(0, this.lastSave + interval - clock());
    // unref: a pending save must not keep a finished process alive; end() saves anyway.
    this.pendingSave = setTimeout(() => {
      this.pendingSave = undefined;
      this.save();
    }, wait).unref();
  }

  /** Write the record; a failure is one warning, never a failed cell. */
  private save(): RunRecord {
    this.lastSave = clock();
    const began = monotonic();
    const record = this.snapshot();
    try {
      writeRecordSync(this.options.notebookDir, record);
    } catch (error) {
      if (!this.warned)
        this.options.warn(`replab: the run record was not saved: ${(error as Error).message}`);
      this.warned = true;
    }
    this.lastSaveCost = monotonic() - began;
    return record;
  }

  /** Artifacts take their hash from the lineage (the cell wrote them), else from the file. */
  private async hashArtifacts(): Promise<void> {
    if (this.pendingArtifacts.size === 0) return;
    const known = new Map(
      this.options
        .lineage()
        .nodes.filter((n): n is FileNode => n.kind === "file")
        .map((f) => [f.path, f]),
    );
    for (const path of this.pendingArtifacts) {
      const node = known.get(path);
      const hash =
        node ?? (await hashFile(resolve(this.options.notebookDir, path)).catch(() => undefined));
      if (hash === undefined) {
        this.options.warn(`replab: log.artifact("${path}"): no such file; it was not logged`);
        continue;
      }
      this.artifacts.set(path, { path, sha256: hash.sha256, bytes: hash.bytes });
    }
    this.pendingArtifacts.clear();
  }
}

/** Inputs: files a cell read that no cell wrote (the content first seen); outputs: files written. */
function lineageFiles(lineage: LineageGraph): { inputs: FileEntry[]; outputs: FileEntry[] } {
  const nodes = new Map(
    lineage.nodes.filter((n): n is FileNode => n.kind === "file").map((f) => [f.id, f]),
  );
  const written = new Set(lineage.edges.filter((e) => e.kind === "write").map((e) => e.to));
  const inputs = new Map<string, FileEntry>();
  for (const edge of lineage.edges) {
    const node = nodes.get(edge.from);
    if (edge.kind !== "read" || node === undefined || written.has(node.id) || inputs.has(node.id))
      continue;
    inputs.set(node.id, {
      path: node.path,
      sha256: edge.sha256 ?? node.sha256,
      bytes: edge.bytes ?? node.bytes,
    });
  }
  const outputs = [...written]
    .map((id) => nodes.get(id))
    .filter((n): n is FileNode => n !== undefined)
    .map((n) => ({ path: n.path, sha256: n.sha256, bytes: n.bytes }));
  return { inputs: [...inputs.values()].sort(byPath), outputs: outputs.sort(byPath) };
}

function byPath(a: FileEntry, b: FileEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function checkName(what: string, name: unknown): string {
  if (typeof name !== "string" || name === "")
    throw new ReplabError("usage", `log.${what}(name, ...): name must be a non-empty string`);
  return name;
}

function checkObject(what: string, values: unknown): Record<string, unknown> {
  if (typeof values !== "object" || values === null || Array.isArray(values))
    throw new ReplabError("usage", `log.${what}(values): values must be an object of name: value`);
  return values as Record<string, unknown>;
}

/** A param as JSON: plain values as they are, anything else through JSON (or its text). */
function jsonValue(value: unknown): JsonValue {
  if (value === null || ["string", "boolean"].includes(typeof value)) return value as JsonValue;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return JSON.parse(text) as JsonValue;
  } catch {
    // A cycle or a throwing toJSON: the text form below is still worth keeping.
  }
  return textOf(value);
}

/** A value JSON cannot carry, as text a reader recognises: Node's inspect form for an object (`[object Object]` says nothing). */
function textOf(value: unknown): string {
  try {
    if (typeof value === "object" && value !== null)
      return inspect(value, { depth: 4, breakLength: Infinity });
    return String(value);
  } catch {
    return Object.prototype.toString.call(value); // a revoked Proxy throws even for inspect
  }
}
