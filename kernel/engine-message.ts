/**
 * The protocol process's boundary check of what its engine sent: after it, protocol.ts
 * trusts the message's type. The engine runs cells in its own realm, so a cell can garble
 * its messages (a non-configurable Object.prototype.toJSON turns each into a string); such a
 * message becomes "unreadable", and the calls waiting on the engine get an error reply
 * instead of waiting forever.
 */
import type { FromEngine, ToProtocol, UnreadableEngineMessage } from "./bridge.js";
import { isObject } from "./validate.js";

/** The fields each kind needs, beyond `kind`, as protocol.ts reads them. */
const NEEDS: Record<ToProtocol["kind"], (m: Record<string, unknown>) => boolean> = {
  reply: (m) => Number.isInteger(m["id"]) && "result" in m,
  failed: (m) =>
    Number.isInteger(m["id"]) && typeof m["ename"] === "string" && typeof m["evalue"] === "string",
  output: (m) => isObject(m["output"]) && typeof m["output"]["type"] === "string",
  input_request: (m) => Number.isInteger(m["id"]) && typeof m["prompt"] === "string",
  lineage_changed: (m) => isObject(m["graph"]),
  close: () => true,
};

/** Check one message from the engine (Node has parsed its JSON). */
export function readEngineMessage(raw: unknown): FromEngine {
  if (!isObject(raw)) {
    const what = raw === null ? "null" : Array.isArray(raw) ? "an array" : `a ${typeof raw}`;
    return unreadable(`${what}, not an object`);
  }
  const kind = raw["kind"];
  if (typeof kind !== "string" || !Object.hasOwn(NEEDS, kind))
    return unreadable(
      `its kind ${JSON.stringify(kind) ?? "(missing)"} is not one the kernel knows`,
    );
  if (!NEEDS[kind as ToProtocol["kind"]](raw))
    return unreadable(`a "${kind}" message without the fields it needs`);
  return raw as ToProtocol;
}

function unreadable(why: string): UnreadableEngineMessage {
  return { kind: "unreadable", why };
}
