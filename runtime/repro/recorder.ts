/**
 * The reproducibility facade the cell engine calls around every execution: seeds the cell's
 * stream, traces what the cell touches, hashes files and dataframes, records the execution
 * in the lineage graph and appends it to the crash-safe journal (docs/architecture.md, "Data
 * flow of one cell").
 */
import { sep } from "node:path";
import { dirname, join } from "node:path";
import { hashFrame } from "../hashing/frame.js";
import { HashQueue } from "../hashing/queue.js";
import { sha256Hex } from "../hashing/sha256.js";
import type { CellAnalysis as CellAccesses } from "../lineage/analysis.js";
import type { ExecutionRecord, FileRecord, FrameRecord } from "../lineage/execution.js";
import { LineageBuilder } from "../lineage/graph.js";
import { fallbackJournalDir, Journal } from "../lineage/journal.js";
import { previousSession } from "../lineage/recover.js";
import { GlobalObserver, type Observation } from "../lineage/observe.js";
import { LINEAGE_SCHEMA, type LineageGraph, type PreviousSession } from "../lineage/types.js";
import { cellStreamKey, SeededRandom } from "../seed/stream.js";
import { installTracers, TraceState, type CellTrace } from "../trace/index.js";
import type { PendingRead } from "../trace/read-bytes.js";
import { applyDeterminismEnvironment } from "./environment.js";
import { lineagePath } from "./paths.js";

type Analyzer = typeof import("../lineage/analysis.js");

/** How a recorder is set up; the seed is already resolved by the caller's precedence. */
export interface RecorderOptions {
  notebookDir: string;
  seed: number;
  /** Default `<notebookDir>/.replab`. */
  journalDir?: string;
  /** Default true. */
  journal?: boolean;
  /** Journal file name without extension; default `session-<pid>-<start time>`. */
  journalName?: string;
  /**
   * The notebook's file name in notebookDir, when known (`replab run`, the kernel): the
   * journal names it, so recovery and `replab lineage` can tell which notebook it was.
   */
  notebookName?: string | undefined;
  /**
   * Observe reads and writes of notebook globals at run time (docs/lineage-semantics.md).
   * Default: on unless REPLAB_OBSERVE=0; off, lineage comes from the static analysis alone.
   */
  observe?: boolean;
  /**
   * Told when lineage could not be persisted (the journal moved to the fallback directory,
   * or could not be written at all). The cell's result stands either way.
   */
  onWarning?: (message: string) => void;
}

/** What the engine knows about an execution once it has finished. */
export interface CellFacts {
  cellId: string;
  executionCount: number;
  code: string;
  language: "typescript" | "javascript";
  status: "ok" | "error";
  /**
   * Values of the names this cell defined or mutated, read from the global scope after the run.
   * Only names the analysis finds written are hashed; when absent, the recorder reads
   * `globalThis[name]` for each of them.
   */
  bindings?: ReadonlyMap<string, unknown>;
}

/** The cell being traced, between beginCell and endCell. */
interface ActiveCell {
  cellId: string;
  /** sha256 of the cell's source, made once at beginCell: its seed stream and its record use it. */
  sourceSha256: string;
  trace: CellTrace;
  reads: Map<string, Promise<FileRecord | undefined>>;
  /** Reads whose bytes are hashed as they arrive; settled when the cell ends. */
  pending: PendingRead[];
  /** True when the observer watched this execution's globals (else the static analysis speaks). */
  observing: boolean;
  /** What the observer saw, once the run finished. */
  observation?: Observation;
}

const startedAt = Date.now();

/** Seeding, tracing, hashing and lineage for one notebook session. */
export class Recorder {
  private seedValue: number;
  private readonly notebookDir: string;
  private readonly journalDir: string;
  private readonly random = new SeededRandom();
  private readonly state = new TraceState();
  private readonly queue = new HashQueue();
  private readonly builder: LineageBuilder;
  private readonly environment: Record<string, string>;
  private readonly listeners = new Set<(graph: LineageGraph) => void>();
  private uninstall: (() => void) | undefined;
  private journal: Journal | undefined;
  private journalWanted: boolean;
  private readonly journalName: string;
  private notebookName: string | undefined;
  /** The notebook's session before this one, when it was recovered from its journal. */
  private previous: PreviousSession | undefined;
  private active: ActiveCell | undefined;
  private analyzer: Analyzer | undefined;
  private readonly observer: GlobalObserver | undefined;
  private readonly warn: (message: string) => void;
  /** Error codes already warned about, so a full disk warns once, not per cell. */
  private readonly warned = new Set<string>();

  constructor(options: RecorderOptions) {
    this.warn = options.onWarning ?? ((message) => process.stderr.write(`${message}\n`));
    this.notebookDir = options.notebookDir;
    this.seedValue = options.seed;
    this.journalDir = options.journalDir ?? join(options.notebookDir, ".replab");
    this.journalWanted = options.journal ?? true;
    this.journalName = options.journalName ?? `session-${process.pid}-${startedAt}`;
    this.notebookName = options.notebookName;
    this.environment = applyDeterminismEnvironment();
    this.builder = new LineageBuilder(this.seedValue, this.environment);
    const observe = options.observe ?? process.env["REPLAB_OBSERVE"] !== "0";
    this.observer = observe ? new GlobalObserver() : undefined;
    this.uninstall = installTracers(this.state);
  }

  /** The notebook seed. */
  get seed(): number {
    return this.seedValue;
  }

  /** `%repro seed N`: every later execution draws from streams of the new seed. */
  setSeed(seed: number): void {
    this.seedValue = seed;
    this.builder.setSeed(seed);
    this.openJournal()?.append({ type: "seed", seed });
  }

  /**
   * The notebook this session serves (the kernel, at start): the journal names it, so a later
   * session can recover this one, and its last session before this one is recovered now and
   * shown as `previousSession` in the graph (docs/integrity.md, "The journal").
   */
  serveNotebook(name: string): void {
    this.notebookName = name;
    this.previous = previousSession(this.notebookDir, name, {
      exclude: join(this.journalDir, `${this.journalName}.jsonl`),
    });
  }

  /** Path of the journal file, once the first record was written. */
  get journalPath(): string | undefined {
    return this.journal?.path;
  }

  /**
   * Before user code runs: reseed Math.random with the stream of the cell's source and start
   * tracing. `names` are the globals the compiled cell declares; given, the execution's reads
   * and writes of notebook globals are observed (the engine passes them; tests of the recorder
   * alone may not, and get the static analysis).
   */
  beginCell(cellId: string, code: string, names?: readonly string[]): void {
    const sourceSha256 = sha256Hex(code);
    this.random.reseed(this.seedValue, sourceSha256);
    const reads = new Map<string, Promise<FileRecord | undefined>>();
    const pending: PendingRead[] = [];
    const trace = this.state.begin(
      (absolute, content) => {
        const path = this.recordable(absolute);
        if (path === undefined) return;
        if (content !== undefined) pending.push(content);
        reads.set(absolute, this.hashAs(path, absolute, content));
      },
      cellStreamKey(this.seedValue, sourceSha256),
    );
    const observing = names !== undefined && this.observer !== undefined;
    if (observing) this.observer?.begin(names ?? []);
    this.active = { cellId, sourceSha256, trace, reads, pending, observing };
  }

  /**
   * The cell's code has finished (returned or thrown): stop observing globals, before the
   * engine reads their values for hashing. endCell does it too when this was not called.
   */
  finishRun(): void {
    const active = this.active;
    if (active?.observing === true && active.observation === undefined) {
      active.observation = this.observer?.finish();
    }
  }

  /** After the cell finished: stop tracing, hash what it touched, record and journal it. */
  async endCell(facts: CellFacts): Promise<ExecutionRecord> {
    this.state.end();
    const active = this.active?.cellId === facts.cellId ? this.active : undefined;
    this.active = undefined;
    // A stream still being read when the cell ends is recorded by the file's hash instead.
    for (const read of active?.pending ?? []) read.abandon();
    // Write streams the cell ended finish first, so their files are hashed as finally written.
    await active?.trace.settleStreams();
    const analysis = await this.accesses(facts, active);
    const written = [...new Set([...analysis.defines, ...analysis.mutates])].sort();
    const record: ExecutionRecord = {
      cellId: facts.cellId,
      executionCount: facts.executionCount,
      seed: this.seedValue,
      language: facts.language,
      // A refused cell never began: its source is hashed here.
      sourceSha256: active?.sourceSha256 ?? sha256Hex(facts.code),
      status: facts.status,
      ...analysis,
      ...(active?.observing === true ? { observed: true } : {}),
      reads: active === undefined ? [] : await settle([...active.reads.values()]),
      writes: active === undefined ? [] : await this.hashWrites(active.trace.writes),
      frames: frames(
        written,
        facts.bindings ?? globalBindings(written),
        active?.observing === true,
      ),
      nondeterminism: active === undefined ? [] : [...active.trace.nondeterminism].sort(),
      loadTime: active === undefined ? [] : [...active.trace.loadTime].sort(),
    };
    this.builder.apply(record);
    this.openJournal()?.append({ type: "execution", ...record });
    const graph = this.listeners.size > 0 ? this.graph() : undefined;
    for (const listener of this.listeners) listener(graph as LineageGraph);
    return record;
  }

  /**
   * Which notebook names the execution read, assigned and changed in place: observed when the
   * observer watched it; nothing when it never ran (no beginCell: refused by the type checker);
   * otherwise the static analysis of its source.
   */
  private async accesses(facts: CellFacts, active: ActiveCell | undefined): Promise<CellAccesses> {
    if (active === undefined) return { defines: [], uses: [], mutates: [] };
    if (active.observing) {
      const seen = active.observation ?? this.observer?.finish();
      return {
        defines: seen?.assigned ?? [],
        uses: seen?.reads ?? [],
        mutates: seen?.mutated ?? [],
      };
    }
    const analyzer = (this.analyzer ??= await import("../lineage/analysis.js"));
    return analyzer.analyzeCell(facts.code, facts.language, this.builder.knownNames());
  }

  /** The lineage graph as of now. */
  graph(): LineageGraph {
    const graph = this.builder.graph();
    return this.previous === undefined ? graph : { ...graph, previousSession: this.previous };
  }

  /** Cell ids in the order of the executions that produced the current state. */
  executionOrder(): string[] {
    return this.builder.executionOrder();
  }

  /** Called with the new graph after every recorded execution; returns the unsubscribe. */
  onChange(listener: (graph: LineageGraph) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Restore every patched global and module and close the journal. */
  dispose(): void {
    this.state.end();
    this.observer?.dispose();
    this.uninstall?.();
    this.uninstall = undefined;
    this.random.dispose();
    this.journal?.close();
    this.journalWanted = false;
  }

  private recordable(absolute: string): string | undefined {
    const journalDir = this.journal === undefined ? this.journalDir : dirname(this.journal.path);
    if (absolute === journalDir || absolute.startsWith(journalDir + sep)) return undefined;
    return lineagePath(this.notebookDir, absolute);
  }

  /** A read's record: the hash of the bytes it returned, else of the file as it is now. */
  private async hashAs(
    path: string,
    absolute: string,
    content?: PendingRead,
  ): Promise<FileRecord | undefined> {
    const hash = (await content?.hash) ?? (await this.queue.hash(absolute));
    return hash === undefined ? undefined : { path, ...hash };
  }

  private async hashWrites(writes: ReadonlySet<string>): Promise<FileRecord[]> {
    const pending: Promise<FileRecord | undefined>[] = [];
    for (const absolute of writes) {
      const path = this.recordable(absolute);
      if (path !== undefined) pending.push(this.hashAs(path, absolute));
    }
    return settle(pending);
  }

  /** The journal, opened on first use: the notebook's `.replab`, else the fallback directory. */
  private openJournal(): Journal | undefined {
    if (this.journal !== undefined || !this.journalWanted) return this.journal;
    const fallback = fallbackJournalDir(this.notebookDir);
    let primaryError: unknown;
    for (const dir of [this.journalDir, fallback]) {
      try {
        this.journal = Journal.open(dir, this.journalName);
        break;
      } catch (error) {
        primaryError ??= error;
      }
    }
    const reason = errorCode(primaryError);
    if (this.journal === undefined) {
      this.journalWanted = false;
      this.warnOnce(
        reason,
        `replab: lineage is kept in memory only: no journal could be written in ${this.journalDir} or ${fallback} (${reason})`,
      );
      return undefined;
    }
    if (primaryError !== undefined)
      this.warnOnce(
        reason,
        `replab: cannot write lineage in ${this.journalDir} (${reason}); the journal is ${this.journal.path}`,
      );
    this.journal.onFailure = (error) =>
      this.warnOnce(
        errorCode(error),
        `replab: lineage could not be saved to ${this.journal?.path} (${errorCode(error)}); the cell's result stands, later records are retried`,
      );
    this.journal.append({
      type: "session",
      schema: LINEAGE_SCHEMA,
      seed: this.seedValue,
      environment: this.environment,
      ...(this.notebookName === undefined ? {} : { notebook: this.notebookName }),
    });
    return this.journal;
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }
}

/** The errno code of a failure, for messages ("ENOSPC", "EROFS"), else its text. */
function errorCode(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause ?? error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : String((cause as Error | undefined)?.message ?? cause);
}

async function settle(pending: Promise<FileRecord | undefined>[]): Promise<FileRecord[]> {
  const done = await Promise.all(pending);
  return done
    .filter((f): f is FileRecord => f !== undefined)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The engine runs cells in the main context, so top-level names are properties of globalThis. */
function globalBindings(names: readonly string[]): Map<string, unknown> {
  const scope = globalThis as Record<string, unknown>;
  return new Map(names.map((name) => [name, safely(() => scope[name])]));
}

/**
 * Canonical hashes of the DataFrames the cell wrote, by name. Bindings of names the cell only
 * read are skipped: hashing a large frame again in every cell that mentions it would cost
 * each such cell a full pass over the data, and the frame edge belongs to its writer.
 */
function frames(
  written: readonly string[],
  bindings: ReadonlyMap<string, unknown>,
  observed: boolean,
): FrameRecord[] {
  const found: FrameRecord[] = [];
  for (const name of written) {
    // An observed cell may change a global it never names (through a helper): read the scope.
    if (!bindings.has(name) && !observed) continue;
    const value = bindings.has(name) ? bindings.get(name) : globalBindings([name]).get(name);
    const hash = safely(() => hashFrame(value));
    if (hash !== undefined) found.push({ name, ...hash });
  }
  return found;
}

/** User objects may throw from getters (or be revoked proxies); such a value is simply not a frame. */
function safely<T>(f: () => T | undefined): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
