/**
 * The one conversion of a value a cell produced to JSON the wire can carry. It is total: it
 * never throws and its result always survives JSON.stringify. The rules, beyond JSON's own:
 * - a BigInt is a number when it is a safe integer, otherwise its decimal string;
 * - a value met again inside itself (a cycle) is the string "[Circular]";
 * - a symbol is its description string, a function "[Function name]";
 * - a toJSON or getter that throws, or an object that cannot be read, is "[Unreadable: why]";
 * - past MAX_DEPTH levels or MAX_NODES values in all, the rest is "[Truncated]".
 */
import { defineProperty, deleteProperty, getOwnPropertyDescriptor, keys } from "../intrinsics.js";

/** JSON as the wire carries it. */
export type WireJson = null | boolean | number | string | WireJson[] | { [key: string]: WireJson };

/** Nesting deeper than this is cut off. */
export const MAX_DEPTH = 100;
/** More values than this in one conversion are cut off. */
export const MAX_NODES = 1_000_000;

interface Walk {
  ancestors: Set<object>;
  nodes: number;
}

/** Convert any value to wire JSON by the rules above; never throws. */
export function toWireJson(value: unknown): WireJson {
  const converted = convert(value, { ancestors: new Set(), nodes: 0 }, 0);
  return converted === undefined ? null : converted;
}

/** undefined means "leave out" (JSON drops such object members and nulls such array items). */
function convert(value: unknown, walk: Walk, depth: number): WireJson | undefined {
  if (++walk.nodes > MAX_NODES || depth > MAX_DEPTH) return "[Truncated]";
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value + 0 : null; // + 0: -0 is 0, as JSON writes it
    case "bigint":
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case "symbol":
      return value.description ?? "Symbol()";
    case "function":
      return `[Function ${safeName(value)}]`;
    case "undefined":
      return undefined;
    case "object":
      return value === null ? null : convertObject(value, walk, depth);
  }
}

function convertObject(value: object, walk: Walk, depth: number): WireJson | undefined {
  if (walk.ancestors.has(value)) return "[Circular]";
  walk.ancestors.add(value);
  try {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") {
      const replaced: unknown = toJSON.call(value, "");
      return replaced === value ? members(value, walk, depth) : convert(replaced, walk, depth);
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView))
      return convert(Array.from(value as unknown as ArrayLike<unknown>), walk, depth);
    if (Array.isArray(value)) return items(value, walk, depth);
    return members(value, walk, depth);
  } catch (error) {
    return `[Unreadable: ${describe(error)}]`;
  } finally {
    walk.ancestors.delete(value);
  }
}

// An indexed loop, not `map`: a cell may have replaced Array.prototype.map.
function items(value: unknown[], walk: Walk, depth: number): WireJson[] {
  const out: WireJson[] = new Array<WireJson>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = convert(value[i], walk, depth + 1) ?? null;
  return out;
}

function members(value: object, walk: Walk, depth: number): WireJson {
  const out: { [key: string]: WireJson } = {};
  // The keys as Node started (intrinsics.ts), walked by index: no array iterator a cell replaced.
  const names = keys(value);
  for (let i = 0; i < names.length; i++) {
    const key = names[i] as string;
    let item: WireJson | undefined;
    try {
      item = convert((value as Record<string, unknown>)[key], walk, depth + 1);
    } catch (error) {
      item = `[Unreadable: ${describe(error)}]`;
    }
    if (item === undefined) continue;
    // A name `out` inherits ("__proto__", or a setter a cell put on Object.prototype) would
    // run on assignment: defineProperty makes it a member, as JSON.parse does. Any other name
    // is assigned, several times faster than defineProperty.
    if (key in out)
      defineProperty(out, key, {
        value: item,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = item;
  }
  return out;
}

function safeName(fn: unknown): string {
  try {
    const name = (fn as { name?: unknown }).name;
    return typeof name === "string" && name !== "" ? name : "(anonymous)";
  } catch {
    return "(anonymous)";
  }
}

/**
 * Run `send` (which converts and posts one of replab's own messages) with any toJSON a cell
 * put on Object.prototype or Array.prototype, which every message inherits from, set aside,
 * then put back. JSON, ours and the IPC channel's, calls an inherited toJSON too:
 * `Object.prototype.toJSON = () => "x"` would turn every message into "x", and its receiver
 * would wait for a reply forever. A toJSON that cannot be removed (non-configurable) stays;
 * the receiver then rejects the message.
 */
export function withInheritedToJSONSetAside<T>(send: () => T): T {
  const fromObject = setAside(Object.prototype);
  const fromArray = setAside(Array.prototype);
  try {
    return send();
  } finally {
    if (fromObject !== undefined) defineProperty(Object.prototype, "toJSON", fromObject);
    if (fromArray !== undefined) defineProperty(Array.prototype, "toJSON", fromArray);
  }
}

function setAside(prototype: object): PropertyDescriptor | undefined {
  const toJSON = getOwnPropertyDescriptor(prototype, "toJSON");
  return toJSON !== undefined && deleteProperty(prototype, "toJSON") ? toJSON : undefined;
}

/** A thrown value's message, without running anything that could throw again. */
export function describe(error: unknown): string {
  try {
    if (error instanceof Error) return String(error.message);
    return typeof error === "string" ? error : typeof error;
  } catch {
    return "unknown error";
  }
}
