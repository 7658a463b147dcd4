/**
 * What a cell whose last expression is a Promise shows (README, "Promises as results"): the
 * value it resolves to, as an `await` would give it; a rejected Promise is shown as
 * `Promise { <rejected> Error: message }` and the cell still succeeds, so a notebook that
 * demonstrates rejections runs. A cell fails only when it throws or awaits a rejection.
 */
import { inspect, types } from "node:util";
import { JUPYTER_DISPLAY } from "../display/format.js";

/**
 * A cell result in a box: an array is never a thenable, so nothing that awaits the box adopts
 * what is in it (a `{ then() {} }` result hung its cell, a revoked Proxy failed it).
 */
export type SettledResult = readonly [unknown];

/** The result a cell's script resolved to (its box, or undefined without one). */
export function unboxResult(scriptValue: unknown): unknown {
  return (scriptValue as SettledResult | undefined)?.[0];
}

/** The cell result for VALUE, boxed: a Promise settled, anything else (a thenable too) as it is. */
export function settleResult(value: unknown): SettledResult | Promise<SettledResult> {
  // isPromise, not instanceof: a revoked Proxy's prototype cannot be asked for.
  if (!types.isPromise(value)) return [value];
  return value.then(
    (resolved: unknown) => [resolved] as const,
    (reason: unknown) => [rejectedResult(reason)] as const,
  );
}

function rejectedResult(reason: unknown): object {
  // Name and message only: a stack would carry install paths into the notebook's outputs.
  const text =
    reason instanceof Error ? `${reason.name}: ${reason.message}` : inspect(reason, { depth: 2 });
  return { [JUPYTER_DISPLAY]: () => ({ "text/plain": `Promise { <rejected> ${text} }` }) };
}
