/**
 * Errors in replab's own code are values with a stable `kind` (tests assert on it) and a
 * message a user can act on. The kernel turns them into error replies, the CLI into exit codes.
 */
export type ReplabErrorKind =
  | "usage"
  | "notebook-unreadable"
  | "notebook-invalid"
  | "unsupported-language"
  | "unknown-magic"
  | "compile"
  | "interrupted"
  | "timeout"
  | "stdin-not-allowed"
  | "export-exists"
  | "export-failed"
  | "verify-mismatch"
  | "hash-mismatch"
  | "io";

export class ReplabError extends Error {
  override readonly name: string = "ReplabError";
  constructor(
    readonly kind: ReplabErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Type guard that also narrows to one kind when given. */
export function isReplabError(value: unknown, kind?: ReplabErrorKind): value is ReplabError {
  return value instanceof ReplabError && (kind === undefined || value.kind === kind);
}
