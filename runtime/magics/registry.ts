/**
 * Cell magics: a cell whose first line starts with `%name` is handled by the magic of that
 * name instead of the compiler (docs/contracts.md, "Magics"). Each magic lives in its own module
 * and
 * registers itself here; the session looks a magic up by name.
 */
import type { ExecuteResultValue, OutputSink } from "../session/types.js";

/** What a magic gets: its argument words, the rest of the cell, the sink, and the live session services. */
export interface MagicContext<Services> {
  args: string[];
  body: string;
  sink: OutputSink;
  services: Services;
}

export type MagicHandler<Services> = (
  context: MagicContext<Services>,
) => Promise<ExecuteResultValue | undefined>;

/** A parsed magic line: `%repro export DIR --target x` -> name "repro", args ["export", "DIR", ...]. */
export interface MagicLine {
  name: string;
  args: string[];
  body: string;
}

/**
 * Why a magic cell cannot run as written, or undefined when it can: replab's magics take their
 * whole cell, so code below the magic line would never run, and dropping it silently would lose
 * what the user wrote (a `%repro seed 7` line above the code it was meant to seed). Blank lines
 * and `//` comments may follow.
 */
export function strayCode(magic: MagicLine): string | undefined {
  const lines = magic.body.split("\n").map((l) => l.trim());
  const index = lines.findIndex((l) => l !== "" && !l.startsWith("//"));
  if (index === -1) return undefined;
  const shown =
    magic.name === "repro" && magic.args[0] !== undefined
      ? `%repro ${magic.args[0]}`
      : `%${magic.name}`;
  return `${shown} takes its whole cell, so the code below it (line ${index + 2}: ${lines[index]}) would not run: move that code into a cell of its own`;
}

/** Split a cell into its magic line and body, or undefined when the cell is not a magic. */
export function parseMagic(code: string): MagicLine | undefined {
  const trimmed = code.replace(/^\s*\n/, "");
  if (!trimmed.startsWith("%")) return undefined;
  const newline = trimmed.indexOf("\n");
  const line = (newline === -1 ? trimmed : trimmed.slice(0, newline)).slice(1).trim();
  const body = newline === -1 ? "" : trimmed.slice(newline + 1);
  const words = splitWords(line);
  const [name, ...args] = words;
  if (name === undefined || name === "") return undefined;
  return { name, args, body };
}

/** Shell-like word splitting with single and double quotes, so paths with spaces work. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const match of line.matchAll(pattern)) {
    words.push(match[1]?.replace(/\\(.)/g, "$1") ?? match[2] ?? match[3] ?? "");
  }
  return words;
}
