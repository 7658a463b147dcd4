/**
 * Cell errors as Jupyter sees them: ename, evalue and a traceback whose frames point at
 * cell lines (mapped through the rewrite and the TypeScript source map) instead of
 * replab's wrapper, with replab's own frames removed.
 */
import type { CellError } from "../session/types.js";

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

/** Turn anything a cell threw into a Jupyter error. */
export function toCellError(thrown: unknown, mapper: PositionMapper): CellError {
  if (!(thrown instanceof Error)) {
    const text = describe(thrown);
    return { ename: "Error", evalue: `Uncaught ${text}`, traceback: [`Uncaught ${text}`] };
  }
  const ename = thrown.name || thrown.constructor?.name || "Error";
  const evalue = thrown.message;
  const stack = typeof thrown.stack === "string" ? thrown.stack : `${ename}: ${evalue}`;
  const lines = stack.split("\n");
  const frames = lines.filter((l) => /^\s+at /.test(l));
  const head = lines.filter((l) => !/^\s+at /.test(l));
  const mapped = frames.map((f) => mapFrame(f, mapper)).filter((f): f is string => f !== undefined);
  const kept = trimInternal(mapped);
  const red = "\u001b[31m";
  const reset = "\u001b[0m";
  return { ename, evalue, traceback: [`${red}${head.join("\n")}${reset}`, ...kept] };
}

function mapFrame(frame: string, mapper: PositionMapper): string | undefined {
  const match = FRAME.exec(frame);
  if (match === null) return frame;
  const [, prefix = "", file = "", line = "0", column = "0"] = match;
  const position = mapper(file, Number(line), Number(column));
  if (position === undefined) return frame;
  if (position === "wrapper") return undefined;
  const where = `${position.label}:${position.line}:${position.column}`;
  const name = prefix.trim().replace(/^at\s*/, "");
  if (name === "" || name.startsWith("async <anonymous>") || name === "<anonymous>")
    return `    at ${where}`;
  return `    at ${name} (${where})`;
}

/** Drop frames from replab itself and from Node internals after the last cell frame. */
function trimInternal(frames: string[]): string[] {
  const lastCell = frames.reduce(
    (last, f, i) => (/cell /.test(f) && !/node:/.test(f) ? i : last),
    -1,
  );
  const kept = lastCell === -1 ? frames : frames.slice(0, lastCell + 1);
  return kept.filter((f) => !/\/dist\/runtime\//.test(f));
}

function describe(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
