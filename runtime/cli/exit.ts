/**
 * How ReplabError kinds become exit codes and messages for every subcommand
 * (docs/contracts.md, "Exit codes").
 */
import { writeRealStderr } from "../executor/capture.js";
import { isReplabError, type ReplabErrorKind } from "../errors.js";

const EXIT_CODES: Record<ReplabErrorKind, number> = {
  usage: 2,
  "notebook-unreadable": 2,
  "notebook-invalid": 2,
  "unsupported-language": 2,
  "unknown-magic": 2,
  "export-exists": 2,
  compile: 1,
  interrupted: 1,
  timeout: 1,
  "stdin-not-allowed": 1,
  "export-failed": 1,
  "verify-mismatch": 1,
  "hash-mismatch": 1,
  io: 1,
};

/** Print a ReplabError and return its exit code; anything else is rethrown (an internal error). */
export function reportError(error: unknown): number {
  if (!isReplabError(error)) throw error;
  writeRealStderr(`replab: ${error.message.trimEnd()}\n`);
  return EXIT_CODES[error.kind];
}

/** Run a subcommand body, mapping ReplabErrors to exit codes. */
export async function runCommand(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    return reportError(error);
  }
}
