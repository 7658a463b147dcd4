/**
 * Run-time observation of the notebook's globals (docs/lineage-semantics.md): which globals a
 * cell's execution read, assigned and changed in place, from anywhere, including functions an
 * earlier cell defined. Every notebook global is an accessor property on the global object
 * while no cell touches it; the first read or write in a cell records the access and turns the
 * property into a plain data property, so a hot loop over a global runs at full speed. When the
 * cell ends the touched globals become accessors again, and values reachable from the globals
 * are compared with their fingerprints from the previous cell to find changes in place.
 */
import { measuredFingerprint } from "./observe-fingerprint.js";

/**
 * Nodes the fingerprints of one cell's end visit at most, over all globals: past it the rest
 * are not checked this time (and start afresh when next checked, so no change is pinned on the
 * wrong cell). The ones this cell touched go first, then the most recently touched.
 */
const CHECK_BUDGET = 300_000;

/** What one execution did to the notebook's globals, names sorted. */
export interface Observation {
  /** Globals read before the cell assigned them: values that came from earlier executions. */
  reads: string[];
  /** Globals the cell bound to a (new) value. */
  assigned: string[];
  /** Globals whose value, or something reachable from it, changed in place. */
  mutated: string[];
}

/** One notebook global as the observer keeps it. */
interface Slot {
  readonly name: string;
  value: unknown;
  /** False until something assigned the global (a declaration that never ran leaves it unset). */
  defined: boolean;
  /** How the running cell first touched it. */
  touched: "read" | "write" | undefined;
  /** The value the first read saw, to tell whether the cell assigned it after reading. */
  readValue: unknown;
  /** Fingerprint as of the end of the last cell that was checked. */
  print: number | undefined;
  /** The accessor's getter, to tell this observer's property from anyone else's. */
  getter?: () => unknown;
  /** Sequence number of the last cell that touched it, to check recent globals first. */
  lastTouched: number;
}

/** Watches the notebook's globals on `holder` (the global object: cells run in the main context). */
export class GlobalObserver {
  private readonly slots = new Map<string, Slot>();
  private touched: Slot[] = [];
  private active = false;
  private cells = 0;

  constructor(private readonly holder: Record<string, unknown> = globalThis) {}

  /** Before a cell runs: make sure `names` (what it declares) are observed, and start recording. */
  begin(names: readonly string[]): void {
    for (const name of names) {
      const slot = this.slots.get(name);
      // A global deleted (or redefined by the user's own defineProperty) is taken over again.
      if (slot !== undefined && !this.ownAccessor(slot)) this.slots.delete(name);
      if (!this.slots.has(name)) this.adopt(name);
    }
    this.touched = [];
    this.active = true;
  }

  /** After the cell: stop recording and say what it did. Safe to call when not begun. */
  finish(): Observation {
    if (!this.active) return { reads: [], assigned: [], mutated: [] };
    this.active = false;
    this.cells++;
    const reads: string[] = [];
    const assigned = new Set<string>();
    for (const slot of this.touched) {
      const wasDefined = slot.defined;
      const now = this.settle(slot);
      if (slot.touched === "read" && wasDefined) reads.push(slot.name);
      if (slot.touched === "write" || !Object.is(now, slot.readValue)) assigned.add(slot.name);
      slot.touched = undefined;
      slot.readValue = undefined;
      slot.lastTouched = this.cells;
    }
    // A cell that touched no global cannot have reached any global's value.
    const mutated = this.touched.length > 0 ? this.changedInPlace(assigned) : [];
    this.touched = [];
    return { reads: reads.sort(), assigned: [...assigned].sort(), mutated };
  }

  /** Give every global back as a plain data property (the session is ending). */
  dispose(): void {
    this.finish();
    for (const slot of this.slots.values()) {
      if (this.ownAccessor(slot)) this.data(slot.name, slot.value);
    }
    this.slots.clear();
  }

  /** Start observing a global: take over its current value behind an accessor. */
  private adopt(name: string): void {
    const d = Object.getOwnPropertyDescriptor(this.holder, name);
    // A non-configurable global (a `var` made before observation began) cannot be watched.
    if (d !== undefined && d.configurable !== true) return;
    const value = d === undefined ? undefined : "value" in d ? d.value : this.holder[name];
    const slot: Slot = {
      name,
      value,
      defined: d !== undefined,
      touched: undefined,
      readValue: undefined,
      print: undefined,
      lastTouched: 0,
    };
    this.slots.set(name, slot);
    this.install(slot);
  }

  private install(slot: Slot): void {
    slot.getter = () => this.read(slot);
    Object.defineProperty(this.holder, slot.name, {
      configurable: true,
      enumerable: true,
      get: slot.getter,
      set: (value: unknown) => this.write(slot, value),
    });
  }

  private read(slot: Slot): unknown {
    if (this.active && slot.touched === undefined) {
      slot.touched = "read";
      slot.readValue = slot.value;
      this.touched.push(slot);
      this.data(slot.name, slot.value);
    }
    return slot.value;
  }

  private write(slot: Slot, value: unknown): void {
    slot.value = value;
    slot.defined = true;
    if (!this.active || slot.touched !== undefined) return;
    slot.touched = "write";
    this.touched.push(slot);
    this.data(slot.name, value);
  }

  private data(name: string, value: unknown): void {
    Object.defineProperty(this.holder, name, {
      configurable: true,
      enumerable: true,
      writable: true,
      value,
    });
  }

  /** Read back a touched global's value and put the accessor in place again. */
  private settle(slot: Slot): unknown {
    const d = Object.getOwnPropertyDescriptor(this.holder, slot.name);
    if (d === undefined) {
      // `delete x`: the global is gone; a later declaration makes it again.
      slot.value = undefined;
      slot.defined = false;
    } else if ("value" in d) {
      slot.value = d.value;
      slot.defined = true;
    }
    if (d === undefined || d.configurable === true) this.install(slot);
    return slot.value;
  }

  /** Globals whose fingerprint changed since the last check, other than those reassigned. */
  private changedInPlace(assigned: ReadonlySet<string>): string[] {
    const mutated: string[] = [];
    let budget = CHECK_BUDGET;
    const order = [...this.slots.values()].sort((a, b) => b.lastTouched - a.lastTouched);
    for (const slot of order) {
      if (!slot.defined) continue;
      if (budget <= 0) {
        slot.print = undefined;
        continue;
      }
      const { print, visited } = safeFingerprint(slot.value);
      budget -= visited;
      if (slot.print !== undefined && slot.print !== print && !assigned.has(slot.name)) {
        mutated.push(slot.name);
      }
      slot.print = print;
    }
    return mutated.sort();
  }

  private ownAccessor(slot: Slot): boolean {
    const d = Object.getOwnPropertyDescriptor(this.holder, slot.name);
    return d !== undefined && d.get === slot.getter;
  }
}

/** A value whose walk throws (a revoked proxy deep inside) gets a fresh number: a change. */
function safeFingerprint(value: unknown): { print: number; visited: number } {
  try {
    return measuredFingerprint(value);
  } catch {
    return { print: Number.NaN, visited: 1 };
  }
}
