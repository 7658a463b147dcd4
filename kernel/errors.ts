/** Errors of the protocol layer, with stable codes (tests assert on the code, not the text). */
export type KernelErrorCode =
  | "connection-unreadable"
  | "connection-invalid"
  | "frames-malformed"
  | "signature-missing"
  | "signature-invalid"
  | "signature-replayed"
  | "json-invalid"
  | "message-invalid"
  /** A request on a channel that does not run it (execute_request on control). */
  | "wrong-channel"
  /** The engine threw while answering a request. */
  | "engine-failed"
  /** The engine process ended unasked (a cell called process.exit, or it was killed). */
  | "engine-exited"
  /** The engine sent a message that is not one (a cell garbled the built-ins JSON uses). */
  | "engine-message-unreadable";

export class KernelError extends Error {
  override readonly name = "KernelError";
  constructor(
    readonly code: KernelErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Type guard that also narrows to one code when given. */
export function isKernelError(value: unknown, code?: KernelErrorCode): value is KernelError {
  return value instanceof KernelError && (code === undefined || value.code === code);
}

/** An error reply's or error output's ename, evalue and traceback (ipykernel's shape). */
export function errorFields(error: unknown): {
  ename: string;
  evalue: string;
  traceback: string[];
} {
  const ename = isKernelError(error) ? error.code : "KernelError";
  const evalue = error instanceof Error ? error.message : String(error);
  return { ename, evalue, traceback: [`${ename}: ${evalue}`] };
}
