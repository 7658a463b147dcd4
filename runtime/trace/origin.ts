/**
 * Tells user code from replab's own and from packages': the kernel stamps messages with the
 * clock and random ids while a cell runs, and those reads are not the cell's; a package
 * that times its own work (tfjs training, danfo) reads the clock too, and the user should
 * see whose read it was. The first stack frame outside Node's internals and the tracers
 * decides; cell code is always the user's.
 */
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(dirname(HERE));
const OWN = ["runtime", "kernel", "bin"].map((d) => join(ROOT, d) + sep);
const TRACE_DIR = HERE + sep;
/**
 * The packages' code cache compiles and runs a package's files in Node's loader's place
 * (executor/package-code-cache.ts): below a package's frames its frames are a loader's, not
 * replab's own code calling the package. Its own reads (a cache file's name) are replab's.
 */
const CODE_CACHE = join(ROOT, "runtime", "executor", "package-code-cache.js");
const FRAME_FILE = /\(?((?:file:\/\/)?[^()\s]+?)(?::\d+){0,2}\)?$/;

/** Who made a traced call: replab itself, the user (cells and their own modules), or a package. */
export type CallOrigin =
  | { kind: "own" }
  | { kind: "user" }
  /** `loading`: the call happened while the package's module code was being evaluated. */
  | { kind: "package"; name: string; loading: boolean };

/** Node's module loaders: a frame of theirs below a package frame means the package is loading. */
const LOADER = /node:internal\/modules\/(cjs\/loader|esm\/module_job)/;

/** True when the nearest caller outside Node and the tracers is replab's own code. */
export function calledFromOwnCode(): boolean {
  return callOrigin().kind === "own";
}

/** The nearest caller outside Node and the tracers, by the file it runs from. */
export function callOrigin(): CallOrigin {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 24;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, callOrigin);
  Error.stackTraceLimit = limit;
  const lines = (holder.stack ?? "").split("\n").slice(1);
  for (const line of lines) {
    if (line.includes("[cell ")) return { kind: "user" };
    const file = frameFile(line);
    if (file === undefined || file.startsWith("node:") || file.startsWith(TRACE_DIR)) continue;
    if (OWN.some((prefix) => file.startsWith(prefix))) return { kind: "own" };
    const name = packageOf(file);
    if (name === undefined) return { kind: "user" };
    // A package replab itself called (vega drawing a chart's SVG), not a cell: replab's read.
    if (calledByOwnCode(lines)) return { kind: "own" };
    return { kind: "package", name, loading: lines.some((l) => LOADER.test(l)) };
  }
  return { kind: "user" };
}

/** True when, below a package's frames, replab's own code is the caller before any cell is. */
function calledByOwnCode(lines: string[]): boolean {
  for (const line of lines) {
    if (line.includes("[cell ")) return false;
    const file = frameFile(line);
    if (file === undefined || file.startsWith(TRACE_DIR) || file === CODE_CACHE) continue;
    if (OWN.some((p) => file.startsWith(p))) return true;
  }
  return false;
}

/** The package a file belongs to: the name after its last node_modules/ segment. */
function packageOf(file: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  if (at === -1) return undefined;
  const parts = file.slice(at + marker.length).split(sep);
  const scoped = parts[0]?.startsWith("@") === true;
  return (scoped ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

function frameFile(line: string): string | undefined {
  const match = FRAME_FILE.exec(line.trim());
  const raw = match?.[1];
  if (raw === undefined) return undefined;
  return raw.startsWith("file://") ? fileURLToPath(raw) : raw;
}
