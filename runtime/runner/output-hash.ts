/**
 * The per-cell output hash stored at `cell.metadata.replab.outputSha256`.
 *
 * It is the sha256 of a canonical JSON (keys sorted, no whitespace, text joined into one
 * string) of the cell's outputs, in order, keeping only what a reader sees:
 * - stream: `{output_type, name, text}`;
 * - display_data / execute_result: `{output_type, data}` (the MIME bundle; list-of-lines
 *   values joined);
 * - error: `{output_type, ename, evalue}`.
 * Left out because they change between identical runs or do not change what is shown:
 * execution counts, output metadata, transient display ids, and error tracebacks (they hold
 * file paths and terminal colours; ename and evalue still say what failed).
 */
import { createHash } from "node:crypto";
import { joinSource, type Output } from "../notebook/types.js";

/** The canonical form of one output (see the module comment). */
export function canonicalOutput(output: Output): Record<string, unknown> {
  switch (output.output_type) {
    case "stream":
      return { output_type: "stream", name: output.name, text: joinSource(output.text) };
    case "display_data":
    case "execute_result":
      return { output_type: output.output_type, data: joinBundle(output.data) };
    case "error":
      return { output_type: "error", ename: output.ename, evalue: output.evalue };
  }
}

function joinBundle(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(data)) {
    const isLines = Array.isArray(value) && value.every((v) => typeof v === "string");
    out[mime] = isLines ? value.join("") : value;
  }
  return out;
}

/** JSON with keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** sha256 (hex) of a cell's outputs in canonical form. */
export function outputSha256(outputs: Output[]): string {
  return sha256(canonicalJson(outputs.map(canonicalOutput)));
}

/** sha256 (hex) of UTF-8 text. */
export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** A cell's stdout, joined from its stream outputs: what the exported pipeline prints. */
export function stdoutOf(outputs: Output[]): string {
  return outputs
    .map((o) => (o.output_type === "stream" && o.name === "stdout" ? joinSource(o.text) : ""))
    .join("");
}
