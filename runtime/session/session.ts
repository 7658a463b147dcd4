/**
 * One notebook's live state: compiles and runs cells, keeps history, and records lineage.
 * Used by the kernel (kernel/main.ts) and the headless runner alike; it never sees a socket.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import ts from "typescript";
import type { CellTypeChecker } from "../compiler/service.js";
import { compileCell, mapPosition, type CompiledCell } from "../compiler/compile.js";
import { renderDiagnostics, toCellDiagnostic } from "../compiler/diagnostics.js";
import { RUNTIME_GLOBAL } from "../compiler/rewrite.js";
import { formatResult } from "../display/format.js";
import { createNotebookModule } from "../display/notebook-module.js";
import { OutputRouter, writeRealStderr } from "../executor/capture.js";
import { Executor } from "../executor/run.js";
import { toCellError } from "../executor/traceback.js";
import { LINEAGE_SCHEMA, type LineageGraph } from "../lineage/types.js";
import { parseMagic } from "../magics/registry.js";
import { complete, inspectAt, isComplete } from "./introspection.js";
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

export interface SessionOptions {
  language: Language;
  notebookDir: string;
  /** Resolved notebook seed; when absent, REPLAB_SEED or 42. */
  seed?: number | undefined;
}

/** Jupyter's language_info for each kernel. */
export function languageInfo(language: Language): Record<string, unknown> {
  return language === "typescript"
    ? {
        name: "typescript",
        version: "6.0",
        mimetype: "text/typescript",
        file_extension: ".ts",
        pygments_lexer: "typescript",
        codemirror_mode: { name: "javascript", typescript: true },
      }
    : {
        name: "javascript",
        version: process.versions.node,
        mimetype: "text/javascript",
        file_extension: ".js",
        pygments_lexer: "javascript",
        codemirror_mode: "javascript",
      };
}

/** Create a session; cheap (TypeScript loads on first use). */
export async function createSession(options: SessionOptions): Promise<Session> {
  return new Session(options);
}

export class Session implements CellEngine {
  readonly language: Language;
  readonly notebookDir: string;
  private readonly router = new OutputRouter();
  private readonly executor = new Executor();
  private readonly cells = new Map<string, CompiledCell>();
  private readonly historyEntries: HistoryEntry[] = [];
  private readonly lineageListeners = new Set<(graph: LineageGraph) => void>();
  private checker: CellTypeChecker | undefined;
  private executionCount = 0;
  private seedValue: number;

  constructor(options: SessionOptions) {
    this.language = options.language;
    this.notebookDir = options.notebookDir;
    this.seedValue = options.seed ?? seedFromEnvironment() ?? 42;
    const notebookModule = createNotebookModule({
      sink: () => this.router.current,
      seed: () => this.seedValue,
      lineage: () => this.lineage(),
    });
    (globalThis as Record<string, unknown>)[RUNTIME_GLOBAL] = { notebookModule };
    this.router.install();
    installErrorReporters(this.router, (error) => this.cellError(error));
    silenceLoaderWarning();
  }

  get banner(): string {
    const lang = this.language === "typescript" ? "TypeScript" : "JavaScript";
    return `replab: ${lang} on Node.js ${process.version}, reproducible by default (seed ${this.seedValue})`;
  }

  get languageInfo(): Record<string, unknown> {
    return languageInfo(this.language);
  }

  get seed(): number {
    return this.seedValue;
  }

  /** Run one cell. Never throws: failures come back as an error outcome. */
  async execute(request: ExecuteRequest, sink: OutputSink): Promise<ExecuteOutcome> {
    if (request.storeHistory && !request.silent) this.executionCount++;
    const executionCount = this.executionCount;
    if (request.storeHistory && !request.silent) {
      this.historyEntries.push({ session: 1, line: executionCount, input: request.code });
    }
    this.router.route(sink);
    const cellId = request.cellId ?? `count-${executionCount}`;
    try {
      const page = await this.pagerRequest(request.code);
      if (page !== undefined)
        return { status: "ok", executionCount, result: undefined, payload: [page] };
      const magic = parseMagic(request.code);
      if (magic !== undefined) {
        return { status: "error", executionCount, ...unknownMagic(magic.name) };
      }
      return await this.runCell(request.code, cellId, executionCount);
    } catch (thrown) {
      return { status: "error", executionCount, ...this.cellError(thrown) };
    }
  }

  private async runCell(
    code: string,
    cellId: string,
    executionCount: number,
  ): Promise<ExecuteOutcome> {
    if (this.language === "typescript") {
      const checked = (await this.typeChecker()).check(code);
      if (!checked.ok) {
        const first = checked.diagnostics[0];
        const evalue =
          first === undefined ? "" : `${first.line}:${first.column} - ${first.message}`;
        return {
          status: "error",
          executionCount,
          ename: "TSError",
          evalue,
          traceback: renderDiagnostics(checked.diagnostics, code),
        };
      }
      checked.commit();
    } else {
      const syntaxError = javascriptSyntaxError(code);
      if (syntaxError !== undefined) return { status: "error", executionCount, ...syntaxError };
    }
    const compiled = compileCell(code, this.language);
    const label = `cell ${executionCount}`;
    const filename = join(this.notebookDir, `[${label}]`);
    this.cells.set(filename, compiled);
    const value = await this.executor.run(compiled.script, filename);
    const result = compiled.hasResult ? await formatResult(value) : undefined;
    void cellId;
    return { status: "ok", executionCount, result, payload: [] };
  }

  /** `name?` and `name??` open the pager with the inspection of `name`, as in IPython. */
  private async pagerRequest(code: string): Promise<ExecutePayload | undefined> {
    const match = /^\s*([\p{ID_Start}$_][\p{ID_Continue}$.]*)\s*(\?\??)\s*$/u.exec(code);
    if (match === null) return undefined;
    const expression = match[1] ?? "";
    const detail = match[2] === "??" ? 1 : 0;
    const found = await this.inspect(expression, expression.length, detail);
    const data = found.found ? found.data : { "text/plain": `Object \`${expression}\` not found.` };
    return { source: "page", data, start: 0 };
  }

  private inspectSync(code: string, cursorPos: number, detailLevel: 0 | 1): InspectResult {
    return inspectAt(
      code,
      cursorPos,
      detailLevel,
      this.language === "typescript" ? this.checker : undefined,
    );
  }

  /** Format a thrown value, mapping stack frames to cell positions. */
  private cellError(thrown: unknown): CellError {
    return toCellError(thrown, (file, line, column) => {
      const cell = this.cells.get(file);
      if (cell === undefined) return undefined;
      const label = file.slice(file.lastIndexOf("[") + 1, -1);
      const position = mapPosition(cell, line, column);
      return position === undefined ? "wrapper" : { label, ...position };
    });
  }

  private async typeChecker(): Promise<CellTypeChecker> {
    if (this.checker === undefined) {
      const { CellTypeChecker } = await import("../compiler/service.js");
      this.checker = new CellTypeChecker(this.notebookDir);
    }
    return this.checker;
  }

  async complete(code: string, cursorPos: number): Promise<CompleteResult> {
    const checker = this.language === "typescript" ? await this.typeChecker() : undefined;
    return complete(code, cursorPos, checker);
  }

  async inspect(code: string, cursorPos: number, detailLevel: 0 | 1): Promise<InspectResult> {
    if (this.language === "typescript") await this.typeChecker();
    return this.inspectSync(code, cursorPos, detailLevel);
  }

  isComplete(code: string): IsCompleteResult {
    return isComplete(code);
  }

  interrupt(): void {
    this.executor.interrupt();
  }

  lineage(): LineageGraph {
    return { schema: LINEAGE_SCHEMA, seed: this.seedValue, nodes: [], edges: [] };
  }

  onLineageChange(listener: (graph: LineageGraph) => void): () => void {
    this.lineageListeners.add(listener);
    return () => this.lineageListeners.delete(listener);
  }

  history(): readonly HistoryEntry[] {
    return this.historyEntries;
  }

  async dispose(): Promise<void> {
    this.router.uninstall();
  }
}

/** Syntax errors in a JavaScript cell, reported at cell positions rather than in the wrapper. */
function javascriptSyntaxError(code: string): CellError | undefined {
  const file = ts.createSourceFile("cell.js", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const parseErrors = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  if (parseErrors.length === 0) return undefined;
  const diagnostics = parseErrors.map((d) => toCellDiagnostic(d, file));
  const first = diagnostics[0];
  const evalue = first === undefined ? "" : `${first.line}:${first.column} - ${first.message}`;
  return { ename: "SyntaxError", evalue, traceback: renderDiagnostics(diagnostics, code) };
}

function seedFromEnvironment(): number | undefined {
  const raw = process.env["REPLAB_SEED"];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) {
    writeRealStderr(`replab: REPLAB_SEED=${raw} is not an integer; using the next seed source\n`);
    return undefined;
  }
  return value;
}

function unknownMagic(name: string): CellError {
  const known = "%repro export|seed|status|verify, %lineage";
  const evalue = `Unknown magic %${name}. Known magics: ${known}.`;
  return { ename: "UnknownMagic", evalue, traceback: [evalue] };
}

/** Errors a cell's timers or promises throw later are shown, and the kernel lives on. */
function installErrorReporters(router: OutputRouter, format: (e: unknown) => CellError): void {
  const report = (error: unknown): void => {
    const { traceback } = format(error);
    const text = `${traceback.join("\n")}\n`;
    const sink = router.current;
    if (sink === undefined) writeRealStderr(text);
    else sink.stream("stderr", text);
  };
  process.on("uncaughtException", report);
  process.on("unhandledRejection", report);
}

/** Node warns once that vm's default-loader constant is experimental; users cannot act on it. */
function silenceLoaderWarning(): void {
  const listeners = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    if (
      warning.name === "ExperimentalWarning" &&
      /USE_MAIN_CONTEXT_DEFAULT_LOADER/.test(warning.message)
    )
      return;
    for (const listener of listeners) listener(warning);
  });
}

/** sha256 of a cell's source, as lineage records it. */
export function sourceSha256(code: string): string {
  return createHash("sha256").update(code, "utf8").digest("hex");
}
