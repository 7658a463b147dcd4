/**
 * The wire codec (a pure module): multipart frames <-> messages. Incoming messages are
 * verified over the bytes as received, checked against the replay history, parsed and
 * validated; anything wrong is a KernelError and the message is dropped by the caller.
 */
import { KernelError } from "./errors.js";
import type { Message } from "./messages.js";
import type { ReplayGuard, Signer } from "./signing.js";
import { assertMessage } from "./validate.js";

export const DELIMITER = Buffer.from("<IDS|MSG>", "utf8");

/** A decoded message with the routing identities it arrived with. */
export interface Incoming {
  identities: Buffer[];
  message: Message<string, unknown>;
}

/** Split, verify, parse and validate one multipart message. */
export function decode(frames: readonly Buffer[], signer: Signer, replays: ReplayGuard): Incoming {
  const at = frames.findIndex((f) => f.equals(DELIMITER));
  if (at === -1) throw new KernelError("frames-malformed", "no <IDS|MSG> delimiter");
  const [signature, header, parent, metadata, content, ...buffers] = frames.slice(at + 1);
  if (
    signature === undefined ||
    header === undefined ||
    parent === undefined ||
    metadata === undefined ||
    content === undefined
  ) {
    throw new KernelError(
      "frames-malformed",
      `expected 5 frames after the delimiter, got ${frames.length - at - 1}`,
    );
  }
  const parts = [header, parent, metadata, content];
  if (signer.enabled && signature.length === 0)
    throw new KernelError("signature-missing", "message is not signed");
  if (!signer.verify(signature, parts))
    throw new KernelError("signature-invalid", "signature does not match");
  if (!replays.admit(signature.toString("utf8")))
    throw new KernelError("signature-replayed", "signature seen before");
  const message = {
    header: parseJson(header, "header"),
    parent_header: parseJson(parent, "parent_header"),
    metadata: parseJson(metadata, "metadata"),
    content: parseJson(content, "content"),
    buffers,
  };
  assertMessage(message);
  return { identities: frames.slice(0, at), message };
}

/** Serialise and sign a message for sending. */
export function encode(
  message: Message<string, unknown>,
  identities: readonly Buffer[],
  signer: Signer,
): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map(
    (p) => Buffer.from(JSON.stringify(p), "utf8"),
  );
  const signature = Buffer.from(signer.sign(parts), "utf8");
  return [
    ...identities,
    DELIMITER,
    signature,
    ...parts,
    ...message.buffers.map((b) => Buffer.from(b)),
  ];
}

function parseJson(frame: Buffer, what: string): unknown {
  try {
    return JSON.parse(frame.toString("utf8"));
  } catch {
    throw new KernelError("json-invalid", `${what} is not JSON`);
  }
}
