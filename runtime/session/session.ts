/**
 * One notebook's live state: compiles and runs cells, keeps history, and records lineage.
 * Used by the kernel (kernel/main.ts) and the headless runner alike; it never sees a socket.
 * The compiler (and TypeScript with it) loads on first use or on `preload()`, so creating a
 * session is cheap and a kernel can answer kernel_info at once.
 */
import { join } from "node:path";
import type { CellTypeChecker, CompiledCell } from "../compiler/index.js";
import { NOTEBOOK_MODULE_SPECIFIERS, RUNTIME_GLOBAL } from "../compiler/runtime-global.js";
import { formatResult } from "../display/format.js";
import { describe } from "../display/wire-json.js";
import { shielded } from "../intrinsics.js";
import { createNotebookModule } from "../display/notebook-module.js";
import { OutputRouter, writeRealStderr } from "../executor/capture.js";
import { Executor, needsSigintBreak } from "../executor/run.js";
import { localModuleImporter, notebookRequire } from "../executor/local-modules.js";
import { usePackageCodeCache } from "../executor/package-code-cache.js";
import { settleResult, unboxResult, type SettledResult } from "../executor/settle.js";
import { NotebookConstants, constantsGlobal } from "../executor/constants.js";
import { installPrompt } from "../executor/prompt.js";
import { installCellStacks, toCellError, type PositionMapper } from "../executor/traceback.js";
import { missingPackageHint } from "../install-hint.js";
import type { LineageGraph } from "../lineage/types.js";
import { Recorder } from "../repro/recorder.js";
import { cellFrames } from "../tracking/frames.js";
import { RunTracker } from "../tracking/tracker.js";
import type { MagicServices } from "../magics/dispatch.js";
import { parseMagic, strayCode } from "../magics/registry.js";
import { ReplabError } from "../errors.js";
import { banner, languageInfo } from "./info.js";
import { evaluateUserExpressions, expressionSource } from "./user-expressions.js";
import { phase } from "./phases.js";
import { sessionSeed } from "./seed-source.js";
import type {
  CellEngine,
  CellError,
  CompleteResult,
  ExecuteOutcome,
  ExecutePayload,
  ExecuteRequest,
  HistoryEntry,
  InspectResult,
  IsCompleteResult,
  Language,
  OutputSink,
} from "./types.js";

type Compiler = typeof import("../compiler/index.js");

/**
 * What a JavaScript kernel's preload checks and compiles but never runs: a declaration, a
 * closure, an await and a result, the shapes first cells have. The engine's first cell, 8
 * launches each (REPLAB_PHASES, medians): 12.4 ms cold, 7.3 ms after this warm-up.
 */
const WARM_UP_JAVASCRIPT =
  "const warm = [1, 2].map((v) => v * 2);\nawait Promise.resolve(warm);\nwarm";

/** A JavaScript identifier, close enough to find which defined names a cell mentions. */
const IDENTIFIER = /[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*/gu;

export interface SessionOptions {
  language: Language;
  notebookDir: string;
  /** Resolved notebook seed; when absent, REPLAB_SEED or 42. */
  seed?: number | undefined;
  /** The notebook's file name when known (for export READMEs). */
  notebookName?: string | undefined;
  /** Keep the crash-safe lineage journal in <notebookDir>/.replab (default true). */
  journal?: boolean | undefined;
  /** Write a run record in <notebookDir>/.replab/runs (default: as journal; docs/contracts.md, "Run records"). */
  tracking?: boolean | undefined;
  /**
   * Where output a cell's timers and promises print after its reply goes: "latest" (default,
   * Jupyter's rule for kernels) or "origin", the cell that started them (replab run; README,
   * "Late output").
   */
  lateOutput?: "latest" | "origin" | undefined;
  /**
   * The interrupt flag (interruptFlag) to use, when the caller made it first: the kernel's
   * engine shares it with its interrupt relay thread (kernel/interrupt-relay.ts).
   */
  interruptFlag?: SharedArrayBuffer | undefined;
}

/** Create a session; cheap (the compiler loads on first use or on preload()). */
export async function createSession(options: SessionOptions): Promise<Session> {
  return new Session(options);
}

export class Session implements CellEngine {
  readonly language: Language;
  readonly notebookDir: string;
  private readonly router = new OutputRouter();
  private readonly executor: Executor;
  private readonly cells = new Map<string, CompiledCell>();
  /**
   * The script file of each distinct compiled script, named after its first execution, and
   * the label its stack frames show: that of its latest execution. V8 keeps ~1.4 KB for every
   * script compiled under a new name, and compiles a known (name, source) pair from its cache
   * in a tenth of the time, so a cell run again reuses its file instead of taking a new one.
   */
  private readonly scriptFiles = new Map<string, string>();
  private readonly labels = new Map<string, string>();
  private readonly historyEntries: HistoryEntry[] = [];
  /** Seeding, tracing, hashing and lineage (runtime/repro). */
  readonly recorder: Recorder;
  /** This session's run record and the `log` API (runtime/tracking); undefined with tracking off. */
  readonly tracker: RunTracker | undefined;
  /** Every name a cell has defined so far: candidates for the frame hashes of a later cell. */
  private readonly definedNames = new Set<string>();
  private compilerModule: Compiler | undefined;
  private checker: CellTypeChecker | undefined;
  private executionCount = 0;
  /** Settles when the session's first cell has run; undefined until a cell starts. */
  private firstCell: Promise<void> | undefined;
  private readonly stdoutByCell = new Map<string, string>();
  private readonly notebookName: string | undefined;
  /** Puts back the stack formatting that was there before this session. */
  private readonly restoreStacks: () => void;
  /** Puts back the global `prompt` (if any) that was there before this session. */
  private readonly restorePrompt: () => void;

  constructor(options: SessionOptions) {
    this.executor = new Executor(options.interruptFlag);
    this.language = options.language;
    this.notebookDir = options.notebookDir;
    this.notebookName = options.notebookName;
    this.recorder = new Recorder({
      notebookDir: options.notebookDir,
      seed: sessionSeed(options.seed, writeRealStderr),
      journal: options.journal ?? true,
      notebookName: options.notebookName,
      // Shown in the cell that hit it: the user learns lineage was not saved, the cell stands.
      onWarning: (message) => {
        const sink = this.router.current;
        if (sink === undefined) process.stderr.write(`${message}\n`);
        else sink.stream("stderr", `${message}\n`);
      },
    });
    // A session told to keep no journal writes nothing under .replab, run records included.
    this.tracker =
      (options.tracking ?? options.journal) === false
        ? undefined
        : new RunTracker({
            notebookDir: options.notebookDir,
            notebookName: options.notebookName,
            kind: "kernel",
            lineage: () => this.lineage(),
            warn: (message) => writeRealStderr(`${message}\n`),
          });
    const notebookModule = createNotebookModule({
      sink: () => this.router.current,
      seed: () => this.recorder.seed,
      lineage: () => this.lineage(),
      notebookDir: () => this.notebookDir,
      log: () => this.tracker,
    });
    (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = {
      notebookModule,
      stop: this.executor.stop,
      halt: () => this.executor.halt(),
      importLocal: localModuleImporter(options.notebookDir, options.notebookName),
      settle: settleResult,
      ...constantsGlobal(new NotebookConstants()),
    };
    installRequire(notebookRequire(options.notebookDir, options.notebookName), notebookModule);
    usePackageCodeCache();
    this.restorePrompt = installPrompt(() => this.router.current);
    if (options.lateOutput === "origin") this.executor.scope = this.router.attributeToOrigin();
    this.router.install();
    installErrorReporters(this.router, (error) => this.cellError(error));
    this.restoreStacks = installCellStacks(this.cellPosition);
    silenceLoaderWarning();
  }

  get banner(): string {
    return banner(this.language, this.recorder.seed);
  }

  get languageInfo(): Record<string, unknown> {
    return languageInfo(this.language);
  }

  get seed(): number {
    return this.recorder.seed;
  }

  /**
   * Load the compiler (and for TypeScript, the type checker) ahead of the first cell. A
   * client that sends its first cell at once (nbclient, papermill, a bench) has it queued
   * before this runs: that cell's own check does the loading, and a check of an empty cell
   * run between its awaits would only delay its result (the engine's first cell: 189 ms
   * against 97 ms, median of 10 launches), so this waits for that cell and warms only what
   * it left cold.
   */
  async preload(): Promise<void> {
    await this.firstCell;
    const compiler = await this.compiler();
    if (this.language === "typescript" && this.checker === undefined)
      this.typeChecker(compiler).check("");
    if (this.language === "javascript") {
      // Checked and compiled, never run: the first real cell finds both paths compiled.
      compiler.javascriptSyntaxError(WARM_UP_JAVASCRIPT);
      compiler.compileCell(WARM_UP_JAVASCRIPT, "javascript");
    }
  }

  /** Run one cell, then its user_expressions if it succeeded. Never throws. */
  async execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    const running = this.executeCell(request, sink);
    this.firstCell ??= running.then(() => undefined);
    const outcome = await running;
    const expressions = request.userExpressions ?? {};
    if (outcome.status !== "ok" || Object.keys(expressions).length === 0) return outcome;
    const evaluate = (code: string) => this.evaluateExpression(code);
    const toError = (thrown: unknown): CellError => this.cellError(thrown);
    const userExpressions = await evaluateUserExpressions(expressions, evaluate, toError);
    return { ...outcome, userExpressions };
  }

  /** One user expression's value, in the notebook's globals (no type check, no lineage). */
  private async evaluateExpression(code: string): Promise<SettledResult | undefined> {
    const compiled = (await this.compiler()).compileCell(
      expressionSource(code),
      this.language,
      this.notebookDir,
    );
    // Boxed (executor/settle.ts) until the caller reads it: an async function returning the
    // value itself would adopt a thenable, as a cell's result once did.
    const script = this.executor.run(compiled.script, join(this.notebookDir, "[user expression]"));
    return (await script) as SettledResult | undefined;
  }

  /** Run one cell. Never throws: failures come back as an error outcome. */
  private async executeCell(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    const counted = request.storeHistory && !request.silent;
    if (counted) this.executionCount++;
    const executionCount = this.executionCount;
    if (counted)
      this.historyEntries.push({ session: 1, line: executionCount, input: request.code });
    this.router.route(sink);
    const cellId = request.cellId ?? `count-${executionCount}`;
    try {
      const page = await this.pagerRequest(request.code);
      if (page !== undefined)
        return { status: "ok", executionCount, result: undefined, payload: [page] };
      const magic = parseMagic(request.code);
      if (magic !== undefined) {
        const stray = strayCode(magic);
        if (stray !== undefined) throw new ReplabError("usage", stray);
        const { runMagic } = await import("../magics/dispatch.js");
        const result = await runMagic(magic, sink, this.magicServices());
        return { status: "ok", executionCount, result, payload: [] };
      }
      this.keepStdout(cellId, sink);
      phase("route");
      return await this.runCell(request.code, cellId, executionCount);
    } catch (thrown) {
      return { status: "error", executionCount, ...this.cellError(thrown) };
    }
  }

  private magicServices(): MagicServices {
    return {
      engine: this,
      notebookName: this.notebookName,
      stdoutOf: (cellId) => this.stdoutByCell.get(cellId),
      recorder: this.recorder,
    };
  }

  /** Keep what a cell prints, for `%repro export` to record in the lockfile. */
  private keepStdout(cellId: string, sink: OutputSink): void {
    this.stdoutByCell.set(cellId, "");
    this.router.route({
      stream: (name, text) => {
        if (name === "stdout")
          this.stdoutByCell.set(cellId, (this.stdoutByCell.get(cellId) ?? "") + text);
        sink.stream(name, text);
      },
      display: (...args) => sink.display(...args),
      clearOutput: (wait) => sink.clearOutput(wait),
      input: (prompt, password) => sink.input(prompt, password),
    });
  }

  private async runCell(
    code: string,
    cellId: string,
    executionCount: number,
  ): Promise<ExecuteOutcome> {
    const compiler = await this.compiler();
    const refused = this.refuse(compiler, code);
    phase("check");
    if (refused !== undefined) {
      await this.record(code, cellId, executionCount, "error", []);
      return { status: "error", executionCount, ...refused };
    }
    const compiled = compiler.compileCell(code, this.language, this.notebookDir);
    const filename = this.scriptFile(compiled, executionCount);
    phase("compile");
    this.recorder.beginCell(cellId, code, compiled.names);
    this.tracker?.cellStarted(cellId);
    phase("seed");
    let value: unknown;
    try {
      value = await this.executor.run(compiled.script, filename, needsSigintBreak(code));
    } catch (thrown) {
      phase("run");
      await this.record(code, cellId, executionCount, "error", compiled.names);
      throw thrown;
    }
    phase("run");
    await this.record(code, cellId, executionCount, "ok", compiled.names);
    const result = compiled.hasResult ? await formatResult(unboxResult(value)) : undefined;
    phase("format");
    return { status: "ok", executionCount, result, payload: [] };
  }

  /** Record an execution in lineage, with the values of names it defined or may have mutated. */
  private async record(
    code: string,
    cellId: string,
    executionCount: number,
    status: "ok" | "error",
    defined: readonly string[],
  ): Promise<void> {
    // Observation of the cell's globals stops before replab reads them below.
    this.recorder.finishRun();
    for (const name of defined) this.definedNames.add(name);
    const global = globalThis as Record<string, unknown>;
    // Walk the cell's identifiers, not every name the notebook defined: this runs per cell.
    const mentioned = new Set(defined);
    for (const word of code.match(IDENTIFIER) ?? []) {
      if (this.definedNames.has(word)) mentioned.add(word);
    }
    const bindings = new Map([...mentioned].map((n) => [n, global[n]]));
    const language = this.language;
    const { sourceSha256 } = await this.recorder.endCell({
      cellId,
      executionCount,
      code,
      language,
      status,
      bindings,
    });
    // The cell has ended: what its imports compiled can be cached now, outside its trace.
    usePackageCodeCache()?.writeSoon();
    phase("lineage");
    if (this.tracker !== undefined) {
      const frames = cellFrames(cellId, bindings, () => this.lineage());
      await this.tracker.cellEnded({ id: cellId, executionCount, sourceSha256, status }, frames);
      phase("run-record");
    }
  }

  /** Type errors (TypeScript) or syntax errors (JavaScript) stop a cell before it runs. */
  private refuse(compiler: Compiler, code: string): CellError | undefined {
    if (this.language === "javascript") return compiler.javascriptSyntaxError(code);
    const checked = this.typeChecker(compiler).check(code);
    if (checked.ok) {
      checked.commit();
      return undefined;
    }
    const first = checked.diagnostics[0];
    const evalue = first === undefined ? "" : `${first.line}:${first.column} - ${first.message}`;
    return {
      ename: "TSError",
      evalue,
      traceback: compiler.renderDiagnostics(checked.diagnostics, code),
    };
  }

  /** `name?` and `name??` open the pager with the inspection of `name`, as in IPython. */
  private async pagerRequest(code: string): Promise<ExecutePayload | undefined> {
    const match = /^\s*([\p{ID_Start}$_][\p{ID_Continue}$.]*)\s*(\?\??)\s*$/u.exec(code);
    if (match === null) return undefined;
    const expression = match[1] ?? "";
    const found = await this.inspect(expression, expression.length, match[2] === "??" ? 1 : 0);
    const data = found.found ? found.data : { "text/plain": `Object \`${expression}\` not found.` };
    return { source: "page", data, start: 0 };
  }

  /** The file `compiled` runs as in execution `executionCount` (see scriptFiles). */
  private scriptFile(compiled: CompiledCell, executionCount: number): string {
    let filename = this.scriptFiles.get(compiled.script);
    if (filename === undefined) {
      filename = join(this.notebookDir, `[cell ${executionCount}]`);
      this.scriptFiles.set(compiled.script, filename);
    }
    this.cells.set(filename, compiled);
    this.labels.set(filename, `cell ${executionCount}`);
    return filename;
  }

  /** Format a thrown value, mapping stack frames to cell positions. */
  private cellError(thrown: unknown): CellError {
    const error = toCellError(thrown, this.cellPosition);
    const hint = missingPackageHint(thrown, this.notebookDir);
    return hint === undefined ? error : { ...error, traceback: [...error.traceback, hint] };
  }

  /** Where a script position lies in the user's cell: the one mapping of stack frames. */
  private readonly cellPosition: PositionMapper = (file, line, column) => {
    const cell = this.cells.get(file);
    if (cell === undefined || this.compilerModule === undefined) return undefined;
    const label = this.labels.get(file) ?? file.slice(file.lastIndexOf("[") + 1, -1);
    const position = this.compilerModule.mapPosition(cell, line, column);
    return position === undefined ? "wrapper" : { label, ...position };
  };

  private async compiler(): Promise<Compiler> {
    this.compilerModule ??= await import("../compiler/index.js");
    return this.compilerModule;
  }

  private typeChecker(compiler: Compiler): CellTypeChecker {
    this.checker ??= new compiler.CellTypeChecker(this.notebookDir);
    return this.checker;
  }

  async complete(code: string, cursorPos: number): Promise<CompleteResult> {
    if (/^\s*%/.test(code)) {
      const magic = await completeMagic(code, cursorPos);
      if (magic !== undefined) return magic;
    }
    const compiler = await this.compiler();
    const checker = this.language === "typescript" ? this.typeChecker(compiler) : undefined;
    return compiler.complete(code, cursorPos, checker);
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectResult> {
    const compiler = await this.compiler();
    const checker = this.language === "typescript" ? this.typeChecker(compiler) : undefined;
    return compiler.inspectAt(code, cursorPos, detailLevel, checker);
  }

  async isComplete(code: string): Promise<IsCompleteResult> {
    return (await this.compiler()).isComplete(code);
  }

  interrupt(): void {
    this.executor.interrupt();
  }

  /** Wait at most `boundMs` for timers cells left pending (lateOutput "origin"); true when none is left. */
  settleTimers(boundMs: number | undefined): Promise<boolean> {
    return this.executor.scope.settle(boundMs);
  }

  get interruptFlag(): SharedArrayBuffer {
    return this.executor.stop.buffer as SharedArrayBuffer;
  }

  lineage(): LineageGraph {
    return this.recorder.graph();
  }

  onLineageChange(listener: (graph: LineageGraph) => void): () => void {
    return this.recorder.onChange(listener);
  }

  history(): readonly HistoryEntry[] {
    return this.historyEntries;
  }

  async dispose(): Promise<void> {
    // A run that ends right after its imports still leaves their code cached for the next.
    usePackageCodeCache()?.flush();
    await this.tracker?.finish("finished");
    this.recorder.dispose();
    this.restoreStacks();
    this.restorePrompt();
    this.router.uninstall();
  }
}

/** `require` in cells resolves from the notebook's directory; `replab` and `tslab` are the notebook module. */
function installRequire(base: NodeJS.Require, notebookModule: Record<string, unknown>): void {
  const cellRequire = Object.assign(
    (id: string): unknown => (NOTEBOOK_MODULE_SPECIFIERS.has(id) ? notebookModule : base(id)),
    {
      resolve: base.resolve,
      cache: base.cache,
    },
  );
  (globalThis as Record<string, unknown>)["require"] = cellRequire;
}

/** Errors a cell's timers or promises throw later are shown, and the kernel lives on. */
function installErrorReporters(router: OutputRouter, format: (e: unknown) => CellError): void {
  // It must never throw: a throw here ends the engine (Node's exit code 7), and formatting
  // runs what the cell may have replaced.
  const report = shielded((error: unknown): void => {
    try {
      const text = `${format(error).traceback.join("\n")}\n`;
      const sink = router.current;
      if (sink === undefined) writeRealStderr(text);
      else sink.stream("stderr", text);
    } catch (failure) {
      writeRealStderr(`replab: a cell's later error could not be shown: ${describe(failure)}\n`);
    }
  });
  process.on("uncaughtException", report);
  process.on("unhandledRejection", report);
}

/** Node warns once that vm's default-loader constant is experimental; users cannot act on it. */
function silenceLoaderWarning(): void {
  const listeners = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    const ours =
      warning.name === "ExperimentalWarning" &&
      /USE_MAIN_CONTEXT_DEFAULT_LOADER/.test(warning.message);
    if (!ours) for (const listener of listeners) listener(warning);
  });
}

/** Completions on a magic line (`%re` -> `%repro`); undefined elsewhere in a magic cell. */
async function completeMagic(code: string, cursorPos: number): Promise<CompleteResult | undefined> {
  const [{ magicCompletions }, { reproSubcommands }] = await Promise.all([
    import("../magics/help.js"),
    import("../magics/dispatch.js"),
  ]);
  const found = magicCompletions(code, cursorPos, reproSubcommands());
  if (found === undefined) return undefined;
  const type = found.start > 0 && code[found.start - 1] === "%" ? "magic" : "keyword";
  return {
    matches: found.matches,
    cursorStart: found.start,
    cursorEnd: cursorPos,
    types: found.matches.map((text) => ({ text, type, start: found.start, end: cursorPos })),
  };
}
