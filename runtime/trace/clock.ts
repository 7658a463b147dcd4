/**
 * Records clock reads (Date.now, new Date() and Date() with no arguments, performance.now)
 * as nondeterminism. Date is replaced by a Proxy of itself, so `instanceof Date`, subclassing,
 * statics and every returned value are the original's.
 */
import { performance } from "node:perf_hooks";
import type { TraceState } from "./cell-trace.js";
import { patchMethod, type Unpatch } from "./patch.js";

/** Patch the clock sources; returns the undo. */
export function traceClock(state: TraceState): Unpatch {
  const OriginalDate = globalThis.Date;
  const proxy: DateConstructor = new Proxy(OriginalDate, {
    construct(target, args, newTarget) {
      if (args.length === 0 && state.active) state.nondeterminism("clock:new Date()");
      return Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as object;
    },
    apply(target, thisArg, args) {
      if (state.active) state.nondeterminism("clock:Date()");
      return Reflect.apply(target, thisArg, args) as string;
    },
  });
  const undoNow = patchMethod(OriginalDate, "now", () => {
    if (state.active) state.nondeterminism("clock:Date.now");
  });
  const undoPerf = patchMethod(performance, "now", () => {
    if (state.active) state.nondeterminism("clock:performance.now");
  });
  globalThis.Date = proxy;
  // `new Date().constructor === Date` must stay true while Date is the proxy.
  const constructor = Object.getOwnPropertyDescriptor(OriginalDate.prototype, "constructor");
  Object.defineProperty(OriginalDate.prototype, "constructor", { ...constructor, value: proxy });
  return () => {
    if (constructor !== undefined) {
      Object.defineProperty(OriginalDate.prototype, "constructor", constructor);
    }
    if (globalThis.Date === proxy) globalThis.Date = OriginalDate;
    undoPerf();
    undoNow();
  };
}
