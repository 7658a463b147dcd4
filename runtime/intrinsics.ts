/**
 * The built-ins the engine's own message path uses, taken when replab loads, before any cell
 * runs: cells share the engine's realm, and one that replaces `Object.keys` or
 * `Function.prototype.apply` must not silence or end the kernel (docs/architecture.md).
 * Only the path that answers requests and reports errors uses these; the rest of replab
 * fails as the cell's own code does, with the patch's error.
 */

/** `Object.keys`, `Object.getOwnPropertyDescriptor` and `Object.defineProperty` as Node started. */
export const { keys, getOwnPropertyDescriptor, defineProperty } = Object;
/** `Reflect.deleteProperty` as Node started. */
export const { deleteProperty } = Reflect;

const apply = Function.prototype.apply;

/**
 * `listener`, callable by Node's EventEmitter whatever a cell did to Function.prototype.apply:
 * Node 20's `emit` calls `handler.apply(this, args)`, so an own `apply` is the one it calls.
 */
export function shielded<F extends (...args: never[]) => unknown>(listener: F): F {
  return defineProperty(listener, "apply", { value: apply });
}
