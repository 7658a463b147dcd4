/**
 * What a cell whose last expression is a Promise shows (README, "Promises as results"): the
 * value it resolves to, as an `await` would give it; a rejected Promise is shown as
 * `Promise { <rejected> Error: message }` and the cell still succeeds, so a notebook that
 * demonstrates rejections runs. A cell fails only when it throws or awaits a rejection.
 */
import { inspect } from "node:util";
import { JUPYTER_DISPLAY } from "../display/format.js";

/** The cell result for VALUE: a Promise settled, anything else as it is. */
export function settleResult(value: unknown): unknown {
  if (!(value instanceof Promise)) return value;
  return value.then(
    (resolved: unknown) => resolved,
    (reason: unknown) => rejectedResult(reason),
  );
}

function rejectedResult(reason: unknown): object {
  // Name and message only: a stack would carry install paths into the notebook's outputs.
  const text =
    reason instanceof Error ? `${reason.name}: ${reason.message}` : inspect(reason, { depth: 2 });
  return { [JUPYTER_DISPLAY]: () => ({ "text/plain": `Promise { <rejected> ${text} }` }) };
}
