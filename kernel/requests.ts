/**
 * A request is parsed once, where it arrives, into a union keyed by msg_type; handlers sit in
 * a table with one entry per request type, so a request type without a handler does not
 * compile and dispatch needs no casts (docs/style.md, practices 1 and 3).
 */
import type { Message, RequestContent, RequestType } from "./messages.js";
import { assertRequest, isRequestType } from "./validate.js";
import type { Incoming } from "./wire.js";

/** Where a request came in. */
export type Channel = "shell" | "control";

/** A validated request of type K with where it came from, as handlers see it. */
export interface Queued<K extends RequestType = RequestType> {
  channel: Channel;
  type: K;
  message: Message<K, RequestContent[K]>;
  /** The sender's ZeroMQ identities: a reply goes back to them. */
  identities: Buffer[];
  /** Arrival order on shell, so stop_on_error aborts only what came after the failure. */
  seq: number;
}

/** Any validated request: the union over every request type. */
export type AnyQueued = { [K in RequestType]: Queued<K> }[RequestType];

/** What a request that failed validation still carries, so it can get its error reply. */
export interface Rejected {
  channel: Channel;
  type: RequestType;
  message: Message<string, unknown>;
  identities: Buffer[];
  error: unknown;
}

/** What an error reply needs of any request, valid or not. */
export type Answerable = Pick<Rejected, "channel" | "type" | "message" | "identities">;

/** Handles one request type. */
export type Handler<K extends RequestType> = (request: Queued<K>) => Promise<void>;

/** One handler per request type: leaving one out is a compile error. */
export type HandlerTable = { [K in RequestType]: Handler<K> };

/**
 * Parse a decoded message: undefined for a msg_type replab does not handle, a Rejected for
 * invalid content, else the typed request (defaults filled in by validate.ts).
 */
export function parseRequest(
  channel: Channel,
  incoming: Incoming,
  seq: number,
): AnyQueued | Rejected | undefined {
  const { message, identities } = incoming;
  const type = message.header.msg_type;
  if (!isRequestType(type)) return undefined;
  try {
    assertRequest(message, type);
  } catch (error) {
    return { channel, type, message, identities, error };
  }
  return toQueued(channel, type, message, identities, seq);
}

function toQueued<K extends RequestType>(
  channel: Channel,
  type: K,
  message: Message<K, RequestContent[K]>,
  identities: Buffer[],
  seq: number,
): AnyQueued {
  // The one widening: a Queued<K> for the K just checked is a member of the union.
  return { channel, type, message, identities, seq } as Queued<K> as AnyQueued;
}

/** Whether a parse result is a rejected request. */
export function isRejected(parsed: AnyQueued | Rejected): parsed is Rejected {
  return "error" in parsed;
}

/** Call the table's handler for the request's own type. */
export function dispatch<K extends RequestType>(
  table: HandlerTable,
  request: Queued<K>,
): Promise<void> {
  const handler: Handler<K> = table[request.type];
  return handler(request);
}
