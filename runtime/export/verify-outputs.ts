/**
 * A cell's displayed results (display_data and execute_result outputs: `display.*`, a last
 * expression such as `df.head()`) as repro.lock.json records them, and how `replab verify`
 * compares what the pipeline displayed with them. The lock holds, per output in order, its
 * output_type and per MIME type the sha256 and size of the value's text (a string as it is, a
 * list of lines joined, any other JSON value in canonical form, runner/output-hash.ts). A
 * difference names the cell, the output, the MIME type and, when the expected value is known
 * (`--against` reads it from the notebook), the first line that differs.
 */
import { createHash } from "node:crypto";
import type { Output } from "../notebook/types.js";
import { canonicalJson, canonicalOutput } from "../runner/output-hash.js";
import type { LockContent } from "./lock-check.js";

/** One displayed result as the lock records it. */
export interface LockDisplay {
  output_type: "display_data" | "execute_result";
  data: Record<string, LockContent>;
}

type Displayed = Extract<Output, { output_type: "display_data" | "execute_result" }>;

/** What the notebook stored for a cell (known with `--against`): its stdout and displayed results. */
export interface StoredCell {
  stdout: string;
  displays: Output[];
}

/** The displayed results among a cell's outputs, in order. */
export function displayedOf(outputs: readonly Output[]): Displayed[] {
  return outputs.filter(
    (o): o is Displayed => o.output_type === "display_data" || o.output_type === "execute_result",
  );
}

/** The lock's record of a cell's displayed results. */
export function lockDisplays(outputs: readonly Output[]): LockDisplay[] {
  return displayedOf(outputs).map((output) => {
    const { data } = canonicalOutput(output) as { data: Record<string, unknown> };
    const hashed = Object.keys(data)
      .sort()
      .map((mime) => [mime, content(valueText(data[mime]))] as const);
    return { output_type: output.output_type, data: Object.fromEntries(hashed) };
  });
}

/** The text a MIME value is hashed as: a string itself, anything else canonical JSON. */
function valueText(value: unknown): string {
  return typeof value === "string" ? value : canonicalJson(value);
}

/** The text a value is compared by line as: canonical JSON is indented, so a line is one member. */
function lineText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(JSON.parse(canonicalJson(value)), null, 1) ?? "null";
}

function content(text: string): LockContent {
  return {
    sha256: createHash("sha256").update(text, "utf8").digest("hex"),
    bytes: Buffer.byteLength(text),
  };
}

/**
 * The first difference between what the lock expects and what the pipeline displayed, as a
 * sentence naming the cell; undefined when they are the same. `stored` is the notebook's own
 * outputs of the cell, when known, for naming the first differing line.
 */
export function displayDifference(
  cellId: string,
  expected: readonly LockDisplay[],
  got: readonly Output[],
  stored?: readonly Output[],
): string | undefined {
  const shown = displayedOf(got);
  const kept = stored === undefined ? undefined : displayedOf(stored);
  const actual = lockDisplays(shown);
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const want = expected[i];
    const have = actual[i];
    const which = `cell ${cellId}: displayed result ${i + 1}`;
    if (want === undefined)
      return `${which} (${describe(have)}) is not in the notebook: the pipeline displayed ${actual.length}, the notebook ${expected.length}`;
    if (have === undefined)
      return `${which} (${describe(want)}) was not displayed by the pipeline: it displayed ${actual.length}, the notebook ${expected.length}`;
    if (want.output_type !== have.output_type)
      return `${which} is ${have.output_type} in the pipeline, ${want.output_type} in the notebook`;
    const mimes = Object.keys(want.data);
    const theirs = Object.keys(have.data);
    if (mimes.join("\n") !== theirs.join("\n"))
      return `${which}: MIME types differ: the notebook has ${mimes.join(", ")}, the pipeline ${theirs.join(", ")}`;
    for (const mime of mimes) {
      const a = want.data[mime];
      const b = have.data[mime];
      if (a === undefined || b === undefined || (a.sha256 === b.sha256 && a.bytes === b.bytes))
        continue;
      const value = (o: Displayed | undefined): unknown => bundleOf(o)[mime];
      return `${which} (${mime}) differs: ${lineDifference(value(kept?.[i]), value(shown[i]), a)}`;
    }
  }
  return undefined;
}

function bundleOf(output: Displayed | undefined): Record<string, unknown> {
  if (output === undefined) return {};
  return (canonicalOutput(output) as { data: Record<string, unknown> }).data;
}

function describe(display: LockDisplay | undefined): string {
  return display === undefined
    ? "nothing"
    : `${display.output_type} with ${Object.keys(display.data).join(", ")}`;
}

/** Where two values first differ by line; without the expected value, the hashes and the pipeline's first line. */
function lineDifference(expected: unknown, actual: unknown, want: LockContent): string {
  if (expected === undefined) {
    const have = content(valueText(actual));
    const first = lineText(actual).split("\n")[0];
    return `expected sha256 ${want.sha256} (${want.bytes} bytes), got ${have.sha256} (${have.bytes} bytes); the pipeline's line 1: ${quote(first)}`;
  }
  return firstDifferingLine(lineText(expected), lineText(actual));
}

/** The first line where two texts differ, quoting both. */
export function firstDifferingLine(expected: string, actual: string): string {
  const wanted = expected.split("\n");
  const got = actual.split("\n");
  const line = wanted.findIndex((text, i) => got[i] !== text);
  const at = line === -1 ? wanted.length : line;
  return `line ${at + 1}: the notebook has ${quote(wanted[at])}, the pipeline ${quote(got[at])}`;
}

/** A line for a message: JSON-quoted, cut at 120 characters; absent lines say so. */
function quote(line: string | undefined): string {
  if (line === undefined) return "no such line";
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}
