/**
 * Records crypto randomness (randomUUID, getRandomValues, randomBytes and friends) as
 * nondeterminism: replab never replaces it, since keys and ids must stay random.
 */
import crypto from "node:crypto";
import { syncBuiltinESMExports } from "node:module";
import type { TraceState } from "./cell-trace.js";
import { patchMethod, type Unpatch } from "./patch.js";

const NODE = [
  "randomUUID",
  "randomBytes",
  "randomFill",
  "randomFillSync",
  "randomInt",
  "getRandomValues",
  // Key and parameter generation draws fresh randomness too.
  "generateKeyPair",
  "generateKeyPairSync",
  "generateKey",
  "generateKeySync",
  "generatePrime",
  "generatePrimeSync",
  "createECDH",
  "createDiffieHellman",
  "createDiffieHellmanGroup",
];
const WEB = ["randomUUID", "getRandomValues"];

/** Patch node:crypto and globalThis.crypto; returns the undo. */
export function traceCrypto(state: TraceState): Unpatch {
  const undo: Unpatch[] = [];
  const observe = (name: string) => () => {
    if (state.active) state.nondeterminism(`crypto:${label(name)}`);
  };
  for (const name of NODE) undo.push(patchMethod(crypto, name, observe(name)));
  const web = globalThis.crypto as object | undefined;
  if (web !== undefined) for (const name of WEB) undo.push(patchMethod(web, name, observe(name)));
  const subtle = (web as { subtle?: object } | undefined)?.subtle;
  if (subtle !== undefined)
    undo.push(patchMethod(subtle, "generateKey", observe("subtle.generateKey")));
  syncBuiltinESMExports();
  return () => {
    for (const u of undo.reverse()) u();
    syncBuiltinESMExports();
  };
}

/** randomFill and randomFillSync are one source. */
function label(name: string): string {
  return name === "randomFillSync" ? "randomFill" : name;
}
