/**
 * Cell errors as Jupyter sees them: ename, evalue and a traceback whose frames point at
 * cell lines (mapped through the rewrite and the TypeScript source map) instead of
 * replab's wrapper, with replab's own frames removed. One function, userFrames, decides
 * which frames a user sees, for `error.stack` and for the traceback alike.
 */
import { fileURLToPath } from "node:url";
import { describe as describeWire } from "../display/wire-json.js";
import type { CellError } from "../session/types.js";

/** replab's own runtime (dist/runtime, or runtime/ in a source checkout), as a path and a URL. */
const OWN_URL = new URL("../", import.meta.url).href;
const OWN_PATH = fileURLToPath(OWN_URL);

/**
 * Resolve a script position (1-based) to a cell position: undefined for files that are not
 * cells (kept as they are), "wrapper" for replab's wrapper code (dropped).
 */
export type PositionMapper = (
  file: string,
  line: number,
  column: number,
) => { label: string; line: number; column: number } | "wrapper" | undefined;

const FRAME =
  /^(\s*at .*?)\(?((?:\/|[A-Za-z]:\\|file:)[^()]*?|[^()\s]*\[cell[^()]*?):(\d+):(\d+)\)?$/;

/**
 * Turn anything a cell threw into a Jupyter error; never throws. Formatting runs what a cell
 * can replace (Error.prepareStackTrace on reading `stack`, array methods): when that throws,
 * the error is still named, with a line saying why it has no traceback.
 */
export function toCellError(thrown: unknown, mapper: PositionMapper): CellError {
  try {
    return formatCellError(thrown, mapper);
  } catch (failure) {
    const ename = readSafely(() => (thrown as Error).name, "") || "Error";
    const evalue = readSafely(() => (thrown as Error).message, describe(thrown));
    const why = `(replab could not format this error's traceback: ${describeWire(failure)})`;
    return { ename, evalue, traceback: [`${ename}: ${evalue}`, why] };
  }
}

function readSafely(read: () => unknown, fallback: string): string {
  try {
    const value = read();
    return typeof value === "string" ? value : fallback;
  } catch {
    return fallback;
  }
}

function formatCellError(thrown: unknown, mapper: PositionMapper): CellError {
  if (!(thrown instanceof Error)) {
    const text = describe(thrown);
    return { ename: "Error", evalue: `Uncaught ${text}`, traceback: [`Uncaught ${text}`] };
  }
  const ename = thrown.name || thrown.constructor?.name || "Error";
  const evalue = thrown.message;
  const stack = typeof thrown.stack === "string" ? thrown.stack : `${ename}: ${evalue}`;
  const lines = stack.split("\n");
  const compileError = compileErrorAt(lines, mapper);
  if (compileError !== undefined) {
    const traceback = [`\u001b[31m${ename}: ${evalue}\u001b[0m`, `    at ${compileError}`];
    return { ename, evalue, traceback };
  }
  const frames = lines.filter((l) => /^\s+at /.test(l));
  const head = lines.filter((l) => !/^\s+at /.test(l));
  // A stack installCellStacks made is already the user's; this maps one made elsewhere.
  const kept = userFrames(frames, mapper).frames;
  const red = "\u001b[31m";
  const reset = "\u001b[0m";
  return { ename, evalue, traceback: [`${red}${head.join("\n")}${reset}`, ...kept] };
}

/**
 * The frames a user sees, from frames as V8 prints them: cell frames at cell positions,
 * replab's wrapper, its own files and Node's internals dropped (they change with --timeout,
 * with timing and with where replab is installed), nothing below the last cell frame.
 * `sawCell` tells whether any frame was a cell's. Applying it twice changes nothing.
 */
export function userFrames(
  frames: readonly string[],
  mapper: PositionMapper,
): { frames: string[]; sawCell: boolean } {
  const mapped = frames.map((f) => mapFrame(f, mapper));
  const last = mapped.findLastIndex((f) => f?.cell === true);
  const kept = last === -1 ? mapped : mapped.slice(0, last + 1);
  const shown = kept.filter((f): f is MappedFrame => f !== undefined && !isInternal(f.text));
  return { frames: shown.map((f) => f.text), sawCell: last !== -1 };
}

function isInternal(frame: string): boolean {
  return frame.includes("node:internal/") || frame.includes(OWN_URL) || frame.includes(OWN_PATH);
}

/**
 * Where in the cell a script that does not compile failed (`cell 3:2:5`). V8 starts such an
 * error's stack with `FILE:LINE`, the rewritten line and a caret under the error: the user
 * sees their own position instead, never replab's rewritten code.
 */
function compileErrorAt(lines: string[], mapper: PositionMapper): string | undefined {
  const at = /^(.*\[cell[^\]]*\]):(\d+)$/.exec(lines[0] ?? "");
  const caret = lines[2]?.indexOf("^") ?? -1;
  if (at === null || caret === -1) return undefined;
  const position = mapper(at[1] ?? "", Number(at[2]), caret + 1);
  if (position === undefined || position === "wrapper") return undefined;
  return `${position.label}:${position.line}:${position.column}`;
}

interface MappedFrame {
  text: string;
  /** The frame is in a cell (mapped to its position). */
  cell: boolean;
}

/** One frame at its cell position; undefined for replab's wrapper code. */
function mapFrame(frame: string, mapper: PositionMapper): MappedFrame | undefined {
  const match = FRAME.exec(frame);
  if (match === null) return { text: frame, cell: false };
  const [, prefix = "", file = "", line = "0", column = "0"] = match;
  const position = mapper(file, Number(line), Number(column));
  if (position === undefined) return { text: frame, cell: false };
  if (position === "wrapper") return undefined;
  const where = `${position.label}:${position.line}:${position.column}`;
  const name = prefix.trim().replace(/^at\s*/, "");
  if (name === "" || name.startsWith("async <anonymous>") || name === "<anonymous>")
    return { text: `    at ${where}`, cell: true };
  if (name === "async") return { text: `    at async ${where}`, cell: true };
  return { text: `    at ${name} (${where})`, cell: true };
}

/** A thrown value as text; never throws (a cell may have replaced what each try calls). */
function describe(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    try {
      return Object.prototype.toString.call(value);
    } catch {
      return "a value that cannot be shown";
    }
  }
}

/** Node's Error.stackTraceLimit when nothing sets another. */
const NODE_STACK_LIMIT = 10;
/** The frames V8 keeps beyond it while cells run, for replab's own (never shown). */
const OWN_FRAMES = 30;

/**
 * Makes `error.stack` of every error thrown through a cell read as the user's own code:
 * cell frames at cell positions (`cell 3:2:11`), and nothing of replab below the last cell
 * frame (its runner, timeouts and install paths would change the printed text with
 * `--timeout` or with where replab is installed). Errors that never passed through a cell
 * keep the stack they would have had. Returns the function that puts the old hook back.
 */
export function installCellStacks(mapper: PositionMapper): () => void {
  const previous = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  // Node's default, not one the user chose (--stack-trace-limit): room for the frames replab's
  // tracers add between a cell and the call it made (8 for one readFileSync), which pushed the
  // cell's own frame out of Node's 10, so a missing file's traceback named no cell line.
  if (limit === NODE_STACK_LIMIT) Error.stackTraceLimit = NODE_STACK_LIMIT + OWN_FRAMES;
  const fallback = (error: Error, sites: NodeJS.CallSite[]): string =>
    previous !== undefined ? String(previous(error, sites)) : defaultStack(error, sites);
  Error.prepareStackTrace = (error: Error, sites: NodeJS.CallSite[]) => {
    try {
      return cellStack(error, sites, mapper) ?? fallback(error, sites);
    } catch {
      return fallback(error, sites);
    }
  };
  return () => {
    Error.prepareStackTrace = previous;
    if (Error.stackTraceLimit === NODE_STACK_LIMIT + OWN_FRAMES) Error.stackTraceLimit = limit;
  };
}

/** The stack of an error with a cell frame, as userFrames shows it; undefined without one. */
function cellStack(
  error: Error,
  sites: NodeJS.CallSite[],
  mapper: PositionMapper,
): string | undefined {
  const { frames, sawCell } = userFrames(sites.map(frameText), mapper);
  return sawCell ? [header(error), ...frames].join("\n") : undefined;
}

function defaultStack(error: Error, sites: NodeJS.CallSite[]): string {
  return [header(error), ...sites.map(frameText)].join("\n");
}

/** V8's own first line: `Name: message`. */
function header(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return "Error";
  }
}

/** One frame as V8 prints it (its toString already says `async` and `new`). */
function frameText(site: NodeJS.CallSite): string {
  try {
    return `    at ${site.toString()}`;
  } catch {
    return "    at <unknown>";
  }
}
