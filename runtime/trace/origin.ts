/**
 * Tells user code from replab's own: the kernel stamps messages with the clock and random
 * ids while a cell runs, and those reads are not the cell's. The first stack frame outside
 * Node's internals and the tracers decides; cell code is always the user's.
 */
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(dirname(HERE));
const OWN = ["runtime", "kernel", "bin"].map((d) => join(ROOT, d) + sep);
const TRACE_DIR = HERE + sep;
const FRAME_FILE = /\(?((?:file:\/\/)?[^()\s]+?)(?::\d+){0,2}\)?$/;

/** True when the nearest caller outside Node and the tracers is replab's own code. */
export function calledFromOwnCode(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, calledFromOwnCode);
  Error.stackTraceLimit = limit;
  const lines = (holder.stack ?? "").split("\n").slice(1);
  for (const line of lines) {
    if (line.includes("[cell ")) return false;
    const file = frameFile(line);
    if (file === undefined || file.startsWith("node:") || file.startsWith(TRACE_DIR)) continue;
    return OWN.some((prefix) => file.startsWith(prefix));
  }
  return false;
}

function frameFile(line: string): string | undefined {
  const match = FRAME_FILE.exec(line.trim());
  const raw = match?.[1];
  if (raw === undefined) return undefined;
  return raw.startsWith("file://") ? fileURLToPath(raw) : raw;
}
