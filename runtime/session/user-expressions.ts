/**
 * Jupyter's user_expressions, as ipykernel evaluates them: after a cell that succeeded, each
 * expression is evaluated in the notebook's globals and shown as a MIME bundle (format.ts,
 * whose declared bundles go through the one wire-JSON conversion); one that throws or does
 * not parse gets an error entry of its own and the others still run.
 */
import { toBundle } from "../display/format.js";
import { unboxResult, type SettledResult } from "../executor/settle.js";
import type { CellError, UserExpressionResult } from "./types.js";

/** Evaluate every expression, in order; never throws. */
export async function evaluateUserExpressions(
  expressions: Readonly<Record<string, string>>,
  evaluate: (code: string) => Promise<SettledResult | undefined>,
  toError: (thrown: unknown) => CellError,
): Promise<Record<string, UserExpressionResult>> {
  const results: Record<string, UserExpressionResult> = {};
  for (const [name, code] of Object.entries(expressions)) {
    try {
      const value = unboxResult(await evaluate(code));
      results[name] = { status: "ok", data: await toBundle(value), metadata: {} };
    } catch (thrown) {
      results[name] = { status: "error", ...toError(thrown) };
    }
  }
  return results;
}

/**
 * The source that evaluates one expression as a cell's last value: parenthesised so that a
 * statement (`let x = 1`) is a syntax error, as eval of an expression is in ipykernel; the
 * line break keeps a trailing `//` comment from swallowing the parenthesis.
 */
export function expressionSource(code: string): string {
  return `(${code}\n)`;
}
