/**
 * What every replab command shares about its usage text: the help flags, printing the text for
 * `--help`, and usage errors that name what was wrong and point at `replab help COMMAND`.
 * Each command owns its text (a `USAGE` export beside its parser): a synopsis paragraph, a
 * blank line, then what it does and its options.
 */
import { ReplabError } from "../errors.js";

/** Whether `arg` asks for help: `-h` or `--help`, in an option's place (not as a flag's value). */
export function isHelpFlag(arg: string): boolean {
  return arg === "-h" || arg === "--help";
}

/** The synopsis of a usage text: its first paragraph, ending in a newline. */
export function synopsis(usage: string): string {
  return `${usage.split("\n\n")[0]?.trimEnd() ?? ""}\n`;
}

/** A usage error for `command`: the message, the command's synopsis, and where its full usage is. */
export function usageError(command: string, usage: string, message: string): ReplabError {
  return new ReplabError(
    "usage",
    `${message}\n${synopsis(usage)}run 'replab help ${command}' for its options`,
  );
}

/** Print a command's usage on stdout (what `--help` asks for); returns exit code 0. */
export function printUsage(usage: string): number {
  process.stdout.write(usage);
  return 0;
}
