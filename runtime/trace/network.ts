/**
 * Records network use (fetch, http/https request and get, net connect) as nondeterminism:
 * a cell that talks to the network may see different data on the next run.
 */
import http from "node:http";
import https from "node:https";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";
import type { TraceState } from "./cell-trace.js";
import { patchMethod, type Unpatch } from "./patch.js";

/** Patch the network entry points; returns the undo. */
export function traceNetwork(state: TraceState): Unpatch {
  const undo: Unpatch[] = [];
  const observe = (label: string) => () => {
    if (state.active) state.nondeterminism(`network:${label}`);
  };
  undo.push(patchMethod(globalThis, "fetch", observe("fetch")));
  for (const [name, module] of [
    ["http", http],
    ["https", https],
  ] as const) {
    for (const method of ["request", "get"]) {
      undo.push(patchMethod(module, method, observe(`${name}.${method}`)));
    }
  }
  for (const method of ["connect", "createConnection"]) {
    undo.push(patchMethod(net, method, observe(`net.${method}`)));
  }
  syncBuiltinESMExports();
  return () => {
    for (const u of undo.reverse()) u();
    syncBuiltinESMExports();
  };
}
