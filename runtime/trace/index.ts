/**
 * All tracers behind one switch: install once per recorder, then begin/end per cell.
 */
import { TraceState } from "./cell-trace.js";
import { traceClock } from "./clock.js";
import { traceCrypto } from "./crypto.js";
import { traceFs } from "./fs.js";
import { traceMachine } from "./machine.js";
import { traceNetwork } from "./network.js";
import type { Unpatch } from "./patch.js";

export { CellTrace, TraceState } from "./cell-trace.js";

/** Install every tracer on `state`; the returned function removes them all. */
export function installTracers(state: TraceState): Unpatch {
  const undo = [
    traceFs(state),
    traceClock(state),
    traceCrypto(state),
    traceNetwork(state),
    traceMachine(state),
  ];
  return () => {
    for (const u of undo.reverse()) u();
  };
}

/** A fresh, inactive trace state. */
export function createTraceState(): TraceState {
  return new TraceState();
}
