/**
 * Runs an exported pipeline for `replab verify` and reads what it REALLY printed and
 * displayed: the child's stdout bytes, cut into cells at the marks the pipeline writes before
 * each cell when REPLAB_VERIFY_MARK is set (a fresh random token per run, so no cell output
 * contains it), and the display records its notebook shim writes under the same token
 * (export/verify-capture.ts, loaded from this replab through REPLAB_VERIFY_CAPTURE). Both are
 * collected into nbformat outputs by the rules `replab run` stores a cell's outputs with
 * (runner/outputs.ts: a clear_output clears, an update replaces), so each cell's stdout and
 * displayed results compare with what the notebook stored. Nothing the pipeline reports about
 * itself in any other way is read.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { fileURLToPath } from "node:url";
import { ReplabError } from "../errors.js";
import type { Output } from "../notebook/types.js";
import { PACKAGE_ROOT } from "../paths.js";
import { NotebookOutputSink } from "../runner/outputs.js";
import type { LockContent } from "./lock-check.js";
import type { CaptureRecord } from "./verify-capture.js";

/** One cell as the pipeline ran it: its stdout and its outputs (stdout streams and displays). */
export interface PrintedCell {
  stdout: LockContent;
  outputs: Output[];
}

/** What the pipeline printed: per cell (in the order they ran), and before the first cell. */
export interface Printed {
  cells: Map<string, PrintedCell>;
  /** Bytes printed (or outputs asked for) before any cell started; the pipeline's own code prints nothing. */
  stray: number;
}

/** The capture module the pipeline loads: beside this file when built, else in dist/ (tests run the sources). */
export function captureModulePath(): string {
  const beside = fileURLToPath(new URL("./verify-capture.js", import.meta.url));
  return existsSync(beside) ? beside : join(PACKAGE_ROOT, "dist/runtime/export/verify-capture.js");
}

/** Run `node pipeline.mjs` in `dir` with `env` added; a failure is a verify-mismatch. */
export async function runPipeline(dir: string, env: Record<string, string>): Promise<Printed> {
  const mark = randomBytes(16).toString("hex");
  const { code, stdout, stderr } = await new Promise<{
    code: number;
    stdout: Buffer;
    stderr: string;
  }>((done, fail) => {
    const child = spawn(process.execPath, ["pipeline.mjs"], {
      cwd: dir,
      env: {
        ...process.env,
        ...env,
        REPLAB_VERIFY_MARK: mark,
        REPLAB_VERIFY_CAPTURE: captureModulePath(),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
    child.on("error", fail);
    child.on("close", (c) => done({ code: c ?? 1, stdout: Buffer.concat(out), stderr: err }));
  });
  if (code !== 0) {
    throw new ReplabError(
      "verify-mismatch",
      `the pipeline failed with exit ${code}:\n${stderr.trimEnd().split("\n").slice(-12).join("\n")}`,
    );
  }
  return splitByMarks(stdout, mark);
}

/**
 * Cut stdout at each `\x1e<mark> <cell id>\n` (a cell starts) and `\x1e<mark>:<JSON>\n` (an
 * output record, for the cell it names); the text between belongs to the cell running.
 */
export function splitByMarks(stdout: Buffer, mark: string): Printed {
  const token = Buffer.from(`\x1e${mark}`, "utf8");
  const cells = new Map<string, { sink: NotebookOutputSink; decoder: StringDecoder }>();
  const cellOf = (id: string) => {
    let cell = cells.get(id);
    if (cell === undefined) {
      cell = { sink: new NotebookOutputSink(), decoder: new StringDecoder("utf8") };
      cells.set(id, cell);
    }
    return cell;
  };
  let at = stdout.indexOf(token);
  let stray = at === -1 ? stdout.length : at;
  let running: string | undefined;
  while (at !== -1) {
    const kind = stdout[at + token.length];
    const end = stdout.indexOf(0x0a, at + token.length);
    if (end === -1) break;
    const line = stdout.subarray(at + token.length + 1, end).toString("utf8");
    if (kind === 0x20) running = line;
    else if (kind === 0x3a) stray += record(line, cellOf, running);
    const next = stdout.indexOf(token, end + 1);
    const text = stdout.subarray(end + 1, next === -1 ? stdout.length : next);
    if (running === undefined) stray += text.length;
    else {
      const cell = cellOf(running);
      cell.sink.stream("stdout", cell.decoder.write(text));
    }
    at = next;
  }
  const printed = new Map<string, PrintedCell>();
  for (const [id, { sink, decoder }] of cells) {
    sink.stream("stdout", decoder.end());
    const text = sink.stdout();
    const sha256 = createHash("sha256").update(text, "utf8").digest("hex");
    printed.set(id, {
      stdout: { sha256, bytes: Buffer.byteLength(text) },
      outputs: sink.outputs(),
    });
  }
  return { cells: printed, stray };
}

/** Apply one output record to the cell it names; returns 1 when it came before any cell (stray). */
function record(
  json: string,
  cellOf: (id: string) => { sink: NotebookOutputSink },
  running: string | undefined,
): number {
  let parsed: CaptureRecord;
  try {
    parsed = JSON.parse(json) as CaptureRecord;
  } catch {
    throw new ReplabError(
      "verify-mismatch",
      "the pipeline wrote an output record that is not JSON",
    );
  }
  if (running === undefined || typeof parsed.cell !== "string") return 1;
  const { sink } = cellOf(parsed.cell);
  switch (parsed.kind) {
    case "display":
      sink.display(parsed.data, {}, parsed.displayId ?? undefined, parsed.update === true);
      return 0;
    case "result":
      sink.result({ data: parsed.data, metadata: {} }, 0);
      return 0;
    case "clear":
      sink.clearOutput(parsed.wait === true);
      return 0;
    default:
      throw new ReplabError(
        "verify-mismatch",
        "the pipeline wrote an output record of no known kind",
      );
  }
}
