/**
 * Replaces a function property with a wrapper that observes the call first and then calls
 * the original with the same `this` and arguments, so return values, errors and callback
 * order stay exactly the user's. Every patch is undone by the function it returns.
 */

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Undo one patch. */
export type Unpatch = () => void;

/**
 * Wrap `target[name]`; `observe` sees the arguments and must not throw (its errors are
 * swallowed: a tracer bug must never become the user's error).
 */
export function patchMethod(
  target: object,
  name: string,
  observe: (args: readonly unknown[]) => void,
): Unpatch {
  return wrapMethod(target, name, (call, args) => {
    try {
      observe(args);
    } catch {
      // Tracing is best effort; the call itself must behave as if we were not here.
    }
    return call(...args);
  });
}

/** The original function, bound to the caller's `this`. */
export type OriginalCall = (...args: unknown[]) => unknown;

/**
 * Replace `target[name]` with `around(call, args)`, where `call` runs the original with the
 * caller's `this`. For tracers that must see a call's result, not only its arguments.
 */
export function wrapMethod(
  target: object,
  name: string,
  around: (call: OriginalCall, args: unknown[]) => unknown,
): Unpatch {
  const holder = target as Record<string, unknown>;
  const original = holder[name];
  if (typeof original !== "function") return () => undefined;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return around((...passed) => (original as AnyFunction).apply(this, passed), args);
  };
  copyIdentity(original as AnyFunction, wrapped);
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  if (descriptor !== undefined && descriptor.configurable !== true) return () => undefined;
  // defineProperty also replaces getter-only properties (node:crypto's getRandomValues).
  Object.defineProperty(target, name, {
    value: wrapped,
    writable: true,
    configurable: true,
    enumerable: descriptor?.enumerable ?? false,
  });
  return () => {
    if (descriptor !== undefined) Object.defineProperty(target, name, descriptor);
    else delete holder[name];
  };
}

/** Keep name, length and symbol-keyed extras such as util.promisify.custom. */
function copyIdentity(original: AnyFunction, wrapped: AnyFunction): void {
  Object.defineProperty(wrapped, "name", { value: original.name });
  Object.defineProperty(wrapped, "length", { value: original.length });
  for (const symbol of Object.getOwnPropertySymbols(original)) {
    const descriptor = Object.getOwnPropertyDescriptor(original, symbol);
    if (descriptor !== undefined) Object.defineProperty(wrapped, symbol, descriptor);
  }
}
