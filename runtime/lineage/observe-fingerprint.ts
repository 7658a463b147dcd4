/**
 * A bounded structural fingerprint of a value: what lets the observer tell that a cell changed
 * something reachable from a notebook global in place (docs/lineage-semantics.md, "Mutation").
 * It mixes object identities, lengths, keys and content into one 32-bit number. Only own data
 * properties are read, so no getter, proxy trap or toString of the user's runs; arrays longer
 * than LARGE_ARRAY are sampled at fixed positions, so the cost stays flat with the data size.
 */
import { types } from "node:util";

/** Arrays (and typed arrays, maps, sets) longer than this are sampled, not read in full. */
export const LARGE_ARRAY = 65_536;
/** Elements read from a sampled array: evenly spaced, plus the first and last few. */
const SAMPLES = 2_048;
/** Nodes one fingerprint visits at most; past that the rest of the value is left out. */
export const NODE_BUDGET = 100_000;
/** Nesting depth the walk follows. */
const MAX_DEPTH = 12;

const ids = new WeakMap<object, number>();
let nextId = 1;

/** A stable small number per object, so replacing a nested object by an equal one is a change. */
function identity(value: object): number {
  let id = ids.get(value);
  if (id === undefined) {
    id = nextId++;
    ids.set(value, id);
  }
  return id;
}

const float = new Float64Array(1);
const words = new Int32Array(float.buffer);

/** Fingerprint `value`; equal results mean nothing the walk reads has changed. */
export function fingerprint(value: unknown): number {
  return measuredFingerprint(value).print;
}

/** The fingerprint and how many nodes the walk visited (the observer's budget per cell). */
export function measuredFingerprint(value: unknown): { print: number; visited: number } {
  const walk = new Walk();
  const print = walk.value(value, 0);
  return { print, visited: walk.visited };
}

class Walk {
  private hash = 0x811c9dc5;
  private budget = NODE_BUDGET;
  private readonly seen = new Set<object>();

  get visited(): number {
    return NODE_BUDGET - Math.max(0, this.budget);
  }

  value(value: unknown, depth: number): number {
    this.visit(value, depth);
    return this.hash >>> 0;
  }

  private mix(n: number): void {
    this.hash = Math.imul(this.hash ^ n, 0x01000193);
  }

  private visit(value: unknown, depth: number): void {
    if (--this.budget < 0) return;
    switch (typeof value) {
      case "number":
        return this.number(value);
      case "string":
        return this.string(value);
      case "boolean":
        return this.mix(value ? 3 : 4);
      case "bigint":
        return this.string(value.toString(16));
      case "undefined":
        return this.mix(5);
      case "symbol":
        return this.mix(6);
      case "function":
        return this.object(value, depth);
      case "object":
        if (value === null) return this.mix(7);
        return this.object(value, depth);
    }
  }

  private number(n: number): void {
    float[0] = n;
    this.mix(words[0] ?? 0);
    this.mix(words[1] ?? 0);
  }

  private string(s: string): void {
    this.mix(s.length);
    const step = s.length > LARGE_ARRAY ? Math.floor(s.length / SAMPLES) : 1;
    for (let i = 0; i < s.length; i += step) this.mix(s.charCodeAt(i));
  }

  private object(value: object, depth: number): void {
    this.mix(identity(value));
    // A cycle, a shared node, or too deep: its identity is all this walk says about it.
    if (this.seen.has(value) || depth >= MAX_DEPTH) return;
    this.seen.add(value);
    // Proxies would run user traps; module namespaces change only by rebinding their module.
    if (types.isProxy(value) || types.isModuleNamespaceObject(value)) return;
    if (Array.isArray(value)) return this.array(value, depth);
    if (ArrayBuffer.isView(value)) return this.view(value);
    if (types.isDate(value)) return this.number(Date.prototype.getTime.call(value));
    if (types.isMap(value) || types.isSet(value)) return this.collection(value, depth);
    if (types.isArrayBuffer(value)) return this.mix(value.byteLength);
    this.properties(value, depth);
  }

  private array(array: unknown[], depth: number): void {
    const n = array.length;
    this.mix(n);
    eachPosition(n, (i) => this.visit(array[i], depth + 1));
  }

  private view(view: ArrayBufferView): void {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    this.mix(bytes.length);
    eachPosition(bytes.length, (i) => this.mix(bytes[i] ?? 0));
  }

  private collection(value: Map<unknown, unknown> | Set<unknown>, depth: number): void {
    this.mix(value.size);
    let left = value.size > LARGE_ARRAY ? SAMPLES : value.size;
    for (const [k, v] of value.entries()) {
      if (left-- <= 0) break;
      this.visit(k, depth + 1);
      this.visit(v, depth + 1);
    }
  }

  /** Own data properties (functions included: a class's static fields are its state). */
  private properties(value: object, depth: number): void {
    const keys = Object.keys(value);
    this.mix(keys.length);
    for (const key of keys) {
      this.string(key);
      const d = Object.getOwnPropertyDescriptor(value, key);
      if (d !== undefined && "value" in d) this.visit(d.value, depth + 1);
      else this.mix(8);
    }
  }
}

/** Call `f` with every index of a short sequence, or evenly spaced samples of a long one. */
function eachPosition(n: number, f: (i: number) => void): void {
  if (n <= LARGE_ARRAY) {
    for (let i = 0; i < n; i++) f(i);
    return;
  }
  const step = Math.floor(n / SAMPLES);
  for (let i = 0; i < 64; i++) f(i);
  for (let i = 64; i < n - 64; i += step) f(i);
  for (let i = n - 64; i < n; i++) f(i);
}
